# Secure Boot: OVMF's Secure Boot build with Debian's test keys enrolled,
# signed and unsigned images, unified or not (about 20 s under TCG).
SHELL_TESTS += scripts/test-secureboot.sh
