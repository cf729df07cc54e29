/* SPDX-License-Identifier: MIT */
/*
 * Level-generic page-table builder and walker over an arch PTE interface
 * (pte_x86_64.h for 4-level x86-64).  Mappings are described by prot
 * (ASLRBOOT_PROT_*), never by raw PTE bits; W|X is refused.
 */
#ifndef LDR_PAGING_H
#define LDR_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "errors.h"

struct pt_mapping {
	vaddr_t va;     /* page aligned, canonical */
	paddr_t pa;     /* page aligned */
	uint64_t len;   /* page multiple, > 0 */
	uint32_t prot;  /* ASLRBOOT_PROT_R/W/X; W|X refused */
};

typedef void *(*pt_phys_ptr_fn)(void *ctx, paddr_t pa, uint64_t len);

/* Table pages come from a contiguous physical pool. */
struct pt_pool {
	paddr_t base;
	uint64_t pages;
	uint64_t used;
	pt_phys_ptr_fn phys_ptr;
	void *ctx;
	bool allow_1g;  /* CPU has 1 GiB pages (CPUID 0x80000001 EDX.26) */
};

/* Exact number of 4 KiB table pages pt_build() uses for these mappings
 * (mappings must not overlap in va). */
uint64_t pt_count_tables(const struct pt_mapping *m, size_t n, bool allow_1g);

/* Build tables for the mappings: largest page size whose alignment and
 * length allow it, NX unless X, RW only if W, supervisor only.  E_PT_WX for
 * a W|X mapping, E_PT_MAP for overlap / misalignment / non-canonical va,
 * E_NOMEM when the pool is exhausted.  Nothing is written before checking. */
enum ldr_err pt_build(const struct pt_mapping *m, size_t n, struct pt_pool *pool, paddr_t *cr3,
		      struct ldr_diag *diag);

/* Visit every present leaf (any level) in ascending va order. */
struct pt_leaf {
	vaddr_t va;
	paddr_t pa;
	uint64_t size;   /* 4 KiB, 2 MiB or 1 GiB */
	uint32_t prot;   /* decoded ASLRBOOT_PROT_* */
	int level;       /* 1 = 4 KiB PTE ... */
};
typedef bool (*pt_leaf_fn)(void *arg, const struct pt_leaf *leaf); /* false stops */
enum ldr_err pt_walk(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, pt_leaf_fn fn, void *arg);

/*
 * Prove the finished tables: no W+X leaf, every mapping present with exactly
 * its prot and physical frames, and nothing mapped that is not in m[].
 * E_WX_VERIFY with diag->value = the first offending va.
 */
enum ldr_err wx_verify(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, const struct pt_mapping *m,
		       size_t n, struct ldr_diag *diag);

#endif
