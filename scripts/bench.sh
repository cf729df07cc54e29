#!/usr/bin/env bash
# `make bench`: what ASLR costs at boot.  Writes $OUT/report.md,
# CSVs and plots (gnuplot SVG); prints a table and a progress line.
#   1. host microbenchmarks of the core (build/bench/hostbench)
#   2. whole boot, QEMU start -> kernel's first serial line, ABBA-interleaved
#      pairs, aslrboot ASLR on vs off (microvm, -kernel), plain TCG and TCG
#      with THP disabled for QEMU ("nothp"); host THP faults logged per boot
#   3. the loader's own phases (TIMINGS record, cycles) from every boot of 2,
#      and from pairs under -icount shift=0,sleep=off (instruction counts);
#      in-guest A/B: bench=ROUNDS (loader/bench.c) rounds of plan+load+
#      relocate+map, aslr off/on in ABBA order inside one boot, TCG and icount
#   4. GRUB (BIOS ISO) booting a fixed-address Multiboot2 stand-in directly
#      (with the test kernel as an unused module, so GRUB reads the same
#      kernel file) vs chainloading the test kernel through aslrboot, with
#      THP-backed and with 4 KiB-backed guest RAM
#   5. section granularity (scripts/bench-fg.sh): aslr=off vs segment vs
#      section for generated kernels of FG_SIZES functions, whole boot and
#      icount side by side; relocation cost per entry (lrelocbench, with 1)
# Env: B (build), OUT ($B/bench), ROUNDS (20, in-guest), PAIRS (20, per TCG
#      mode), ICOUNT_PAIRS (5), GRUB_PAIRS (20, per mode), REPS (15, host),
#      SMOKE=1 (tiny inputs, 2 pairs each, the 100-function kernel once per
#      arm); FG_SIZES ("100 1000 10000"), FG_ROUNDS (12), FG_ICOUNT (3).
# TCG figures are emulator time on this host, not hardware time.
set -euo pipefail
B=${B:-build}
OUT=${OUT:-$B/bench}
ROUNDS=${ROUNDS:-20}
PAIRS=${PAIRS:-20} ICOUNT_PAIRS=${ICOUNT_PAIRS:-5} GRUB_PAIRS=${GRUB_PAIRS:-20} REPS=${REPS:-15}
if [ "${SMOKE:-0}" = 1 ]; then
	PAIRS=${SMOKE_PAIRS:-2} ICOUNT_PAIRS=1 GRUB_PAIRS=1 REPS=2 ROUNDS=4
	export GEN_SMALL=1 FG_SIZES=${FG_SIZES:-100} FG_ROUNDS=${FG_ROUNDS:-1} FG_ICOUNT=${FG_ICOUNT:-1}
fi
export FG_SIZES=${FG_SIZES:-100 1000 10000}
BT=$B/bench
TFIRST=$BT/tfirst
for t in "$TFIRST" "$BT/hostbench" "$BT/lrelocbench" "$B/aslrboot.mb" "$B/kernel/test-kernel.elf"; do
	[ -x "$t" ] || [ -f "$t" ] || { echo "bench: $t missing (make bench-tools targets)" >&2; exit 2; }
done
mkdir -p "$OUT/logs"
progress() { printf '\r[bench] %-70s' "$*" >&2; }
done_progress() { printf '\r%-80s\r' '' >&2; }

# ---- inputs --------------------------------------------------------------
gen=$OUT/gen
[ "${SMOKE:-0}" = 1 ] && gen=$OUT/gen-small
if [ ! -f "$gen/.stamp" ] || [ scripts/bench-gen.sh -nt "$gen/.stamp" ]; then
	progress "generating kernels and PIEs into $gen"
	scripts/bench-gen.sh "$gen" && touch "$gen/.stamp"
fi
fgk=()
for n in $FG_SIZES; do
	progress "building the generated kernel of $n functions"
	make -s B="$B" "$B/kernel-fg/n$n/fg-kernel.elf" >/dev/null
	fgk+=("fg-$n=$B/kernel-fg/n$n/fg-kernel.elf")
done

# ---- 1. host microbenchmarks ----------------------------------------------
progress "host microbenchmarks (reps $REPS)"
"$BT/hostbench" "$gen" "$OUT/host.csv" "$REPS" >"$OUT/logs/host.txt"
progress "relocation cost per entry, section granularity (reps $REPS)"
"$BT/lrelocbench" "$OUT/host.csv" "$REPS" "$gen/k-100k-rela.elf" "$gen/k-lrel-100k.elf" \
	"${fgk[@]}" >>"$OUT/logs/host.txt"

# ---- 2+3. whole boot, aslr on vs off, microvm ----------------------------
boot_csv=$OUT/boot.csv
phase_csv=$OUT/phases.csv
echo "arm,clock,run,ns_to_first_line,exit,virt,phys,thp_faults" >"$boot_csv"
echo "arm,clock,run,phase,cycles" >"$phase_csv"
kernel=$B/kernel/test-kernel.elf

# Host transparent-huge-page faults so far: QEMU backs guest RAM with THP,
# so each 2 MiB of guest RAM the boot touches first costs a host fault that
# zeroes 2 MiB.  Random placement touches more of them than a packed one: an
# emulator cost real RAM does not have, logged next to each timing.
thp() { awk '$1 == "thp_fault_alloc" { print $2; f = 1 } END { if (!f) print 0 }' /proc/vmstat 2>/dev/null || echo 0; }

# boot ARM CLOCK RUN: one microvm boot; ARM is on|off, CLOCK tcg|icount|
# nothp (plain TCG with THP disabled for QEMU: guest RAM on 4 KiB host pages,
# so a touched page costs the same wherever the layout put it).
boot() {
	local arm=$1 clock=$2 run=$3 opts= extra=() log res ns rc thp0 env=()
	[ "$arm" = off ] && opts="aslr=off"
	[ "$clock" = icount ] && extra=(-icount shift=0,sleep=off)
	[ "$clock" = nothp ] && env=(TFIRST_NO_THP=1)
	log=$OUT/logs/$clock-$arm-$run.log
	thp0=$(thp)
	res=$(env "${env[@]}" "$TFIRST" "aslrboot-test-kernel:" "$log" timeout -k 5 60 \
		qemu-system-x86_64 -machine microvm -accel tcg -cpu max -m 256 "${extra[@]}" \
		-kernel "$B/aslrboot.mb" -append "$opts" -initrd "$kernel verbose" \
		-nodefaults -display none -no-reboot -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null)
	read -r ns rc <<<"$res"
	local pass virt phys
	pass=$(grep -a 'aslrboot-test-kernel: PASS' "$log" | tr -d '\r' || true)
	virt=$(sed -n 's/.*PASS virt=\(0x[0-9a-f]*\).*/\1/p' <<<"$pass")
	phys=$(sed -n 's/.* phys=\(0x[0-9a-f]*\).*/\1/p' <<<"$pass")
	[ "$rc" = 33 ] && [ "$ns" -ge 0 ] || { echo "bench: boot $clock/$arm/$run failed (exit $rc), see $log" >&2; exit 1; }
	echo "$arm,$clock,$run,$ns,$rc,$virt,$phys,$(($(thp) - thp0))" >>"$boot_csv"
	tr -d '\r' <"$log" | awk -v a="$arm" -v c="$clock" -v r="$run" \
		'/^  [a-z-]+: [0-9]+ cycles/ { sub(":", "", $1); print a "," c "," r "," $1 "," $2 }' >>"$phase_csv"
}

# ABBA: pair i runs on,off when i is even and off,on when odd.
abba() { # CLOCK NPAIRS
	local i
	for ((i = 0; i < $2; i++)); do
		progress "$1 boots: pair $((i + 1))/$2"
		if ((i % 2 == 0)); then boot on "$1" "$i"; boot off "$1" "$i"
		else boot off "$1" "$i"; boot on "$1" "$i"; fi
	done
}
abba tcg "$PAIRS"
abba nothp "$PAIRS"
abba icount "$ICOUNT_PAIRS"

# ---- 3b. in-guest A/B: bench=K rounds inside one boot ---------------------
ig_csv=$OUT/inguest.csv
echo "clock,round,arm,virt,phys,pt_pages,plan,copy,relocate,page_tables,total" >"$ig_csv"
for clock in tcg icount; do
	progress "in-guest bench=$ROUNDS ($clock)"
	extra=()
	[ "$clock" = icount ] && extra=(-icount shift=0,sleep=off)
	log=$OUT/logs/inguest-$clock.log
	timeout -k 5 300 qemu-system-x86_64 -machine microvm -accel tcg -cpu max -m 256 "${extra[@]}" \
		-kernel "$B/aslrboot.mb" -append "bench=$ROUNDS" -initrd "$kernel" \
		-nodefaults -display none -no-reboot -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null | tr -d '\r' >"$log" || true
	grep -q 'aslrboot-test-kernel: PASS' "$log" || { echo "bench: in-guest run ($clock) failed, see $log" >&2; exit 1; }
	awk -v c="$clock" '/^aslrboot: bench: round / {
		for (i = 4; i <= NF; i++) if (split($i, kv, "=") == 2) v[kv[1]] = kv[2]
		print c "," $4 "," v["aslr"] "," v["virt"] "," v["phys"] "," v["pt-pages"] "," v["plan"] "," \
			v["copy"] "," v["relocate"] "," v["page-tables"] "," v["total"] }' "$log" >>"$ig_csv"
done

# ---- 4. GRUB direct vs GRUB -> aslrboot ----------------------------------
grub_csv=$OUT/grub.csv
echo "arm,run,ns_to_first_line,exit,virt,phys,host_pages" >"$grub_csv"
if command -v grub-mkrescue >/dev/null && [ -d /usr/lib/grub/i386-pc ]; then
	iso=$OUT/iso
	mkdir -p "$iso/direct/boot/grub"
	as --32 tests/bench/direct.S -o "$iso/direct.o"
	ld -m elf_i386 -Ttext=0x100000 -e _start "$iso/direct.o" -o "$iso/direct/boot/direct.elf"
	# GRUB reads the same kernel file in both arms (the stand-in ignores it),
	# so the difference is aslrboot: its image and its run.
	cp "$kernel" "$iso/direct/boot/kernel.elf"
	cat >"$iso/direct/boot/grub/grub.cfg" <<'CFG'
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "direct" {
	multiboot2 /boot/direct.elf
	module2 /boot/kernel.elf
	boot
}
CFG
	progress "building GRUB ISOs"
	grub-mkrescue -d /usr/lib/grub/i386-pc -o "$iso/direct.iso" "$iso/direct" 2>"$iso/log"
	# verbose: the kernel's first line comes right at its entry, as in the
	# microvm arms (without it, it comes after all of the kernel's checks).
	scripts/mkgrub-iso.sh "$iso/chain.iso" "$B/aslrboot.mb" "$kernel" verbose
	gboot() { # ARM RUN thp|nothp
		local log=$OUT/logs/grub-$3-$1-$2.log res ns rc pass env=()
		[ "$3" = nothp ] && env=(TFIRST_NO_THP=1)
		res=$(env "${env[@]}" "$TFIRST" "aslrboot-test-kernel:" "$log" timeout -k 5 60 \
			qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 256 -cdrom "$iso/$1.iso" \
			-nodefaults -display none -no-reboot -serial stdio \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null)
		read -r ns rc <<<"$res"
		pass=$(grep -a 'aslrboot-test-kernel: PASS' "$log" | tr -d '\r' || true)
		[ "$rc" = 33 ] && [ "$ns" -ge 0 ] || { echo "bench: GRUB boot $1/$2 failed (exit $rc), see $log" >&2; exit 1; }
		echo "$1,$2,$ns,$rc,$(sed -n 's/.*PASS virt=\(0x[0-9a-f]*\).*/\1/p' <<<"$pass"),$(sed -n 's/.* phys=\(0x[0-9a-f]*\).*/\1/p' <<<"$pass"),$3" >>"$grub_csv"
	}
	for mode in thp nothp; do
		for ((i = 0; i < GRUB_PAIRS; i++)); do
			progress "GRUB boots ($mode): pair $((i + 1))/$GRUB_PAIRS"
			if ((i % 2 == 0)); then gboot direct "$i" $mode; gboot chain "$i" $mode
			else gboot chain "$i" $mode; gboot direct "$i" $mode; fi
		done
	done
else
	echo "bench: grub-mkrescue or grub-pc-bin missing: GRUB comparison skipped" >&2
fi
done_progress

# ---- 5. section granularity: aslr=off vs segment vs section ---------------
B=$B OUT=$OUT scripts/bench-fg.sh
done_progress

# ---- report ----------------------------------------------------------------
OUT=$OUT scripts/bench-report.sh
