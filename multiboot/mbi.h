/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked walkers for the Multiboot 1 information structure and the
 * Multiboot 2 tag list: tags, memory map, modules, strings.  Nothing here is
 * trusted: every size is checked against its container before it is used,
 * and every byte is reached through an accessor that says whether a
 * physical range exists.  Pure C, no asm: the host tests and the fuzzers
 * (tests/test_mbi1.c, tests/test_mbi2.c, tests/fuzz_mbi1.c, tests/fuzz_mbi2.c)
 * run this file.
 */
#ifndef MB_MBI_H
#define MB_MBI_H

#include <stdbool.h>
#include <stdint.h>

#include "../loader/boot_env.h"
#include "../include/ldr_errors.h"

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

#define MB2_MAX_TOTAL (256u << 10)	       /* cap on the tag list: GRUB's is a few KiB */
#define MB_MAX_MODS (BOOT_MAX_MODULES + 1)     /* the kernel + BOOT_MAX_MODULES */
#define MB_MAX_MODULE_SIZE (UINT64_C(1) << 30) /* larger modules are refused */
#define MB_MAX_STRING BOOT_MAX_CMDLINE	       /* bytes without the NUL; longer is refused */
#define MB_MAX_SPANS 4

/* A pointer through which [pa, pa+len) can be read now, or NULL if that
 * range is not memory we may touch.  Identity below 4 GiB on the target;
 * an arena in tests. */
typedef const void *(*mb_access_fn)(void *ctx, uint64_t pa, uint64_t len);

struct mb_module {
	uint64_t start, size; /* [start, start+size), inside accessible memory */
	const char *string;   /* NUL-terminated within MB_MAX_STRING; never NULL */
};

struct mb_info {
	uint32_t proto;		 /* 1 or 2 */
	const char *cmdline;	 /* aslrboot's own; NUL-terminated; NULL if absent */
	const char *loader_name; /* boot loader's name; NULL if absent */
	struct mm_entry mmap[BOOT_MAX_MMAP];
	uint32_t mmap_count;
	uint32_t mmap_empty;	/* zero-length entries, dropped */
	uint32_t mmap_dropped;	/* wrapping USABLE entries, dropped */
	bool mmap_from_meminfo; /* only mem_lower/mem_upper were given */
	struct mb_module mods[MB_MAX_MODS];
	uint32_t mod_count;
	uint64_t rsdp;	   /* physical address of a checksum-valid RSDP (copy) */
	uint32_t rsdp_rev; /* 0 = ACPI 1.0 (20 bytes), 2 = 36-byte XSDP */
	/* The information structure itself: the MB2 block, or the MB1 struct,
	 * its memory-map buffer and its module array. */
	struct boot_range spans[MB_MAX_SPANS];
	uint32_t span_count;
};

/* Parse the info at `mbi_pa` handed over with EAX = `magic` (either
 * protocol).  On error *out is partial and must not be used; *d says where. */
enum ldr_err mb_parse(uint32_t magic, uint64_t mbi_pa, mb_access_fn acc, void *ctx,
		      struct mb_info *out, struct ldr_diag *d);
enum ldr_err mb1_parse(uint64_t mbi_pa, mb_access_fn acc, void *ctx, struct mb_info *out,
		       struct ldr_diag *d);
enum ldr_err mb2_parse(uint64_t mbi_pa, mb_access_fn acc, void *ctx, struct mb_info *out,
		       struct ldr_diag *d);

/* A NUL-terminated string at `pa` of at most `max` bytes before the NUL,
 * read through `acc` page by page.  E_CMDLINE if unterminated within max+1
 * bytes, E_MBI if it runs into inaccessible memory. */
enum ldr_err mb_string(uint64_t pa, uint32_t max, mb_access_fn acc, void *ctx, const char **out,
		       uint32_t *len);

/*
 * The image's path as the first word of command lines and module strings:
 * GRUB 2 (loader name "GRUB 2...") passes none, QEMU's -kernel ("qemu"),
 * GRUB legacy and other loaders put it first (Xen's cmdline_cook tells
 * them apart the same way).
 */
bool mb_path_first(const struct mb_info *in);
/* aslrboot's own options: the command line without that path.  A first
 * word with a '=' in it is an option, never taken for a path. */
const char *mb_options(const struct mb_info *in);

/* Checksum-verified RSDP at p (avail bytes readable): revision, or -1. */
int mb_rsdp_check(const uint8_t *p, uint64_t avail);

/* BIOS scan for the RSDP (ACPI 6.5 section 5.2.5.1): the first KiB of the
 * EBDA (segment from the word at 0x40e, passed in by the caller since page 0
 * may be unmapped), then 0xe0000-0xfffff, on 16-byte boundaries.  Returns
 * the address or 0; *rev as mb_rsdp_check. */
uint64_t mb_rsdp_scan(uint64_t ebda, mb_access_fn acc, void *ctx, uint32_t *rev);

#endif
