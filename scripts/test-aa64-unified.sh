#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# arm64 unified images under AAVMF (scripts/qemu-aa64.sh, TCG, semihosting
# exit): aslrboot-unify with build/aslrboot-aa64.efi as the stub and the
# arm64 test kernel, nothing else on the ESP.
#  1. Secure Boot off (AAVMF_VARS.fd): the kernel passes, echoes the image's
#     .cmdline and sees exactly the boot-info flags UEFI|UNIFIED;
#  2. Secure Boot on: Debian's AAVMF with AAVMF_VARS.snakeoil.fd (the test
#     key in PK, KEK and db, Secure Boot enabled; AAVMF_CODE.snakeoil.fd is
#     AAVMF_CODE.fd), the image signed with sbsign and that key
#     (/usr/share/ovmf/PkKek-1-snakeoil.key, passphrase "snakeoil"): the
#     kernel passes and sees exactly UEFI|SECURE_BOOT|UNIFIED;
#  3. the same image unsigned, Secure Boot on: refused by the firmware
#     (Access Denied); neither aslrboot nor the kernel ran;
#  4. a signed plain aslrboot-aa64.efi with kernel.elf on the ESP, Secure
#     Boot on: aslrboot refuses it with its one E_SECURE_BOOT line and
#     returns EFI_SECURITY_VIOLATION to AAVMF's boot manager; no kernel ran.
# AAVMF needs no SMM for Secure Boot (its variables are in plain flash: fine
# for a test of the signature check and aslrboot's policy, not tamper-proof).
# Boots 1 and 2 run together, then 3 and 4; each has a hard 120 s limit
# (see scripts/test-aa64-boot.sh). About 15 s under TCG.
cd "$(dirname "$0")/.." || exit 1
QEMU_RUN=scripts/qemu-aa64.sh
QEMU_BIN=qemu-system-aarch64
. scripts/efi-test-lib.sh
T=$B/aa64-tests
EFI=$B/aslrboot-aa64.efi
KERNEL=$B/kernel-aa64.elf
UNIFY=$B/aslrboot-unify
mkdir -p "$T"
need "$EFI" "$KERNEL" "$UNIFY"
FW_DIR=/usr/share/AAVMF
for f in "$FW_DIR/AAVMF_CODE.snakeoil.fd" "$FW_DIR/AAVMF_VARS.snakeoil.fd" \
	"$SB_KEY_DIR/PkKek-1-snakeoil.key" "$SB_CERT"; do
	[ -f "$f" ] || setup_fail "$f missing (scripts/deps.sh: qemu-efi-aarch64, ovmf)"
done
for c in sbsign openssl; do
	command -v $c >/dev/null || setup_fail "$c missing (scripts/deps.sh)"
done
S=$T/unified
rm -rf "$S" && mkdir -p "$S"


UEFI=4 SECURE_BOOT=16 UNIFIED=32 # ASLRBOOT_INFO_F_*
CMD_OFF="echo expect_info_flags=$((UEFI | UNIFIED)) from-image"
CMD_SB="echo expect_info_flags=$((UEFI | SECURE_BOOT | UNIFIED)) from-signed-image"
"$UNIFY" --stub "$EFI" --kernel "$KERNEL" --cmdline "$CMD_OFF" -o "$S/off.efi" &&
	"$UNIFY" --stub "$EFI" --kernel "$KERNEL" --cmdline "$CMD_SB" -o "$S/sb.efi" ||
	setup_fail "aslrboot-unify"
sb_sign "$S/sb.efi" "$S/sb.signed.efi" && sb_sign "$EFI" "$S/plain.signed.efi" || setup_fail "sbsign"
scripts/mkesp.sh "$T/unified-off.img" "$S/off.efi" - - >/dev/null
scripts/mkesp.sh "$T/unified-sb.img" "$S/sb.signed.efi" - - >/dev/null
scripts/mkesp.sh "$T/unified-unsigned.img" "$S/sb.efi" - - >/dev/null
esp unified-plain "$S/plain.signed.efi" "$KERNEL" ""

DENIED='^BdsDxe: failed to load Boot0001 .*: Access Denied$'
REFUSED='^BdsDxe: failed to start Boot0001 .*: Security Violation$'
sb_boot() { AAVMF_CODE=$FW_DIR/AAVMF_CODE.snakeoil.fd AAVMF_VARS=$FW_DIR/AAVMF_VARS.snakeoil.fd boot "$@"; }
t0=$SECONDS
boot unified-off "$T/unified-off.img" -t 120 &
sb_boot unified-sb "$T/unified-sb.img" -t 120 &
wait
sb_boot unified-unsigned "$T/unified-unsigned.img" -t 120 -u "$DENIED" &
sb_boot unified-plain "$T/unified-plain.img" -t 120 -u "$REFUSED" &
wait
echo "timing: $((SECONDS - t0)) s for 4 boots, two at a time"

# A kernel boot: exit 0, the PASS line and the command line it was given.
passed_boot() { # name, command line
	[ "$(rc_of "$1")" = 0 ] && [[ $(result_line "$1") == *": PASS "* ]] &&
		grep -aqxF "aslrboot-test-kernel: cmdline: $2" "$T/$1.log" || { show_log "$1"; return 1; }
}
check "Secure Boot off: the kernel passed with .cmdline and flags UEFI|UNIFIED ($(result_line unified-off))" \
	passed_boot unified-off "$CMD_OFF"
check "Secure Boot on, signed: the kernel passed with .cmdline and flags UEFI|SECURE_BOOT|UNIFIED ($(result_line unified-sb))" \
	passed_boot unified-sb "$CMD_SB"
check "Secure Boot on, unsigned: refused by the firmware ($(grep -aoE 'failed to load Boot0001 .*' "$T/unified-unsigned.log" | sed 's/ from .*:/:/'))" \
	grep -aqE "$DENIED" "$T/unified-unsigned.log"
no_loader_no_kernel() { [ "$(rc_of "$1")" = 0 ] && ! grep -aq '^aslrboot' "$T/$1.log"; }
check "Secure Boot on, unsigned: neither aslrboot nor the kernel ran" no_loader_no_kernel unified-unsigned
[ "$(rc_of unified-unsigned)" = 0 ] || show_log unified-unsigned

want='aslrboot: error: \EFI\aslrboot\kernel.elf: refused: Secure Boot is on and the kernel is not in this signed image (build one with aslrboot-unify) [E_SECURE_BOOT]'
# The lines up to the boot manager's first report count (it may try the
# image once more through another boot option).
mark_at=$(grep -anE -- "$REFUSED" "$T/unified-plain.log" | head -1 | cut -d: -f1)
errs=$(head -n "${mark_at:-999999}" "$T/unified-plain.log" | grep -a '^aslrboot: error:')
check "signed plain aslrboot, Secure Boot on: one line: $want" [ "$errs" = "$want" ]
check "signed plain aslrboot, Secure Boot on: back in the boot manager with Security Violation, no kernel ran" \
	[ "$(rc_of unified-plain)" = 0 -a -n "$mark_at" -a -z "$(grep -a aslrboot-test-kernel "$T/unified-plain.log")" ]
[ "$(rc_of unified-plain)" = 0 ] && [ -n "$mark_at" ] || show_log unified-plain
done_results
