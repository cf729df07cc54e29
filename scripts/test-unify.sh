#!/usr/bin/env bash
# aslrboot-unify: each refusal with its exit status and line; a round trip
# (every section read back by objcopy equals its input); the header area
# grown for 16 modules; the output signable (sbsign, then sbverify with the
# same certificate) and listed by objdump -h.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
UNIFY=$B/aslrboot-unify
INSPECT=$B/aslrboot-inspect
need "$EFI" "$KERNEL" "$UNIFY" "$INSPECT"
for t in sbsign sbverify objcopy objdump openssl; do
	command -v $t >/dev/null || { echo "FAIL $t missing (scripts/deps.sh)"; echo "RESULT passed=0 failed=1"; exit 1; }
done
CERT=$SB_CERT
W=$T/unify
rm -rf "$W"
mkdir -p "$W"

# run NAME ARGS...: stderr in $W/NAME.err, exit status in $W/NAME.rc
run() {
	local name=$1
	shift
	"$UNIFY" "$@" 2>"$W/$name.err" >"$W/$name.out"
	echo $? >"$W/$name.rc"
}
rc() { cat "$W/$1.rc"; }
err() { cat "$W/$1.err"; }
# same_section IMAGE SECTION FILE: objcopy's copy of the section equals FILE
same_section() {
	objcopy --dump-section "$2=$W/dump" "$1" "$W/dump.efi" 2>/dev/null && cmp -s "$W/dump" "$3"
}

"$UNIFY" --help >"$W/help" 2>&1
check "--help: exit 0 and the usage line" grep -q '^usage: aslrboot-unify --stub' "$W/help"
run noargs
check "no arguments: exit 2" [ "$(rc noargs)" = 2 ]

# Round trip: kernel, cmdline, config, two modules.
head -c 3000 /dev/urandom >"$W/m0"
head -c 70000 /dev/urandom >"$W/m1"
printf 'verbose=1\nentropy=strict\n' >"$W/good.cfg"
run good --stub "$EFI" --kernel "$KERNEL" --cmdline "console=ttyS0 quiet" --config "$W/good.cfg" \
	--module "$W/m0:m0 a=1" --module "$W/m1" -o "$W/u.efi"
check "round trip: exit 0" [ "$(rc good)" = 0 ]
check "round trip: verbose=1 in the config gets one warning line ($(err good))" [ "$(err good)" = \
	"aslrboot-unify: warning: $W/good.cfg: verbose: the image applies them even under Secure Boot (they print the layout, fix it or coarsen it)" ]
check "round trip: .kernel equals the kernel" same_section "$W/u.efi" .kernel "$KERNEL"
check "round trip: .config equals the config" same_section "$W/u.efi" .config "$W/good.cfg"
check "round trip: .mod0 and .mod1 equal the modules" \
	eval 'same_section "$W/u.efi" .mod0 "$W/m0" && same_section "$W/u.efi" .mod1 "$W/m1"'
printf 'console=ttyS0 quiet' >"$W/cmdline.want"
check "round trip: .cmdline equals --cmdline" same_section "$W/u.efi" .cmdline "$W/cmdline.want"
printf 'm0 a=1\0m1\0' >"$W/modstr.want"
check "round trip: .modstr holds the strings (FILE's base name by default)" \
	same_section "$W/u.efi" .modstr "$W/modstr.want"
check "round trip: no temporary file left" test ! -e "$W/u.efi.tmp"
check "objdump -h lists the sections, read-only data" \
	test "$(objdump -h "$W/u.efi" | grep -A1 -E ' \.(kernel|cmdline|config|mod0|mod1|modstr) ' |
		grep -c 'CONTENTS, ALLOC, LOAD, READONLY, DATA')" = 6
sb_sign "$W/u.efi" "$W/u-signed.efi"
verify() { sbverify --cert "$CERT" "$1" >/dev/null 2>&1; }
check "sbsign signs it, sbverify accepts it" verify "$W/u-signed.efi"
off=$(objdump -h "$W/u-signed.efi" | awk '$2 == ".kernel" { print $6 }')
cp "$W/u-signed.efi" "$W/tampered.efi"
printf '\x5a' | dd of="$W/tampered.efi" bs=1 seek=$((16#$off + 100)) conv=notrunc status=none
check "sbverify refuses it once a byte of .kernel changed" eval '! verify "$W/tampered.efi"'
sb_sign "$EFI" "$W/stub-signed.efi"

# 16 modules: the section table outgrows the stub's header area.
mods=()
for i in $(seq 0 15); do
	head -c $((i * 512 + 1)) /dev/urandom >"$W/x$i"
	mods+=(--module "$W/x$i")
done
run sixteen --stub "$EFI" --kernel "$KERNEL" "${mods[@]}" -o "$W/u16.efi"
hdr() { objdump -p "$1" | awk '/^SizeOfHeaders/ { print $2 }'; }
check "16 modules: exit 0 ($(err sixteen))" [ "$(rc sixteen)" = 0 ]
check "16 modules: SizeOfHeaders grew ($(hdr "$EFI") -> $(hdr "$W/u16.efi"))" \
	test $((16#$(hdr "$W/u16.efi"))) -gt $((16#$(hdr "$EFI")))
check "16 modules: objdump -h lists .mod0 to .mod15 and .modstr" \
	test "$(objdump -h "$W/u16.efi" | grep -cE ' \.mod([0-9]|1[0-5]|str) ')" = 17
ok16=1
for i in 0 7 15; do same_section "$W/u16.efi" .mod$i "$W/x$i" || ok16=0; done
check "16 modules: .mod0, .mod7, .mod15 read back equal" [ $ok16 = 1 ]
check "16 modules: the stub's .text unchanged by the shift" \
	eval 'objcopy --dump-section .text="$W/t1" "$EFI" "$W/dump.efi" &&
		objcopy --dump-section .text="$W/t2" "$W/u16.efi" "$W/dump.efi" && cmp -s "$W/t1" "$W/t2"'
sb_sign "$W/u16.efi" "$W/u16-signed.efi"
check "16 modules: sbsign + sbverify" verify "$W/u16-signed.efi"
run seventeen --stub "$EFI" --kernel "$KERNEL" "${mods[@]}" --module "$W/m0" -o "$W/x.efi"
check "17 modules: exit 2" [ "$(rc seventeen)" = 2 ]

refused() { # NAME CODE LINE: exit 1, exactly this stderr line, no output file
	[ "$(rc "$1")" = 1 ] && [ "$(err "$1")" = "$3" ] && grep -q "\[$2\]\$" "$W/$1.err" &&
		test ! -e "$W/$1.efi" -a ! -e "$W/$1.efi.tmp"
}

# The arm64 stub (gnu-efi pads its header area with NOPs): the new section
# headers are written whole.
if [ -f "$B/aslrboot-aa64.efi" ] && [ -f "$B/kernel-aa64.elf" ]; then
	run aa64 --stub "$B/aslrboot-aa64.efi" --kernel "$B/kernel-aa64.elf" --cmdline x -o "$W/aa64.efi"
	check "arm64 stub: exit 0 ($(err aa64))" [ "$(rc aa64)" = 0 ]
	run aa64x86 --stub "$B/aslrboot-aa64.efi" --kernel "$KERNEL" -o "$W/aa64x86.efi"
	check "arm64 stub with an x86-64 kernel refused" refused aa64x86 E_MACHINE \
		"aslrboot-unify: error: $KERNEL: ELF header: e_machine = 0x3e: not the machine the stub runs on [E_MACHINE]"
fi

# Refusals: exit 1, one line, no output.
run signed --stub "$W/stub-signed.efi" --kernel "$KERNEL" -o "$W/signed.efi"
# The certificate table's size, from its data-directory entry.
certsz=$(objdump -p "$W/stub-signed.efi" | awk '/^Entry 4 / { sub(/^0+/, "", $4); print $4 }')
check "signed stub refused ($(err signed))" refused signed E_UNIFIED \
	"aslrboot-unify: error: $W/stub-signed.efi: PE header: certificate table = 0x$certsz: already signed: add sections first, then sign [E_UNIFIED]"
run twice --stub "$W/u.efi" --kernel "$KERNEL" -o "$W/twice.efi"
check "unified image as the stub refused ($(err twice))" refused twice E_UNIFIED \
	"aslrboot-unify: error: $W/u.efi: section .kernel: VirtualSize = 0x$(printf %x "$(stat -c %s "$KERNEL")"): already a unified image [E_UNIFIED]"
run notpe --stub "$KERNEL" --kernel "$KERNEL" -o "$W/notpe.efi"
check "a stub that is not PE refused ($(err notpe))" refused notpe E_UNIFIED \
	"aslrboot-unify: error: $KERNEL: PE header: e_magic = 0x457f: not \"MZ\" [E_UNIFIED]"

# Kernels aslrboot-inspect refuses: the same line, from the same code.
nk=0 same=0
for k in "$B/kernel/exec-kernel.elf" $(head -n 12 "$B/fixtures/bad.list" | sed "s|^|$B/fixtures/|"); do
	[ -f "$k" ] || continue
	nk=$((nk + 1))
	want=$("$INSPECT" "$k" 2>&1 >/dev/null | grep '^error:')
	run kernel --stub "$EFI" --kernel "$k" -o "$W/kernel.efi"
	if [ "$(rc kernel)" = 1 ] && [ "$(err kernel)" = "aslrboot-unify: $want" ] && [ -n "$want" ] &&
		[ ! -e "$W/kernel.efi" ]; then
		same=$((same + 1))
	else
		echo "  $k: inspect '$want', unify '$(err kernel)'"
	fi
done
check "kernels aslrboot-inspect refuses: refused with its line ($same of $nk)" \
	[ "$nk" -ge 10 -a "$same" = "$nk" ]
printf 'protocol=linux64\n' >"$W/l64.cfg"
run l64 --stub "$EFI" --kernel "$B/kernel/exec-kernel.elf" --config "$W/l64.cfg" -o "$W/l64.efi"
l64want=$("$INSPECT" --policy linux64 "$B/kernel/exec-kernel.elf" >/dev/null 2>&1; echo $?)
check "the config's protocol= is the verdict's policy (inspect --policy linux64: $l64want)" \
	[ "$(rc l64)" = "$([ "$l64want" = 0 ] && echo 0 || echo 1)" ]

printf 'verbose=1\naslr=maybe\n' >"$W/bad.cfg"
run badcfg --stub "$EFI" --kernel "$KERNEL" --config "$W/bad.cfg" -o "$W/badcfg.efi"
check "config the parser refuses ($(err badcfg))" refused badcfg E_CONFIG \
	"aslrboot-unify: error: $W/bad.cfg: line 2: aslr = 0x5: expected 0/1 or on/off [E_CONFIG]"
for key in kernel module cmdline; do
	printf 'verbose=1\n%s=\\x\n' $key >"$W/$key.cfg"
	run cfg$key --stub "$EFI" --kernel "$KERNEL" --config "$W/$key.cfg" -o "$W/cfg$key.efi"
	check "config setting $key= refused" refused cfg$key E_CONFIG \
		"aslrboot-unify: error: $W/$key.cfg: config: $key = 0x1: set by the image's own sections (--kernel, --module, --cmdline), not by its config [E_CONFIG]"
done
printf 'verbose=1\n\033[2Jaslr=on\n' >"$W/esc.cfg"
run esccfg --stub "$EFI" --kernel "$KERNEL" --config "$W/esc.cfg" -o "$W/esccfg.efi"
check "control character in the config refused before the parser quotes it" \
	refused esccfg E_CONFIG \
	"aslrboot-unify: error: $W/esc.cfg: config: offset = 0xa: NUL or control character in the config [E_CONFIG]"
printf 'verbose=1\n# caf\351\n' >"$W/latin1.cfg"
run latin1cfg --stub "$EFI" --kernel "$KERNEL" --config "$W/latin1.cfg" -o "$W/latin1cfg.efi"
check "Latin-1 in the config refused (UTF-8 only)" refused latin1cfg E_CONFIG \
	"aslrboot-unify: error: $W/latin1.cfg: config: offset = 0xf: invalid UTF-8 in the config [E_CONFIG]"
run latin1 --stub "$EFI" --kernel "$KERNEL" --cmdline "$(printf 'caf\351')" -o "$W/latin1.efi"
check "Latin-1 in --cmdline: refused by the output check" refused latin1 E_UNIFIED \
	"aslrboot-unify: error: $W/latin1.efi: section .cmdline: offset = 0x3: invalid UTF-8 in the command line [E_UNIFIED]"
run ctl --stub "$EFI" --kernel "$KERNEL" --cmdline "$(printf 'a\001b')" -o "$W/ctl.efi"
check "control character in --cmdline: refused by the output check" refused ctl E_UNIFIED \
	"aslrboot-unify: error: $W/ctl.efi: section .cmdline: offset = 0x1: NUL or control character in the command line [E_UNIFIED]"
: >"$W/empty"
run emptymod --stub "$EFI" --kernel "$KERNEL" --module "$W/empty" -o "$W/emptymod.efi"
check "empty module refused" refused emptymod E_UNIFIED \
	"aslrboot-unify: error: $W/emptymod.efi: section .mod0: VirtualSize = 0x0: empty section [E_UNIFIED]"
# .sbat: shim's revocation metadata, copied byte for byte; malformed CSV refused.
printf 'sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\nmykernel,1,Me,mykernel,1.0,https://example.org/mykernel\n' >"$W/good.sbat"
run sbat --stub "$EFI" --kernel "$KERNEL" --sbat "$W/good.sbat" -o "$W/sbat.efi"
check "--sbat: exit 0 ($(err sbat))" [ "$(rc sbat)" = 0 ]
check "--sbat: .sbat equals the file, read-only data" eval 'same_section "$W/sbat.efi" .sbat "$W/good.sbat" &&
	objdump -h "$W/sbat.efi" | grep -A1 " \.sbat " | grep -q "CONTENTS, ALLOC, LOAD, READONLY, DATA"'
run sbattwice --stub "$W/sbat.efi" --kernel "$KERNEL" -o "$W/sbattwice.efi"
check "--sbat: the output is still refused as a stub" [ "$(rc sbattwice)" = 1 ]
printf 'mykernel,1,Me,mykernel,1.0,https://example.org/mykernel\n' >"$W/nohdr.sbat"
run sbatnohdr --stub "$EFI" --kernel "$KERNEL" --sbat "$W/nohdr.sbat" -o "$W/sbatnohdr.efi"
check "--sbat without the sbat,1 line refused" refused sbatnohdr E_UNIFIED \
	"aslrboot-unify: error: $W/nohdr.sbat: sbat: line = 0x1: does not start with \"sbat,1,\" [E_UNIFIED]"
printf 'sbat,1,SBAT Version,sbat,1,https://x\nmykernel,one,Me,mykernel,1.0,https://x\n' >"$W/gen.sbat"
run sbatgen --stub "$EFI" --kernel "$KERNEL" --sbat "$W/gen.sbat" -o "$W/sbatgen.efi"
check "--sbat with a generation that is not a number refused" refused sbatgen E_UNIFIED \
	"aslrboot-unify: error: $W/gen.sbat: sbat: line = 0x2: generation is not a number [E_UNIFIED]"
printf 'sbat,1,SBAT Version,sbat,1,https://x\nmykernel,1,Me,mykernel,1.0\n' >"$W/five.sbat"
run sbatfive --stub "$EFI" --kernel "$KERNEL" --sbat "$W/five.sbat" -o "$W/sbatfive.efi"
check "--sbat with 5 fields refused" refused sbatfive E_UNIFIED \
	"aslrboot-unify: error: $W/five.sbat: sbat: line = 0x2: not 6 comma-separated fields [E_UNIFIED]"
printf 'sbat,1,SBAT Version,sbat,1,https://x\r\n' >"$W/crlf.sbat"
run sbatcrlf --stub "$EFI" --kernel "$KERNEL" --sbat "$W/crlf.sbat" -o "$W/sbatcrlf.efi"
check "--sbat with a control character refused" refused sbatcrlf E_UNIFIED \
	"aslrboot-unify: error: $W/crlf.sbat: sbat: offset = 0x24: not printable ASCII [E_UNIFIED]"
printf 'aslr=off\nseed=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\ngranularity=segment\n' >"$W/weak.cfg"
run weak --stub "$EFI" --kernel "$KERNEL" --config "$W/weak.cfg" -o "$W/weak.efi"
check "aslr=off, seed=, granularity=segment: written, one warning naming them" eval '[ "$(rc weak)" = 0 ] && [ "$(err weak)" = \
	"aslrboot-unify: warning: $W/weak.cfg: aslr, seed, granularity: the image applies them even under Secure Boot (they print the layout, fix it or coarsen it)" ]'
printf 'entropy=strict\naslr=on\nverbose=0\n' >"$W/strict.cfg"
run strict --stub "$EFI" --kernel "$KERNEL" --config "$W/strict.cfg" -o "$W/strict.efi"
check "a config that weakens nothing: no warning" eval '[ "$(rc strict)" = 0 ] && [ -z "$(err strict)" ]'
run missing --stub "$EFI" --kernel "$W/nonexistent" -o "$W/missing.efi"
check "missing kernel file: exit 2" [ "$(rc missing)" = 2 ]
done_results
