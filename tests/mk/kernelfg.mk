# The fine-grained test kernel (tests/kernel-fg/): FG_N functions written
# by the host-side generator fggen, each in its own section, linked with
# -ffunction-sections -fdata-sections, --emit-relocs and GNU ld's --unique
# so every function (and every .rodata piece: jump tables, constants) stays
# its own output section, which the loader then places on its own.
#   make $(B)/kernel-fg/n<N>/fg-kernel.elf    a kernel of N functions
# $(B)/kernel/fg-kernel.elf is the one of FG_N (400) functions the boot
# tests use (scripts/test-fg-boot.sh).
FG_N ?= 400
FG_SEED ?= 1
FG_DIR := $(B)/kernel-fg
FG_GEN := $(FG_DIR)/fggen
# With unwind tables: the loader must rebuild .eh_frame_hdr's sorted table.
FG_CFLAGS = $(filter-out -fno-asynchronous-unwind-tables,$(KERNEL_CFLAGS)) \
	-fasynchronous-unwind-tables -ffunction-sections -fdata-sections
FG_LDFLAGS = $(KERNEL_LDFLAGS) -Wl,--emit-relocs -Wl,--unique=.text.* -Wl,--unique=.rodata.*
# The test kernel's entry, checks and readers, with fgmain.c as main line.
FG_SRCS = $(filter-out tests/kernel/kmain.c,$(KERNEL_SRCS)) tests/kernel-fg/fgmain.c \
	tests/kernel-fg/fgeh.c
FG_OBJS = $(patsubst %,$(FG_DIR)/obj/%.o,$(FG_SRCS))
TARGETS += $(B)/kernel/fg-kernel.elf
SHELL_TESTS += scripts/test-fg-boot.sh

$(FG_GEN): tests/kernel-fg/fggen.c tests/kernel-fg/fg.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -I. $< -o $@

$(FG_DIR)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(FG_CFLAGS) -c $< -o $@

$(FG_DIR)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(FG_CFLAGS) -MMD -MP -c $< -o $@

# As in tests/kernel/kernel.mk: SSE allowed, and it must be used.
$(FG_DIR)/obj/tests/kernel/simd.c.o: tests/kernel/simd.c
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(filter-out -mgeneral-regs-only,$(FG_CFLAGS)) -MMD -MP -c $< -o $@
	@objdump -d $@ | grep -q 'xmm' || { echo "$@: no SSE instructions"; rm -f $@; exit 1; }

.SECONDARY: $(FG_OBJS)
FG_GENERATED := fg_funcs fg_tabs fg_got
.PRECIOUS: $(FG_GENERATED:%=$(FG_DIR)/n\%/%.c) $(FG_GENERATED:%=$(FG_DIR)/n\%/%.o) \
	$(FG_DIR)/n%/fg_counts.txt
$(FG_GENERATED:%=$(FG_DIR)/n\%/%.c) $(FG_DIR)/n%/fg_counts.txt: $(FG_GEN)
	@mkdir -p $(dir $@)
	$(FG_GEN) gen $* $(FG_SEED) $(dir $@)

$(FG_DIR)/n%/fg_funcs.o: $(FG_DIR)/n%/fg_funcs.c tests/kernel-fg/fg.h
	$(KERNEL_CC) $(FG_CFLAGS) -c $< -o $@

$(FG_DIR)/n%/fg_tabs.o: $(FG_DIR)/n%/fg_tabs.c tests/kernel-fg/fg.h
	$(KERNEL_CC) $(FG_CFLAGS) -c $< -o $@

$(FG_DIR)/n%/fg_got.o: $(FG_DIR)/n%/fg_got.c tests/kernel-fg/fg.h
	$(KERNEL_CC) $(FG_CFLAGS) -c $< -o $@

# Link, write the link addresses into fg_links, then check the result
# (tests/kernel-fg/check-build.sh) before it takes the final name.
$(FG_DIR)/n%/fg-kernel.elf: $(FG_OBJS) $(FG_GENERATED:%=$(FG_DIR)/n\%/%.o) \
		$(FG_DIR)/n%/fg_counts.txt $(FG_GEN) tests/kernel-fg/check-build.sh
	$(KERNEL_CC) $(FG_CFLAGS) $(FG_LDFLAGS) $(filter %.o,$^) -o $@.tmp
	$(FG_GEN) links $@.tmp
	tests/kernel-fg/check-build.sh $@.tmp $(FG_DIR)/n$*/fg_counts.txt
	mv $@.tmp $@

$(B)/kernel/fg-kernel.elf: $(FG_DIR)/n$(FG_N)/fg-kernel.elf
	@mkdir -p $(dir $@)
	cp $< $@
