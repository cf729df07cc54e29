#!/usr/bin/env bash
# Summarize the CSVs of scripts/bench.sh into $OUT/report.md and SVG plots,
# and print the report.  Usage: OUT=build/bench scripts/bench-report.sh
set -euo pipefail
OUT=${OUT:-build/bench}
r=$OUT/report.md

# stats: stdin numbers -> "median min max n"
stats() { sort -g | awk '{a[NR]=$1} END{ if(!NR){print "nan nan nan 0"; exit}
	m = NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.15g %.15g %.15g %d\n", m, a[1], a[NR], NR }'; }
col() { awk -F, -v c="$1" -v k="$2" -v v="$3" -v f="${4:-}" -v fv="${5:-}" \
	'NR>1 && $c==v && (f=="" || $f==fv) {print $k}' "$6"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.4f", a/b; else print "nan" }'; }
ms() { awk -v x="$1" 'BEGIN{printf "%.2f", x/1e6}'; }

{
echo "# aslrboot: cost of ASLR ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
echo "$(qemu-system-x86_64 --version | head -1). QEMU figures are TCG emulator time"
echo "(guest TSC = host TSC), not hardware time; other jobs on the host add noise"
echo "(load average at report time: $(cut -d' ' -f1-3 /proc/loadavg))."
echo
echo "## Whole boot: QEMU start -> kernel's first serial line (microvm, -kernel)"
echo
echo "| clock | arm | n | median ms | min ms | max ms | host THP faults (median) |"
echo "|---|---|---|---|---|---|---|"
for c in tcg nothp icount; do
	for a in off on; do
		read -r m lo hi n < <(col 1 4 "$a" 2 "$c" "$OUT/boot.csv" | stats)
		read -r thp _ < <(col 1 8 "$a" 2 "$c" "$OUT/boot.csv" | stats)
		echo "| $c | aslr=$a | $n | $(ms "$m") | $(ms "$lo") | $(ms "$hi") | $thp |"
		eval "boot_${c}_$a=$m bmin_${c}_$a=$lo"
	done
done
echo
echo "Ratio on/off of the medians (target <= 1.01): TCG **$(ratio "$boot_tcg_on" "$boot_tcg_off")** (of the minima: $(ratio "$bmin_tcg_on" "$bmin_tcg_off")); TCG with 4 KiB host pages (nothp) **$(ratio "$boot_nothp_on" "$boot_nothp_off")** (of the minima: $(ratio "$bmin_nothp_on" "$bmin_nothp_off")); icount wall time $(ratio "$boot_icount_on" "$boot_icount_off")."
echo
echo "QEMU backs guest RAM with transparent huge pages: the first touch of each"
echo "2 MiB of guest RAM is a host fault that zeroes 2 MiB (last column, counted in"
echo "/proc/vmstat around each boot). A randomized layout spreads its regions over"
echo "more of them than a packed one; real RAM has no such cost. The nothp rows"
echo "start QEMU with THP disabled (prctl PR_SET_THP_DISABLE): every touched 4 KiB"
echo "page then costs the same wherever the layout put it."
echo
echo "## The loader's own time, entry -> kernel entry (TIMINGS record, cycles)"
echo
echo "Per phase, median over boots; under icount a cycle is one guest instruction"
echo "(exact, repeatable). Phase i is the time from the previous stamp to stamp i."
echo
echo "| clock | phase | aslr=off | aslr=on | on/off |"
echo "|---|---|---|---|---|"
for c in tcg icount; do
	phases=$(awk -F, -v c="$c" 'NR>1 && $2==c && !s[$4]++ {print $4}' "$OUT/phases.csv")
	for p in $phases total; do
		if [ "$p" = total ]; then
			sum() { awk -F, -v a="$1" -v c="$c" 'NR>1 && $1==a && $2==c {t[$3]+=$5} END{for(k in t) print t[k]}' "$OUT/phases.csv"; }
			read -r off _ < <(sum off | stats); read -r on _ < <(sum on | stats)
			eval "loader_${c}_on=$on loader_${c}_off=$off"
			p="**entry->kernel-entry**"
		else
			read -r off _ < <(col 1 5 off 4 "$p" <(awk -F, -v c="$c" 'NR==1 || $2==c' "$OUT/phases.csv") | stats)
			read -r on _ < <(col 1 5 on 4 "$p" <(awk -F, -v c="$c" 'NR==1 || $2==c' "$OUT/phases.csv") | stats)
		fi
		echo "| $c | $p | $off | $on | $(ratio "$on" "$off") |"
	done
done
echo
echo "Loader entry -> kernel entry on/off: TCG **$(ratio "$loader_tcg_on" "$loader_tcg_off")**, icount **$(ratio "$loader_icount_on" "$loader_icount_off")** (target <= 1.05)."
echo
if [ -s "$OUT/inguest.csv" ] && [ "$(wc -l <"$OUT/inguest.csv")" -gt 1 ]; then
	echo "## In-guest A/B: bench=K rounds of plan+load+relocate+map inside one boot"
	echo
	echo "aslr=off and aslr=on alternate (ABBA) on the same validated kernel; medians"
	echo "of cycles (icount: guest instructions). Every round's addresses and table pages:"
	echo "$OUT/inguest.csv."
	echo
	echo "| clock | phase | aslr=off | aslr=on | on/off |"
	echo "|---|---|---|---|---|"
	for c in tcg icount; do
		for k in plan:7 copy:8 relocate:9 page-tables:10 total:11 pt-pages:6; do
			p=${k%%:*} f=${k#*:}
			read -r off _ < <(awk -F, -v c="$c" -v f="$f" 'NR>1 && $1==c && $3=="off" {print $f}' "$OUT/inguest.csv" | stats)
			read -r on _ < <(awk -F, -v c="$c" -v f="$f" 'NR>1 && $1==c && $3=="on" {print $f}' "$OUT/inguest.csv" | stats)
			[ "$p" = total ] && p="**total**" && eval "ig_${c}_on=$on ig_${c}_off=$off"
			echo "| $c | $p | $off | $on | $(ratio "$on" "$off") |"
		done
	done
	echo
	echo "In-guest plan+load+relocate+map on/off: TCG **$(ratio "$ig_tcg_on" "$ig_tcg_off")**, icount **$(ratio "$ig_icount_on" "$ig_icount_off")**."
	echo "(Rounds after the first reuse the fixed aslr=off pages, already warm in the"
	echo "emulator, while every aslr=on round touches fresh pages: TCG time favours off.)"
	echo
fi
echo "Addresses of every timed boot (under TCG a copy whose ends are exactly 32 MiB apart"
echo "is ~10x slower, so timings depend on them): $OUT/boot.csv (columns virt, phys)."
echo
if [ "$(wc -l <"$OUT/grub.csv")" -gt 1 ]; then
	echo "## GRUB (BIOS ISO, -M pc): direct Multiboot2 stand-in vs GRUB -> aslrboot -> test kernel"
	echo
	echo "Both arms read the same kernel file (the stand-in gets it as an unused"
	echo "module); the chain arm also reads and runs aslrboot.mb."
	echo
	echo "| host pages | arm | n | median ms | min ms | max ms |"
	echo "|---|---|---|---|---|---|"
	for h in thp nothp; do
		for a in direct chain; do
			read -r m lo hi n < <(col 1 3 "$a" 7 "$h" "$OUT/grub.csv" | stats)
			echo "| $h | $a | $n | $(ms "$m") | $(ms "$lo") | $(ms "$hi") |"
			eval "grub_${h}_$a=$m gmin_${h}_$a=$lo"
		done
	done
	echo
	echo "Ratio chain/direct (target <= 1.05): THP **$(ratio "$grub_thp_chain" "$grub_thp_direct")** (of the minima: $(ratio "$gmin_thp_chain" "$gmin_thp_direct")); 4 KiB host pages **$(ratio "$grub_nothp_chain" "$grub_nothp_direct")** (of the minima: $(ratio "$gmin_nothp_chain" "$gmin_nothp_direct"))."
	echo
fi
if [ -s "$OUT/fg-boot.csv" ] && [ "$(wc -l <"$OUT/fg-boot.csv")" -gt 1 ]; then
	OUT=$OUT scripts/bench-fg-report.sh
fi
echo "## Host microbenchmarks (core built -O2, no sanitizers; medians)"
echo
echo "| bench | case | n | median ms | ns/item | reference ns/item | ratio |"
echo "|---|---|---|---|---|---|---|"
awk -F, 'NR>1 && $1!="ratio" && $1!="lreloc" {printf "| %s | %s | %s | %.3f | %.3f | %s | %s |\n", $1, $2, $3, $4/1e6, $5, ($6>0?$6:"-"), ($7>0?$7:"-")}' "$OUT/host.csv"
echo
echo "References: copy vs memcpy of the same span (ns/byte); reloc vs the unchecked"
echo "tight loop over the same table (the '-tight' rows); plan, pt_build, wx_verify"
echo "aslr-on vs aslr-off. ldso rows: min(pie-N) - min(pie-0) over interleaved runs."
echo "Host load during the run (other jobs add noise): $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| core vs glibc ld.so (exec -> exit of pie-N minus pie-0, min of each arm) | core ns/reloc | ld.so ns/reloc | ratio (target <= 0.5) |"
echo "|---|---|---|---|"
awk -F, 'NR>1 && $1=="ratio" { if ($6 > 0) printf "| %s (%s relocs) | %.3f | %.3f | %.3f |\n", $2, $3, $5, $6, $7
	else printf "| %s (%s relocs) | %.3f | below noise | - |\n", $2, $3, $5 }' "$OUT/host.csv"
echo
echo "## Targets: this run against each"
echo
# verdict VALUE le|ge TARGET: "met" or "missed by D" (D = distance to the target).
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
	if (v == "" || v == "nan") { print "not measured"; exit }
	ok = op == "le" ? v <= t : v >= t
	if (ok) print "met"; else printf "missed by %.3f\n", op == "le" ? v - t : t - v }'; }
worst() { sort -g | awk -v hi="$1" 'NR==1 {lo=$1} {last=$1} END {print (hi ? last : lo)}'; }
echo "| target | this run | verdict |"
echo "|---|---|---|"
v=$(ratio "$loader_icount_on" "$loader_icount_off")
echo "| loader entry -> kernel entry, on/off <= 1.05 (icount) | $v | $(verdict "$v" le 1.05) |"
v=$(ratio "$boot_nothp_on" "$boot_nothp_off")
echo "| QEMU start -> kernel entry, on/off <= 1.01 (TCG, 4 KiB host pages) | $v | $(verdict "$v" le 1.01) |"
v=$(ratio "$boot_tcg_on" "$boot_tcg_off")
echo "| same, default THP guest RAM | $v | $(verdict "$v" le 1.01) |"
v=$(awk -F, 'NR>1 && $1=="reloc" && $7>0 {print $7}' "$OUT/host.csv" | worst 1)
echo "| relocation <= 1.5x the unchecked loop (worst case) | $v | $(verdict "$v" le 1.5) |"
v=$(awk -F, 'NR>1 && $1=="ratio" && $7>0 {print $7}' "$OUT/host.csv" | worst 1)
echo "| relocation <= 0.5x glibc ld.so (worst case) | $v | $(verdict "$v" le 0.5) |"
v=$(awk -F, 'NR>1 && $1=="copy" && $7>0 {printf "%.4f\n", 1/$7}' "$OUT/host.csv" | worst 0)
echo "| copy >= 0.5 of memcpy bandwidth (worst case) | $v | $(verdict "$v" ge 0.5) |"
if [ "$(wc -l <"$OUT/grub.csv")" -gt 1 ]; then
	v=$(ratio "$grub_nothp_chain" "$grub_nothp_direct")
	echo "| GRUB -> aslrboot <= 1.05x GRUB direct (4 KiB host pages) | $v | $(verdict "$v" le 1.05) |"
	v=$(ratio "$grub_thp_chain" "$grub_thp_direct")
	echo "| same, default THP guest RAM | $v | $(verdict "$v" le 1.05) |"
fi
echo
echo "Entropy targets: make stats (build/stats/report.md)."
} >"$r"

# Plots: boot times per arm, and per-phase medians.
if command -v gnuplot >/dev/null; then
	awk -F, 'NR>1 {print $2 "-" $1, $4/1e6}' "$OUT/boot.csv" >"$OUT/boot.dat"
	[ "$(wc -l <"$OUT/grub.csv")" -gt 1 ] && awk -F, 'NR>1 {print "grub-" $7 "-" $1, $3/1e6}' "$OUT/grub.csv" >>"$OUT/boot.dat"
	arms=$(awk '!s[$1]++ {print $1}' "$OUT/boot.dat")
	i=0; plots=() xt=()
	for a in $arms; do
		xt+=("\"$a\" $i")
		plots+=("'$OUT/boot.dat' using (strcol(1) eq \"$a\" ? $i + (rand(0) - 0.5) * 0.3 : 1/0):2 with points pt 7 ps 0.5 title '$a'")
		i=$((i + 1))
	done
	gnuplot <<GP
set terminal svg size 900,500
set output '$OUT/boot.svg'
set title 'QEMU start -> kernel first serial line (TCG; each point one boot)'
set ylabel 'ms'
set logscale y
set xrange [-0.5:$((i - 1)).5]
set xtics ($(IFS=,; echo "${xt[*]}"))
plot $(IFS=,; echo "${plots[*]}")
GP
fi
cat "$r"
echo
echo "bench: report $r, CSVs $OUT/{boot,phases,inguest,grub,host,fg-boot,fg-phases}.csv, plot $OUT/boot.svg"
