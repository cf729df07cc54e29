# loader/: the portable core.  Every .c here builds for the host too, except
# libc.c (freestanding memcpy & co., firmware builds only).
LOADER_TARGET_ONLY := loader/libc.c
CORE_SRCS += $(filter-out $(LOADER_TARGET_ONLY),$(wildcard loader/*.c))

# The host tool built from this code.
include loader/tools/tools.mk
