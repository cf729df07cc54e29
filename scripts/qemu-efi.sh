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
. "$(dirname "$0")/qemu-lib.sh"
esp_args qemu-efi 60 256 6,13 "$@"

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
esp_tmp aslrboot-qemu "$OVMF_VARS"

qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m "$mem"
	-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
	-drive "if=pflash,format=raw,file=$tmp/vars.fd"
	-drive "format=raw,file=$esp,snapshot=$snapshot"
	-nodefaults -display none -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 "${qargs[@]}")

serial_args() {
	if [ "$1" = stdio ]; then serial=(-serial stdio); else serial=(-serial "file:$1"); fi
}
esp_run
