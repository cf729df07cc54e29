#!/usr/bin/env bash
# 10 OVMF boots of the test kernel, no -seed: the kernel base must differ
# every time, virtually and physically, as the kernel itself
# reports it.  Two boots run at a time, 60 s limit each.
#
# Threshold: all 10 virtual and all 10 physical bases distinct.  With b bits
# of entropy (the loader's verbose layout reports them per region) a correct
# loader still collides with probability <= C(10,2) / 2^b; the test requires
# b >= 12 for both, i.e. a false-positive rate below 1.1% (measured here:
# v = 35 bits, p = 15.7 bits with 256 MiB, so <= 0.09 %).
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
need "$EFI" "$KERNEL"
N=10
esp aslr "$EFI" "$KERNEL" "verbose=1"
for ((i = 0; i < N; i += 2)); do
	boot "aslr$i" "$T/aslr.img" -t 60 &
	boot "aslr$((i + 1))" "$T/aslr.img" -t 60 &
	wait
done

virts=() physs=() vbits= pbits=
for ((i = 0; i < N; i++)); do
	line=$(result_line "aslr$i")
	if [ "$(rc_of "aslr$i")" != 33 ] || ! grep -q PASS <<<"$line"; then
		fail "boot $i: exit $(rc_of "aslr$i"), ${line:-no result line}"
		show_log "aslr$i"
		continue
	fi
	v=$(field "$line" virt) p=$(field "$line" phys)
	virts+=("$v") physs+=("$p")
	echo "boot $i: virt=$v phys=$p"
	# Bits of the region the kernel base is in, from the loader's layout.
	bits=$(grep -a "^aslrboot:   [a-z]* virt=0x0*${v#0x} " "$T/aslr$i.log" |
		sed -n 's/.* v=\([0-9.]*\) p=\([0-9.]*\) bits.*/\1 \2/p' | head -1)
	vbits=${bits% *} pbits=${bits#* }
done
[ ${#virts[@]} -eq $N ] && ok "all $N boots passed"
dv=$(printf '%s\n' "${virts[@]}" | sort -u | wc -l)
dp=$(printf '%s\n' "${physs[@]}" | sort -u | wc -l)
fp() { awk -v b="$1" -v n=$N 'BEGIN { printf "%.4f%%", 100 * n * (n - 1) / 2 / 2 ^ b }'; }
check "entropy reported: virt ${vbits:-?} bits, phys ${pbits:-?} bits (need >= 12 each)" \
	awk -v v="${vbits:-0}" -v p="${pbits:-0}" 'BEGIN { exit !(v >= 12 && p >= 12) }'
check "$dv distinct virtual bases of $N (false-positive rate <= $(fp "${vbits:-0}"))" [ "$dv" -eq $N ]
check "$dp distinct physical bases of $N (false-positive rate <= $(fp "${pbits:-0}"))" [ "$dp" -eq $N ]
done_results
