#!/usr/bin/env bash
# OVMF boots of the test kernel:
#  1. a verbose boot with EFI_RNG (virtio-rng) and a seed file: exit code 33,
#     the PASS line, both sources credited, the seed file replaced on disk;
#  2. load options from the UEFI shell override the config file (kernel=,
#     cmdline=): the shell's startup.nsh (UCS-2) starts aslrboot, the config
#     names a missing kernel; a non-ASCII cmdline= reaches the kernel as
#     UTF-8; a read-only seed file is mixed in but not credited; options
#     with an unpaired surrogate are one E_CONFIG line;
#  3. the fixed-seed option (seed=) gives the identical layout twice;
#  4. aslr=off puts the kernel at the fixed address 0xffffffff80000000,
#     read from a config file with a UTF-8 BOM, with a directory named
#     random-seed that is reported and left alone.
# Each boot has a hard 60 s limit; two run at a time.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
need "$EFI" "$KERNEL"

SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
head -c 32 /dev/urandom >"$T/random-seed"
esp pass "$EFI" "$KERNEL" "$(printf 'verbose=1\ncmdline=verbose efi-boot-test')" \
	"$T/random-seed=/EFI/aslrboot/random-seed"
# A UCS-2 script (BOM first): the load options carry a non-ASCII character,
# which must reach the kernel as UTF-8 with every other option intact.
{
	printf '\xff\xfe'
	printf 'fs0:\\EFI\\aslrboot\\aslrboot.efi kernel=\\EFI\\aslrboot\\kernel.elf cmdline="verbose echo from-shell caf\u00e9 \U0001f600"\r\n' |
		iconv -f UTF-8 -t UTF-16LE
} >"$T/startup.nsh"
esp shell - "$KERNEL" "kernel=\\EFI\\aslrboot\\missing.elf" \
	"$EFI=/EFI/aslrboot/aslrboot.efi" "$T/startup.nsh=/startup.nsh" \
	"$T/random-seed=/EFI/aslrboot/random-seed"
mattrib -i "$T/shell.img" +r ::/EFI/aslrboot/random-seed
esp seed "$EFI" "$KERNEL" "$(printf 'verbose=1\nseed=%s' "$SEED")"
# Load options that are not UTF-16 text (an unpaired high surrogate):
# one E_CONFIG line, the kernel never runs.
{
	printf '\xff\xfe'
	printf 'fs0:\\EFI\\aslrboot\\aslrboot.efi cmdline=a' | iconv -f UTF-8 -t UTF-16LE
	printf '\x00\xd8'
	printf 'b\r\n' | iconv -f UTF-8 -t UTF-16LE
} >"$T/bad-startup.nsh"
esp badopt - "$KERNEL" "" "$EFI=/EFI/aslrboot/aslrboot.efi" "$T/bad-startup.nsh=/startup.nsh"
# A config file with a UTF-8 byte order mark; random-seed is a directory:
# reported, never deleted.
esp fixed "$EFI" "$KERNEL" "$(printf '\xef\xbb\xbfaslr=off')"
mmd -i "$T/fixed.img" ::/EFI/aslrboot/random-seed

boot pass "$T/pass.img" -t 60 -w -- -device virtio-rng-pci &
boot shell "$T/shell.img" -t 60 &
boot fixed "$T/fixed.img" -t 60 -w &
wait
boot seed1 "$T/seed.img" -t 60 &
boot seed2 "$T/seed.img" -t 60 &
boot badopt "$T/badopt.img" -t 60 -u 'E_CONFIG|aslrboot-test-kernel' &
wait

line=$(result_line pass)
check "boot: exit code 33 (got $(rc_of pass))" [ "$(rc_of pass)" = 33 ]
check "boot: PASS line (${line:-none})" grep -q '^aslrboot-test-kernel: PASS virt=0x[0-9a-f]* phys=0x[0-9a-f]* seed_flags=0x' <<<"$line"
check "boot: EFI_RNG_PROTOCOL credited" grep -q '^  entropy efi-rng: ok, 64 bytes, [1-9]' "$T/pass.log"
check "boot: seed file credited" grep -q '^  entropy seed-file: ok, 32 bytes, [1-9]' "$T/pass.log"
mcopy -n -i "$T/pass.img" ::/EFI/aslrboot/random-seed "$T/random-seed.after" 2>/dev/null
check "boot: seed file replaced (32 new bytes)" \
	test "$(stat -c %s "$T/random-seed.after" 2>/dev/null)" = 32 -a -n "$(cmp "$T/random-seed" "$T/random-seed.after" 2>&1)"
check "boot: kernel saw the config's cmdline" grep -q '^aslrboot-test-kernel: [0-9]* regions' "$T/pass.log"
[ "$(rc_of pass)" = 33 ] || show_log pass

line=$(result_line shell)
check "shell load options: exit code 33 (got $(rc_of shell))" [ "$(rc_of shell)" = 33 ]
check "shell load options: kernel= overrode the config (${line:-none})" grep -q PASS <<<"$line"
check "shell load options: cmdline= reached the kernel" grep -q '^aslrboot-test-kernel: [0-9]* regions' "$T/shell.log"
check "shell load options: non-ASCII cmdline reached the kernel as UTF-8" \
	grep -qxF "aslrboot-test-kernel: cmdline: verbose echo from-shell $(printf 'caf\u00e9 \U0001f600')" "$T/shell.log"
check "read-only seed file mixed in, not credited" grep -q '^  entropy seed-file: uncredited, 32 bytes, 0 bits' "$T/shell.log"
[ "$(rc_of shell)" = 33 ] || show_log shell

BADOPT='aslrboot: error: load options: character 41: UTF-16: high surrogate without a low one [E_CONFIG]'
check "shell load options with an unpaired surrogate: one E_CONFIG line" \
	[ "$(grep -a '^aslrboot: error:' "$T/badopt.log")" = "$BADOPT" ]
kernel_ran() { grep -q aslrboot-test-kernel "$T/$1.log"; }
check "shell load options with an unpaired surrogate: the kernel never ran" \
	test -s "$T/badopt.log" -a -z "$(kernel_ran badopt && echo ran)"

l1=$(result_line seed1) l2=$(result_line seed2)
check "fixed seed: both boots pass ($(rc_of seed1), $(rc_of seed2))" [ "$(rc_of seed1)$(rc_of seed2)" = 3333 ]
check "fixed seed: seed flags say FIXED" [ $(( $(field "$l1" seed_flags) & 2 )) -eq 2 ]
check "fixed seed: identical kernel placement ($l1)" test -n "$l1" -a "$l1" = "$l2"
layout() { grep -a '^aslrboot:   ' "$T/$1.log"; }
check "fixed seed: identical loader layout ($(layout seed1 | wc -l) lines)" \
	test -n "$(layout seed1)" -a "$(layout seed1)" = "$(layout seed2)"
[ "$l1" = "$l2" ] || { show_log seed1; show_log seed2; }

line=$(result_line fixed)
check "aslr=off: exit code 33 (got $(rc_of fixed))" [ "$(rc_of fixed)" = 33 ]
check "aslr=off: kernel at 0xffffffff80000000 (${line:-none})" \
	grep -q '^aslrboot-test-kernel: PASS virt=0xffffffff80000000 ' <<<"$line"
check "config with a UTF-8 BOM: accepted (aslr=off applied)" [ "$(rc_of fixed)" = 33 ]
check "random-seed directory: one line says so" \
	[ "$(grep -acxF 'aslrboot: seed file \EFI\aslrboot\random-seed: is a directory (left alone); not credited' "$T/fixed.log")" = 1 ]
check "random-seed directory: still there after the boot" \
	mdir -i "$T/fixed.img" ::/EFI/aslrboot/random-seed >/dev/null 2>&1
done_results
