#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build-time check of the fine-grained test kernel, with readelf and
# objdump: the link kept what the kernel is meant to exercise.
#   - every generated function fg_fI is its own output section .text.fg_fI
#     (GNU ld's --unique kept them apart), at the function's address
#   - link-time relocation tables are there (--emit-relocs), .eh_frame's
#     too, with its search table .eh_frame_hdr
#   - tail calls: at least as many jmp to a generated function as the
#     generator wrote tail-call functions
#   - jump tables: at least one .rodata.fg_fI section with R_X86_64_PC32
#     relocations per switch function the generator wrote
#   - GOT references kept as R_X86_64_GOTPCREL (in data: the linker does
#     not relax them) to the slots of a .got section
#   - the pointer tables sit in .data (writable) and .data.rel.ro (RELRO),
#     fg_set is bounded by __start_fg_set / __stop_fg_set
#   - the aslrboot note asks for section granularity
# Exits 1 with one line per problem.
# Usage: tests/kernel-fg/check-build.sh KERNEL.elf fg_counts.txt
set -u
f=$1
bad=0
problem() { echo "check-build: $f: $*" >&2; bad=1; }
count() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
funcs=$(count funcs "$2") tail=$(count tail "$2") switch=$(count switch "$2")

secs=$(readelf -SW "$f") || exit 1
syms=$(readelf -sW "$f") || exit 1
# [Nr] Name Type Address ...: the .text.fg_fI sections and their addresses.
text=$(sed -n 's/^ *\[ *[0-9]*\] \.text\.\(fg_f[0-9]*\) *PROGBITS *\([0-9a-f]*\) .*/\1 \2/p' <<<"$secs")
n=$(grep -c . <<<"$text")
[ "$n" -eq "$funcs" ] || problem "$n sections .text.fg_f*, want $funcs (one per function)"
# Num Value Size Type Bind Vis Ndx Name: each function at its section's start.
fn=$(awk '$4 == "FUNC" && $8 ~ /^fg_f[0-9]+$/ { print $8, $2 }' <<<"$syms")
mism=$(join <(sort <<<"$text") <(sort <<<"$fn") | awk '{ a = $2; b = $3; sub(/^0+/, "", a); sub(/^0+/, "", b); if (a != b) n++ } END { print n + 0 }')
[ "$mism" -eq 0 ] || problem "$mism functions do not start their own section"
grep -q '\.rela\.text\.fg_f' <<<"$secs" || problem "no link-time relocations (link with --emit-relocs)"
grep -q ' \.eh_frame_hdr ' <<<"$secs" && grep -q ' \.rela\.eh_frame ' <<<"$secs" ||
	problem "no .eh_frame_hdr with link-time relocations of .eh_frame"

jmps=$(objdump -d --no-show-raw-insn "$f" | grep -cE 'jmp +[0-9a-f]+ <fg_f[0-9]+>')
[ "$jmps" -ge "$tail" ] || problem "$jmps tail-call jmps to generated functions, want >= $tail"

# Jump tables: .rodata.fg_fI sections holding R_X86_64_PC32 relocations.
jt=$(readelf -rW "$f" | awk '/^Relocation section / { cur = ($3 ~ /^.\.rela\.rodata\.fg_f/) ? $3 : ""; next }
	cur != "" && /R_X86_64_PC32/ { seen[cur] = 1 } END { print length(seen) }')
[ "$jt" -ge "$switch" ] || problem "$jt jump tables with PC32 relocations, want >= $switch"

# GOT references kept in data (fg_got.c), to slots of a .got section.
readelf -rW "$f" | grep -q ' R_X86_64_GOTPCREL ' || problem "no R_X86_64_GOTPCREL relocation"
grep -q ' \.got ' <<<"$secs" || problem "no .got section"

sec_of() { # symbol -> name of its section
	local ndx
	ndx=$(awk -v s="$1" '$8 == s { print $7; exit }' <<<"$syms")
	sed -n "s/^ *\[ *$ndx\] \([^ ]*\) .*/\1/p" <<<"$secs"
}
[ "$(sec_of fg_data_tab)" = .data ] || problem "fg_data_tab is not in .data"
[ "$(sec_of fg_relro_tab)" = .data.rel.ro ] || problem "fg_relro_tab is not in .data.rel.ro"
for s in __start_fg_set __stop_fg_set; do
	[ "$(sec_of $s)" = fg_set ] || problem "$s is not defined on fg_set"
done
# .data.rel.ro inside PT_GNU_RELRO: read-only once relocated.
read -r ra rs < <(readelf -lW "$f" | awk '$1 == "GNU_RELRO" { print $3, $6 }')
read -r da ds < <(sed -n 's/^ *\[ *[0-9]*\] \.data\.rel\.ro *PROGBITS *\([0-9a-f]*\) [0-9a-f]* \([0-9a-f]*\) .*/\1 \2/p' <<<"$secs")
if [ -z "${ra:-}" ] || [ -z "${da:-}" ] ||
	((16#$da < ra || 16#$da + 16#$ds > ra + rs)); then
	problem "no PT_GNU_RELRO covering .data.rel.ro"
fi

# The note's descriptor: version 1, flags 1 (ASLRBOOT_NOTE_F_SECTIONS).
readelf -x .note.aslrboot "$f" | grep -q ' 01000000 01000000 ' ||
	problem "the aslrboot note does not ask for section granularity"
exit $bad
