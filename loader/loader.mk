# loader/: the portable core.  Every .c here builds for the host too, except
# libc.c (freestanding memcpy & co., firmware builds only):
#   loader/            the boot story (main.c), entropy, config, memory map, log
#   loader/protos/     one file set per boot protocol: native, linux64
#   loader/layout/     randomized placement
#   loader/paging/     the page-table builder, walker and W^X verifier
#   loader/handoff/    the boot-info block: writer and reader
#   loader/arch/<arch>/ what differs per CPU: PTE encoding, CPU access, entry
#   loader/tools/      aslrboot-inspect (a host tool, not part of the core)
LOADER_TARGET_ONLY := loader/libc.c
CORE_SRCS += $(filter-out $(LOADER_TARGET_ONLY),$(wildcard loader/*.c)) \
	$(wildcard loader/protos/*.c loader/layout/*.c loader/paging/*.c loader/handoff/*.c) \
	$(wildcard loader/arch/x86_64/*.c)

# The host tool built from this code.
include loader/tools/tools.mk
