#!/usr/bin/env bash
# Boot an ESP image under AAVMF (QEMU's arm64 UEFI firmware): -M virt,
# -cpu max (RNDR), TCG only, AAVMF code read-only + a private copy of the
# vars, the ESP as a virtio disk, no NIC (no PXE detours), semihosting on:
# a guest ends QEMU with its own exit status through SYS_EXIT_EXTENDED,
# the arm64 counterpart of isa-debug-exit.
# Usage: scripts/qemu-aa64.sh [-t SECS] [-m MIB] [-s LOG] [-u REGEX] [-w] ESP.img [-- QEMU-ARGS...]
#   -t SECS   hard time limit (default 90)
#   -m MIB    guest memory (default 1024)
#   -s LOG    serial output to LOG instead of stdout
#   -u REGEX  with -s: stop QEMU as soon as LOG matches REGEX, then exit 0
#   -w        let the guest write to ESP.img (default: writes are discarded)
# QEMU-ARGS come last, so e.g. `-- -cpu cortex-a57` replaces the CPU.
# Serial output has the firmware's ANSI escapes and CRs removed.
# Exit status: QEMU's (the guest's semihosting exit code), 124 on timeout.
set -uo pipefail
secs=90 mem=1024 log= until= snapshot=on
while getopts "t:m:s:u:w" o; do
	case $o in
	t) secs=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) log=$OPTARG ;;
	u) until=$OPTARG ;;
	w) snapshot=off ;;
	*) sed -n '7,14p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '7,14p' "$0" >&2; exit 2; }
esp=$1
shift
[ "${1:-}" = -- ] && shift
[ -z "$until" ] || [ -n "$log" ] || { echo "qemu-aa64: -u needs -s" >&2; exit 2; }

AAVMF_CODE=${AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
AAVMF_VARS=${AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-qemu-aa64.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$AAVMF_VARS" "$tmp/vars.fd"

clean() { sed -u 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g'; }

qemu=(qemu-system-aarch64 -M virt -accel tcg -cpu max -m "$mem"
	-drive "if=pflash,format=raw,readonly=on,file=$AAVMF_CODE"
	-drive "if=pflash,format=raw,file=$tmp/vars.fd"
	-drive "if=none,id=esp,format=raw,file=$esp,snapshot=$snapshot"
	-device virtio-blk-pci,drive=esp
	-nic none -display none -no-reboot "$@")

# The guest's semihosting output (SYS_WRITE0) shares the serial stream.
if [ -z "$log" ]; then
	timeout -k 5 "$secs" "${qemu[@]}" -chardev stdio,id=out,mux=on -serial chardev:out \
		-semihosting-config enable=on,target=native,chardev=out </dev/null | clean
	exit "${PIPESTATUS[0]}"
fi

: >"$tmp/serial"
"${qemu[@]}" -chardev "file,id=out,mux=on,path=$tmp/serial" -serial chardev:out \
	-semihosting-config enable=on,target=native,chardev=out </dev/null &
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
