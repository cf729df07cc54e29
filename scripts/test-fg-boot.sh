#!/usr/bin/env bash
# Boots of the fine-grained test kernel ($B/kernel/fg-kernel.elf, built by
# tests/mk/kernelfg.mk: hundreds of functions, one section each), through
# UEFI (OVMF) and through Multiboot (qemu -kernel, microvm):
#   - section granularity, FG_BOOTS boots per front end: exit code 33, the
#     PASS line, the kernel's FG line says gran=section, functions moved
#     apart (moved > 0: not all at fg_f0's offset), and the run-time
#     distance of the kernel's two chosen functions differs from their
#     link distance and between every two of these boots;
#   - aslr=off (both front ends): still gran=section, 0 bits of entropy and
#     the same distance on both front ends (the arrangement is fixed; units
#     that shared a page at link time cannot keep their link offsets, since
#     units never share a page, so it is not the link distance);
#   - granularity=segment (both front ends): gran=segment, nothing moved
#     apart, the distance equals the link distance;
#   - the kernel's own checks bite: a copy with one expected result changed
#     and one with one link address changed each fail (exit 35) naming it.
# Every QEMU run is TCG with a hard 60 s limit; two boots run at a time.
#
# False-positive rate of "the distance differs": in each boot, of the two
# functions' units the one placed later is drawn uniformly from 2^b slots
# (b: the smaller of their entropies, which the kernel reports), so two
# boots give the same distance, or one boot the link distance, with
# probability <= 2^-b each.  With S section boots the test fails a correct
# loader with probability <= (S(S-1)/2 + S) * 2^-b: printed below, and b
# must be >= 12 (with the default 6 section boots, 21 comparisons: <= 0.5%;
# about 18 bits in a 1 GiB window: about 0.008%).
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
FG=$B/kernel/fg-kernel.elf
MB=$B/aslrboot.mb
need "$EFI" "$FG" "$MB"
S=${FG_BOOTS:-3}

mb_boot() { # NAME [qemu-mb.sh args...]: like boot, through Multiboot
	local name=$1
	shift
	scripts/qemu-mb.sh -t 60 -M microvm "$@" >"$T/$name.log" 2>&1
	echo $? >"$T/$name.rc"
}

esp fgsec "$EFI" "$FG" "cmdline=expect_gran=section"
esp fgoff "$EFI" "$FG" "$(printf 'aslr=off\ncmdline=expect_gran=section')"
esp fgseg "$EFI" "$FG" "$(printf 'granularity=segment\ncmdline=expect_gran=segment')"
for ((i = 1; i <= S; i++)); do
	boot "efi-sec$i" "$T/fgsec.img" -t 60 &
	mb_boot "mb-sec$i" "$FG expect_gran=section" &
	wait
done
boot efi-off "$T/fgoff.img" -t 60 &
mb_boot mb-off -a "aslr=off" "$FG expect_gran=section" &
wait
boot efi-seg "$T/fgseg.img" -t 60 &
mb_boot mb-seg -a "granularity=segment" "$FG expect_gran=segment" &
wait

# flip_in SYMBOL BYTE OUT: a copy of the kernel with bit 4 of byte BYTE of
# SYMBOL's data flipped (file offset = section offset + value - address).
flip_in() {
	local ndx val addr off byte
	read -r val ndx < <(readelf -sW "$FG" | awk -v s="$1" '$8 == s { print $2, $7; exit }')
	read -r addr off < <(readelf -SW "$FG" |
		sed -n "s/^ *\[ *$ndx\] [^ ]* *[A-Z_]* *\([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p")
	off=$((16#$off + 16#$val - 16#$addr + $2))
	byte=$(od -An -tu1 -j "$off" -N1 "$FG")
	cp "$FG" "$3"
	printf "\\$(printf %o $((byte ^ 16)))" | dd of="$3" bs=1 seek="$off" conv=notrunc status=none
}
# fg_cases[123].want (16-byte entries, want at 8); fg_links[77].link.
flip_in fg_cases $((16 * 123 + 8)) "$T/fg-badcase.elf"
flip_in fg_links $((16 * 77)) "$T/fg-badlink.elf"
mb_boot mb-badcase -a "granularity=segment" "$T/fg-badcase.elf expect_gran=segment" &
mb_boot mb-badlink "$T/fg-badlink.elf expect_gran=section" &
wait

fg_line() { grep -a '^aslrboot-fg-kernel: FG ' "$T/$1.log" | head -1; }
fval() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# passed NAME GRAN: exit 33, the PASS line and an FG line of granularity
# GRAN; prints the FG line.
passed() {
	local line fg
	line=$(result_line "$1") fg=$(fg_line "$1")
	echo "$1: ${fg:-no FG line}"
	if [ "$(rc_of "$1")" = 33 ] && grep -q PASS <<<"$line" &&
		[ "$(fval "$fg" gran)" = "$2" ]; then
		ok "$1: exit 33, PASS, gran=$2"
		return 0
	fi
	fail "$1: exit $(rc_of "$1"), ${line:-no result line}, want gran=$2"
	show_log "$1"
	return 1
}

dists=() off_dists=() minbits=
for fe in efi mb; do
	for ((i = 1; i <= S; i++)); do
		n=$fe-sec$i
		passed "$n" section || continue
		fg=$(fg_line "$n")
		d=$(fval "$fg" dist) l=$(fval "$fg" link_dist) b=$(fval "$fg" bits)
		check "$n: functions moved apart (moved=$(fval "$fg" moved))" [ "$(fval "$fg" moved)" -gt 0 ]
		check "$n: distance $d differs from the link distance $l" [ "$d" != "$l" ]
		dists+=("$d")
		if [ -z "$minbits" ] || awk -v a="$b" -v m="$minbits" 'BEGIN { exit !(a < m) }'; then
			minbits=$b
		fi
	done
	n=$fe-off
	if passed "$n" section; then
		fg=$(fg_line "$n")
		check "$n: 0 bits of entropy ($(fval "$fg" bits))" [ "$(fval "$fg" bits)" = 0.000 ]
		off_dists+=("$(fval "$fg" dist)")
	fi
	n=$fe-seg
	if passed "$n" segment; then
		fg=$(fg_line "$n")
		check "$n: nothing moved apart (moved=$(fval "$fg" moved))" [ "$(fval "$fg" moved)" = 0 ]
		check "$n: distance equals the link distance ($(fval "$fg" dist))" \
			[ "$(fval "$fg" dist)" = "$(fval "$fg" link_dist)" ]
	fi
done
bites() { # NAME WHY: exit 35 and the FAIL line with WHY
	[ "$(rc_of "$1")" = 35 ] && grep -q "^aslrboot-test-kernel: FAIL $2" "$T/$1.log"
}
check "a changed expected result fails: $(result_line mb-badcase)" bites mb-badcase "fg_f .* 123: "
check "a changed link address fails: $(result_line mb-badlink)" bites mb-badlink "fg_f does not run where its unit says: fg_f 77: "
same_off() { [ ${#off_dists[@]} -eq 2 ] && [ "${off_dists[0]}" = "${off_dists[1]}" ]; }
check "aslr=off: the same distance on both front ends (${off_dists[*]})" same_off
k=${#dists[@]}
nd=$(printf '%s\n' "${dists[@]}" | sort -u | grep -c .)
fp=$(awk -v k="$k" -v b="${minbits:-0}" 'BEGIN { printf "%.4f%%", 100 * (k * (k - 1) / 2 + k) / 2 ^ b }')
all_distinct() { [ "$k" -eq $((2 * S)) ] && [ "$nd" -eq "$k" ]; }
check "$nd distinct distances in $k passing section boots of $((2 * S)) (false-positive rate <= $fp)" all_distinct
# The bound above needs real entropy: at least 12 bits (<= 0.5% here).
check "the two units' entropy: ${minbits:-?} bits (need >= 12)" \
	awk -v b="${minbits:-0}" 'BEGIN { exit !(b >= 12) }'
done_results
