#!/usr/bin/env bash
# Make a disk image (MBR + one EFI system partition) whose default boot file
# is a standalone GRUB (grub-mkstandalone, grub-efi-amd64-bin) that starts a
# kernel through aslrboot, for OVMF or a real UEFI machine:
#   default  GRUB `chainloader`s aslrboot.efi with load options naming the
#            kernel:  OVMF -> GRUB -> aslrboot.efi -> kernel
#   -2       GRUB loads aslrboot.mb with `multiboot2` + `module2`:
#            OVMF -> GRUB -> aslrboot.mb -> kernel
# Usage: scripts/mkgrub-efi.sh [-2] [-a OPTIONS] OUT.img ASLRBOOT.efi|ASLRBOOT.mb KERNEL [KERNEL-ARGS...]
#   -a OPTIONS  more aslrboot options, e.g. "verbose=1"
# The partition holds \EFI\BOOT\BOOTX64.EFI (GRUB), \EFI\aslrboot\aslrboot.efi
# (or aslrboot.mb) and \EFI\aslrboot\kernel.elf.  Boot it with
# scripts/qemu-efi.sh OUT.img.
set -euo pipefail
opts= mb2=
usage() { sed -n '9,10p' "$0" >&2; exit 2; }
while getopts "2a:" o; do
	case $o in
	2) mb2=1 ;;
	a) opts=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || usage
out=$1 loader=$2 kernel=$3
shift 3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-grubefi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -n "$mb2" ]; then
	name=aslrboot.mb
	boot="multiboot2 /EFI/aslrboot/aslrboot.mb $opts
module2 /EFI/aslrboot/kernel.elf $*"
else
	# Single quotes: GRUB's script language would eat backslashes and `"`.
	name=aslrboot.efi
	boot="chainloader /EFI/aslrboot/aslrboot.efi kernel=/EFI/aslrboot/kernel.elf 'cmdline=$*' $opts"
fi
cat >"$tmp/grub.cfg" <<CFG
set timeout=0
insmod part_msdos
insmod fat
search --no-floppy --set=root --file /EFI/aslrboot/$name
$boot
boot
CFG
grub-mkstandalone -O x86_64-efi -o "$tmp/grubx64.efi" --locales= --themes= --fonts= \
	"boot/grub/grub.cfg=$tmp/grub.cfg"
"$(dirname "$0")/mkesp.sh" "$tmp/esp.fat" "$tmp/grubx64.efi" "$kernel" - \
	"$loader=/EFI/aslrboot/$name"

# A partitioned disk, as on real machines: GRUB hands a chainloaded image
# the partition's handle, which carries the file system.  One MBR entry,
# type 0xef (EFI system partition), from LBA 2048.
sectors=$(($(stat -c %s "$tmp/esp.fat") / 512))
le32() { printf '\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
rm -f "$out"
truncate -s $(((2048 + sectors) * 512)) "$out"
printf "\x00\xfe\xff\xff\xef\xfe\xff\xff$(le32 2048)$(le32 "$sectors")" |
	dd of="$out" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$out" bs=1 seek=510 conv=notrunc status=none
dd if="$tmp/esp.fat" of="$out" bs=512 seek=2048 conv=notrunc status=none
