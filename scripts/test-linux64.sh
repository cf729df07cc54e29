#!/usr/bin/env bash
# The linux64 path (issue 6) with our own linux64 test kernel
# (tests/kernel-linux64/: ET_EXEC at 16 MiB with an empty PT_DYNAMIC, so
# movable; checks boot_params from inside,
# prints "aslrboot-linux64-kernel: PASS phys=0x..."):
#   - 10 boots through qemu -kernel (Multiboot), protocol=auto: 10 PASS
#     lines and 10 distinct physical bases.  4 KiB granularity in -m 256
#     gives ~2^16 slots (the loader logs the bits): a correct loader repeats
#     a base with probability <= C(10,2) / 2^16 = 0.07%, this test's
#     false-failure rate.
#   - the base the loader chose (verbose=1) is the one the kernel runs at
#   - protocol=linux64 linux_seed_cmdline=1: the kernel's cmdline holds
#     argv[0], then random.seed=[8 words], then its own arguments
#   - protocol=native refuses the image (E_DYN_SIZE), exit 65
#   - 2 boots through OVMF (auto; linux64 + seed cmdline): PASS, distinct bases
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
T=$B/linux64-tests
mkdir -p "$T"
K=$B/kernel/linux64-kernel.elf
need "$EFI" "$B/aslrboot.mb" "$K"
PASSRE='^aslrboot-linux64-kernel: PASS phys=0x[0-9a-f]*$'
SEEDRE='^aslrboot-linux64-kernel: cmdline: app random\.seed=\[(0x[0-9a-f]{8} ){7}0x[0-9a-f]{8}\] console=ttyS0$'

mb() { # NAME AFLAGS
	scripts/qemu-mb.sh -t 30 -a "$2" "$K app console=ttyS0" >"$T/$1.log" 2>&1
	echo $? >"$T/$1.rc"
}
phys_of() { grep -a "$PASSRE" "$T/$1.log" | head -1 | sed 's/.*phys=0x0*/0x/'; }
passed_boot() { [ "$(rc_of "$1")" = 33 ] && grep -aq "$PASSRE" "$T/$1.log"; }

N=10
for ((i = 0; i < N; i += 2)); do
	mb "mb$i" "" &
	mb "mb$((i + 1))" "" &
	wait
done
mb mb-verbose "verbose=1" &
mb mb-seed "protocol=linux64 linux_seed_cmdline=1" &
wait
mb mb-native "protocol=native"

physs=()
for ((i = 0; i < N; i++)); do
	if passed_boot "mb$i"; then
		physs+=("$(phys_of "mb$i")")
	else
		fail "mb boot $i: exit $(rc_of "mb$i")"
		show_log "mb$i"
	fi
done
[ ${#physs[@]} -eq $N ] && ok "qemu -kernel: $N boots passed (protocol=auto)"
d=$(printf '%s\n' "${physs[@]}" | sort -u | wc -l)
bits=$(sed -n 's/.*physical base: .* \([0-9.]*\) bits.*/\1/p' "$T/mb0.log" | head -1)
echo "physical bases: ${physs[*]} ($d distinct, $bits bits each)"
check "qemu -kernel: $d of $N physical bases distinct" [ "$d" -eq $N ]
check "auto: the log says why linux64 was taken" \
	grep -aq '^aslrboot: linux64: native load refused (E_DYN_SIZE); movable (PT_DYNAMIC): random physical base; booting with the Linux 64-bit protocol, W^X NOT enforced$' "$T/mb0.log"

lp=$(sed -n 's/^aslrboot: linux64: image phys=0x0*\([0-9a-f]*\) .*/0x\1/p' "$T/mb-verbose.log")
if passed_boot mb-verbose && [ -n "$lp" ] && [ "$lp" = "$(phys_of mb-verbose)" ]; then
	ok "the kernel runs at the base the loader chose ($lp)"
else
	fail "verbose boot: loader said ${lp:-nothing}, kernel $(phys_of mb-verbose)"
	show_log mb-verbose
fi
if passed_boot mb-seed && grep -aEq "$SEEDRE" "$T/mb-seed.log"; then
	ok "linux_seed_cmdline=1: random.seed=[...] after argv[0]"
else
	fail "seed cmdline boot"
	show_log mb-seed
fi
if [ "$(rc_of mb-native)" = 65 ] &&
	[ "$(grep -a '^aslrboot: error:' "$T/mb-native.log")" = "$(tail -n 1 "$T/mb-native.log")" ] &&
	grep -aq 'E_DYN_SIZE\]$' "$T/mb-native.log"; then
	ok "protocol=native refuses the image with the native error"
else
	fail "protocol=native: exit $(rc_of mb-native)"
	show_log mb-native
fi

# OVMF: the same kernel from the ESP.
esp efi-auto "$EFI" "$K" "cmdline=app console=ttyS0"
esp efi-seed "$EFI" "$K" "$(printf 'cmdline=app console=ttyS0\nprotocol=linux64\nlinux_seed_cmdline=1')"
boot efi-auto "$T/efi-auto.img" -t 60 &
boot efi-seed "$T/efi-seed.img" -t 60 &
wait
for n in efi-auto efi-seed; do
	if passed_boot "$n"; then
		ok "OVMF $n: PASS at $(phys_of "$n")"
	else
		fail "OVMF $n: exit $(rc_of "$n")"
		show_log "$n"
	fi
done
check "OVMF: seed on the cmdline" grep -aEq "$SEEDRE" "$T/efi-seed.log"
check "OVMF: two distinct bases" [ "$(phys_of efi-auto)" != "$(phys_of efi-seed)" ]
done_results
