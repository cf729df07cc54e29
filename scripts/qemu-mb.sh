#!/usr/bin/env bash
# Boot build/aslrboot.mb straight from QEMU (-kernel: QEMU's own Multiboot 1
# loader, no firmware boot menu), TCG only (same on every host), serial on
# stdout, isa-debug-exit at 0xf4, no reboot, hard time limit.
# Usage: scripts/qemu-mb.sh [-t SECS] [-M MACHINE] [-m MIB] [-c CPU] [-a OPTIONS]
#                           [-k IMAGE] [MODULES] [-- QEMU-ARGS...]
#   -t SECS     hard time limit (default 30)
#   -M MACHINE  pc (default, SeaBIOS) or microvm (qboot)
#   -m MIB      guest memory (default 256)
#   -c CPU      -cpu model (default max: RDRAND for the entropy pool)
#   -a OPTIONS  aslrboot's own command line, e.g. "verbose=1 aslr=off"
#   -k IMAGE    the loader image (default $B/aslrboot.mb)
#   MODULES     QEMU's -initrd string: "kernel.elf args[,module args...]";
#               the first module is the kernel.  Omitted: no module at all.
# Exit status: QEMU's (33 = test kernel passed, 35 = failed, 65 = aslrboot
# refused to boot, 67 = aslrboot crashed), 124 on timeout.
set -uo pipefail
B=${B:-build}
secs=30 machine=pc mem=256 cpu=max append= image=$B/aslrboot.mb
usage() { sed -n '5,17p' "$0" >&2; exit 2; }
while getopts "t:M:m:c:a:k:" o; do
	case $o in
	t) secs=$OPTARG ;;
	M) machine=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpu=$OPTARG ;;
	a) append=$OPTARG ;;
	k) image=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
mods=()
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	mods=(-initrd "$1")
	shift
fi
[ "${1:-}" = -- ] && shift

qemu=(qemu-system-x86_64 -machine "$machine" -accel tcg -cpu "$cpu" -m "$mem"
	-kernel "$image" -append "$append" "${mods[@]}"
	-nodefaults -display none -no-reboot -serial stdio
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@")
timeout -k 5 "$secs" "${qemu[@]}" </dev/null | sed -u 's/\r//g'
exit "${PIPESTATUS[0]}"
