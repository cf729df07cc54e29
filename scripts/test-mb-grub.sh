#!/usr/bin/env bash
# aslrboot behind GRUB; the test kernel must pass each way:
#   - GRUB BIOS rescue ISO, `multiboot2` + `module2` (Multiboot 2)
#   - the same with `multiboot` + `module` (Multiboot 1 as GRUB speaks it)
#   - GRUB EFI (standalone image under OVMF) `chainloader`s aslrboot.efi with
#     load options naming the kernel
#   - GRUB EFI loads aslrboot.mb with `multiboot2` + `module2`
#   - GRUB BIOS, both protocols: a mistyped first option (`entropystrict`)
#     is one E_CONFIG line and exit 65, never skipped
# Each run asserts QEMU's exit code 33, the kernel's PASS line, the protocol
# in aslrboot's verbose summary, and that the kernel's command line arrived
# (the test kernel prints its region table only when it sees `verbose`).
# Prints "ok NAME" / "FAIL NAME: why" per case and a RESULT line.
set -u
B=${B:-build}
K=$B/kernel/test-kernel.elf
passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-grub.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
clean() { sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g'; }

ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1: $2"
	[ -f "$tmp/$1.log" ] && sed 's/^/    /' "$tmp/$1.log" | tail -n 8
	failed=$((failed + 1))
}

# check NAME RC SUMMARY-REGEX: the log is $tmp/NAME.log.
check() {
	local name=$1 rc=$2 summary=$3 log=$tmp/$1.log
	if [ "$rc" -ne 33 ]; then
		bad "$name" "exit $rc, want 33"
	elif ! grep -q '^aslrboot-test-kernel: PASS ' "$log"; then
		bad "$name" "no PASS line"
	elif ! grep -qE "$summary" "$log"; then
		bad "$name" "no summary line matching '$summary'"
	elif ! grep -q '^aslrboot-test-kernel: [0-9]* regions' "$log"; then
		bad "$name" "the kernel did not get its command line 'verbose'"
	else
		ok "$name"
	fi
}

for f in "$B/aslrboot.mb" "$B/aslrboot.efi" "$K"; do
	[ -f "$f" ] || { echo "missing $f (make targets)"; echo "RESULT passed=0 failed=1"; exit 1; }
done

# bios_boot NAME [mkgrub-iso.sh options and arguments before the loader]:
# build a GRUB BIOS ISO of aslrboot.mb + the test kernel and boot it; the
# serial log is $tmp/NAME.log, QEMU's exit status in $rc (1 if no ISO).
bios_boot() {
	local name=$1
	shift
	# shellcheck disable=SC2086 # an empty $kargs is no argument
	if ! scripts/mkgrub-iso.sh "$@" "$tmp/$name.iso" "$B/aslrboot.mb" "$K" $kargs \
		>"$tmp/$name.log" 2>&1; then
		bad "$name" "grub-mkrescue failed"
		rc=1
		return 1
	fi
	timeout -k 5 30 qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 256 \
		-cdrom "$tmp/$name.iso" -nodefaults -display none -no-reboot -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>&1 | clean >"$tmp/$name.log"
	rc=${PIPESTATUS[0]}
}

# bios NAME PROTOCOL [mkgrub-iso.sh options]
bios() {
	local name=$1 proto=$2 kargs=verbose
	shift 2
	bios_boot "$name" "$@" -a "verbose=1" || return
	check "$name" "$rc" "^aslrboot: aslrboot [0-9.]+ \(Multiboot $proto\): kernel module 1 "
}

# efi NAME SUMMARY-REGEX LOADER [mkgrub-efi.sh options]
efi() {
	local name=$1 summary=$2 loader=$3
	shift 3
	if ! scripts/mkgrub-efi.sh "$@" -a "verbose=1" "$tmp/$name.img" "$loader" "$K" verbose \
		>"$tmp/$name.log" 2>&1; then
		bad "$name" "mkgrub-efi.sh failed"
		return
	fi
	scripts/qemu-efi.sh -t 90 "$tmp/$name.img" >"$tmp/$name.log" 2>&1
	check "$name" $? "$summary"
}

bios grub-bios-mb2 2
bios grub-bios-mb1 1 -1

# GRUB passes no image path: a first word without '=' is a mistyped option,
# one E_CONFIG line and exit 65, the kernel never runs (both protocols).
for v in 2 1; do
	name=grub-bios-mb$v-mistyped
	flag=$([ $v = 1 ] && echo -1)
	kargs=
	# shellcheck disable=SC2086 # an empty $flag is no argument
	bios_boot "$name" $flag -a "entropystrict" || continue
	if [ "$rc" -eq 65 ] && [ "$(grep -c '^aslrboot: error:' "$tmp/$name.log")" -eq 1 ] &&
		grep -qF 'aslrboot: error: multiboot command line: option 1: entropystrict: expected key=value [E_CONFIG]' "$tmp/$name.log" &&
		! grep -q '^aslrboot-test-kernel:' "$tmp/$name.log"; then
		ok "$name"
	else
		bad "$name" "exit $rc, want 65 and one E_CONFIG line for option 1"
	fi
done
efi grub-efi-chainload '^aslrboot: aslrboot [0-9.]+ \(UEFI\): kernel /EFI/aslrboot/kernel.elf ' \
	"$B/aslrboot.efi"
efi grub-efi-mb2 '^aslrboot: aslrboot [0-9.]+ \(Multiboot 2\): kernel module 1 ' \
	"$B/aslrboot.mb" -2

echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
