#!/usr/bin/env bash
# Entropy accounting in real boots.  The test kernel checks its
# seed record against the expect_* words of its command line (tests/kernel/
# seed.c) and fails unless sources_used, credited_bits and WEAK match what
# the QEMU configuration offers.  Six OVMF boots, two at a time:
#   first   -cpu max, no seed file: RDRAND + jitter, RDSEED absent, 256 bits;
#           the seed file is created (one line says so)
#   second  the same ESP again: the seed file is credited (512 bits), it
#           changed on disk, and the kernel's seed fingerprint changed
#   weak    -cpu qemu64 (no CPU RNG): WEAK, 0 bits, one loud warning line
#   strict  -cpu qemu64, entropy=strict: the exact error line, then
#           OVMF's boot manager reports the Load Error (a clean return);
#           no seed file is created for a refused boot, and no line says so
#   rng     -cpu max + virtio-rng-pci: EFI_RNG_PROTOCOL mixed in, credited
#   big     a 33000-byte seed file: not credited, one line says why, and it
#           is replaced by a good one
# and three Multiboot boots (-kernel -cpu qemu64, microvm): WEAK by default,
# refusal (exit 65) under entropy=strict, and a wrong expectation that the
# kernel must fail (so the kernel's check is known to bite).
# Chance failures: none; every expectation is exact for these machines.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
need "$EFI" "$KERNEL" "$B/aslrboot.mb"
SEEDF=/EFI/aslrboot/random-seed
SEED_LINE='aslrboot: seed file \EFI\aslrboot\random-seed: absent, created for the next boot; not credited'
BIG_LINE='aslrboot: seed file \EFI\aslrboot\random-seed: larger than 32 KiB; not credited'
WEAK_LINE='aslrboot: WARNING: weak entropy: 0 of 256 bits credited; layout and seed may be predictable'
STRICT_LINE='aslrboot: error: entropy=strict: entropy: credited_bits = 0x0: not enough entropy for the policy [E_ENTROPY]'
MARK='^BdsDxe: failed to start .*: Load Error$'

cfg() { printf 'cmdline=ent %s\n%s' "$1" "${2:-}"; }
fp() { field "$(result_line "$1")" seed_fp; }
passes() { [ "$(rc_of "$1")" = 33 ] && result_line "$1" | grep -q ' PASS '; }
count() { grep -acxF -- "$2" "$T/$1.log"; }

esp ent-first "$EFI" "$KERNEL" \
	"$(cfg 'expect_sources=rdrand,jitter expect_absent=rdseed,efi_rng,seed_file expect_credit=256 expect_weak=0')"
esp ent-weak "$EFI" "$KERNEL" \
	"$(cfg 'expect_sources=jitter expect_absent=rdseed,rdrand,efi_rng,seed_file expect_credit=0 expect_weak=1')"
esp ent-strict "$EFI" "$KERNEL" "$(cfg '' entropy=strict)"
head -c 33000 /dev/urandom >"$T/big-seed"
esp ent-big "$EFI" "$KERNEL" \
	"$(cfg 'expect_sources=rdrand,jitter expect_absent=rdseed,efi_rng expect_credit=256 expect_weak=0')" \
	"$T/big-seed=$SEEDF"
esp ent-rng "$EFI" "$KERNEL" \
	"$(cfg 'expect_sources=rdrand,efi_rng,jitter expect_absent=rdseed expect_credit=512 expect_weak=0')"

boot ent-first "$T/ent-first.img" -t 60 -w &
boot ent-weak "$T/ent-weak.img" -t 60 -- -cpu qemu64 &
wait
mcopy -n -i "$T/ent-first.img" "::$SEEDF" "$T/seed.1" 2>/dev/null || : >"$T/seed.1"
# Second boot, same ESP: the file is there now, so the kernel must see it.
cfg 'expect_sources=rdrand,seed_file,jitter expect_absent=rdseed,efi_rng expect_credit=512 expect_weak=0' \
	>"$T/second.cfg"
mcopy -o -i "$T/ent-first.img" "$T/second.cfg" ::/EFI/aslrboot/aslrboot.cfg
boot ent-second "$T/ent-first.img" -t 60 -w &
boot ent-strict "$T/ent-strict.img" -t 30 -u "$MARK" -w -- -cpu qemu64 &
wait
mcopy -n -i "$T/ent-first.img" "::$SEEDF" "$T/seed.2" 2>/dev/null || : >"$T/seed.2"
boot ent-rng "$T/ent-rng.img" -t 60 -- -device virtio-rng-pci &
boot ent-big "$T/ent-big.img" -t 60 -w &
wait
mcopy -n -i "$T/ent-big.img" "::$SEEDF" "$T/seed.big" 2>/dev/null || : >"$T/seed.big"

check "first boot (-cpu max): seed record as offered ($(result_line ent-first))" passes ent-first
check "first boot: one line says the seed file was created" [ "$(count ent-first "$SEED_LINE")" = 1 ]
check "first boot: seed file created, 32 bytes" [ "$(stat -c %s "$T/seed.1")" = 32 ]
check "second boot: seed file credited ($(result_line ent-second))" passes ent-second
check "second boot: no seed-file complaint" [ "$(grep -ac 'seed file' "$T/ent-second.log")" = 0 ]
check "second boot: seed file replaced" \
	test "$(stat -c %s "$T/seed.2")" = 32 -a -n "$(cmp "$T/seed.1" "$T/seed.2" 2>&1)"
check "second boot: different kernel seed ($(fp ent-first) vs $(fp ent-second))" \
	test -n "$(fp ent-first)" -a -n "$(fp ent-second)" -a "$(fp ent-first)" != "$(fp ent-second)"
check "qemu64: WEAK, 0 bits ($(result_line ent-weak))" passes ent-weak
check "qemu64: exactly one warning line, the weak-entropy one" \
	[ "$(count ent-weak "$WEAK_LINE")" = 1 -a "$(grep -aci '^aslrboot: warning' "$T/ent-weak.log")" = 1 ]
errs=$(grep -a '^aslrboot: error:' "$T/ent-strict.log")
check "qemu64 entropy=strict: refused with one error line (${errs:-none})" [ "$errs" = "$STRICT_LINE" ]
back_in_firmware() {
	[ "$(rc_of "$1")" = 0 ] && grep -qE -- "$MARK" "$T/$1.log" && ! grep -q aslrboot-test-kernel "$T/$1.log"
}
check "qemu64 entropy=strict: back in the firmware, kernel never ran" back_in_firmware ent-strict
no_seed_file() { ! mdir -i "$T/$1.img" "::$SEEDF" >/dev/null 2>&1; }
check "qemu64 entropy=strict: no seed file left behind" no_seed_file ent-strict
check "qemu64 entropy=strict: no line claims a seed file was created" [ "$(count ent-strict "$SEED_LINE")" = 0 ]
check "virtio-rng: EFI RNG present and credited ($(result_line ent-rng))" passes ent-rng
check "oversize seed file: not credited ($(result_line ent-big))" passes ent-big
check "oversize seed file: one line says why" [ "$(count ent-big "$BIG_LINE")" = 1 ]
check "oversize seed file: replaced by 32 bytes" [ "$(stat -c %s "$T/seed.big")" = 32 ]
for n in ent-first ent-second ent-weak ent-rng ent-big; do
	passes "$n" || show_log "$n"
done
back_in_firmware ent-strict || show_log ent-strict

# Multiboot: QEMU's own loader, no seed file and no EFI RNG.
mb() { # name qemu-mb.sh-args...
	local n=$1
	shift
	scripts/qemu-mb.sh -t 30 -M microvm -c qemu64 "$@" >"$T/$n.log" 2>&1
	echo $? >"$T/$n.rc"
}
mb ent-mb-weak "$KERNEL ent expect_sources=jitter expect_absent=rdseed+rdrand expect_credit=0 expect_weak=1" &
mb ent-mb-strict -a entropy=strict "$KERNEL" &
wait
# The kernel's check can fail: a wrong expectation must give exit 35.
mb ent-mb-wrong "$KERNEL ent expect_credit=256"
refused() { # exit 65, the strict line is the only error line and the last line
	[ "$(rc_of "$1")" = 65 ] && [ "$(grep -a '^aslrboot: error:' "$T/$1.log")" = "$STRICT_LINE" ] &&
		[ "$(tail -n 1 "$T/$1.log")" = "$STRICT_LINE" ]
}
check "multiboot qemu64: WEAK, 0 bits ($(result_line ent-mb-weak))" passes ent-mb-weak
check "multiboot qemu64: one weak-entropy warning" [ "$(count ent-mb-weak "$WEAK_LINE")" = 1 ]
check "multiboot qemu64 entropy=strict: exit 65 (got $(rc_of ent-mb-strict)), the error line last" refused ent-mb-strict
check "multiboot: a wrong expect_credit fails the kernel ($(result_line ent-mb-wrong))" \
	[ "$(rc_of ent-mb-wrong)" = 35 -a "$(result_line ent-mb-wrong)" = \
	"aslrboot-test-kernel: FAIL seed: credited_bits is not what this machine offers" ]
done_results
