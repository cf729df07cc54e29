# tests/kernel/: the test kernel (also the example kernel users copy).
# A static PIE: position-independent code, relative relocations only, one
# page per segment permission (-z separate-code), no text relocations.
TARGETS += $(B)/kernel/test-kernel.elf

KERNEL_CC ?= gcc
KERNEL_CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fpie -fvisibility=hidden \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-builtin -I.
KERNEL_LDFLAGS := -static-pie -nostdlib -Wl,-z,max-page-size=4096 -Wl,-z,separate-code \
	-Wl,-z,text -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--no-dynamic-linker \
	-Wl,--build-id=none
# The loader's own freestanding reader, walker and printf: the kernel checks
# its tables with the same code the loader verified them with.
KERNEL_SRCS := tests/kernel/start.S tests/kernel/kmain.c tests/kernel/console.c tests/kernel/kmain_common.c tests/kernel/check.c tests/kernel/kcheck.c \
	tests/kernel/seed.c tests/kernel/modules.c tests/kernel/simd.c loader/handoff/handoff_read.c loader/paging/paging.c loader/arch/x86_64/pte.c \
	loader/paging/wx_verify.c loader/log.c loader/libc.c rand/sha256.c rand/wipe.c
KERNEL_OBJS := $(patsubst %,$(B)/kernel/%.o,$(KERNEL_SRCS))

$(B)/kernel/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(B)/kernel/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

# simd.c is built with SSE allowed, the way a kernel's own C code is: the
# entry state must let it run (PROTOCOL.md section 4).  The object must hold
# vector instructions, or the test would prove nothing.
$(B)/kernel/tests/kernel/simd.c.o: tests/kernel/simd.c
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(filter-out -mgeneral-regs-only,$(KERNEL_CFLAGS)) -MMD -MP -c $< -o $@
	@objdump -d $@ | grep -q 'xmm' || { echo "$@: no SSE instructions"; rm -f $@; exit 1; }

$(B)/kernel/test-kernel.elf: $(KERNEL_OBJS)
	$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_LDFLAGS) $^ -o $@

# Negative boots (scripts/test-efi-negative.sh):
# a kernel whose image cannot fit in 128 MiB ...
TARGETS += $(B)/kernel/big-kernel.elf $(B)/kernel/exec-kernel.elf
$(B)/kernel/big-kernel.elf: $(KERNEL_OBJS) $(B)/kernel/tests/kernel/big.c.o
	$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_LDFLAGS) $^ -o $@

# ... and a classic non-PIE ET_EXEC without relocations (refused unless aslr=off).
$(B)/kernel/exec-kernel.elf: $(B)/kernel/tests/kernel/exec.S.o
	$(KERNEL_CC) -static -nostdlib -no-pie -Wl,-z,max-page-size=4096 -Wl,-z,separate-code \
		-Wl,-z,noexecstack -Wl,--build-id=none $^ -o $@
