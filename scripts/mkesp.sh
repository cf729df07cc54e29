#!/usr/bin/env bash
# Make an EFI system partition image (FAT, no partition table: OVMF and
# most firmware mount a "superfloppy") holding aslrboot and a kernel:
#   \EFI\BOOT\BOOTX64.EFI        aslrboot (the removable-media boot path;
#                               BOOTAA64.EFI for an arm64 image)
#   \EFI\aslrboot\kernel.elf     the kernel
#   \EFI\aslrboot\aslrboot.cfg   the config (if given)
# Usage: scripts/mkesp.sh OUT.img ASLRBOOT.efi|- KERNEL|- [CONFIG|-] [FILE=ESP-PATH...]
# Extra FILE=ESP-PATH arguments copy more files (modules, a startup.nsh),
# e.g. build/x.bin=/EFI/aslrboot/x.bin.  Needs mtools.
set -euo pipefail
if [ $# -lt 3 ]; then
	sed -n '2,10p' "$0" >&2
	exit 2
fi
out=$1 efi=$2 kernel=$3 cfg=${4:--}
shift $(($# < 4 ? $# : 4))

# 32 MiB (FAT16) unless the files need more.
size() { [ "$1" = - ] && echo 0 || stat -c %s "$1"; }
bytes=$(( $(size "$efi") + $(size "$kernel") ))
for f in "$@"; do bytes=$((bytes + $(stat -c %s "${f%%=*}"))); done
mib=$(( bytes / 1048576 * 2 + 32 ))
rm -f "$out"
truncate -s "${mib}M" "$out"
mformat -i "$out" -T $((mib * 2048)) -h 64 -s 32 -v ESP ::
mmd -i "$out" ::/EFI ::/EFI/BOOT ::/EFI/aslrboot
# The removable-media name follows the image's PE machine (0xaa64: arm64).
boot=BOOTX64.EFI
if [ "$efi" != - ]; then
	lfanew=$(od -An -t u4 --endian=little -j 60 -N 4 "$efi" | tr -d ' ')
	[ "$(od -An -t x2 --endian=little -j $((lfanew + 4)) -N 2 "$efi" | tr -d ' ')" != aa64 ] ||
		boot=BOOTAA64.EFI
	mcopy -i "$out" "$efi" "::/EFI/BOOT/$boot"
fi
[ "$kernel" = - ] || mcopy -i "$out" "$kernel" ::/EFI/aslrboot/kernel.elf
[ "$cfg" = - ] || mcopy -i "$out" "$cfg" ::/EFI/aslrboot/aslrboot.cfg
for f in "$@"; do
	dst=${f#*=}
	dir=
	IFS=/ read -ra parts <<<"${dst%/*}"
	for p in "${parts[@]}"; do
		[ -n "$p" ] || continue
		dir=$dir/$p
		mdir -i "$out" "::$dir" >/dev/null 2>&1 || mmd -i "$out" "::$dir"
	done
	mcopy -o -i "$out" "${f%%=*}" "::$dst"
done
