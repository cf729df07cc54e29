#!/usr/bin/env bash
# Smoke run of `make bench` and `make stats` so they cannot rot:
# tiny inputs, 2 ABBA pairs, the 100-function section-granularity kernel
# once per arm and clock, N=2000 layouts, 3 boots.  Checks that the
# reports, CSVs and plots exist and are well-formed -- never timing values.
set -uo pipefail
B=${B:-build}
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# csv_ok FILE HEADER MINROWS NUMCOLS...: header exact, >= MINROWS rows, every
# row has the header's field count and the listed columns are numbers.
csv_ok() {
	local f=$1 h=$2 min=$3; shift 3
	[ -s "$f" ] && [ "$(head -1 "$f")" = "$h" ] || return 1
	awk -F, -v nf="$(awk -F, '{print NF; exit}' <<<"$h")" -v min="$min" -v cols="$*" '
		BEGIN { nc = split(cols, c, " ") }
		NR > 1 { rows++; if (NF != nf) bad = 1
			for (i = 1; i <= nc; i++) if ($c[i] !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) bad = 1 }
		END { exit !(rows >= min && !bad) }' "$f"
}

if ! make -s B="$B" bench-tools >/dev/null; then
	echo "RESULT passed=0 failed=1"
	exit 1
fi
bo=$B/bench-smoke so=$B/stats-smoke
rm -rf "$bo/logs" "$so"
check "bench.sh runs" env B="$B" OUT="$bo" SMOKE=1 scripts/bench.sh >"$B/bench-smoke.out" 2>&1
check "boot.csv" csv_ok "$bo/boot.csv" "arm,clock,run,ns_to_first_line,exit,virt,phys,thp_faults" 6 3 4 5 8
check "boot.csv has both arms, three clocks and logged addresses" \
	awk -F, 'NR>1 { a[$1]++; c[$2]++; if ($6 !~ /^0x[0-9a-f]+$/) bad = 1 }
		END { exit !(a["on"] && a["off"] && c["tcg"] && c["nothp"] && c["icount"] && !bad) }' "$bo/boot.csv"
check "phases.csv" csv_ok "$bo/phases.csv" "arm,clock,run,phase,cycles" 20 3 5
check "inguest.csv" csv_ok "$bo/inguest.csv" "clock,round,arm,virt,phys,pt_pages,plan,copy,relocate,page_tables,total" 8 2 6 7 8 9 10 11
check "inguest.csv: both arms, both clocks" \
	awk -F, 'NR>1 { a[$1 $3]++ } END { exit !(a["tcgon"] && a["tcgoff"] && a["icounton"] && a["icountoff"]) }' "$bo/inguest.csv"
check "host.csv" csv_ok "$bo/host.csv" "bench,case,n,median_ns,per_item_ns,ref_per_item_ns,ratio" 25 3 4 5 6 7
check "fg-boot.csv" csv_ok "$bo/fg-boot.csv" "funcs,arm,clock,run,ns_to_first_line,exit,virt,phys,units,dist" 6 1 4 5 6 9 10
check "fg-boot.csv: three arms, two clocks, section units > segment units, addresses logged" \
	awk -F, 'NR>1 { a[$2 $3]++; u[$2] = $9; if ($7 !~ /^0x[0-9a-f]+$/ || $8 !~ /^0x[0-9a-f]+$/) bad = 1 }
		END { exit !(a["offnothp"] && a["segmentnothp"] && a["sectionnothp"] && a["officount"] &&
			a["segmenticount"] && a["sectionicount"] && u["section"] > u["segment"] && !bad) }' "$bo/fg-boot.csv"
check "fg-phases.csv" csv_ok "$bo/fg-phases.csv" "funcs,arm,clock,run,phase,cycles" 24 1 4 6
check "host.csv: lreloc rows (RELATIVE loop, k-lrel-100k, fg-100)" \
	awk -F, '$1 == "lreloc" { n[$2 ~ /^relative-loop$/ ? "r" : $2 ~ /^k-lrel-100k/ ? "k" : $2 ~ /^fg-100-/ ? "f" : "x"]++ }
		END { exit !(n["r"] == 1 && n["k"] == 1 && n["f"] == 1 && !n["x"]) }' "$bo/host.csv"
for s in validate copy reloc ldso ratio plan pt_build wx_verify; do
	check "host.csv has $s rows" grep -q "^$s," "$bo/host.csv"
done
if command -v grub-mkrescue >/dev/null && [ -d /usr/lib/grub/i386-pc ]; then
	check "grub.csv" csv_ok "$bo/grub.csv" "arm,run,ns_to_first_line,exit,virt,phys,host_pages" 4 2 3 4
fi
for h in "Whole boot" "loader's own time" "In-guest A/B" "Section granularity: aslr=off vs segment vs section" \
	"Relocation cost per entry" "Linux's function-granular KASLR" "Host microbenchmarks" "glibc ld.so" "Targets: this run"; do
	check "report.md: $h" grep -q "$h" "$bo/report.md"
done
check "report.md has no nan ratio" bash -c "! grep -q 'nan' '$bo/report.md'"
check "boot.svg" grep -q "<svg" "$bo/boot.svg"

check "stats.sh runs" env B="$B" OUT="$so" N=2000 BOOTS=3 scripts/stats.sh >"$B/stats-smoke.out" 2>&1
check "stats.csv" csv_ok "$so/stats.csv" \
	"series,n,distinct,log2_slots,hmin_est,hmin_4096bins,p16,p256,p4096,balance_bits,balance_maxdev" 8 2 3 4 5 6 7 8 10 11
check "stats.csv p-values in [0,1]" awk -F, 'NR>1 && ($7 < 0 || $7 > 1 || $8 < 0 || $8 > 1) { bad = 1 } END { exit bad }' "$so/stats.csv"
check "stats.csv has kernel virt and phys" bash -c "grep -q '^kernel.virt,' '$so/stats.csv' && grep -q '^kernel.phys,' '$so/stats.csv'"
check "pairs.csv" csv_ok "$so/pairs.csv" "a,b,distinct_deltas,max_delta_repeat,p_indep_16x16" 3 3 4
check "hist.csv 64 bins per series" awk -F, 'NR>1 { c[$1]++ } END { for (s in c) if (c[s] != 64) exit 1; exit !length(c) }' "$so/hist.csv"
check "boots.csv: 3 boots, layouts match" awk -F, 'NR>1 { n++; if ($4 != "yes") bad = 1 } END { exit !(n == 3 && !bad) }' "$so/boots.csv"
check "hist.svg" grep -q "<svg" "$so/hist.svg"
echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
