# linux64: host tests of the boot_params builder and the linux64
# planner; the linux64 test kernel; the QEMU boots (OVMF + qemu -kernel) and
# the real Debian vmlinux boot.
test_linux64_SRCS := tests/elfgen.c tests/elfgen_cases.c tests/l64_shapes.c

TARGETS += $(B)/kernel/linux64-kernel.elf $(B)/kernel/linux64-fixed.elf
L64K_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -ffreestanding -fpie -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin
L64K_SRCS := tests/kernel-linux64/start.S tests/kernel-linux64/main.c tests/kernel-linux64/l64lib.c
# linux64-kernel.elf: movable (an empty PT_DYNAMIC); linux64-fixed.elf: the
# same code with no sign of being movable, loaded at its link address.
$(B)/kernel/linux64-kernel.elf: tests/kernel-linux64/kernel.ld
$(B)/kernel/linux64-fixed.elf: tests/kernel-linux64/kernel-fixed.ld
$(B)/kernel/linux64-fixed.elf: L64K_DEFS := -DLINK_BASE=0x200000ull
$(B)/kernel/linux64-kernel.elf $(B)/kernel/linux64-fixed.elf: $(L64K_SRCS) \
		tests/kernel-linux64/l64lib.h tests/kernel-linux64/sections.ld include/ldr_x86_64.h
	@mkdir -p $(dir $@)
	gcc $(L64K_CFLAGS) $(L64K_DEFS) -static -nostdlib -no-pie -Wl,-L,tests/kernel-linux64 \
		-Wl,-T,$(filter-out %/sections.ld,$(filter %.ld,$^)) -Wl,--build-id=none -Wl,-z,noexecstack \
		-Wl,--no-warn-rwx-segments $(L64K_SRCS) -o $@

# QEMU boots of the test kernel (~10 s) and of Debian's vmlinux (~10 s, plus
# a ~27 MB apt download on the first run, cached in build/vmlinux).
SHELL_TESTS += scripts/test-linux64.sh scripts/test-linux64-real.sh
