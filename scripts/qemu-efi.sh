#!/usr/bin/env bash
# Boot an ESP image under OVMF: QEMU q35, TCG only (a KVM on a software back
# end cannot run OVMF, and results must not depend on the host), OVMF code read-only + a private copy of the vars,
# isa-debug-exit at 0xf4, -nodefaults (no NIC: no PXE detours; no CD-ROM,
# no VGA), no reboot.
# Usage: scripts/qemu-efi.sh [-t SECS] [-m MIB] [-s LOG] [-u REGEX] [-w] ESP.img [-- QEMU-ARGS...]
#   -t SECS   hard time limit (default 60)
#   -m MIB    guest memory (default 256)
#   -s LOG    serial output to LOG instead of stdout
#   -u REGEX  with -s: stop QEMU as soon as LOG matches REGEX, then exit 0
#   -w        let the guest write to ESP.img (default: writes are discarded)
# Serial output has the firmware's ANSI escapes and CRs removed.
# Exit status: QEMU's (33 = test kernel passed, 35 = failed), 124 on timeout.
set -uo pipefail
secs=60 mem=256 log= until= snapshot=on
while getopts "t:m:s:u:w" o; do
	case $o in
	t) secs=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) log=$OPTARG ;;
	u) until=$OPTARG ;;
	w) snapshot=off ;;
	*) sed -n '6,13p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '6,13p' "$0" >&2; exit 2; }
esp=$1
shift
[ "${1:-}" = -- ] && shift
[ -z "$until" ] || [ -n "$log" ] || { echo "qemu-efi: -u needs -s" >&2; exit 2; }

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-qemu.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$OVMF_VARS" "$tmp/vars.fd"

clean() { sed -u 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g'; }

qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m "$mem"
	-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
	-drive "if=pflash,format=raw,file=$tmp/vars.fd"
	-drive "format=raw,file=$esp,snapshot=$snapshot"
	-nodefaults -display none -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@")

if [ -z "$log" ]; then
	timeout -k 5 "$secs" "${qemu[@]}" -serial stdio </dev/null | clean
	exit "${PIPESTATUS[0]}"
fi

: >"$tmp/serial"
"${qemu[@]}" -serial "file:$tmp/serial" </dev/null &
pid=$!
end=$((SECONDS + secs))
rc=
while kill -0 "$pid" 2>/dev/null; do
	if [ -n "$until" ] && clean <"$tmp/serial" | grep -qE -- "$until"; then
		kill "$pid"
		wait "$pid" 2>/dev/null
		rc=0
		break
	fi
	if [ $SECONDS -ge $end ]; then
		kill "$pid"
		sleep 1
		kill -9 "$pid" 2>/dev/null
		wait "$pid"
		rc=124
		break
	fi
	sleep 0.2
done
[ -n "$rc" ] || { wait "$pid"; rc=$?; }
clean <"$tmp/serial" >"$log"
exit "$rc"
