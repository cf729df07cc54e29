/* SPDX-License-Identifier: MIT */
/*
 * The test kernels' portable checks (x86-64 and arm64 alike, and the host
 * test that feeds them broken blocks): the boot-info block, the live page
 * tables against the layout record, the seed record.
 */
#ifndef TEST_KCHECK_H
#define TEST_KCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "../../include/aslrboot.h"
#include "../../loader/paging/paging.h"

/* What the checks learned from the boot-info block. */
struct kinfo {
	const struct aslrboot_info *info;
	const struct aslrboot_rec_layout *layout;
	const struct aslrboot_region *rgn; /* layout->count entries */
	const struct aslrboot_rec_seed *seed;
	const char *cmdline;
	uint64_t direct_map; /* virtual address of physical 0 */
	uint64_t dm_size;
};

/* kcheck.c: each returns NULL or a short reason for the FAIL line. */
/* The block is well-formed, states `machine`, has the records the kernel needs. */
const char *check_info(const struct aslrboot_info *info, uint32_t machine, struct kinfo *k);
/* Walk the tables at physical `root` (the 512-entry tree), reading table
 * pages through phys_ptr: no W+X, user or page-0 leaf; every leaf inside a
 * region with its prot and frames; every region mapped whole, guards not at
 * all; the direct map exactly the RAM-like memory. */
const char *check_page_tables(const struct kinfo *k, uint64_t root, pt_phys_ptr_fn phys_ptr,
			      void *ctx);
/* phys_ptr for check_page_tables inside the kernel: through the direct map. */
void *kcheck_dm_ptr(void *ctx, paddr_t pa, uint64_t len);
/* First region of `kind` containing va (any, if va == 0). */
const struct aslrboot_region *find_region(const struct kinfo *k, uint32_t kind, uint64_t va);
/* First kernel region (a segment, or a section at section granularity)
 * containing va. */
const struct aslrboot_region *kernel_region(const struct kinfo *k, uint64_t va);
/* Sort n indices by key(ctx, index), ascending: a heapsort, in place, no
 * recursion.  kcheck_region_virt is the key "region virt" for ctx = the
 * struct kinfo. */
void kcheck_sort(uint32_t *idx, uint32_t n, uint64_t (*key)(const void *ctx, uint32_t i),
		 const void *ctx);
uint64_t kcheck_region_virt(const void *k, uint32_t i);

/* Reports, printed with the kernel's kprintf: the layout and the loader's
 * phase timings, one line per entropy source, the memory map. */
void print_layout(const struct kinfo *k);
void print_entropy(const struct kinfo *k);
void print_memmap(const struct kinfo *k);
/* The text after `key` where a word of s starts with it, or NULL. */
const char *word_value(const char *s, const char *key);
/* Is `w` one of the space-separated words of s? */
bool has_word(const char *s, const char *w);
/* Each kernel's output (COM1 on x86-64, a buffer written out through
 * semihosting on arm64); kmain_common.c formats it, each kernel writes it
 * out with its own kputs. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kputs(const char *s);

/* modules.c: the MODULE records vs `modules` and expect_module_sha256= on
 * the command line. */
const char *check_modules(const struct kinfo *k);

/* seed.c: the seed record vs the expect_* words of the command line. */
const char *check_seed(const struct kinfo *k);
uint32_t seed_use_and_wipe(const struct kinfo *k);

/* measure.c: the MEASURE record against the command line, modules and the
 * event log copy (read through phys_ptr); with the word `tpmlog`,
 * print_measure prints the entries and the log as hex. */
const char *check_measure(const struct kinfo *k, pt_phys_ptr_fn phys_ptr, void *ctx);
void print_measure(const struct kinfo *k, pt_phys_ptr_fn phys_ptr, void *ctx);

/* The kernel's PT_NOTE (include/aslrboot.h): type PARAMS, asking for a
 * stack and a heap of STACK and HEAP bytes, with the note flags FLAGS
 * (string literals).  "%note" is the section type's spelling on every ELF
 * target. */
#define PARAMS_NOTE_FLAGS(STACK, HEAP, FLAGS)                                       \
	__asm__(".pushsection .note.aslrboot, \"a\", %note\n"                       \
		".balign 4\n"                                                       \
		".long 9, 24, 1\n" /* namesz ("aslrboot\0"), descsz, type PARAMS */ \
		".asciz \"aslrboot\"\n"                                             \
		".balign 4\n"                                                       \
		".long 1, " FLAGS "\n"	      /* version, flags */                  \
		".quad " STACK ", " HEAP "\n" /* stack_size, heap_size */           \
		".popsection")
#define PARAMS_NOTE(STACK, HEAP) PARAMS_NOTE_FLAGS(STACK, HEAP, "0")

/* kmain_common.c, inside a booted kernel.  The relative relocation was
 * applied (reloc, a relocated pointer to the code at here, equals here), the
 * kernel runs slid, the layout names its segment (at section granularity:
 * the section of its code), the seed is not zero: */
const char *check_relocated(const struct kinfo *k, uint64_t reloc, uint64_t here);
/* .bss (n words at bss) is zero, the heap writable and keeps what is written: */
const char *check_memory(const struct kinfo *k, const uint64_t *bss, unsigned n);
/* The reports the command line asks for: with the word `verbose` the
 * layout and the entropy lines (these also without it if entropy_always),
 * with `memmap` the memory map, with `echo` the command line itself. */
void print_requested(const struct kinfo *k, bool entropy_always);
/* Print the one result line: FAIL <why>, or PASS with where the kernel runs
 * and the seed's fingerprint (using up the seed).  Returns why == NULL. */
bool report_result(const struct kinfo *k, const char *why);

/* simd.c, the one file built with FP/SIMD allowed: 0 if its vector code
 * ran right. */
int simd_check(void);

#endif
