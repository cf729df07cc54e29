# Measured boot: OVMF with swtpm (scripts/test-tpm-boot.sh): the PCRs read
# back from the TPM against the files and the firmware's event log; the
# same boot without a TPM; the cost of measuring per MiB of kernel.
SHELL_TESTS += scripts/test-tpm-boot.sh
# tests/test_tcg_log.c and tests/fuzz_tcg_log.c: the event-log walker
# (loader/tcg_log.c), no extra sources.
