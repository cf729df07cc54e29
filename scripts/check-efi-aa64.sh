#!/usr/bin/env bash
# The guards of scripts/check-efi.sh on the arm64 UEFI binary
# (build/aslrboot-aa64.efi and its pre-objcopy .so).
B=${B:-build}
exec "$(dirname "$0")/check-efi.sh" "$B/aslrboot-aa64.efi" "$B/efi-aa64/aslrboot.so"
