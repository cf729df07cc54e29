#!/usr/bin/env bash
# A real kernel nobody here wrote, through the linux64 path:
# Debian's cloud vmlinux (scripts/get-vmlinux.sh: apt at test time, cached
# under build/vmlinux, never committed) as the Multiboot module of
# build/aslrboot.mb under qemu -kernel (-m 1G, TCG), protocol=auto.
# Two boots, run side by side, and one from an ESP under OVMF; for each:
#   - the loader took linux64 for it and said why
#   - "Linux version" on the serial console, then the expected end of a boot
#     without a root file system: "Kernel panic - not syncing: VFS"
#     (QEMU is killed once that line is out; hard limit 90 s)
#   - the kernel runs at the 2 MiB-aligned physical base the loader chose
#     (verbose=1): with memblock=debug it reports reserving its .brk area at
#     base + (.brk's link address - the first PT_LOAD's), i.e. its own
#     phys_base computation agrees with where it was put
# and the two qemu -kernel bases differ.  The loader logs ~8.8 bits for the base at -m 1G
# (about 450 2 MiB slots): two correct boots share a base with probability
# ~1/450 = 0.22%, this test's false-failure rate.
cd "$(dirname "$0")/.." || exit 1
set -uo pipefail
B=${B:-build}
T=$B/linux64-tests
mkdir -p "$T"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() { echo "RESULT passed=$passed failed=$failed"; [ "$failed" -eq 0 ]; exit; }

[ -f "$B/aslrboot.mb" ] || { fail "$B/aslrboot.mb missing (make targets)"; finish; }
VM=$(scripts/get-vmlinux.sh "$B/vmlinux") || { fail "could not fetch a vmlinux from Debian (scripts/get-vmlinux.sh)"; finish; }
PANIC='Kernel panic - not syncing: VFS'
# .brk's offset in the image (section headers survive in Debian's vmlinux).
text=$(readelf -lW "$VM" | awk '$1 == "LOAD" { print $3; exit }')
brk=$(readelf -SW "$VM" | awk '{ for (i = 1; i < NF - 2; i++) if ($i == ".brk") print "0x" $(i + 2) }')
[ -n "$text" ] && [ -n "$brk" ] || { fail "no PT_LOAD / .brk in $VM"; finish; }
brk_off=$((brk - text))

# real NAME: boot until the panic line or 90 s, then kill QEMU.
real() {
	local log=$T/$1.log pid t
	: >"$log"
	scripts/qemu-mb.sh -t 90 -m 1024 -a "verbose=1" \
		"$VM console=ttyS0 memblock=debug panic=-1" >"$log" 2>&1 &
	pid=$!
	for ((t = 0; t < 900; t++)); do
		grep -aq "$PANIC" "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -- "$pid" 2>/dev/null
	pkill -P "$pid" 2>/dev/null # its timeout/qemu children
	wait "$pid" 2>/dev/null
	return 0
}
# The same kernel from an ESP under OVMF (-u stops QEMU at the panic line).
efi() {
	printf 'verbose=1\ncmdline=console=ttyS0 memblock=debug panic=-1\n' >"$T/$1.cfg"
	scripts/mkesp.sh "$T/$1.img" "$B/aslrboot.efi" "$VM" "$T/$1.cfg" >/dev/null &&
		scripts/qemu-efi.sh -t 120 -m 1024 -s "$T/$1.log" -u "$PANIC" "$T/$1.img" >/dev/null 2>&1
	rm -f "$T/$1.img"
}
real real0 &
real real1 &
wait
efi real-efi

bases=()
for n in real0 real1 real-efi; do
	log=$T/$n.log
	base=$(sed -n 's/^aslrboot: linux64: image phys=0x0*\([0-9a-f]*\) .*/\1/p' "$log")
	if ! grep -aq '^aslrboot: linux64: native load refused (E_ORDER); movable (Linux ELF note): random physical base; booting with the Linux 64-bit protocol' "$log"; then
		fail "$n: linux64 not taken"
	elif ! grep -aq '\] Linux version ' "$log" || ! grep -aq "$PANIC" "$log"; then
		fail "$n: no \"Linux version\" then \"$PANIC\""
	elif [ -z "$base" ] || [ $((0x$base % 0x200000)) -ne 0 ]; then
		fail "$n: base 0x$base not 2 MiB aligned"
	elif ! grep -aEq "memblock_reserve: \[0x0*$(printf '%x' $((0x$base + brk_off)))-0x[0-9a-f]+\] " "$log"; then
		fail "$n: the kernel does not reserve its .brk at 0x$base + $(printf '0x%x' $brk_off)"
	else
		ok "$n: Linux booted at physical 0x$base and reached \"$PANIC\""
		grep -a '\] Linux version ' "$log" | head -1 | cut -c1-100
		bases+=("$base")
		continue
	fi
	tail -n 20 "$log"
done
[ ${#bases[@]} -ge 2 ] && { if [ "${bases[0]}" != "${bases[1]}" ]; then ok "two distinct bases"; else fail "same base twice"; fi; }
finish
