#!/usr/bin/env bash
# Make a GRUB BIOS rescue ISO (grub-mkrescue, grub-pc-bin) that boots a
# kernel through aslrboot, so `qemu-system-x86_64 -cdrom OUT.iso` (or a USB
# stick) shows the whole chain:  GRUB -> aslrboot.mb -> kernel.
# Usage: scripts/mkgrub-iso.sh [-1] [-a OPTIONS] OUT.iso ASLRBOOT.mb KERNEL [KERNEL-ARGS...]
#   -1          Multiboot 1 (`multiboot` + `module`) instead of Multiboot 2
#               (`multiboot2` + `module2`)
#   -a OPTIONS  aslrboot's own options, e.g. "verbose=1 aslr=off"
# The grub.cfg it writes is the stanza to copy into your own (docs/multiboot.md, "GRUB on BIOS").
set -euo pipefail
mb=2 opts=
while getopts "1a:" o; do
	case $o in
	1) mb= ;;
	a) opts=$OPTARG ;;
	*) sed -n '5,9p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || { sed -n '5,9p' "$0" >&2; exit 2; }
out=$1 loader=$2 kernel=$3
shift 3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-iso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/boot/grub"
cp "$loader" "$root/boot/aslrboot.mb"
cp "$kernel" "$root/boot/kernel.elf"
cat >"$root/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "aslrboot: $(basename "$kernel")" {
	multiboot$mb /boot/aslrboot.mb $opts
	module$mb /boot/kernel.elf $*
	boot
}
CFG
# i386-pc only: a BIOS image, built in well under a second.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$root" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
