#!/usr/bin/env bash
# aslrboot-inspect over the fixtures in $B/fixtures (tests/mk/elf.mk), with
# every aslrboot-inspect built ($B/host-gcc, $B/host-clang; or $INSPECT):
#   - every real PIE in real.list (and elfgen image in good.list): exit 0, "verdict: loadable", valid JSON
#     with "loadable":true, kernel virtual base >= 30 bits on 4 GiB of RAM;
#   - every file in bad.list: exit 1 and exactly one stderr line
#     "error: <file>: ... [<its listed code>]", the same code in --json;
#   - --help, usage errors (exit 2), the default --policy auto (a non-PIE
#     ET_EXEC: E_TYPE and the hint), --policy linux64, --ram;
#   - placement: a 64 MiB .bss PIE (built here with gcc) does not fit in
#     64 MiB (E_NO_SPACE with the shortfall) and fits on every draw in 128 MiB;
#   - AArch64 (judged for the file's own machine): the elfgen image and the
#     cross-built PIEs in aarch64.list are loadable with >= 30 bits and list
#     R_AARCH64_ types; --policy linux64 refuses them (E_MACHINE), as does any
#     machine other than x86-64 and AArch64; bad-a6 (an x86-64 image
#     relabelled AArch64) is judged as AArch64: its x86-64 types are refused.
#   - section granularity (sect.list, scripts/mkfixtures-sect.sh): loadable,
#     one unit per allocatable section of non-zero size (counted here from
#     the section headers), sorted, named, the arrangement's entropy = the
#     window's + the sum of the units'; --granularity segment gives the
#     one-slide report; the note's flag without --emit-relocs gives the
#     loader's warning; a link-time field changed in the file and lld's
#     rewritten .eh_frame are refused (E_LRELOC_FIELD); the lld recipe of
#     PROTOCOL.md (a linker script naming only the plain sections) keeps one
#     unit per function.
# Prints "RESULT passed=N failed=M".
set -u
B=${B:-build}
fx=$B/fixtures
passed=0 failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() { echo "RESULT passed=$passed failed=$failed"; [ "$failed" -eq 0 ]; exit; }

if [ -n "${INSPECT:-}" ]; then
	tools=("$INSPECT")
else
	tools=()
	for cc in gcc clang; do
		[ -x "$B/host-$cc/aslrboot-inspect" ] && tools+=("$B/host-$cc/aslrboot-inspect")
	done
fi
[ ${#tools[@]} -gt 0 ] || { bad "no aslrboot-inspect under $B/host-*/"; finish; }
[ -s "$fx/real.list" ] && [ -s "$fx/bad.list" ] || { bad "no fixtures in $fx (make host)"; finish; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# JSON validity is checked at the end, all files in one parser run (python3,
# else jq, else a shape check): json_later FILE LABEL.
mkdir -p "$tmp/json.d"
njson=0
json_later() {
	njson=$((njson + 1))
	cp "$1" "$tmp/json.d/$njson.json"
	printf '%s\n' "$2" >"$tmp/json.d/$njson.label"
}
json_check_all() {
	local f
	if python3 -c 'import json' 2>/dev/null; then
		python3 - "$tmp/json.d"/*.json >"$tmp/invalid" <<'PY'
import json, sys
for name in sys.argv[1:]:
    try:
        with open(name) as f:
            json.load(f)
    except Exception as e:
        print(name)
PY
	else
		: >"$tmp/invalid"
		for f in "$tmp/json.d"/*.json; do
			if command -v jq >/dev/null; then
				jq -e . "$f" >/dev/null 2>&1 || echo "$f" >>"$tmp/invalid"
			else
				grep -qx '{.*}' "$f" || echo "$f" >>"$tmp/invalid"
			fi
		done
	fi
	for f in "$tmp/json.d"/*.json; do
		if grep -qxF "$f" "$tmp/invalid"; then
			bad "invalid JSON from $(cat "${f%.json}.label")"
		else
			ok
		fi
	done
}
# $1 tool, $2 file: accepted, JSON parses, >= 30 bits of kernel virtual entropy.
check_real() {
	local t=$1 f=$2 rc bits
	"$t" "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || ! grep -qx 'verdict: loadable' "$tmp/out" || [ -s "$tmp/err" ]; then
		bad "$t $f: exit $rc: $(head -c 300 "$tmp/err")"
		return
	fi
	ok
	"$t" --json --ram 4G "$f" >"$tmp/json" 2>"$tmp/err"
	rc=$?
	json_later "$tmp/json" "$t --json $f"
	if [ $rc -ne 0 ] || ! grep -q '"loadable":true' "$tmp/json"; then
		bad "$t --json $f: exit $rc, not loadable in JSON"
		return
	fi
	ok
	bits=$(grep -o '"kernel_virt_bits":[0-9.]*' "$tmp/json" | cut -d: -f2)
	if [ -n "$bits" ] && awk -v b="$bits" 'BEGIN { exit !(b >= 30) }'; then
		ok
	else
		bad "$t $f: kernel virtual entropy '${bits}' bits < 30 on 4 GiB"
	fi
	# The text report says the same number.
	if grep -qx "kernel virtual base: $bits bits" "$tmp/out"; then ok; else
		bad "$t $f: text and JSON entropy differ (${bits})"; fi
}

# $1 tool, $2 file, $3 code: rejected with exactly that code, both forms.
check_bad() {
	local t=$1 f=$2 code=$3 rc line
	"$t" "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	line=$(cat "$tmp/err")
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		[[ "$line" == "error: $f: "*" [$code]" ]]; then
		ok
	else
		bad "$t $f: want exit 1 and [$code], got exit $rc: $(head -c 300 "$tmp/err")"
	fi
	"$t" --json "$f" >"$tmp/json" 2>/dev/null
	rc=$?
	json_later "$tmp/json" "$t --json $f"
	if [ $rc -eq 1 ] && grep -q "\"code\":\"$code\"" "$tmp/json"; then
		ok
	else
		bad "$t --json $f: want exit 1 and \"code\":\"$code\" in the JSON (exit $rc)"
	fi
}

check_cli() {
	local t=$1 real=$2 rc
	"$t" --help >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q -- '--json' "$tmp/out" && grep -q -- '--ram SIZE' "$tmp/out" &&
		grep -q -- '--policy linux64' "$tmp/out" && grep -q -- '--policy auto' "$tmp/out"; then
		ok
	else
		bad "$t --help"
	fi
	# The default is the loader's: protocol=auto, which keeps a PIE native.
	"$t" --json "$real" >"$tmp/json" 2>/dev/null
	if grep -q '"policy":"auto"' "$tmp/json" && grep -q '"protocol":"native","why":null' "$tmp/json"; then
		ok
	else
		bad "$t $real: default policy not auto/native"
	fi
	for args in "" "--ram 3X $real" "--ram 1M $real" "--policy bsd $real" "$real $real" \
		"$tmp/no-such-file"; do
		# shellcheck disable=SC2086 # word splitting is the point
		"$t" $args >/dev/null 2>&1
		rc=$?
		if [ $rc -eq 2 ]; then ok; else bad "$t $args: exit $rc, want 2"; fi
	done
	# More RAM: more physical slots for the kernel, the same virtual window.
	"$t" --json --ram 64G "$real" >"$tmp/big" 2>/dev/null
	"$t" --json --ram 1G "$real" >"$tmp/small" 2>/dev/null
	if awk -v b="$(grep -o '"phys_bits":[0-9.]*' "$tmp/big" | sed -n 2p | cut -d: -f2)" \
		-v s="$(grep -o '"phys_bits":[0-9.]*' "$tmp/small" | sed -n 2p | cut -d: -f2)" \
		'BEGIN { exit !(b >= s + 5.9) }'; then ok; else bad "$t --ram: 64G not 6 bits over 1G"; fi
	# auto gives the loader's verdict on a non-PIE ET_EXEC with no
	# boot-protocol note: its native E_TYPE, then the hint.
	"$t" "$B/kernel/exec-kernel.elf" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 2 ] &&
		grep -q 'e_type = 0x2: .* \[E_TYPE\]$' "$tmp/err" &&
		grep -q '^hint: not relocatable and no boot-protocol note (PVH or Linux): link it with -pie, or protocol=linux64' "$tmp/err"; then
		ok
	else
		bad "$t exec-kernel.elf: exit $rc: $(cat "$tmp/err")"
	fi
	# Placement on every draw: a 64 MiB .bss does not fit in 64 MiB (one line
	# naming the region and the bytes it lacks), fits in 128 MiB on all keys.
	if [ ! -e "$tmp/bss64.elf" ]; then
		printf 'char big[64 << 20];\nvoid _start(void) { *(volatile char *)big = 1; for (;;) ; }\n' \
			>"$tmp/bss64.c"
		gcc -O2 -ffreestanding -nostdlib -fno-stack-protector -fpie -static-pie \
			-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -o "$tmp/bss64.elf" "$tmp/bss64.c"
	fi
	"$t" --ram 64M "$tmp/bss64.elf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'placement on 64 MiB: does not fit, on any draw' "$tmp/out" &&
		[ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -Eq 'physical size = 0x[0-9a-f]+: no room: 0x[0-9a-f]+ bytes short \[E_NO_SPACE\]$' "$tmp/err"; then
		ok
	else
		bad "$t --ram 64M bss64.elf: exit $rc: $(cat "$tmp/err")"
	fi
	"$t" --json --ram 128M "$tmp/bss64.elf" >"$tmp/json" 2>"$tmp/err"
	rc=$?
	json_later "$tmp/json" "$t --json --ram 128M bss64.elf"
	if [ $rc -eq 0 ] && grep -q '"placement":{"fits_every_draw":true,"draws":1000,"planned":1000,' "$tmp/json"; then
		ok
	else
		bad "$t --json --ram 128M bss64.elf: exit $rc: $(head -c 300 "$tmp/json")"
	fi
	# linux64 lifts W^X: the W+X fixture loads, without an entropy report.
	"$t" --json --policy linux64 "$fx/bad-c14.elf" >"$tmp/json" 2>/dev/null
	rc=$?
	json_later "$tmp/json" "$t --json --policy linux64 bad-c14.elf"
	if [ $rc -eq 0 ] && grep -q '"entropy":null' "$tmp/json"; then
		ok
	else
		bad "$t --policy linux64 bad-c14.elf: exit $rc"
	fi
}

# $1 tool: the AArch64 cases (good-elfgen-aarch64.elf is in good.list, the
# cross-built PIEs in aarch64.list: both also go through check_real).
check_aarch64() {
	local t=$1 f=$fx/good-elfgen-aarch64.elf rc
	"$t" "$f" >"$tmp/out" 2>/dev/null
	if grep -q '^ELF: ET_DYN, e_machine 183,' "$tmp/out" &&
		grep -Eq '^  R_AARCH64_RELATIVE +2$' "$tmp/out" &&
		grep -Eq '^  R_AARCH64_GLOB_DAT +1$' "$tmp/out"; then ok; else
		bad "$t $f: no AArch64 machine or relocation names in the listing"; fi
	check_bad "$t" "$fx/bad-a6.elf" E_RELOC_TYPE
	"$t" --policy linux64 "$f" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'e_machine = 0xb7: .*\[E_MACHINE\]$' "$tmp/err"; then ok; else
		bad "$t --policy linux64 $f: exit $rc: $(cat "$tmp/err")"; fi
	cp "$fx/good-elfgen-default.elf" "$tmp/riscv.elf"
	printf '\363\000' | dd of="$tmp/riscv.elf" bs=1 seek=18 conv=notrunc status=none
	"$t" "$tmp/riscv.elf" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'e_machine = 0xf3: .*\[E_MACHINE\]$' "$tmp/err"; then ok; else
		bad "$t riscv.elf: exit $rc: $(cat "$tmp/err")"; fi
}

# Python helpers for the section-granularity checks: "units FILE" prints the
# number of allocatable sections of non-zero size (the loader's units);
# "flip FILE OUT" writes FILE with one byte changed in the field of the
# first link-time relocation of an executable section; "json FILE" checks
# the --json report of a section-granularity image (exit 1 and a reason if
# it is inconsistent).
cat >"$tmp/sect.py" <<'PY'
import json, struct, sys

def shdrs(data):
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', data, 0x3a)
    return [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]

cmd, path = sys.argv[1], sys.argv[2]
if cmd == 'units':
    data = open(path, 'rb').read()
    print(sum(1 for h in shdrs(data) if h[2] & 2 and h[5] > 0))
elif cmd == 'flip':
    data = bytearray(open(path, 'rb').read())
    sh = shdrs(data)
    for h in sh:
        t = sh[h[7]] if h[1] == 4 and h[7] else None  # SHT_RELA, sh_info
        if t and t[2] & 6 == 6 and h[5] >= 24:  # SHF_ALLOC | SHF_EXECINSTR
            r_offset, = struct.unpack_from('<Q', data, h[4])
            data[t[4] + r_offset - t[3]] ^= 0x40
            break
    else:
        sys.exit('no link-time relocation in an executable section')
    open(sys.argv[3], 'wb').write(data)
elif cmd == 'json':
    d = json.load(open(path))
    u = d['units']
    mb = lambda x: round(x * 1000)
    why = None
    if d['granularity'] != 'section' or not u:
        why = 'granularity %r' % d['granularity']
    elif u['count'] != len(u['list']) or u['count'] != int(sys.argv[3]):
        why = '%d units listed, %s sections' % (u['count'], sys.argv[3])
    elif any(a['link'] and int(a['link'], 16) >= int(b['link'], 16) for a, b in zip(u['list'], u['list'][1:])):
        why = 'units not sorted by link address'
    elif any(not x['section'] or x['virt_bits'] <= 0 for x in u['list']):
        why = 'a unit without a name or virtual entropy'
    elif mb(u['units_bits']) != sum(mb(x['virt_bits']) for x in u['list']):
        why = 'units_bits is not the sum of the units\' bits'
    elif mb(u['total_bits']) != mb(u['window_bits']) + mb(u['units_bits']):
        why = 'total_bits is not window_bits + units_bits'
    elif mb(d['entropy']['kernel_virt_bits']) != mb(u['window_bits']) or u['window_bits'] <= 0:
        why = 'window bits %r' % u['window_bits']
    if why:
        sys.exit(why)
PY

# $1 tool, $2 file: a section-granularity image, both report forms.
check_sect() {
	local t=$1 f=$2 rc n
	"$t" "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$(python3 "$tmp/sect.py" units "$f")
	if [ $rc -eq 0 ] && grep -qx 'verdict: loadable' "$tmp/out" && [ ! -s "$tmp/err" ] &&
		grep -qx "granularity: section (the note asks for sections; $n units)" "$tmp/out" &&
		grep -Eq '^entropy of the arrangement: window [0-9.]+ \+ units [0-9.]+ = [0-9.]+ bits' "$tmp/out"; then
		ok
	else
		bad "$t $f: exit $rc, not a section-granularity report of $n units: $(head -c 300 "$tmp/err")"
	fi
	"$t" --json "$f" >"$tmp/json" 2>"$tmp/err"
	json_later "$tmp/json" "$t --json $f"
	if python3 "$tmp/sect.py" json "$tmp/json" "$n" 2>"$tmp/err"; then ok; else
		bad "$t --json $f: $(cat "$tmp/err")"; fi
}

# $1 tool: the options and refusals of section granularity.
check_sect_cases() {
	local t=$1 f=$fx/sect-gcc-pie.elf rc
	"$t" --json --granularity segment "$f" >"$tmp/json" 2>"$tmp/err"
	rc=$?
	json_later "$tmp/json" "$t --json --granularity segment $f"
	if [ $rc -eq 0 ] && grep -q '"granularity":"segment","sections_requested":true,"granularity_warning":null,"units":null' "$tmp/json" &&
		"$t" --granularity segment "$f" | grep -Eq '^kernel virtual base: (3[0-9]|[4-9][0-9])\.'; then
		ok
	else
		bad "$t --granularity segment $f: exit $rc"
	fi
	"$t" --granularity page "$f" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 2 ]; then ok; else bad "$t --granularity page: exit $rc, want 2"; fi
	"$t" "$tmp/sect-norelocs.elf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$tmp/err")" = "warning: $tmp/sect-norelocs.elf: the note asks for section granularity but the image has no link-time relocations (link with -Wl,--emit-relocs): placing by segment" ] &&
		grep -q '^granularity: segment (the note asks for section granularity' "$tmp/out"; then
		ok
	else
		bad "$t sect-norelocs.elf: exit $rc: $(cat "$tmp/err")"
	fi
	# An ET_EXEC only its link-time relocations move: section only.
	"$t" --granularity segment "$fx/sect-gcc-kernel.elf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'granularity = 0x1: .*\[E_CONFIG\]$' "$tmp/err"; then ok; else
		bad "$t --granularity segment sect-gcc-kernel.elf: exit $rc: $(head -c 300 "$tmp/err")"; fi
	check_bad "$t" "$tmp/sect-flipped.elf" E_LRELOC_FIELD
	check_bad "$t" "$fx/sect-clang-ehframe.elf" E_LRELOC_FIELD
	check_sect "$t" "$tmp/sect-lld-script.elf"
	"$t" --json "$tmp/sect-lld-script.elf" >"$tmp/json" 2>/dev/null
	if [ "$(grep -o '"section":"\.text\.f[0-9]*"' "$tmp/json" | sort -u | wc -l)" -eq 4 ]; then ok; else
		bad "$t sect-lld-script.elf: not one unit per function"; fi
}

# Images for check_sect_cases: the note's flag without --emit-relocs; a
# changed link-time field; lld with a linker script that names only the
# plain sections (PROTOCOL.md §13.1), so .text.f0 ... .text.f3 stay apart.
cat >"$tmp/sect.c" <<'C'
__asm__(".pushsection .note.aslrboot,\"a\",@note\n.balign 4\n.long 9, 24, 1\n"
	".asciz \"aslrboot\"\n.balign 4\n.long 1, 1\n.quad 0, 0\n.popsection");
int g = 3;
__attribute__((noinline)) int f0(int x) { return x + g; }
__attribute__((noinline)) int f1(int x) { return f0(x) * 3; }
__attribute__((noinline)) int f2(int x) { return f1(x) ^ 5; }
void f3(void) { g = f2(g); for (;;) ; }
C
cat >"$tmp/sect.ld" <<'LD'
SECTIONS {
  . = SIZEOF_HEADERS;
  .note.aslrboot : { *(.note.aslrboot) }
  .rela.dyn : { *(.rela.dyn) }
  . = ALIGN(4096);
  .text : { *(.text) }
  . = ALIGN(4096);
  .rodata : { *(.rodata) }
  . = ALIGN(4096);
  .data.rel.ro : { *(.data.rel.ro) }
  .dynamic : { *(.dynamic) }
  .got : { *(.got) }
  . = ALIGN(4096);
  .data : { *(.data) }
  .bss : { *(.bss) }
}
LD
sect_cc=(-O2 -ffreestanding -fpie -fno-stack-protector -fno-asynchronous-unwind-tables
	-ffunction-sections -fdata-sections -nostdlib -static-pie -Wl,-z,max-page-size=4096
	-Wl,-z,separate-code -Wl,-z,text -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,-e,f3)
gcc "${sect_cc[@]}" -o "$tmp/sect-norelocs.elf" "$tmp/sect.c" &&
	clang -fuse-ld=lld "${sect_cc[@]}" -Wl,--emit-relocs -Wl,-T,"$tmp/sect.ld" \
		-o "$tmp/sect-lld-script.elf" "$tmp/sect.c" &&
	python3 "$tmp/sect.py" flip "$fx/sect-gcc-pie.elf" "$tmp/sect-flipped.elf" ||
	bad "cannot build the section-granularity cases"

for t in "${tools[@]}"; do
	while read -r f; do
		[ -n "$f" ] && check_real "$t" "$fx/$f"
	done <"$fx/real.list"
	while read -r f; do
		[ -n "$f" ] && check_sect "$t" "$fx/$f"
	done <"$fx/sect.list"
	check_sect_cases "$t"
	# AArch64 PIEs from the cross toolchain (none without it).
	if [ -f "$fx/aarch64.list" ]; then
		while read -r f; do
			[ -n "$f" ] && check_real "$t" "$fx/$f"
		done <"$fx/aarch64.list"
	fi
	# elfgen's valid images (good.list), when the fixture generator makes them.
	if [ -s "$fx/good.list" ]; then
		while read -r f; do
			[ -n "$f" ] && check_real "$t" "$fx/$f"
		done <"$fx/good.list"
	fi
	# bad-a6 is judged as the AArch64 image its header says it is (check_aarch64).
	while read -r f code; do
		[ -n "$f" ] && [ "$f" != bad-a6.elf ] && check_bad "$t" "$fx/$f" "$code"
	done <"$fx/bad.list"
	check_aarch64 "$t"
	check_cli "$t" "$fx/$(head -n1 "$fx/real.list")"
done
json_check_all
finish
