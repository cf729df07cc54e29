#!/usr/bin/env bash
# Multiboot 1 boots of build/aslrboot.mb through QEMU's -kernel:
#   - the test kernel passes on -M pc (SeaBIOS) and -M microvm (qboot), with
#     the gcc and the clang build, and with a second module
#   - 10 boots give 10 distinct virtual and 10 distinct physical kernel bases
#   - negative boots: no module, a corrupted kernel, malformed-ELF fixtures,
#     a kernel that cannot fit in -m 64, bad options: each prints exactly one
#     error line, as the last line, and QEMU exits 65 within 10 s
#   - aslrboot's own page tables are W^X (QEMU's `info tlb` while halted)
#   - the memory map keeps the partial page 0x9f000-0x9fc00; a mistyped
#     first option and a CPU without NX are one error line each
# 10 distinct physical bases out of ~2^16 slots (-m 256) collide by chance
# with probability about 45 / 2^16 = 0.07%: that is this test's false-failure
# rate (virtual bases: ~2^35 slots, negligible).
# Prints "ok NAME" / "FAIL NAME: why" per case and a RESULT line.
set -u
B=${B:-build}
K=$B/kernel/test-kernel.elf
BIG=$B/kernel/big-kernel.elf
passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-mb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1: $2"
	[ -f "$tmp/$1.log" ] && sed 's/^/    /' "$tmp/$1.log" | tail -n 8
	failed=$((failed + 1))
}

for f in "$B/aslrboot.mb" "$B/multiboot-clang/aslrboot.mb" "$K" "$BIG"; do
	[ -f "$f" ] || { echo "missing $f (make targets)"; echo "RESULT passed=0 failed=1"; exit 1; }
done

# expect_pass NAME [qemu-mb.sh args...]: exit 33 and the kernel's PASS line.
expect_pass() {
	local name=$1 rc
	shift
	scripts/qemu-mb.sh -t 30 "$@" >"$tmp/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 33 ] && grep -q '^aslrboot-test-kernel: PASS ' "$tmp/$name.log"; then
		ok "$name"
	else
		bad "$name" "exit $rc, no PASS line"
	fi
}

# expect_error NAME -F|-E LINE [qemu-mb.sh args...]: exit 65 within 10 s;
# the only "aslrboot: error:" line is the last line and matches LINE
# (-F: literally, -E: as an extended regex), whole line.
expect_error() {
	local name=$1 mode=$2 want=$3 rc t0=$SECONDS last n
	shift 3
	scripts/qemu-mb.sh -t 10 "$@" >"$tmp/$name.log" 2>&1
	rc=$?
	last=$(tail -n 1 "$tmp/$name.log")
	n=$(grep -c '^aslrboot: error: ' "$tmp/$name.log")
	if [ $rc -ne 65 ]; then
		bad "$name" "exit $rc, want 65 (error halt) after $((SECONDS - t0)) s"
	elif [ "$n" -ne 1 ]; then
		bad "$name" "$n error lines, want 1"
	elif ! printf '%s\n' "$last" | grep -qx "$mode" -- "$want"; then
		bad "$name" "last line '$last' does not match '$want'"
	else
		ok "$name"
	fi
}

expect_pass pc -M pc -a "verbose=1" "$K verbose memmap"
if grep -qF "aslrboot: aslrboot 0.1.0 (Multiboot 1): kernel $K (" "$tmp/pc.log"; then
	ok pc-verbose-summary
else
	bad pc-verbose-summary "no 'kernel $K' summary line with verbose=1"
fi
# The map handed over keeps the partial page below SeaBIOS's EBDA (usable
# up to 0x9fc00): some entry (RESERVED) covers 0x9f000.
mm_covers() { # LOG ADDRESS
	local lo hi
	while read -r lo hi; do
		((lo <= $2 && $2 < hi)) && return 0
	done < <(sed -n 's/^aslrboot-test-kernel: memmap \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) .*/\1 \2/p' "$1")
	return 1
}
if mm_covers "$tmp/pc.log" 0x9f000 && mm_covers "$tmp/pc.log" 0x9fbff; then
	ok pc-memmap-partial-page
else
	bad pc-memmap-partial-page "no memory-map entry covers 0x9f000-0x9fc00"
fi
expect_pass microvm -M microvm "$K"
expect_pass microvm-clang -M microvm -k "$B/multiboot-clang/aslrboot.mb" "$K"
expect_pass pc-module -M pc "$K,$K second module"
expect_pass pc-qemu64 -M pc -c qemu64 "$K"

# 10 boots, 10 distinct bases (virtual and physical) from the PASS lines.
: >"$tmp/bases"
for i in $(seq 10); do
	scripts/qemu-mb.sh -t 30 -M microvm "$K" 2>&1 |
		sed -n 's/^aslrboot-test-kernel: PASS virt=\(0x[0-9a-f]*\) phys=\(0x[0-9a-f]*\).*/\1 \2/p' >>"$tmp/bases"
done
nb=$(wc -l <"$tmp/bases")
nv=$(cut -d' ' -f1 "$tmp/bases" | sort -u | wc -l)
np=$(cut -d' ' -f2 "$tmp/bases" | sort -u | wc -l)
if [ "$nb" -eq 10 ] && [ "$nv" -eq 10 ] && [ "$np" -eq 10 ]; then
	ok distinct-bases
else
	bad distinct-bases "$nb passing boots, $nv distinct virtual and $np distinct physical bases"
	sed 's/^/    /' "$tmp/bases"
fi

expect_error no-module -F \
	"aslrboot: error: multiboot: no module: load the kernel as the first module: no kernel image [E_NO_KERNEL]" \
	-M microvm
cp "$K" "$tmp/corrupt.elf"
printf 'X' | dd of="$tmp/corrupt.elf" bs=1 seek=1 conv=notrunc status=none
expect_error corrupt-magic -E "aslrboot: error: $tmp/corrupt\.elf: ELF header: .*\[E_NOT_ELF\]" \
	-M microvm "$tmp/corrupt.elf"
# A few malformed-ELF fixtures, one per group, with the code bad.list names.
if [ -f "$B/fixtures/bad.list" ]; then
	for f in bad-a6.elf bad-b4.elf bad-c12.elf bad-c3_wrap.elf bad-d13.elf; do
		code=$(awk -v f="$f" '$1 == f { print $2 }' "$B/fixtures/bad.list")
		[ -n "$code" ] || { bad "fixture-$f" "not in bad.list"; continue; }
		expect_error "fixture-$f" -E "aslrboot: error: $B/fixtures/$f: .*\[$code\]" \
			-M microvm "$B/fixtures/$f"
	done
else
	bad fixtures "no $B/fixtures/bad.list (make host)"
fi
expect_error too-big-m64 -E "aslrboot: error: $BIG: .*\[E_NO_SPACE\]" -M pc -m 64 "$BIG"
expect_error bad-option -E "aslrboot: error: multiboot command line: option 1: aslr: .*\[E_CONFIG\]" \
	-M microvm -a "aslr=maybe" "$K"
# A first word without '=' after QEMU's path is a mistyped option, not skipped.
expect_error mistyped-first-option -F \
	"aslrboot: error: multiboot command line: option 1: entropystrict: expected key=value [E_CONFIG]" \
	-M microvm -a "entropystrict" "$K"
# No NX: refused before paging is set up, with the same line as on UEFI.
expect_error no-nx -F \
	"aslrboot: error: CPU: no NX (execute-disable): required for W^X page tables [E_CPU]" \
	-M microvm -c qemu64,-nx "$K"
expect_error uefi-key -F \
	"aslrboot: error: multiboot: command line: kernel=, module= and cmdline= are UEFI options; pass the kernel as the first module: bad configuration [E_CONFIG]" \
	-M microvm -a "kernel=/boot/k.elf" "$K"

# aslrboot's own page tables, seen from outside (QEMU's `info tlb`, flags
# X = NX, W = writable) while it sits halted after an error: no leaf both
# writable and executable; the executable pages are exactly .text; page 0
# and the stack guard page are not mapped.
loader_wx() {
	local elf=$B/multiboot/aslrboot.elf64 pid i ts te guard why
	trap '' PIPE # QEMU may be gone already: fail below, do not die here
	mkfifo "$tmp/mon"
	timeout -k 5 20 qemu-system-x86_64 -machine microvm -accel tcg -cpu max -m 256 \
		-kernel "$B/aslrboot.mb" -nodefaults -display none -no-reboot \
		-serial "file:$tmp/loader-wx.log" -monitor stdio <"$tmp/mon" >"$tmp/tlb" 2>&1 &
	pid=$!
	exec 3>"$tmp/mon"
	for i in $(seq 100); do
		grep -q 'E_NO_KERNEL' "$tmp/loader-wx.log" 2>/dev/null && break
		sleep 0.1
	done
	printf 'info tlb\nquit\n' >&3
	exec 3>&-
	wait "$pid"
	ts=$(nm "$elf" | awk '$3 == "__text_start" { print $1 }')
	te=$(nm "$elf" | awk '$3 == "__text_end" { print $1 }')
	guard=$(nm "$elf" | awk '$3 == "mb_stack_guard" { print $1 }')
	why=$(tr -d '\r' <"$tmp/tlb" | awk -v ts=$((16#$ts)) -v te=$((16#$te)) -v g=$((16#$guard)) '
		/^[0-9a-f]+: [0-9a-f]+ [-A-Z]+$/ {
			n++; a = 0; hex = substr($1, 1, length($1) - 1)
			for (i = 1; i <= length(hex); i++) a = a * 16 + index("0123456789abcdef", substr(hex, i, 1)) - 1
			f = $3; nx = substr(f, 1, 1) == "X"; w = substr(f, 9, 1) == "W"; ps = substr(f, 3, 1) == "P"
			if (w && !nx) print "W+X page at " $1
			if (!nx && (ps || a < ts || a >= te)) print "executable page outside .text at " $1
			if (!nx) x++
			if (a < 4096 || a == g) print "page " $1 " should be unmapped"
		}
		END { if (n < 2048) print "only " n " TLB lines: no page tables seen"
		      if (x != (te - ts) / 4096) print x " executable pages, .text has " (te - ts) / 4096 }')
	if [ -z "$why" ]; then ok loader-wx; else bad loader-wx "$(echo "$why" | head -3)"; fi
}
loader_wx

echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
