#!/usr/bin/env bash
# Install the Debian packages that aslrboot's build, tests and `make run` need.
# As root: apt-get installs what is missing. Otherwise: print the exact command and fail.
# Usage: scripts/deps.sh [--check]   (--check: only report, never install)
set -euo pipefail

PKGS=(
  build-essential clang clang-format lld llvm libclang-rt-14-dev
  nasm gnu-efi libelf-dev
  gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  qemu-system-x86 ovmf
  grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools dosfstools
  gnuplot-nox zstd xz-utils lz4 python3
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${1:-}" = "--check" ]; then
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: install them with: $cmd" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: run as root: apt-get update && $cmd" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
