#!/bin/sh
# Set IMAGE_DLLCHARACTERISTICS_NX_COMPAT (0x0100) in a PE32+ image in place.
# gnu-efi's objcopy output leaves it clear; firmware that enforces W^X for
# images (and Microsoft's signing rules) look for it.  Offsets: PE/COFF spec,
# "Optional Header Windows-Specific Fields (Image Only)".
set -eu
f=$1
u() { od -An -t "u$2" --endian=little -j "$1" -N "$2" "$f" | tr -d ' \n'; }

lfanew=$(u 60 4)
if [ "$(od -An -t x1 -j "$lfanew" -N 4 "$f" | tr -d ' \n')" != 50450000 ]; then
	echo "pe-nxcompat: $f: no PE signature" >&2
	exit 1
fi
opt=$((lfanew + 24))
if [ "$(u "$opt" 2)" != 523 ]; then # 0x20b: PE32+
	echo "pe-nxcompat: $f: not PE32+" >&2
	exit 1
fi
off=$((opt + 70))
v=$(( $(u "$off" 2) | 0x100 ))
printf "$(printf '\\%03o\\%03o' $((v & 255)) $((v >> 8)))" |
	dd of="$f" bs=1 seek="$off" count=2 conv=notrunc status=none
# The CheckSum objcopy computed is now stale; 0 means "none" (firmware does
# not check it for EFI images).
printf '\0\0\0\0' | dd of="$f" bs=1 seek=$((opt + 64)) count=4 conv=notrunc status=none
