# efi/: the UEFI front end, linked with gnu-efi into build/aslrboot.efi.
# Every CORE_SRCS file, loader/libc.c, the generic efi/*.c, efi/cpu_x86_64.c
# and loader/arch/x86_64/*.asm are compiled for the firmware into build/efi/
# (gcc or clang: CC=...).  efi/efi-aa64.mk builds the arm64 one.
TARGETS += $(B)/aslrboot.efi
SHELL_TESTS += scripts/check-efi.sh

EFI_B := $(B)/efi
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
# GNU_EFI_USE_MS_ABI: EFIAPI = __attribute__((ms_abi)), so firmware calls
# are plain calls (no uefi_call_wrapper).  -mgeneral-regs-only: no SSE
# state is touched before the kernel owns the FPU.
EFI_CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fvisibility=hidden \
	-DGNU_EFI_USE_MS_ABI -I$(EFI_INC) -I$(EFI_INC)/x86_64 -I.
ifneq ($(findstring clang,$(notdir $(CC))),clang)
EFI_CFLAGS += -maccumulate-outgoing-args
endif
EFI_LDFLAGS := -nostdlib -znocombreloc -T $(EFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic \
	-L$(EFI_LIB) $(EFI_LIB)/crt0-efi-x86_64.o

# efi/cpu_<arch>.c: the one architecture-specific file of the front end.
EFI_GENERIC_SRCS := $(filter-out efi/cpu_%.c,$(wildcard efi/*.c))
EFI_C_SRCS := $(CORE_SRCS) loader/libc.c $(EFI_GENERIC_SRCS) efi/cpu_x86_64.c
EFI_ASM_SRCS := $(wildcard loader/arch/x86_64/*.asm)
EFI_OBJS := $(patsubst %.c,$(EFI_B)/%.o,$(EFI_C_SRCS)) $(patsubst %.asm,$(EFI_B)/%.asm.o,$(EFI_ASM_SRCS))

# Objects remember the compiler: switching CC rebuilds them.
EFI_CC_STAMP := $(EFI_B)/.cc-$(notdir $(CC))
$(EFI_CC_STAMP):
	@mkdir -p $(dir $@)
	@rm -f $(EFI_B)/.cc-*
	@touch $@

$(EFI_B)/%.o: %.c $(EFI_CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(EFI_B)/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	nasm -f elf64 -Werror $< -o $@

# The .so keeps its symbol table: check-efi.sh looks for undefined symbols.
$(EFI_B)/aslrboot.so: $(EFI_OBJS)
	ld $(EFI_LDFLAGS) $(EFI_OBJS) -lefi -lgnuefi -o $@

$(B)/aslrboot.efi: $(EFI_B)/aslrboot.so scripts/pe-nxcompat.sh
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@.tmp
	scripts/pe-nxcompat.sh $@.tmp
	mv $@.tmp $@

.PHONY: efi
efi: $(B)/aslrboot.efi

# OVMF boots (scripts/test-efi-*.sh); about 2 minutes under TCG in total.
SHELL_TESTS += scripts/test-efi-boot.sh scripts/test-efi-aslr.sh scripts/test-efi-negative.sh

# make run: the test kernel at a random layout, verbose, serial on the
# terminal; QEMU exits by itself (isa-debug-exit: 33 = the kernel passed).
# make run ARCH=arm64: the same under AAVMF (run-aa64, efi/efi-aa64.mk).
RUN_DIR := $(B)/run
.PHONY: run-x86_64
run: run-$(if $(filter arm64,$(ARCH)),aa64,x86_64)
run-x86_64:
	@scripts/deps.sh
	$(MAKE) targets
	@mkdir -p $(RUN_DIR)
	@printf 'verbose=1\ncmdline=verbose\n' >$(RUN_DIR)/aslrboot.cfg
	@scripts/mkesp.sh $(RUN_DIR)/esp.img $(B)/aslrboot.efi $(B)/kernel/test-kernel.elf \
		$(RUN_DIR)/aslrboot.cfg
	@echo "make run: booting OVMF under TCG (about 5 s)..."
	@scripts/qemu-efi.sh -t 60 $(RUN_DIR)/esp.img -- -device virtio-rng-pci; rc=$$?; \
	if [ $$rc = 33 ]; then echo "make run: the test kernel passed (QEMU exit code 33)"; \
	else echo "make run: QEMU exit code $$rc (33 = pass, 35 = kernel check failed, 124 = timeout)"; exit 1; fi
