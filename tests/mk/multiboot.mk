# Multiboot front end: host tests and fuzzers of the pure-C parts (walkers,
# RSDP scan, allocator), and the QEMU boots (scripts/test-mb-*.sh).
MB_PURE_SRCS := multiboot/mbi.c multiboot/mb1.c multiboot/mb2.c multiboot/acpi.c
test_mbi1_SRCS := $(MB_PURE_SRCS)
test_mbi2_SRCS := $(MB_PURE_SRCS)
test_mb_alloc_SRCS := multiboot/alloc.c
fuzz_mbi1_SRCS := $(MB_PURE_SRCS)
fuzz_mbi2_SRCS := $(MB_PURE_SRCS)

# The negative boot with -m 64 needs the kernel that cannot fit.
TARGETS += $(B)/kernel/big-kernel.elf
SHELL_TESTS += scripts/test-mb-qemu.sh scripts/test-mb-grub.sh
