# linux64 (issue 6): host tests of the boot_params builder and the linux64
# planner; the linux64 test kernel; the QEMU boots (OVMF + qemu -kernel) and
# the real Debian vmlinux boot.
test_linux64_SRCS := tests/elfgen.c tests/elfgen_cases.c

TARGETS += $(B)/kernel/linux64-kernel.elf
L64K_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -ffreestanding -fpie -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin
$(B)/kernel/linux64-kernel.elf: tests/kernel-linux64/start.S tests/kernel-linux64/main.c \
		tests/kernel-linux64/l64lib.c tests/kernel-linux64/l64lib.h tests/kernel-linux64/kernel.ld
	@mkdir -p $(dir $@)
	gcc $(L64K_CFLAGS) -static -nostdlib -no-pie -Wl,-T,tests/kernel-linux64/kernel.ld \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
		tests/kernel-linux64/start.S tests/kernel-linux64/main.c tests/kernel-linux64/l64lib.c -o $@

# QEMU boots of the test kernel (~10 s) and of Debian's vmlinux (~10 s, plus
# a ~27 MB apt download on the first run, cached in build/vmlinux).
SHELL_TESTS += scripts/test-linux64.sh scripts/test-linux64-real.sh
