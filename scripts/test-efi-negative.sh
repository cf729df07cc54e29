#!/usr/bin/env bash
# Negative OVMF boots: each must print exactly one error line,
# the expected one, and hand control back to the firmware within 30 s:
# OVMF's boot manager then reports the image's EFI_LOAD_ERROR
# ("BdsDxe: failed to start ...: Load Error") and moves on, which is the
# proof of a clean return.  The kernel must never run.  Two boots at a time.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
need "$EFI" "$KERNEL" "$B/kernel/exec-kernel.elf" "$B/kernel/big-kernel.elf"
MARK='^BdsDxe: failed to start .*: Load Error$'
K='\EFI\aslrboot\kernel.elf'

# Corruptions of the real test kernel, one per check (size, magic, machine, W^X):
# truncated, "\x7fEXF", e_machine = EM_SPARC, a W+X text segment.
cp "$KERNEL" "$T/trunc.elf" && truncate -s 40 "$T/trunc.elf"
cp "$KERNEL" "$T/magic.elf" && printf 'X' | dd of="$T/magic.elf" bs=1 seek=2 conv=notrunc status=none
cp "$KERNEL" "$T/mach.elf" && printf '\x03' | dd of="$T/mach.elf" bs=1 seek=18 conv=notrunc status=none
# Program header 1 is the R+X text segment (-z separate-code): make it RWX.
cp "$KERNEL" "$T/wx.elf" && printf '\x07' | dd of="$T/wx.elf" bs=1 seek=$((64 + 56 + 4)) conv=notrunc status=none
# big-kernel.elf: its last segment's page span (256 MiB of .bss) > -m 128.
read -r v m < <(readelf -lW "$B/kernel/big-kernel.elf" | awk '$1 == "LOAD" { v = $3; m = $6 } END { print v, m }')
big_span=$(printf '0x%x' $(( ((v + m + 4095) & ~4095) - (v & ~4095) )))

names=() expect=() args=() regex=()
add() { names+=("$1"); expect+=("$2"); args+=("${3:-}"); regex+=("${4:-}"); }
esp missing "$EFI" "$KERNEL" 'kernel=\EFI\aslrboot\missing.elf'
add missing 'aslrboot: error: \EFI\aslrboot\missing.elf: cannot read: not found [E_NO_KERNEL]'
esp trunc "$EFI" "$T/trunc.elf" ""
add trunc "aslrboot: error: $K: file: size = 0x28: file shorter than an ELF64 header [E_TRUNCATED]"
esp magic "$EFI" "$T/magic.elf" ""
add magic "aslrboot: error: $K: ELF header: e_ident[EI_MAG] = 0x4658457f: bad ELF magic [E_NOT_ELF]"
esp mach "$EFI" "$T/mach.elf" ""
add mach "aslrboot: error: $K: ELF header: e_machine = 0x3: wrong e_machine for this loader [E_MACHINE]"
esp wx "$EFI" "$T/wx.elf" ""
add wx "aslrboot: error: $K: program header 1: p_flags = 0x7: segment is both writable and executable [E_WX]"
esp exec "$EFI" "$B/kernel/exec-kernel.elf" ""
add exec "aslrboot: error: $K: ELF header: e_type = 0x2: e_type is not ET_DYN (or relocatable ET_EXEC) [E_TYPE]"
esp big "$EFI" "$B/kernel/big-kernel.elf" ""
# The bytes it lacks depend on the firmware's memory map: an extended regex.
add big "aslrboot: error: ${K//\\/\\\\}: data 3: physical size = $big_span: no room: 0x[0-9a-f]+ bytes short \\[E_NO_SPACE\\]" "-m 128" re
esp cfg "$EFI" "$KERNEL" "$(printf 'verbose=0\naslr=maybe')"
add cfg 'aslrboot: error: \EFI\aslrboot\aslrboot.cfg: line 2: aslr: expected 0/1 or on/off [E_CONFIG]'
# kernel= naming a directory says so (not "not found").
esp dir "$EFI" "$KERNEL" 'kernel=\EFI\aslrboot'
add dir 'aslrboot: error: \EFI\aslrboot: cannot read: is a directory [E_NO_KERNEL]'
# A CPU without NX: refused before ExitBootServices, back in the firmware.
esp nonx "$EFI" "$KERNEL" ""
add nonx 'aslrboot: error: CPU: no NX (execute-disable): required for W^X page tables [E_CPU]' \
	"-- -cpu qemu64,-nx"

for ((i = 0; i < ${#names[@]}; i += 2)); do
	for j in $i $((i + 1)); do
		[ $j -lt ${#names[@]} ] || continue
		# shellcheck disable=SC2086 # args holds options on purpose
		boot "neg-${names[j]}" "$T/${names[j]}.img" -t 30 -u "$MARK" ${args[j]} &
	done
	wait
done

for ((i = 0; i < ${#names[@]}; i++)); do
	n=neg-${names[i]}
	log=$T/$n.log
	errs=$(grep -a '^aslrboot: error:' "$log")
	if [ -n "${regex[i]}" ]; then
		err_at=$(grep -anxE -- "${expect[i]}" "$log" | head -1 | cut -d: -f1)
		same=$(printf '%s\n' "$errs" | grep -cxE -- "${expect[i]}")
		[ "$same" = 1 ] && [ "$(printf '%s\n' "$errs" | wc -l)" = 1 ] && same=1 || same=
	else
		err_at=$(grep -anxF -- "${expect[i]}" "$log" | head -1 | cut -d: -f1)
		same=; [ "$errs" = "${expect[i]}" ] && same=1
	fi
	mark_at=$(grep -anE -- "$MARK" "$log" | head -1 | cut -d: -f1)
	if [ "$(rc_of "$n")" = 0 ] && [ -n "$same" ] && [ -n "$mark_at" ] &&
		[ "$mark_at" -gt "${err_at:-999999}" ] && ! grep -q aslrboot-test-kernel "$log"; then
		ok "${names[i]}: ${expect[i]}; back in the firmware"
	else
		fail "${names[i]}: want '${expect[i]}' then a return to firmware within 30 s; got exit $(rc_of "$n"), '${errs:-no error line}'"
		show_log "$n"
	fi
done
done_results
