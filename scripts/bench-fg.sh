#!/usr/bin/env bash
# `make bench`, part 5: what section granularity costs at boot.  Three arms
# side by side in one run, for generated kernels of each size in FG_SIZES
# (functions; tests/kernel-fg/, each function its own section):
#   off      aslr=off granularity=segment (no randomization at all)
#   segment  granularity=segment (one slide for the whole image)
#   section  the default: every section placed on its own
# Whole boot (QEMU start -> the kernel's first serial line, microvm,
# -kernel, TCG with 4 KiB host pages as the "nothp" arms of bench.sh) in
# FG_ROUNDS rounds, the arms' order rotating through all six permutations;
# the loader's phases from the TIMINGS record of every boot; and FG_ICOUNT
# rounds under -icount shift=0,sleep=off (guest instructions).
# The kernels are built here (make $B/kernel-fg/n<N>/fg-kernel.elf); the
# kernel's first line comes after it found its boot-info records, its PASS
# line gives the entry unit's addresses, its FG line the units.
# Writes $OUT/fg-boot.csv and $OUT/fg-phases.csv.
# Env: B, OUT, FG_SIZES ("100 1000 10000"), FG_ROUNDS (12), FG_ICOUNT (3).
set -euo pipefail
B=${B:-build}
OUT=${OUT:-$B/bench}
FG_SIZES=${FG_SIZES:-100 1000 10000}
FG_ROUNDS=${FG_ROUNDS:-12} FG_ICOUNT=${FG_ICOUNT:-3}
TFIRST=$B/bench/tfirst
mkdir -p "$OUT/logs"
progress() { printf '\r[bench] %-70s' "$*" >&2; }

boot_csv=$OUT/fg-boot.csv phase_csv=$OUT/fg-phases.csv
echo "funcs,arm,clock,run,ns_to_first_line,exit,virt,phys,units,dist" >"$boot_csv"
echo "funcs,arm,clock,run,phase,cycles" >"$phase_csv"

opts_of() { # ARM
	case $1 in
	off) echo "aslr=off granularity=segment" ;;
	segment) echo "granularity=segment" ;;
	section) echo "granularity=section" ;;
	esac
}

# fgboot N ARM CLOCK RUN: one microvm boot of fg-N.elf; CLOCK nothp|icount.
fgboot() {
	local n=$1 arm=$2 clock=$3 run=$4 extra=() env=() log res ns rc pass fg
	[ "$clock" = icount ] && extra=(-icount shift=0,sleep=off)
	[ "$clock" = nothp ] && env=(TFIRST_NO_THP=1)
	log=$OUT/logs/fg-$n-$clock-$arm-$run.log
	res=$(env "${env[@]}" "$TFIRST" "aslrboot-test-kernel:" "$log" timeout -k 5 300 \
		qemu-system-x86_64 -machine microvm -accel tcg -cpu max -m 512 "${extra[@]}" \
		-kernel "$B/aslrboot.mb" -append "$(opts_of "$arm")" \
		-initrd "$B/kernel-fg/n$n/fg-kernel.elf verbose expect_gran=${arm/off/segment}" \
		-nodefaults -display none -no-reboot -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null)
	read -r ns rc <<<"$res"
	pass=$(grep -a 'aslrboot-test-kernel: PASS' "$log" | tr -d '\r' || true)
	fg=$(grep -a 'aslrboot-fg-kernel: FG' "$log" | tr -d '\r' || true)
	[ "$rc" = 33 ] && [ "$ns" -ge 0 ] && [ -n "$pass" ] && [ -n "$fg" ] ||
		{ echo "bench: fg boot $n/$clock/$arm/$run failed (exit $rc), see $log" >&2; exit 1; }
	field() { sed -n "s/.* $1=\(-\{0,1\}[0-9a-fx]*\).*/\1/p" <<<"$2"; }
	echo "$n,$arm,$clock,$run,$ns,$rc,$(field virt "$pass"),$(field phys "$pass"),$(field units "$fg"),$(field dist "$fg")" >>"$boot_csv"
	tr -d '\r' <"$log" | awk -v n="$n" -v a="$arm" -v c="$clock" -v r="$run" \
		'/^  [a-z-]+: [0-9]+ cycles/ { sub(":", "", $1); print n "," a "," c "," r "," $1 "," $2 }' >>"$phase_csv"
}

# Every permutation of the three arms once per six rounds, so that no arm
# always runs first or after the same neighbour.
perms=("off segment section" "section segment off" "segment section off"
	"off section segment" "section off segment" "segment off section")
rounds() { # N CLOCK COUNT
	local i a
	for ((i = 0; i < $3; i++)); do
		progress "fg-$1 $2 boots: round $((i + 1))/$3"
		for a in ${perms[$((i % 6))]}; do fgboot "$1" "$a" "$2" "$i"; done
	done
}
for n in $FG_SIZES; do
	progress "building the kernel of $n functions"
	make -s B="$B" "$B/kernel-fg/n$n/fg-kernel.elf" >/dev/null
	rounds "$n" nothp "$FG_ROUNDS"
	rounds "$n" icount "$FG_ICOUNT"
done
printf '\r%-80s\r' '' >&2
