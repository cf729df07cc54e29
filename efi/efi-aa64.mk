# The arm64 UEFI front end: build/aslrboot-aa64.efi (BOOTAA64.EFI), booted
# by AAVMF.  The core (CORE_SRCS with loader/arch/arm64/ in place of
# loader/arch/x86_64/), loader/libc.c, the generic efi/*.c, efi/cpu_arm64.c
# and loader/arch/arm64/*.S are cross-compiled with aarch64-linux-gnu-gcc
# into build/efi-aa64/ and linked with gnu-efi for arm64, which
# scripts/deps.sh unpacks into $(AA64_GNU_EFI) (Debian's gnu-efi:arm64, not
# installed, never committed).  gnu-efi's aarch64 crt0 carries its own PE
# header (two sections: .text RX, .data RW), so the image is the linked ELF
# dumped as binary (objcopy -O binary), as gnu-efi builds its own arm64
# applications; NX_COMPAT is set as on x86-64.
TARGETS += $(B)/aslrboot-aa64.efi
SHELL_TESTS += scripts/check-efi-aa64.sh

AA64_CC := aarch64-linux-gnu-gcc
AA64_LD := aarch64-linux-gnu-ld
AA64_OBJCOPY := aarch64-linux-gnu-objcopy
AA64_GNU_EFI := $(B)/gnu-efi-aa64
AA64_EFI_INC := $(AA64_GNU_EFI)/usr/include/efi
AA64_EFI_LIB := $(AA64_GNU_EFI)/usr/lib
AA64_B := $(B)/efi-aa64
# EFIAPI is the standard AAPCS64 on arm64 (no GNU_EFI_USE_MS_ABI).
# -mgeneral-regs-only: no FP/SIMD state is touched before the kernel owns
# it.  -fno-tree-loop-distribute-patterns: loader/libc.c's loops stay loops.
AA64_CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fpic -fshort-wchar \
	-mgeneral-regs-only -fno-stack-protector -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fvisibility=hidden \
	-fno-tree-loop-distribute-patterns -I$(AA64_EFI_INC) -I$(AA64_EFI_INC)/aarch64 -I.
# The .so is only objcopy's input: its one RWX ELF segment (gnu-efi's
# linker script) is not the image's layout, whose PE sections are RX and RW
# (scripts/check-efi-aa64.sh).
AA64_LDFLAGS := -nostdlib -znocombreloc -T $(AA64_EFI_LIB)/elf_aarch64_efi.lds -shared \
	-Bsymbolic --defsym=EFI_SUBSYSTEM=0xa --no-warn-rwx-segments -L$(AA64_EFI_LIB) \
	$(AA64_EFI_LIB)/crt0-efi-aarch64.o

# linux64 is the Linux x86 boot protocol: not in the arm64 core.
AA64_CORE_SRCS := $(filter-out loader/arch/% loader/protos/linux64.c loader/protos/linux64_boot.c \
	loader/protos/bootparams.c,$(CORE_SRCS)) $(wildcard loader/arch/arm64/*.c)
AA64_C_SRCS := $(AA64_CORE_SRCS) loader/libc.c $(EFI_GENERIC_SRCS) efi/cpu_arm64.c
AA64_OBJS := $(patsubst %.c,$(AA64_B)/%.o,$(AA64_C_SRCS)) \
	$(patsubst %.S,$(AA64_B)/%.S.o,$(wildcard loader/arch/arm64/*.S))

# gnu-efi for arm64, unpacked on demand (scripts/deps.sh; root adds the
# arm64 package lists once).
AA64_GNU_EFI_STAMP := $(AA64_EFI_LIB)/crt0-efi-aarch64.o
$(AA64_GNU_EFI_STAMP):
	GNU_EFI_AA64=$(AA64_GNU_EFI) scripts/deps.sh

$(AA64_B)/%.o: %.c | $(AA64_GNU_EFI_STAMP)
	@mkdir -p $(dir $@)
	$(AA64_CC) $(AA64_CFLAGS) -MMD -MP -c $< -o $@

$(AA64_B)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(AA64_CC) -c $< -o $@

$(AA64_B)/aslrboot.so: $(AA64_OBJS) $(AA64_GNU_EFI_STAMP)
	$(AA64_LD) $(AA64_LDFLAGS) $(AA64_OBJS) -lefi -lgnuefi -o $@

$(B)/aslrboot-aa64.efi: $(AA64_B)/aslrboot.so scripts/pe-nxcompat.sh
	$(AA64_OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .rel.* -j .rela.* -j .reloc -O binary $< $@.tmp
	scripts/pe-nxcompat.sh $@.tmp
	mv $@.tmp $@

.PHONY: efi-aa64
efi-aa64: $(B)/aslrboot-aa64.efi

# AAVMF boots of the arm64 test kernel (about 1 minute under TCG), and of
# arm64 unified images with Secure Boot off and on (about 15 s).
include tests/kernel-aa64/kernel.mk
SHELL_TESTS += scripts/test-aa64-boot.sh scripts/test-aa64-unified.sh

# make run ARCH=arm64: the arm64 test kernel at a random layout, loader and
# kernel verbose, serial and semihosting output on the terminal; QEMU exits
# by itself (semihosting exit status: 0 = the kernel passed).
.PHONY: run-aa64
run-aa64:
	@GNU_EFI_AA64=$(AA64_GNU_EFI) scripts/deps.sh
	$(MAKE) $(B)/aslrboot-aa64.efi $(B)/kernel-aa64.elf
	@mkdir -p $(RUN_DIR)-aa64
	@printf 'verbose=1\ncmdline=verbose\n' >$(RUN_DIR)-aa64/aslrboot.cfg
	@scripts/mkesp.sh $(RUN_DIR)-aa64/esp.img $(B)/aslrboot-aa64.efi $(B)/kernel-aa64.elf \
		$(RUN_DIR)-aa64/aslrboot.cfg
	@echo "make run ARCH=arm64: booting AAVMF under TCG (about 8 s)..."
	@scripts/qemu-aa64.sh -t 90 $(RUN_DIR)-aa64/esp.img; rc=$$?; \
	if [ $$rc = 0 ]; then echo "make run ARCH=arm64: the test kernel passed (QEMU exit code 0)"; \
	else echo "make run ARCH=arm64: QEMU exit code $$rc (0 = pass, 1 = kernel check failed, 124 = timeout)"; exit 1; fi
