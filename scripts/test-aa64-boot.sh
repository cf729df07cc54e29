#!/usr/bin/env bash
# arm64 boots under AAVMF (scripts/qemu-aa64.sh, TCG, semihosting exit):
# build/aslrboot-aa64.efi as BOOTAA64.EFI with the arm64 test kernel.
#   pass      -cpu max: the kernel's checks pass (exit 0), RNDR credited
#             256 bits, EFI RNG and seed file absent (the kernel checks its
#             seed record against the expect_* words)
#   distinct  4 more such boots: 5 distinct virtual and physical bases.
#             A correct loader fails this only by a chance collision: the
#             virtual base has 35 bits, the physical one about 17.9 bits in
#             the 1 GiB guest, so at most C(5,2) * 2^-17.9, about 4e-5.
#   el2       -M virt,virtualization=on: AAVMF runs at EL2, the trampoline
#             drops to EL1 (the kernel checks CurrentEL)
#   a57       -cpu cortex-a57 (no RNDR): the weak-entropy warning, jitter
#             only, the kernel still boots
#   strict    the same with entropy=strict: refused before the kernel
#   trunc     a truncated kernel: its one error line, back to the firmware
#   x86       the x86-64 test kernel: wrong e_machine, back to the firmware
# Refusals must print exactly one error line and return to AAVMF's boot
# manager ("BdsDxe: failed to start ...: Load Error"), which ends the boot.
# Two boots at a time; about 1 minute under TCG. Each boot has a hard
# 120 s limit: a cortex-a57 boot through AAVMF on a loaded 2-core machine
# has been seen to need more than 60 s before the loader even ran.
cd "$(dirname "$0")/.." || exit 1
QEMU_RUN=scripts/qemu-aa64.sh
QEMU_BIN=qemu-system-aarch64
. scripts/efi-test-lib.sh
T=$B/aa64-tests
EFI=$B/aslrboot-aa64.efi
KERNEL=$B/kernel-aa64.elf
mkdir -p "$T"
need "$EFI" "$KERNEL" "$B/kernel/test-kernel.elf"
MARK='^BdsDxe: failed to start .*: Load Error$'
K='\EFI\aslrboot\kernel.elf'
GOOD='verbose expect_sources=rndr,jitter expect_absent=efi_rng,seed_file expect_credit=256 expect_weak=0'
WEAK='expect_sources=jitter expect_absent=rndr,efi_rng,seed_file expect_credit=0 expect_weak=1'
WEAK_LINE='aslrboot: WARNING: weak entropy: 0 of 256 bits credited; layout and seed may be predictable'

esp good "$EFI" "$KERNEL" "cmdline=$GOOD"
esp weak "$EFI" "$KERNEL" "cmdline=$WEAK"
esp strict "$EFI" "$KERNEL" "$(printf 'entropy=strict\ncmdline=%s' "$WEAK")"
cp "$KERNEL" "$T/trunc.elf" && truncate -s 40 "$T/trunc.elf"
esp trunc "$EFI" "$T/trunc.elf" ""
esp x86 "$EFI" "$B/kernel/test-kernel.elf" ""

boot pass "$T/good.img" -t 120 &
boot a57 "$T/weak.img" -t 120 -- -cpu cortex-a57 &
wait
for i in 1 2 3 4; do boot "distinct$i" "$T/good.img" -t 120 & [ $((i % 2)) = 0 ] && wait; done
boot strict "$T/strict.img" -t 120 -u "$MARK" -- -cpu cortex-a57 &
boot trunc "$T/trunc.img" -t 120 -u "$MARK" &
wait
boot x86 "$T/x86.img" -t 120 -u "$MARK" &
boot el2 "$T/good.img" -t 120 -- -M virt,virtualization=on &
wait

# A kernel boot: exit 0 and the PASS line.
passed_boot() {
	local r
	r=$(result_line "$1")
	[ "$(rc_of "$1")" = 0 ] && [[ $r == *": PASS "* ]] || { show_log "$1"; return 1; }
}
check "pass: -cpu max kernel checks pass, exit 0 ($(result_line pass))" passed_boot pass
check "pass: the kernel's seed record: RNDR ok, 256 bits credited" \
	grep -qxF '  entropy rndr: ok, 512 bytes, 256 bits credited' "$T/pass.log"
check "pass: no loader warning" bash -c "! grep -q '^aslrboot: WARNING' '$T/pass.log'"

virts=() physs=()
for n in pass distinct1 distinct2 distinct3 distinct4; do
	check "$n: kernel passed" passed_boot "$n"
	r=$(result_line "$n")
	virts+=("$(field "$r" virt)")
	physs+=("$(field "$r" phys)")
done
nv=$(printf '%s\n' "${virts[@]}" | grep -c . | tr -d ' ')
uv=$(printf '%s\n' "${virts[@]}" | grep . | sort -u | wc -l)
up=$(printf '%s\n' "${physs[@]}" | grep . | sort -u | wc -l)
check "5 boots: 5 distinct virtual bases (${virts[*]})" [ "$nv$uv" = 55 ]
check "5 boots: 5 distinct physical bases (${physs[*]})" [ "$up" = 5 ]

check "firmware at EL2: kernel entered at EL1, passes ($(result_line el2))" passed_boot el2

check "cortex-a57: kernel passes with jitter only ($(result_line a57))" passed_boot a57
check "cortex-a57: weak-entropy warning" grep -qxF "$WEAK_LINE" "$T/a57.log"

# A refusal: exactly one error line, the expected one; the kernel never ran.
refused() { # name, expected line
	local lines
	lines=$(grep -a '^aslrboot: error:' "$T/$1.log")
	[ "$(rc_of "$1")" = 0 ] && [ "$lines" = "$2" ] && ! result_line "$1" | grep -q . &&
		grep -qE "$MARK" "$T/$1.log" || { show_log "$1"; return 1; }
}
check "cortex-a57 + entropy=strict: refused, back to the firmware" refused strict \
	'aslrboot: error: entropy=strict: entropy: credited_bits = 0x0: not enough entropy for the policy [E_ENTROPY]'
check "truncated kernel: refused, back to the firmware" refused trunc \
	"aslrboot: error: $K: file: size = 0x28: file shorter than an ELF64 header [E_TRUNCATED]"
check "x86-64 kernel: refused (e_machine), back to the firmware" refused x86 \
	"aslrboot: error: $K: ELF header: e_machine = 0x3e: wrong e_machine for this loader [E_MACHINE]"
done_results
