# loader/: the portable core.  Every .c here builds for the host too, except
# libc.c (freestanding memcpy & co., firmware builds only):
#   loader/            the boot story (main.c) and its shared state (state.c),
#                      entropy, validate (the protocol choice), bench=K,
#                      config, memory map, log
#   loader/protos/     one file set per boot protocol: native, linux64 (proto.h)
#   loader/layout/     randomized placement
#   loader/paging/     the page-table builder, walker and W^X verifier
#   loader/handoff/    the boot-info block: writer and reader
#   loader/unified/    the unified image: PE32+ headers and the sections that
#                      carry the kernel, cmdline, config and modules
#   loader/arch/       arch.h: what the core needs from a CPU; <arch>/: one port
#                      (PTE encoding, CPU access, UART, entry)
#   loader/tools/      aslrboot-inspect, aslrboot-unify (host tools, not part
#                      of the core)
# The architecture port under loader/arch/ (see loader/arch/arch.h).
LDR_ARCH ?= x86_64
LOADER_TARGET_ONLY := loader/libc.c
CORE_SRCS += $(filter-out $(LOADER_TARGET_ONLY),$(wildcard loader/*.c)) \
	$(wildcard loader/protos/*.c loader/layout/*.c loader/paging/*.c loader/handoff/*.c \
	loader/unified/*.c) \
	$(wildcard loader/arch/$(LDR_ARCH)/*.c)
# LDR_ARCH=arm64 on another host (the arm64 host tests): arch.h picks the
# port by LDR_ARCH_ARM64.  linux64 is the Linux x86 boot protocol: x86-64
# only (LDR_ARCH_LINUX64 in loader/arch/arch.h).
ifeq ($(LDR_ARCH),arm64)
HOST_CFLAGS += -DLDR_ARCH_ARM64
CORE_SRCS := $(filter-out loader/protos/linux64.c loader/protos/linux64_boot.c \
	loader/protos/bootparams.c,$(CORE_SRCS))
endif

# The host tool built from this code.
include loader/tools/tools.mk
