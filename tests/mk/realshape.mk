# Test kernels with the program-header shapes of real self-relocating
# kernels (tests/kernel-realshape/): an upstream Unikraft Firecracker PIE
# build (uk-shape), memtest86+ v8's ELF build (memtest-shape) and a Nanos
# kernel that must run at its link address (fixed-shape).  They share the
# boot_params checks of the linux64 test kernel (tests/kernel-linux64/
# l64lib.c).  Booted by scripts/test-real-shapes.sh (~60 s: qemu -kernel,
# GRUB BIOS and OVMF).
RS_SRC := tests/kernel-realshape
RS_LIB := tests/kernel-linux64/l64lib.c tests/kernel-linux64/l64lib.h include/ldr_x86_64.h
RS_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -ffreestanding -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin
RS_LDFLAGS := -nostdlib -Wl,--build-id=none -Wl,-z,noexecstack
TARGETS += $(B)/kernel/uk-shape.elf $(B)/kernel/memtest-shape.elf $(B)/kernel/fixed-shape.elf

# ET_EXEC at 0x100000, RIP-relative code; -n: file offsets not page-aligned.
$(B)/kernel/uk-shape.elf: $(RS_SRC)/uk_start.S $(RS_SRC)/uk_main.c $(RS_SRC)/uk.ld $(RS_LIB)
	@mkdir -p $(dir $@)
	gcc $(RS_CFLAGS) -fpie -static -no-pie $(RS_LDFLAGS) -Wl,-n -Wl,-T,$(RS_SRC)/uk.ld \
		$(filter %.S %.c,$^) -o $@

# ET_DYN at 0 with RELATIVE relocations: -shared, as memtest86+ links.
$(B)/kernel/memtest-shape.elf: $(RS_SRC)/mt_start.S $(RS_SRC)/mt_main.c $(RS_SRC)/mt.ld $(RS_LIB)
	@mkdir -p $(dir $@)
	gcc $(RS_CFLAGS) -fpic -shared -Wl,-Bsymbolic -Wl,--hash-style=sysv $(RS_LDFLAGS) \
		-Wl,--no-warn-rwx-segments -Wl,-T,$(RS_SRC)/mt.ld $(filter %.S %.c,$^) -o $@

# ET_EXEC at 0x200000, absolute code, page-congruent segments.
$(B)/kernel/fixed-shape.elf: $(RS_SRC)/fx_start.S $(RS_SRC)/fx_main.c $(RS_SRC)/fx.ld $(RS_LIB)
	@mkdir -p $(dir $@)
	gcc $(RS_CFLAGS) -fno-pie -static -no-pie $(RS_LDFLAGS) -Wl,-z,max-page-size=4096 \
		-Wl,-T,$(RS_SRC)/fx.ld $(filter %.S %.c,$^) -o $@

SHELL_TESTS += scripts/test-real-shapes.sh
