# multiboot/: the Multiboot 1 + 2 front end, linked into build/aslrboot.mb.
# Every CORE_SRCS file, loader/libc.c, multiboot/*.c, multiboot/*.asm and
# loader/arch/x86_64/*.asm (the shared trampoline) are compiled as 64-bit,
# non-PIC code linked at 1 MiB (multiboot/linker.ld), then converted to
# ELF32: QEMU's -kernel loads only ELF32 (or a.out-kludge) Multiboot images.
# The build is done twice: with $(CC) into build/multiboot/ (-> the
# shipped build/aslrboot.mb) and with clang into build/multiboot-clang/,
# so the guards (scripts/check-mb.sh) cover both compilers.
TARGETS += $(B)/aslrboot.mb $(B)/multiboot-clang/aslrboot.mb
SHELL_TESTS += scripts/check-mb.sh

MB_CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=small \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -I.
MB_LDFLAGS := -nostdlib -static -no-pie --no-dynamic-linker -z max-page-size=4096 \
	-z noexecstack --build-id=none -T multiboot/linker.ld
MB_C_SRCS := $(CORE_SRCS) loader/libc.c $(wildcard multiboot/*.c)
MB_ASM_SRCS := $(wildcard multiboot/*.asm) $(wildcard loader/arch/x86_64/*.asm)

# $(1) = build dir, $(2) = compiler
define mb_variant
$(1)/.cc-$(notdir $(2)):
	@mkdir -p $$(dir $$@)
	@rm -f $(1)/.cc-*
	@touch $$@

$(1)/%.o: %.c $(1)/.cc-$(notdir $(2))
	@mkdir -p $$(dir $$@)
	$(2) $$(MB_CFLAGS) -MMD -MP -c $$< -o $$@

$(1)/%.asm.o: %.asm
	@mkdir -p $$(dir $$@)
	nasm -f elf64 -Werror -MD $$@.d -MP $$< -o $$@

$(1)/aslrboot.elf64: $(patsubst %.c,$(1)/%.o,$(MB_C_SRCS)) \
		$(patsubst %.asm,$(1)/%.asm.o,$(MB_ASM_SRCS)) multiboot/linker.ld
	ld $$(MB_LDFLAGS) $$(filter %.o,$$^) -o $$@

$(1)/aslrboot.mb: $(1)/aslrboot.elf64
	objcopy -I elf64-x86-64 -O elf32-i386 --strip-debug $$< $$@
endef

MB_B := $(B)/multiboot
$(eval $(call mb_variant,$(MB_B),$(CC)))
$(eval $(call mb_variant,$(B)/multiboot-clang,clang))

$(B)/aslrboot.mb: $(MB_B)/aslrboot.mb
	cp $< $@

.PHONY: multiboot
multiboot: $(B)/aslrboot.mb $(B)/multiboot-clang/aslrboot.mb
