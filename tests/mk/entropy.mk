# Entropy you can account for: QEMU boots under OVMF and Multiboot
# whose test kernel checks the seed record against the machine's offer.
SHELL_TESTS += scripts/test-entropy.sh
# Seed material wiped before the jump; the seed file's credit rules.
test_entropy_wipe_SRCS := tests/elfgen.c tests/elfgen_cases.c
