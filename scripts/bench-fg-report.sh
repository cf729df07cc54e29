#!/usr/bin/env bash
# The section-granularity part of the bench report: reads $OUT/fg-boot.csv,
# $OUT/fg-phases.csv (scripts/bench-fg.sh) and the lreloc rows of
# $OUT/host.csv (lrelocbench), prints Markdown.  Called by bench-report.sh.
set -euo pipefail
OUT=${OUT:-build/bench}
b=$OUT/fg-boot.csv p=$OUT/fg-phases.csv

# median of stdin numbers ("nan" if none), and "median min max n"
stats() { sort -g | awk '{a[NR]=$1} END{ if(!NR){print "nan nan nan 0"; exit}
	m = NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.15g %.15g %.15g %d\n", m, a[1], a[NR], NR }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.4f", a/b; else print "nan" }'; }
ms() { awk -v x="$1" 'BEGIN{printf "%.2f", x/1e6}'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { if (v == "" || v == "nan" || v == "-") print "not measured"
	else if (v <= t) print "met"; else printf "missed by %.3f\n", v - t }'; }
boot_ns() { awk -F, -v n="$1" -v a="$2" -v c="$3" 'NR>1 && $1==n && $2==a && $3==c {print $5}' "$b"; }
# loader entry -> kernel entry: the sum of one boot's phases, one line per boot
loader_sum() { awk -F, -v n="$1" -v a="$2" -v c="$3" 'NR>1 && $1==n && $2==a && $3==c {t[$4]+=$6}
	END{for(k in t) print t[k]}' "$p"; }
# virt and phys of the boot at rank ceil(n/2) by time (nothp)
mid_addr() { awk -F, -v n="$1" -v a="$2" 'NR>1 && $1==n && $2==a && $3=="nothp" {print $5, $7, $8}' "$b" |
	sort -g | awk '{r[NR] = $2 ", " $3} END {print r[int((NR + 1) / 2)]}'; }
phase() { awk -F, -v n="$1" -v a="$2" -v c="$3" -v ph="$4" \
	'NR>1 && $1==n && $2==a && $3==c && $5==ph {print $6}' "$p"; }

sizes=$(awk -F, 'NR>1 && !s[$1]++ {print $1}' "$b" | sort -n)
echo "## Section granularity: aslr=off vs segment vs section"
echo
echo "Generated kernels (tests/kernel-fg/, one section per function); per size the"
echo "three arms boot in rounds whose order rotates through all six permutations."
echo "off = \`aslr=off granularity=segment\`, segment = \`granularity=segment\`,"
echo "section = \`granularity=section\`. Whole boot: QEMU start -> the kernel's first"
echo "serial line, TCG with 4 KiB host pages (nothp). Addresses of every boot:"
echo "$b (virt, phys: the entry unit's; the table shows those of a median boot)."
echo
echo "| functions | arm | n | median ms | min ms | max ms | / segment | / off | a median boot: virt, phys |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in $sizes; do
	for a in off segment section; do
		read -r m lo hi k < <(boot_ns "$n" "$a" nothp | stats)
		eval "w_$a=$m"
		echo "| $n | $a | $k | $(ms "$m") | $(ms "$lo") | $(ms "$hi") | \
$(ratio "$m" "$(boot_ns "$n" segment nothp | stats | cut -d' ' -f1)") | \
$(ratio "$m" "$(boot_ns "$n" off nothp | stats | cut -d' ' -f1)") | $(mid_addr "$n" "$a") |"
	done
	eval "whole_$n=$(ratio "$w_section" "$w_segment")"
	eval "added_$n=$(awk -v a="$w_section" -v b="$w_segment" 'BEGIN{printf "%.2f", (a-b)/1e6}')"
done
echo
echo "Loader entry -> kernel entry under icount (guest instructions, median over"
echo "boots; the TIMINGS record), and the phases section granularity changes:"
echo
echo "| functions | arm | n | entry->kernel-entry | / segment | validate | plan | copy | relocate | page-tables |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in $sizes; do
	read -r seg _ < <(loader_sum "$n" segment icount | stats)
	for a in off segment section; do
		read -r m _ _ k < <(loader_sum "$n" "$a" icount | stats)
		row="| $n | $a | $k | $m | $(ratio "$m" "$seg") |"
		for ph in validate plan copy relocate page-tables; do
			read -r v _ < <(phase "$n" "$a" icount "$ph" | stats)
			row="$row $v |"
		done
		echo "$row"
	done
done
echo
rel=$(awk -F, 'NR>1 && $1=="lreloc" && $2=="relative-loop" {print $5}' "$OUT/host.csv")
echo "Relocation cost per entry (host, core -O2): elf_relocate_sections, each unit"
echo "at its own shuffled address, against elf_relocate's RELATIVE loop on 100k"
echo "RELATIVE entries, ${rel:-?} ns per entry. k-lrel-100k has 100k link-time"
echo "entries (PC32, PLT32) and no dynamic ones: its row is the link-time loop. The"
echo "fg rows time the whole call over all entries of a generated kernel (dynamic"
echo "and link-time, the placement check and the .eh_frame_hdr rebuild), so their"
echo "fixed part weighs on small kernels."
echo
echo "| kernel | entries | ns/entry | / RELATIVE |"
echo "|---|---|---|---|"
awk -F, 'NR>1 && $1=="lreloc" && $2!="relative-loop" {printf "| %s | %s | %.3f | %.3f |\n", $2, $3, $5, $7}' "$OUT/host.csv"
loop=$(awk -F, 'NR>1 && $1=="lreloc" && $2 ~ /^k-lrel-100k/ {print $7}' "$OUT/host.csv")
echo
echo "Linux's function-granular KASLR (FGKASLR, never merged) shuffles the"
echo "functions in its decompressor and re-sorts kallsyms and the exception"
echo "table; its RFC cover letter reported about one second of added boot time"
echo "(docs/cost.md has the sources)."
for n in $sizes; do
	eval "echo \"Here, $n functions: section adds \${added_$n} ms to the median whole boot over segment.\""
done
echo
echo "| target | this run | verdict |"
echo "|---|---|---|"
v=${whole_1000:--}
echo "| section / segment, QEMU start -> kernel entry, 1000 functions <= 1.02 (4 KiB host pages) | $v | $(verdict "$v" 1.02) |"
echo "| link-time relocation loop per entry <= 2x the RELATIVE loop (k-lrel-100k) | ${loop:--} | $(verdict "${loop:--}" 2) |"
echo
