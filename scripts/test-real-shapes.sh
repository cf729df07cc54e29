#!/usr/bin/env bash
# Test kernels with the program-header shapes of real self-relocating
# kernels (tests/kernel-realshape/, built by tests/mk/realshape.mk), booted
# the three ways aslrboot starts: qemu -kernel (Multiboot 1), GRUB BIOS
# (multiboot2 + module2) and OVMF (aslrboot.efi).  Each kernel checks what
# it needs from inside and prints "<name>: PASS phys=0x..." (exit 33).
#   - readelf first: the images carry the real shapes (a linker change that
#     loses one would make the rest of this test prove nothing)
#   - uk-shape (Unikraft Firecracker PIE build): boots with no options on
#     all three paths; the log says linux64 took it as movable (its
#     zero-size PT_DYNAMIC).  6 qemu -kernel boots, GRUB, OVMF and the seed
#     boot give 9 physical bases that must all differ.  Each boot must log
#     at least 15 bits for the base (-m 256: ~2^15.7 to 2^16 4 KiB slots),
#     so a correct loader repeats one with probability
#     <= C(9,2) / 2^15 = 0.11%, this test's false-failure rate.
#     linux_seed_cmdline=1 verbose=1: random.seed=[8 words] right after
#     argv[0], before "--", and the kernel runs at the base the log gives
#   - memtest-shape (memtest86+ v8's ELF build): boots with protocol=linux64
#     on all three paths; with no options it is refused (one error line
#     ending [E_WX], then one hint line, exit 65)
#   - fixed-shape (Nanos): boots with no options at exactly 0x200000 on all
#     three paths; the log says it was not relocatable
# At most 2 QEMUs at once: 16 boots, 40-75 s under TCG.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
T=$B/real-shapes
rm -rf "$T"
mkdir -p "$T"
UK=$B/kernel/uk-shape.elf MT=$B/kernel/memtest-shape.elf FX=$B/kernel/fixed-shape.elf
need "$EFI" "$B/aslrboot.mb" "$UK" "$MT" "$FX"
command -v readelf >/dev/null && command -v grub-mkrescue >/dev/null ||
	{ echo "FAIL readelf or grub-mkrescue missing (scripts/deps.sh)"; echo "RESULT passed=0 failed=1"; exit 1; }
ARGS="app -- hello"

# ---- The shapes, from readelf -lW ----------------------------------------
# One line per program header: TYPE OFFSET VADDR FILESZ MEMSZ FLAGS ALIGN
# (numbers in decimal; FLAGS without spaces, e.g. "RE", "RWE").
phdrs() {
	readelf -lW "$1" 2>/dev/null | awk '
		function num(s,  i, n) {
			n = 0
			for (i = 3; i <= length(s); i++)
				n = n * 16 + index("0123456789abcdef", substr(tolower(s), i, 1)) - 1
			return n
		}
		/^ +[A-Z_]+ +0x/ {
			fl = ""
			for (i = 7; i < NF; i++) fl = fl $i
			printf "%s %.0f %.0f %.0f %.0f %s %.0f\n", $1, num($2), num($3), num($5), num($6),
				fl, num($NF)
		}'
}
etype() { readelf -hW "$1" 2>/dev/null | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p'; }
entry() { readelf -hW "$1" 2>/dev/null | sed -n 's/^ *Entry point address: *//p'; }

# uk-shape: ET_EXEC; LOAD 0x100000 R-X align 0x1000; a LOAD R align 0x20
# whose offset is not congruent to its address mod 4096; a LOAD RW with
# filesz < memsz align 0x40; an empty LOAD inside the RW one; PT_TLS; a
# PT_DYNAMIC of size 0 outside every PT_LOAD.
uk_shape() {
	[ "$(etype "$UK")" = EXEC ] || { echo "not ET_EXEC"; return 1; }
	phdrs "$UK" | awk '
		{ t[NR] = $1; off[NR] = $2; va[NR] = $3; fs[NR] = $4; ms[NR] = $5; fl[NR] = $6; al[NR] = $7 }
		$1 == "LOAD" && $3 == 1048576 && $6 == "RE" && $7 == 4096 { text = 1 }
		$1 == "LOAD" && $6 == "R" && $7 == 32 && $2 % 4096 != $3 % 4096 { ro = 1 }
		$1 == "LOAD" && $6 == "RW" && $7 == 64 && $4 < $5 { rw = NR }
		$1 == "TLS" { tls = 1 }
		END {
			for (i = 1; i <= NR; i++) {
				if (t[i] == "LOAD" && ms[i] == 0 && rw && va[i] >= va[rw] && va[i] < va[rw] + ms[rw])
					empty = 1
				if (t[i] == "DYNAMIC" && ms[i] == 0) {
					dyn = 1
					for (j = 1; j <= NR; j++)
						if (t[j] == "LOAD" && va[i] >= va[j] && va[i] < va[j] + ms[j])
							dyn = 0
				}
			}
			if (!text) print "no LOAD 0x100000 R E align 0x1000"
			if (!ro) print "no LOAD R align 0x20 with an incongruent offset"
			if (!rw) print "no LOAD RW align 0x40 with filesz < memsz"
			if (!empty) print "no empty LOAD inside the RW segment"
			if (!tls) print "no PT_TLS"
			if (!dyn) print "no zero-size PT_DYNAMIC outside every PT_LOAD"
			exit !(text && ro && rw && empty && tls && dyn)
		}'
}

# memtest-shape: ET_DYN, entry 0x200, a LOAD at 0 with RWE then one RW LOAD,
# a PT_DYNAMIC, an executable PT_GNU_STACK, RELATIVE relocations only.
mt_shape() {
	[ "$(etype "$MT")" = DYN ] || { echo "not ET_DYN"; return 1; }
	[ "$(entry "$MT")" = 0x200 ] || { echo "entry $(entry "$MT"), not 0x200"; return 1; }
	local loads
	loads=$(phdrs "$MT" | awk '$1 == "LOAD" { printf "%s%s", sep, $6; sep = "," }')
	[ "$loads" = RWE,RW ] || { echo "PT_LOAD flags $loads, not RWE,RW"; return 1; }
	phdrs "$MT" | grep -q '^LOAD [0-9]* 0 [0-9]* [0-9]* RWE ' || { echo "the first PT_LOAD is not RWE at 0"; return 1; }
	phdrs "$MT" | grep -q '^GNU_STACK .* RWE ' || { echo "PT_GNU_STACK not RWE"; return 1; }
	phdrs "$MT" | grep -q '^DYNAMIC ' || { echo "no PT_DYNAMIC"; return 1; }
	local rel all
	rel=$(readelf -rW "$MT" | grep -c 'R_X86_64_RELATIVE')
	all=$(readelf -rW "$MT" | grep -c 'R_X86_64_')
	[ "$rel" -gt 0 ] && [ "$rel" = "$all" ] || { echo "$rel RELATIVE of $all relocations"; return 1; }
}

# fixed-shape: ET_EXEC, LOADs 0x200000 R-X, then R, then RW, each offset
# congruent to its address mod 4096; no PT_DYNAMIC; a "Xen" note of type
# 18 (XEN_ELFNOTE_PHYS32_ENTRY).
fx_shape() {
	[ "$(etype "$FX")" = EXEC ] || { echo "not ET_EXEC"; return 1; }
	local loads
	loads=$(phdrs "$FX" | awk '$1 == "LOAD" { printf "%s%s", sep, $6; sep = "," }')
	[ "$loads" = RE,R,RW ] || { echo "PT_LOAD flags $loads, not RE,R,RW"; return 1; }
	phdrs "$FX" | awk '$1 == "LOAD"' | head -1 | grep -q '^LOAD [0-9]* 2097152 ' ||
		{ echo "first PT_LOAD not at 0x200000"; return 1; }
	phdrs "$FX" | awk '$1 == "LOAD" && $2 % 4096 != $3 % 4096 { bad = 1 } END { exit bad }' ||
		{ echo "a PT_LOAD offset is not congruent"; return 1; }
	! phdrs "$FX" | grep -q '^DYNAMIC ' || { echo "has a PT_DYNAMIC"; return 1; }
	readelf -nW "$FX" | grep -Eq '^ *Xen +0x[0-9a-f]+[[:space:]]+.*0x00000012' ||
		{ echo "no Xen note of type 18"; return 1; }
}

for s in uk mt fx; do
	if why=$(${s}_shape 2>&1); then
		ok "$s-shape: program headers have the real shape"
	else
		fail "$s-shape: $why"
		readelf -lW "$(eval echo "\$${s^^}")" 2>/dev/null | sed -n '/^Program Headers/,/^$/p'
	fi
done

# ---- Boots ---------------------------------------------------------------
# At most two at once.
spawn() {
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
	"$@" &
}
mb() { # NAME KERNEL AOPTS
	scripts/qemu-mb.sh -t 30 -a "$3" "$2 $ARGS" >"$T/$1.log" 2>&1
	echo $? >"$T/$1.rc"
}
grub() { # NAME KERNEL AOPTS
	if ! scripts/mkgrub-iso.sh -a "$3" "$T/$1.iso" "$B/aslrboot.mb" "$2" $ARGS >"$T/$1.log" 2>&1; then
		echo 1 >"$T/$1.rc"
		return
	fi
	timeout -k 5 30 qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 256 \
		-cdrom "$T/$1.iso" -nodefaults -display none -no-reboot -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>&1 |
		sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g' >"$T/$1.log"
	echo "${PIPESTATUS[0]}" >"$T/$1.rc"
	rm -f "$T/$1.iso"
}
efi() { # NAME KERNEL CONFIG-LINES...
	local name=$1 k=$2
	shift 2
	esp "$name" "$EFI" "$k" "$(printf '%s\n' "cmdline=$ARGS" "$@")"
	# A refusal drops to the firmware's shell: stop there (exit 0, a fail).
	boot "$name" "$T/$name.img" -t 60 -u '^aslrboot: error:'
	rm -f "$T/$name.img"
}

N=6
spawn efi efi-uk "$UK"
spawn efi efi-mt "$MT" protocol=linux64
spawn efi efi-fx "$FX"
spawn grub grub-uk "$UK" ""
spawn grub grub-mt "$MT" protocol=linux64
spawn grub grub-fx "$FX" ""
for ((i = 0; i < N; i++)); do spawn mb "mb-uk$i" "$UK" ""; done
spawn mb mb-uk-seed "$UK" "linux_seed_cmdline=1 verbose=1"
spawn mb mb-mt "$MT" protocol=linux64
spawn mb mb-mt-auto "$MT" ""
spawn mb mb-fx "$FX" ""
wait

pass_re() { echo "^aslrboot-$1-shape: PASS phys=0x[0-9a-f]*\$"; }
phys_of() { grep -a "$(pass_re "$2")" "$T/$1.log" | head -1 | sed 's/.*phys=0x0*/0x/'; }
# PASS, exit 33, and the command line arrived (app [seed] -- hello).
passed_boot() { # NAME SHAPE
	[ "$(rc_of "$1")" = 33 ] && grep -aq "$(pass_re "$2")" "$T/$1.log" &&
		grep -aEqx "aslrboot-$2-shape: cmdline: app( .*)? -- hello" "$T/$1.log"
}
expect_pass() { # NAME SHAPE WHAT
	if passed_boot "$1" "$2"; then
		ok "$3: PASS at $(phys_of "$1" "$2")"
	else
		fail "$3: exit $(rc_of "$1")"
		show_log "$1"
	fi
}

argv0_no_seed() {
	grep -aqx 'aslrboot-uk-shape: argv\[0\]: app' "$T/$1.log" && ! grep -aq 'random\.seed' "$T/$1.log"
}
same_base() { [ -n "$1" ] && [ "$1" = "$2" ]; }
movable_15() { # NAME SIGN: the linux64 line and the bits of the base
	local bits
	bits=$(sed -n 's/^aslrboot: linux64: physical base: .* \([0-9]*\)\.[0-9]* bits of entropy$/\1/p' "$T/$1.log")
	grep -aq "^aslrboot: linux64: .*movable ($2): random physical base" "$T/$1.log" &&
		[ -n "$bits" ] && [ "$bits" -ge 15 ]
}

# uk-shape, no options.
physs=()
for n in $(seq -f 'mb-uk%g' 0 $((N - 1))) grub-uk efi-uk; do
	expect_pass "$n" uk "uk-shape, no options, $n"
	passed_boot "$n" uk && physs+=("$(phys_of "$n" uk)")
	check "uk-shape $n: linux64, movable (PT_DYNAMIC), at least 15 bits" movable_15 "$n" PT_DYNAMIC
	check "uk-shape $n: argv[0] is app, no seed on the command line" argv0_no_seed "$n"
done
expect_pass mb-uk-seed uk "uk-shape, linux_seed_cmdline=1 verbose=1"
passed_boot mb-uk-seed uk && physs+=("$(phys_of mb-uk-seed uk)")
d=$(printf '%s\n' "${physs[@]}" | sort -u | wc -l)
bits=$(sed -n 's/.*physical base: .* \([0-9.]*\) bits.*/\1/p' "$T/mb-uk0.log" | head -1)
echo "uk-shape physical bases: ${physs[*]} ($d distinct; the loader logs ${bits:-?} bits)"
check "uk-shape: $d of $((N + 3)) physical bases distinct" [ "$d" -eq $((N + 3)) ]
check "uk-shape: random.seed=[8 words] right after argv[0], before --" \
	grep -aEqx 'aslrboot-uk-shape: cmdline: app random\.seed=\[(0x[0-9a-f]{8} ){7}0x[0-9a-f]{8}\] -- hello' \
	"$T/mb-uk-seed.log"
check "uk-shape: the kernel read the seed where Unikraft does" \
	grep -aqx 'aslrboot-uk-shape: random.seed: 8 words, after argv\[0\] and before --' "$T/mb-uk-seed.log"
lp=$(sed -n 's/^aslrboot: linux64: image phys=0x0*\([0-9a-f]*\) .*/0x\1/p' "$T/mb-uk-seed.log")
check "uk-shape: the kernel runs at the base the loader chose (${lp:-none logged})" \
	same_base "$lp" "$(phys_of mb-uk-seed uk)"

# memtest-shape: protocol=linux64 everywhere; refused by default.
for n in mb-mt grub-mt efi-mt; do
	expect_pass "$n" memtest "memtest-shape, protocol=linux64, $n"
	check "memtest-shape $n: movable (ET_DYN), at least 15 bits" movable_15 "$n" ET_DYN
done
L=$T/mb-mt-auto.log
if [ "$(rc_of mb-mt-auto)" = 65 ] && [ "$(grep -ac '^aslrboot: error:' "$L")" = 1 ] &&
	tail -n 2 "$L" | head -1 | grep -aq '^aslrboot: error: .*\[E_WX\]$' &&
	tail -n 1 "$L" | grep -aqx 'aslrboot: hint: protocol=linux64 boots it as a self-relocating kernel without W^X'; then
	ok "memtest-shape, no options: refused, E_WX and the protocol=linux64 hint"
else
	fail "memtest-shape, no options: exit $(rc_of mb-mt-auto), want 65 with E_WX + hint"
	show_log mb-mt-auto
fi

# fixed-shape: no options, exactly at its link address.
for n in mb-fx grub-fx efi-fx; do
	expect_pass "$n" fixed "fixed-shape, no options, $n"
	check "fixed-shape $n: runs at 0x200000" [ "$(phys_of "$n" fixed)" = 0x200000 ]
	check "fixed-shape $n: the log says it is not relocatable" \
		grep -aq '^aslrboot: linux64: .*not relocatable.*link address 0x0*200000' "$T/$n.log"
done
done_results
