# UEFI front end: host tests of its portable parts, the test kernel, the
# OVMF boot tests.
include tests/kernel/kernel.mk

EFI_HOST_CFLAGS := -DGNU_EFI_USE_MS_ABI -I/usr/include/efi -I/usr/include/efi/x86_64
test_efi_memmap_SRCS := efi/memmap.c efi/exit.c
$(HB)/efi/memmap.o $(HB)/efi/exit.o $(HB)/tests/test_efi_memmap.o: HOST_CFLAGS += $(EFI_HOST_CFLAGS)
