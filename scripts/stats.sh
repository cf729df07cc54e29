#!/usr/bin/env bash
# `make stats`: how random is the layout?
#   1. build/bench/layoutstats: the real layout_plan for N seeds (default
#      10^5) on a 4 GiB PC map -> per-region distinct values, log2 slots,
#      min-entropy estimates, chi-squared p-values (16/256/4096 bins), bit
#      balance, pairwise independence; histograms plotted with gnuplot.
#   2. BOOTS (default 100) QEMU -kernel boots (microvm, TCG, fresh RDRAND
#      each): every kernel base distinct, and in every boot the layout the
#      loader planned (verbose=1) equals the one the kernel received.
# Env: B, OUT ($B/stats), N, BOOTS, KERNEL ($B/kernel/test-kernel.elf).
set -euo pipefail
B=${B:-build}
OUT=${OUT:-$B/stats}
N=${N:-100000} BOOTS=${BOOTS:-100}
KERNEL=${KERNEL:-$B/kernel/test-kernel.elf}
mkdir -p "$OUT/logs"
r=$OUT/report.md
progress() { printf '\r[stats] %-70s' "$*" >&2; }

progress "layout_plan x $N"
{
	echo "# aslrboot: layout quality ($(date -u +%Y-%m-%dT%H:%MZ))"
	echo
	echo "## Host: layout_plan over N seeds (the loader's DRBG keyed per seed)"
	echo
	"$B/bench/layoutstats" "$KERNEL" "$N" "$OUT"
	echo
	echo "Min-entropy estimate = -log2(max multiplicity / N): it cannot exceed log2 N;"
	echo "the 4096-bin column is the min-entropy of the 4096-bin histogram (uniform: ~12"
	echo "minus sampling noise). log2 slots is the count the planner draws from."
} >"$r"

# Histograms: 64 bins per series, one small plot each.
if command -v gnuplot >/dev/null; then
	series=$(awk -F, 'NR>1 && !s[$1]++ {print $1}' "$OUT/hist.csv")
	n=$(echo "$series" | wc -l)
	rows=$(((n + 3) / 4))
	{
		echo "set terminal svg size 1200,$((rows * 220))"
		echo "set output '$OUT/hist.svg'"
		echo "set datafile separator ','"
		echo "set multiplot layout $rows,4 title 'Placement histograms, 64 bins over the slot space (N=$N)'"
		echo "set style fill solid 0.6; set boxwidth 0.9; unset key; set yrange [0:*]"
		for s in $series; do
			echo "set title '$s'"
			echo "plot '$OUT/hist.csv' using (strcol(1) eq '$s' ? \$2 : 1/0):3 with boxes"
		done
		echo "unset multiplot"
	} | gnuplot
fi

# End to end: BOOTS boots, fresh randomness each.
echo "boot,kernel_virt,kernel_phys,match" >"$OUT/boots.csv"
bad=0
for ((i = 0; i < BOOTS; i++)); do
	progress "QEMU boot $((i + 1))/$BOOTS"
	log=$OUT/logs/boot-$i.log
	rc=0
	timeout -k 5 60 qemu-system-x86_64 -machine microvm -accel tcg -cpu max -m 256 \
		-kernel "$B/aslrboot.mb" -append "verbose=1" -initrd "$KERNEL verbose" \
		-nodefaults -display none -no-reboot -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null | tr -d '\r' >"$log" || rc=$?
	norm() { sed 's/0x0*\([0-9a-f]\)/0x\1/g'; }
	planned=$(sed -n 's/^aslrboot:   \([a-z-]*\) virt=\(0x[0-9a-f]*\) phys=\(0x[0-9a-f]*\) size=\(0x[0-9a-f]*\) \(...\) .*/\1 \2 \3 \4 \5/p' "$log" | norm)
	got=$(sed -n 's/^  \([a-z-]*\): virt \(0x[0-9a-f]*\) phys \(0x[0-9a-f]*\) size \(0x[0-9a-f]*\) \(...\)$/\1 \2 \3 \4 \5/p' "$log" | norm)
	pass=$(grep -a 'aslrboot-test-kernel: PASS' "$log" || true)
	virt=$(sed -n 's/.*PASS virt=\(0x[0-9a-f]*\).*/\1/p' <<<"$pass")
	phys=$(sed -n 's/.* phys=\(0x[0-9a-f]*\).*/\1/p' <<<"$pass")
	match=no
	[ $rc = 33 ] && [ -n "$planned" ] && [ "$planned" = "$got" ] && match=yes
	[ $match = yes ] || bad=$((bad + 1))
	echo "$i,$virt,$phys,$match" >>"$OUT/boots.csv"
done
printf '\r%-80s\r' '' >&2
dv=$(awk -F, 'NR>1 && $2!="" {print $2}' "$OUT/boots.csv" | sort -u | wc -l)
dp=$(awk -F, 'NR>1 && $3!="" {print $3}' "$OUT/boots.csv" | sort -u | wc -l)
{
	echo
	echo "## QEMU: $BOOTS boots (microvm, TCG, -cpu max: fresh RDRAND per boot)"
	echo
	echo "- distinct kernel virtual bases: **$dv / $BOOTS**; distinct physical bases: $dp / $BOOTS"
	echo "- boots whose planned layout (loader, verbose=1) equals the kernel's view: **$((BOOTS - bad)) / $BOOTS**"
	echo
	echo "Files: $OUT/stats.csv, pairs.csv, hist.csv, boots.csv, hist.svg; logs in $OUT/logs."
} >>"$r"
cat "$r"
[ "$bad" -eq 0 ] && [ "$dv" -eq "$BOOTS" ] || { echo "stats: end-to-end check FAILED" >&2; exit 1; }
