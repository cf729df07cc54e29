#!/usr/bin/env bash
# Guards on the UEFI binary (OpenBSD efiboot / Linux libstub do
# the same): PE32+, 4 KiB section alignment, no section both writable and
# executable, NX_COMPAT set, and in the pre-objcopy .so no undefined symbol
# and no relocation gnu-efi's _relocate cannot apply (only RELATIVE).
# Reads the PE headers with od, independently of the tools that wrote them.
# Usage: scripts/check-efi.sh [EFI SO]  (default: the x86-64 build;
# scripts/check-efi-aa64.sh passes the arm64 one)
set -uo pipefail
B=${B:-build}
efi=${1:-$B/aslrboot.efi}
so=${2:-$B/efi/aslrboot.so}
passed=0 failed=0
check() { # name, then a command that succeeds when the check holds
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
	fi
}
u() { od -An -t "u$2" --endian=little -j "$1" -N "$2" "$efi" | tr -d ' \n'; }

if [ ! -f "$efi" ] || [ ! -f "$so" ]; then
	echo "FAIL $efi or $so missing (make $efi)"
	echo "RESULT passed=0 failed=1"
	exit 1
fi
lfanew=$(u 60 4)
opt=$((lfanew + 24))
check "PE signature" [ "$(od -An -t x1 -j "$lfanew" -N 4 "$efi" | tr -d ' \n')" = 50450000 ]
check "PE32+ (magic 0x20b)" [ "$(u "$opt" 2)" = 523 ]
# The PE machine names the relocation type the .so may hold.
case $(u $((lfanew + 4)) 2) in
34404) mach=x86-64 rel_re=R_X86_64_ ;;  # 0x8664
43620) mach=AArch64 rel_re=R_AARCH64_ ;; # 0xaa64
*) mach=unknown rel_re=R_ ;;
esac
check "PE machine x86-64 or AArch64 ($mach)" [ "$mach" != unknown ]
check "EFI application subsystem (10)" [ "$(u $((opt + 68)) 2)" = 10 ]
check "SectionAlignment is 4 KiB" [ "$(u $((opt + 32)) 4)" = 4096 ]
check "NX_COMPAT DLL characteristic" [ $(( $(u $((opt + 70)) 2) & 0x100 )) -ne 0 ]

nsec=$(u $((lfanew + 6)) 2)
sec=$((opt + $(u $((lfanew + 20)) 2)))
wx=
for ((i = 0; i < nsec; i++)); do
	c=$(u $((sec + 40 * i + 36)) 4)
	name=$(dd if="$efi" bs=1 skip=$((sec + 40 * i)) count=8 status=none | tr -d '\0')
	# IMAGE_SCN_MEM_EXECUTE 0x20000000, IMAGE_SCN_MEM_WRITE 0x80000000
	if (( (c & 0x20000000) && (c & 0x80000000) )); then wx="$wx $name"; fi
done
check "no section both writable and executable ($nsec sections)${wx:+:$wx}" [ -z "$wx" ]

und=$(nm -u "$so" | awk '{print $2}' | tr '\n' ' ')
check "no undefined symbols in $(basename "$so")${und:+: $und}" [ -z "$und" ]
rel=$(readelf -rW "$so" | awk -v r="$rel_re" 'index($3, r) == 1 && $3 != r "RELATIVE" {print $3}' |
	sort -u | tr '\n' ' ')
check "only ${rel_re}RELATIVE relocations${rel:+: $rel}" [ -z "$rel" ]

echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
