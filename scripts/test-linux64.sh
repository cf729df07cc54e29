#!/usr/bin/env bash
# The linux64 path with our own linux64 test kernel
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
#   - the same kernel without its PT_DYNAMIC (linux64-fixed.elf: not movable,
#     and no PVH or Linux note), linked at 2 MiB like Nanos: auto refuses it
#     (E_TYPE and a hint line); protocol=linux64, from qemu -kernel and from
#     OVMF: PASS at exactly its link address 0x200000, and the log says it is
#     not relocatable; once more with a 1 MiB module across 2 MiB: moved first
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
T=$B/linux64-tests
mkdir -p "$T"
K=$B/kernel/linux64-kernel.elf
KF=$B/kernel/linux64-fixed.elf
need "$EFI" "$B/aslrboot.mb" "$K" "$KF"
PASSRE='^aslrboot-linux64-kernel: PASS phys=0x[0-9a-f]*$'
SEEDRE='^aslrboot-linux64-kernel: cmdline: app random\.seed=\[(0x[0-9a-f]{8} ){7}0x[0-9a-f]{8}\] console=ttyS0$'

mb() { # NAME AFLAGS [KERNEL]
	scripts/qemu-mb.sh -t 30 -a "$2" "${3:-$K} app console=ttyS0" >"$T/$1.log" 2>&1
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
mb mb-native "protocol=native" &
mb mb-fixed "protocol=linux64" "$KF" &
wait
mb mb-fixed-auto "" "$KF"
# A 1 MiB second module: QEMU puts it right after the small kernel file,
# across 2 MiB, so the loader must move it out of the fixed range first.
head -c 1048576 /dev/zero >"$T/big.mod"
scripts/qemu-mb.sh -t 30 -a protocol=linux64 "$KF app console=ttyS0,$T/big.mod" >"$T/mb-fixed-mod.log" 2>&1
echo $? >"$T/mb-fixed-mod.rc"

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

# Not movable: exactly at its link address, on both paths.
esp efi-fixed "$EFI" "$KF" "$(printf 'protocol=linux64\ncmdline=app console=ttyS0')"
boot efi-fixed "$T/efi-fixed.img" -t 60
FIXEDRE='^aslrboot: linux64: protocol=linux64; not relocatable \(not ET_DYN, no PT_DYNAMIC, no Linux ELF note\): loaded at its link address 0x200000, no physical ASLR; '
for n in mb-fixed efi-fixed; do
	if passed_boot "$n" && [ "$(phys_of "$n")" = 0x200000 ] && grep -aEq "$FIXEDRE" "$T/$n.log"; then
		ok "$n: not movable, PASS at its link address 0x200000"
	else
		fail "$n: exit $(rc_of "$n"), phys $(phys_of "$n")"
		show_log "$n"
	fi
done
if [ "$(rc_of mb-fixed-auto)" = 65 ] &&
	grep -aq '^aslrboot: error: .*e_type = 0x2: .*\[E_TYPE\]$' "$T/mb-fixed-auto.log" &&
	grep -aq '^aslrboot: hint: not relocatable and no boot-protocol note (PVH or Linux): link it with -pie, or protocol=linux64 enters it at its link address through the Linux 64-bit protocol$' "$T/mb-fixed-auto.log"; then
	ok "mb-fixed-auto: no PVH or Linux note: auto refuses it (E_TYPE) with the hint"
else
	fail "mb-fixed-auto: exit $(rc_of mb-fixed-auto)"
	show_log mb-fixed-auto
fi
if passed_boot mb-fixed-mod && [ "$(phys_of mb-fixed-mod)" = 0x200000 ] &&
	grep -aq '^aslrboot: linux64: moved module 2 out of the link-address range$' "$T/mb-fixed-mod.log"; then
	ok "mb-fixed-mod: a module across the link address was moved; PASS at 0x200000"
else
	fail "mb-fixed-mod: exit $(rc_of mb-fixed-mod), phys $(phys_of mb-fixed-mod)"
	show_log mb-fixed-mod
fi
done_results
