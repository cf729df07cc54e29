#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build-time shape check of the arm64 test kernel, with readelf: an AArch64
# ET_DYN, PT_DYNAMIC and the aslrboot note present, no PT_INTERP, relative
# relocations only (R_AARCH64_RELATIVE or RELR), no segment both writable
# and executable, every PT_LOAD page aligned.  Exits 1 with one line per
# problem.
# Usage: [READELF=...] tests/kernel-aa64/check-shape.sh kernel.elf
set -u
RE=${READELF:-aarch64-linux-gnu-readelf}
f=$1
bad=0
problem() { echo "check-shape: $f: $*" >&2; bad=1; }

hdr=$($RE -hW "$f") || exit 1
grep -Eq 'Machine:[[:space:]]+AArch64' <<<"$hdr" || problem "not EM_AARCH64"
grep -Eq 'Type:[[:space:]]+DYN' <<<"$hdr" || problem "not ET_DYN"

ph=$($RE -lW "$f") || exit 1
grep -Eq '^[[:space:]]+DYNAMIC' <<<"$ph" || problem "no PT_DYNAMIC"
grep -Eq '^[[:space:]]+INTERP' <<<"$ph" && problem "has PT_INTERP"
# LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align: flags are the
# columns between MemSiz and Align.
while read -r line; do
	set -- $line
	flags=${*:7:$(($# - 7))}
	align=${!#}
	[[ $flags == *W* && $flags == *E* ]] && problem "W+X segment: $line"
	(($2 % 4096 == 0 && $3 % 4096 == 0)) 2>/dev/null || problem "segment not page aligned: $line"
	[[ $align == 0x1000 ]] || problem "p_align is not 4096: $line"
done < <(grep -E '^[[:space:]]+LOAD' <<<"$ph")
[[ $(grep -cE '^[[:space:]]+LOAD' <<<"$ph") -ge 3 ]] || problem "fewer than 3 PT_LOAD (R, RX, RW)"

$RE -nW "$f" | grep -q 'aslrboot' || problem "no aslrboot note"

# Relocation entries: every typed one must be R_AARCH64_RELATIVE.
others=$($RE -rW "$f" | awk '$3 ~ /^R_AARCH64_/ && $3 != "R_AARCH64_RELATIVE" { print $3 }' | sort -u)
[ -z "$others" ] || problem "relocation types other than R_AARCH64_RELATIVE: $others"
$RE -rW "$f" | grep -q 'R_AARCH64_RELATIVE\|\.relr\.dyn' || problem "no relative relocation at all"
exit $bad
