# UEFI front end: host test of its portable parts (efi/memmap.c, efi/exit.c)
# and the test kernel.  The OVMF boot tests are registered in efi/efi.mk.
include tests/kernel/kernel.mk

EFI_HOST_CFLAGS := -DGNU_EFI_USE_MS_ABI -I/usr/include/efi -I/usr/include/efi/x86_64
test_efi_memmap_SRCS := efi/memmap.c efi/exit.c
$(HB)/efi/memmap.o $(HB)/efi/exit.o $(HB)/tests/test_efi_memmap.o: HOST_CFLAGS += $(EFI_HOST_CFLAGS)
