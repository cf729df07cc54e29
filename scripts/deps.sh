#!/usr/bin/env bash
# Install the Debian packages that aslrboot's build, tests and `make run` need.
# As root: apt-get installs what is missing. Otherwise: print the exact command and fail.
# Also unpacks gnu-efi for arm64 (Debian's gnu-efi:arm64: headers, crt0, linker
# script, libraries) into $GNU_EFI_AA64 (default build/gnu-efi-aa64) for the
# arm64 UEFI build; nothing of it is installed system-wide or committed.
# Usage: scripts/deps.sh [--check]   (--check: only report, never install)
set -euo pipefail

PKGS=(
  build-essential clang clang-format lld llvm libclang-rt-14-dev
  nasm gnu-efi libelf-dev
  qemu-system-x86 ovmf
  qemu-system-arm qemu-efi-aarch64 gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools dosfstools
  gnuplot-nox zstd xz-utils lz4 python3
  sbsigntool swtpm swtpm-tools tpm2-tools openssl
)
cd "$(dirname "$0")/.."
GNU_EFI_AA64=${GNU_EFI_AA64:-build/gnu-efi-aa64}
# The files the arm64 build uses from the package: present = unpacked.
GNU_EFI_AA64_FILES=(usr/lib/crt0-efi-aarch64.o usr/lib/elf_aarch64_efi.lds
  usr/lib/libgnuefi.a usr/lib/libefi.a usr/include/efi/aarch64/efibind.h)
check=false
[ "${1:-}" = --check ] && check=true

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
root() { [ "$(id -u)" -eq 0 ]; }

missing=()
for p in "${PKGS[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if $check; then
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: install them with: $cmd" >&2
    exit 1
  fi
  if ! root; then
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: run as root: apt-get update && $cmd" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get install -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# gnu-efi:arm64, unpacked (not installed: it would replace the amd64 one).
have_aa64=true
for f in "${GNU_EFI_AA64_FILES[@]}"; do
  [ -e "$GNU_EFI_AA64/$f" ] || have_aa64=false
done
$have_aa64 && exit 0
if $check; then
  echo "deps: gnu-efi for arm64 is not unpacked in $GNU_EFI_AA64 (run scripts/deps.sh)" >&2
  exit 1
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  if ! root; then
    echo "deps: run as root: dpkg --add-architecture arm64 && apt-get update" >&2
    exit 1
  fi
  echo "deps: adding the arm64 architecture to dpkg (package lists only)" >&2
  dpkg --add-architecture arm64
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-deps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root gnu-efi:arm64 >&2); then
  root || { echo "deps: apt-get download gnu-efi:arm64 failed; as root: apt-get update" >&2; exit 1; }
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root gnu-efi:arm64 >&2)
fi
rm -rf "$GNU_EFI_AA64"
mkdir -p "$GNU_EFI_AA64"
dpkg-deb -x "$tmp"/gnu-efi_*_arm64.deb "$GNU_EFI_AA64"
for f in "${GNU_EFI_AA64_FILES[@]}"; do
  [ -e "$GNU_EFI_AA64/$f" ] || { echo "deps: gnu-efi:arm64 has no $f" >&2; exit 1; }
done
echo "deps: gnu-efi for arm64 unpacked in $GNU_EFI_AA64" >&2
