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
. "$(dirname "$0")/qemu-lib.sh"
esp_args qemu-aa64 90 1024 7,14 "$@"

AAVMF_CODE=${AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
AAVMF_VARS=${AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
esp_tmp aslrboot-qemu-aa64 "$AAVMF_VARS"

qemu=(qemu-system-aarch64 -M virt -accel tcg -cpu max -m "$mem"
	-drive "if=pflash,format=raw,readonly=on,file=$AAVMF_CODE"
	-drive "if=pflash,format=raw,file=$tmp/vars.fd"
	-drive "if=none,id=esp,format=raw,file=$esp,snapshot=$snapshot"
	-device virtio-blk-pci,drive=esp
	-nic none -display none -no-reboot "${qargs[@]}")

# The guest's semihosting output (SYS_WRITE0) shares the serial stream.
serial_args() {
	local dev=stdio
	[ "$1" = stdio ] || dev=file,path=$1
	serial=(-chardev "$dev,id=out,mux=on" -serial chardev:out
		-semihosting-config enable=on,target=native,chardev=out)
}
esp_run
