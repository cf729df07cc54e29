#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Secure Boot under OVMF's Secure Boot build with Debian's test keys enrolled
# (OVMF_CODE_4M.snakeoil.fd + a copy of OVMF_VARS_4M.snakeoil.fd, SMM on,
# the flash writable only from SMM); images are signed with the same test
# key (sbsign, /usr/share/ovmf/PkKek-1-snakeoil.key, passphrase "snakeoil"):
#  a. an unsigned aslrboot.efi is refused by the firmware (Access Denied);
#  b. a signed unified image (aslrboot-unify: the test kernel, its command
#     line and a .config with verbose=1) boots: the kernel passes and sees
#     the boot-info flags UEFI|SECURE_BOOT|UNIFIED|VERBOSE; the loader's
#     verbose line says Secure Boot is on and the kernel is the image's; the
#     seed file is still mixed in and replaced, but not credited;
#  c. a signed plain aslrboot.efi with an ESP kernel.elf is refused by
#     aslrboot before it reads any file (one E_SECURE_BOOT line, no word on
#     the ESP's broken config; EFI_SECURITY_VIOLATION back to the boot
#     manager), no kernel runs;
#  d. the signed unified image with one byte of its .kernel section changed
#     after signing is refused by the firmware;
#  e. an ESP aslrboot.cfg (kernel=, cmdline=, aslr=off, seed=, verbose=1)
#     and load options from a firmware boot entry (aslr=off seed=...) are
#     not applied: one warning line each naming their keys (a config file
#     that does not parse is one warning too); the kernel is the image's,
#     with the image's command line, and sees a random layout (flags without
#     ASLR_OFF and VERBOSE, no fixed seed), different in two boots;
#  f. Secure Boot off (plain OVMF): the same signed unified image takes the
#     ESP config as today, key by key (cmdline=, aslr=off, verbose=1): the
#     kernel at its link address, flags UEFI|UNIFIED|ASLR_OFF|VERBOSE, the
#     verbose line says Secure Boot off.
# A boot the firmware or aslrboot refuses ends when OVMF's boot manager
# reports it (the serial log is watched for that line); a boot that runs the
# test kernel ends with its exit code (33 = pass).  Each boot has a hard
# 60 s limit; two run at a time.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
UNIFY=$B/aslrboot-unify
need "$EFI" "$KERNEL" "$UNIFY"
FW_DIR=/usr/share/OVMF
for f in "$FW_DIR/OVMF_CODE_4M.snakeoil.fd" "$FW_DIR/OVMF_VARS_4M.snakeoil.fd" \
	"$SB_KEY_DIR/PkKek-1-snakeoil.key" "$SB_CERT"; do
	[ -f "$f" ] || setup_fail "$f missing (scripts/deps.sh: ovmf)"
done
for c in sbsign openssl objdump python3; do
	command -v $c >/dev/null ||
		setup_fail "$c missing (scripts/deps.sh)"
done
export OVMF_CODE=$FW_DIR/OVMF_CODE_4M.snakeoil.fd OVMF_VARS=$FW_DIR/OVMF_VARS_4M.snakeoil.fd
SB_QEMU=(-machine smm=on -global driver=cfi.pflash01,property=secure,value=on)
S=$T/sb
rm -rf "$S" && mkdir -p "$S"


SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
ASLR_OFF=1 UEFI=4 VERBOSE=2 SECURE_BOOT=16 UNIFIED=32 # ASLRBOOT_INFO_F_*
printf 'verbose=1\n' >"$S/verbose.cfg"
"$UNIFY" --stub "$EFI" --kernel "$KERNEL" --config "$S/verbose.cfg" \
	--cmdline "verbose expect_info_flags=$((UEFI | VERBOSE | SECURE_BOOT | UNIFIED))" -o "$S/uv.efi" &&
	"$UNIFY" --stub "$EFI" --kernel "$KERNEL" \
		--cmdline "expect_info_flags=$((UEFI | SECURE_BOOT | UNIFIED))" -o "$S/u.efi" ||
	setup_fail "aslrboot-unify"
sb_sign "$S/uv.efi" "$S/uv.signed.efi" && sb_sign "$S/u.efi" "$S/u.signed.efi" &&
	sb_sign "$EFI" "$S/plain.signed.efi" || setup_fail "sbsign"
# d: one byte in the middle of the signed image's .kernel section, flipped.
cp "$S/u.signed.efi" "$S/altered.efi"
read -r ksize koff < <(objdump -h "$S/altered.efi" | awk '$2 == ".kernel" { print $3, $6 }')
[ -n "$koff" ] || setup_fail "no .kernel section in $S/u.signed.efi"
at=$((0x$koff + 0x$ksize / 2))
byte=$(od -An -t u1 -j "$at" -N 1 "$S/altered.efi" | tr -d ' ')
printf "\\$(printf %03o $((byte ^ 0xff)))" | dd of="$S/altered.efi" bs=1 seek="$at" conv=notrunc status=none
sbverify --cert "$SB_CERT" "$S/u.signed.efi" >/dev/null 2>&1 &&
	! sbverify --cert "$SB_CERT" "$S/altered.efi" >/dev/null 2>&1 ||
	setup_fail "sbverify: the signed image should verify and the altered one not"

head -c 32 /dev/urandom >"$T/sb-seed"
esp sb-unsigned "$EFI" "$KERNEL" ""
esp sb-unified "$S/uv.signed.efi" - "" "$T/sb-seed=/EFI/aslrboot/random-seed"
# A config that does not parse: read, it would give a warning line.
esp sb-plain "$S/plain.signed.efi" "$KERNEL" "aslr=maybe"
esp sb-altered "$S/altered.efi" - ""
esp sb-weak "$S/u.signed.efi" "$KERNEL" \
	"$(printf 'kernel=\\EFI\\aslrboot\\kernel.elf\ncmdline=verbose\naslr=off\nseed=%s\nverbose=1' "$SEED")"
esp sb-bad "$S/u.signed.efi" "$KERNEL" "$(printf 'verbose=1\naslr=maybe')"
esp sb-off "$S/u.signed.efi" - \
	"$(printf 'cmdline=expect_info_flags=%d\naslr=off\nverbose=1' $((UEFI | UNIFIED | ASLR_OFF | VERBOSE)))"
# Load options through a boot entry (the UEFI shell does not run under
# Secure Boot): Boot0100 starts \EFI\BOOT\BOOTX64.EFI with these options.
scripts/ovmf-boot-entry.py "$OVMF_VARS" "$S/vars-opts.fd" '\EFI\BOOT\BOOTX64.EFI' \
	"aslr=off seed=$SEED" || setup_fail "ovmf-boot-entry.py"

DENIED='^BdsDxe: failed to load Boot0001 .*: Access Denied$'
REFUSED='^BdsDxe: failed to start Boot0001 .*: Security Violation$'
t0=$SECONDS
boot sb-unsigned "$T/sb-unsigned.img" -t 60 -u "$DENIED" -- "${SB_QEMU[@]}" &
boot sb-unified "$T/sb-unified.img" -t 60 -w -- "${SB_QEMU[@]}" &
wait
t1=$SECONDS
boot sb-plain "$T/sb-plain.img" -t 60 -u "$REFUSED" -- "${SB_QEMU[@]}" &
boot sb-altered "$T/sb-altered.img" -t 60 -u "$DENIED" -- "${SB_QEMU[@]}" &
wait
t2=$SECONDS
OVMF_VARS=$S/vars-opts.fd boot sb-weak "$T/sb-weak.img" -t 60 -- "${SB_QEMU[@]}" &
OVMF_VARS=$S/vars-opts.fd boot sb-bad "$T/sb-bad.img" -t 60 -- "${SB_QEMU[@]}" &
wait
t3=$SECONDS
OVMF_CODE=$FW_DIR/OVMF_CODE_4M.fd OVMF_VARS=$FW_DIR/OVMF_VARS_4M.fd boot sb-off "$T/sb-off.img" -t 60
t4=$SECONDS
echo "timings: a+b $((t1 - t0)) s, c+d $((t2 - t1)) s, e $((t3 - t2)) s (two boots at a time), f $((t4 - t3)) s"

# Lines of a log matching an extended regex, and the number of the first.
line_no() { grep -anE -- "$2" "$T/$1.log" | head -1 | cut -d: -f1; }
no_loader_no_kernel() { ! grep -aq '^aslrboot' "$T/$1.log"; }
no_warning() { ! grep -aq '^aslrboot: warning:' "$T/$1.log"; }
no_layout() { ! grep -aqE '^aslrboot:   unit|^aslrboot-test-kernel: [0-9]+ regions' "$T/$1.log"; }
# The seed record's flags without ASLRBOOT_SEED_F_FIXED (2).
not_fixed() { local f=$(field "$1" seed_flags); [ -n "$f" ] && [ $((f & 2)) = 0 ]; }

# a. and d.: refused by the firmware before aslrboot ran.
for n in unsigned altered; do
	check "$n: refused by the firmware ($(grep -aoE 'failed to load Boot0001 .*' "$T/sb-$n.log" | sed 's/ from .*:/:/'))" \
		[ "$(rc_of sb-$n)" = 0 -a -n "$(line_no sb-$n "$DENIED")" ]
	check "$n: neither aslrboot nor the kernel ran" no_loader_no_kernel sb-$n
	[ "$(rc_of sb-$n)" = 0 ] || show_log sb-$n
done

# b.
line=$(result_line sb-unified)
check "unified: exit code 33 (got $(rc_of sb-unified))" [ "$(rc_of sb-unified)" = 33 ]
check "unified: the kernel passed with flags UEFI|VERBOSE|SECURE_BOOT|UNIFIED (${line:-none})" \
	grep -q '^aslrboot-test-kernel: PASS ' <<<"$line"
check "unified: verbose line says Secure Boot on, kernel from the image" \
	grep -aqE '^aslrboot: aslrboot .*\(UEFI\): kernel \.kernel .*Secure Boot on' "$T/sb-unified.log"
check "unified: seed file mixed in, not credited (the ESP is not signed)" \
	grep -aqE '^  entropy seed-file: uncredited, 32 bytes, 0 bits' "$T/sb-unified.log"
mcopy -n -i "$T/sb-unified.img" ::/EFI/aslrboot/random-seed "$S/seed.after" 2>/dev/null
check "unified: seed file replaced (32 new bytes)" \
	test "$(stat -c %s "$S/seed.after" 2>/dev/null)" = 32 -a -n "$(cmp "$T/sb-seed" "$S/seed.after" 2>&1)"
[ "$(rc_of sb-unified)" = 33 ] || show_log sb-unified

# c.
want='aslrboot: error: \EFI\aslrboot\kernel.elf: refused: Secure Boot is on and the kernel is not in this signed image (build one with aslrboot-unify) [E_SECURE_BOOT]'
# The boot manager's fallback to the removable-media path may start the
# image once more after that: the lines up to the first report count.
mark_at=$(line_no sb-plain "$REFUSED")
errs=$(head -n "${mark_at:-999999}" "$T/sb-plain.log" | grep -a '^aslrboot: error:')
err_at=$(grep -anxF -- "$want" "$T/sb-plain.log" | head -1 | cut -d: -f1)
check "plain: one line: $want" [ "$errs" = "$want" ]
check "plain: refused before reading the config file (no warning)" no_warning sb-plain
check "plain: back in the boot manager with Security Violation, no kernel ran" \
	[ "$(rc_of sb-plain)" = 0 -a -n "$mark_at" -a "${mark_at:-0}" -gt "${err_at:-999999}" ]
grep -aq aslrboot-test-kernel "$T/sb-plain.log" && fail "plain: the kernel ran"
[ "$(rc_of sb-plain)" = 0 ] && [ -n "$mark_at" ] || show_log sb-plain

# e.
CFG='\EFI\aslrboot\aslrboot.cfg'
W_CFG="aslrboot: warning: $CFG: ignored under Secure Boot (not signed): kernel, cmdline, verbose, aslr, seed"
W_BAD="aslrboot: warning: $CFG: ignored under Secure Boot (not signed; it does not parse: line 2: aslr: expected 0/1 or on/off)"
W_OPT='aslrboot: warning: load options: ignored under Secure Boot (not signed): aslr, seed'
for n in weak bad; do
	line=$(result_line sb-$n)
	check "$n: exit code 33, the kernel passed with flags UEFI|SECURE_BOOT|UNIFIED (${line:-none})" \
		[ "$(rc_of sb-$n)" = 33 -a -n "$(grep '^aslrboot-test-kernel: PASS ' <<<"$line")" ]
	check "$n: not the fixed seed (seed_flags $(field "$line" seed_flags))" not_fixed "$line"
	check "$n: no layout printed (verbose=1 and cmdline=verbose not applied)" no_layout sb-$n
	[ "$(rc_of sb-$n)" = 33 ] || show_log sb-$n
done
warns=$(grep -a '^aslrboot: warning:' "$T/sb-weak.log")
check "weak: two warnings: $W_CFG / $W_OPT" [ "$warns" = "$W_CFG"$'\n'"$W_OPT" ]
warns=$(grep -a '^aslrboot: warning:' "$T/sb-bad.log")
check "bad: two warnings: $W_BAD / $W_OPT" [ "$warns" = "$W_BAD"$'\n'"$W_OPT" ]
v1=$(field "$(result_line sb-weak)" virt) v2=$(field "$(result_line sb-bad)" virt)
check "random layout: two boots differ ($v1, $v2)" [ -n "$v1" -a -n "$v2" -a "$v1" != "$v2" ]

# f.
line=$(result_line sb-off)
check "off: exit code 33, the kernel passed with flags UEFI|UNIFIED|ASLR_OFF|VERBOSE (${line:-none})" \
	[ "$(rc_of sb-off)" = 33 -a -n "$(grep '^aslrboot-test-kernel: PASS ' <<<"$line")" ]
check "off: aslr=off applied (virt $(field "$line" virt))" [ "$(field "$line" virt)" = 0xffffffff80000000 ]
check "off: verbose line says Secure Boot off" \
	grep -aqE '^aslrboot: aslrboot .*\(UEFI\): kernel \.kernel .*Secure Boot off$' "$T/sb-off.log"
check "off: no warning" no_warning sb-off
[ "$(rc_of sb-off)" = 33 ] || show_log sb-off
done_results
