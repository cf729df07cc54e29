# Multiboot front end: host tests and fuzzers of the pure-C parts.
MB_PURE_SRCS := multiboot/mbi.c multiboot/acpi.c
test_mbi_SRCS := $(MB_PURE_SRCS)
test_mb_alloc_SRCS := multiboot/alloc.c
fuzz_mbi1_SRCS := $(MB_PURE_SRCS)
fuzz_mbi2_SRCS := $(MB_PURE_SRCS)
