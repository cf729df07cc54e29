# tests/kernel-aa64/: the arm64 test kernel (also the example arm64 kernel),
# build/kernel-aa64.elf.  A static PIE for aarch64 linked with its own
# script (kernel.ld: R, RX, RW page-aligned segments), relative relocations
# only.  It shares the portable checks with the x86-64 kernel
# (tests/kernel/kcheck.c, seed.c) and checks its tables with the loader's
# own walker compiled for arm64.  -fno-tree-loop-distribute-patterns keeps
# loader/libc.c's word loops loops, not calls to themselves.
AA64_CC ?= aarch64-linux-gnu-gcc
AA64_READELF ?= aarch64-linux-gnu-readelf
TARGETS += $(B)/kernel-aa64.elf

AA64K_CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fpie -fvisibility=hidden \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-builtin -fno-tree-loop-distribute-patterns -I.
AA64K_LDFLAGS := -static-pie -nostdlib -Wl,-T,tests/kernel-aa64/kernel.ld \
	-Wl,-z,max-page-size=4096 -Wl,-z,text -Wl,-z,noexecstack -Wl,--no-dynamic-linker \
	-Wl,--build-id=none
AA64K_SRCS := tests/kernel-aa64/start.S tests/kernel-aa64/kmain.c tests/kernel/kmain_common.c tests/kernel/simd.c \
	tests/kernel/kcheck.c tests/kernel/seed.c loader/handoff/handoff_read.c \
	loader/paging/paging.c loader/paging/wx_verify.c loader/arch/arm64/pte.c loader/log.c \
	loader/libc.c rand/sha256.c rand/wipe.c
AA64K_OBJS := $(patsubst %,$(B)/kernel-aa64/%.o,$(AA64K_SRCS))

$(B)/kernel-aa64/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(AA64_CC) $(AA64K_CFLAGS) -c $< -o $@

$(B)/kernel-aa64/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(AA64_CC) $(AA64K_CFLAGS) -MMD -MP -c $< -o $@

# tests/kernel/simd.c is built with FP/SIMD allowed, as a kernel's own C
# code is: the entry state must let it run.  The object must hold SIMD
# instructions, or the test would prove nothing.
$(B)/kernel-aa64/tests/kernel/simd.c.o: tests/kernel/simd.c
	@mkdir -p $(dir $@)
	$(AA64_CC) $(filter-out -mgeneral-regs-only,$(AA64K_CFLAGS)) -MMD -MP -c $< -o $@
	@aarch64-linux-gnu-objdump -d $@ | grep -Eq '\sv[0-9]+\.4s' || \
		{ echo "$@: no SIMD instructions"; rm -f $@; exit 1; }

# The shape, checked at link time with readelf (the loader's own validator
# runs only in arm64 builds): an AArch64 ET_DYN with relative relocations
# only, page-aligned segments and no W+X one.
$(B)/kernel-aa64.elf: $(AA64K_OBJS) tests/kernel-aa64/kernel.ld tests/kernel-aa64/check-shape.sh
	$(AA64_CC) $(AA64K_CFLAGS) $(AA64K_LDFLAGS) $(AA64K_OBJS) -o $@.tmp
	READELF=$(AA64_READELF) tests/kernel-aa64/check-shape.sh $@.tmp
	mv $@.tmp $@
