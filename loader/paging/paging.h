/* SPDX-License-Identifier: MIT */
/*
 * Level-generic page-table builder and walker over the architecture's
 * page-table format (../arch/arch.h; 4-level on x86-64).  Mappings are described by prot
 * (ASLRBOOT_PROT_*), never by raw PTE bits; W|X is refused.
 */
#ifndef LDR_PAGING_H
#define LDR_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../addr.h"
#include "../../include/ldr_errors.h"

struct pt_mapping {
	vaddr_t va;    /* page aligned, canonical */
	paddr_t pa;    /* page aligned */
	uint64_t len;  /* page multiple, > 0 */
	uint32_t prot; /* ASLRBOOT_PROT_R/W/X; W|X refused */
};

typedef void *(*pt_phys_ptr_fn)(void *ctx, paddr_t pa, uint64_t len);

/* Table pages come from a contiguous physical pool. */
struct pt_pool {
	paddr_t base;
	uint64_t pages;
	uint64_t used;
	pt_phys_ptr_fn phys_ptr;
	void *ctx;
	bool allow_1g; /* CPU has 1 GiB pages (CPUID 0x80000001 EDX.26) */
};

/*
 * Check mappings the way pt_build() does, writing nothing: prot has R, only
 * R/W/X bits, not W|X (E_PT_WX); va, pa, len page aligned, len > 0, neither
 * range wraps, va range canonical and on one side of the hole, pa range below
 * 2^52, no two va ranges overlap (E_PT_MAP).  diag: what = "mapping", index,
 * field = "prot" / "va" / "pa" / "len" / "canonical" / "overlap".  O(n) when
 * the va are strictly ascending (as the layout emits them), O(n^2) otherwise.
 */
enum ldr_err pt_check(const struct pt_mapping *m, size_t n, struct ldr_diag *diag);

/* Strictly ascending va, as the layout emits its lists: overlaps can then
 * only be between neighbours, and the helpers below take linear paths. */
bool pt_sorted_by_va(const struct pt_mapping *m, size_t n);

/* Exact number of 4 KiB table pages pt_build() uses for these mappings,
 * including the top-level table.  Meaningful only for mappings pt_check()
 * accepts (invalid ones are skipped).  No allocation; O(n) when the va are
 * strictly ascending, O(n^2) otherwise. */
uint64_t pt_count_tables(const struct pt_mapping *m, size_t n, bool allow_1g);

/* Build tables for the mappings: largest page size whose alignment and
 * length allow it, NX unless X, RW only if W, supervisor only.  E_PT_WX for
 * a W|X mapping, E_PT_MAP for overlap / misalignment / non-canonical va
 * (pt_check), E_NOMEM when the pool has fewer than pt_count_tables() free
 * pages.  Nothing is written before every check has passed. */
enum ldr_err pt_build(const struct pt_mapping *m, size_t n, struct pt_pool *pool, paddr_t *cr3,
		      struct ldr_diag *diag);

/* Visit every present leaf (any level) in ascending va order. */
struct pt_leaf {
	vaddr_t va;
	paddr_t pa;
	uint64_t size; /* 4 KiB, 2 MiB or 1 GiB */
	uint32_t prot; /* decoded ASLRBOOT_PROT_* */
	int level;     /* 1 = 4 KiB PTE ... */
	bool user;     /* user-accessible (US = 1 at every level) */
	uint64_t raw;  /* the leaf entry as stored */
};
typedef bool (*pt_leaf_fn)(void *arg, const struct pt_leaf *leaf); /* false stops */

/* The walker refuses to visit more tables than this (corrupted tables can
 * alias one table everywhere): 256 MiB of tables. */
#define PT_WALK_MAX_TABLES (UINT32_C(1) << 16)

/*
 * prot is the effective permission: W only if RW at every level, X only if
 * NX is clear at every level.  cr3's low 12 bits (PCID/PWT/PCD) are ignored.
 * E_WX_VERIFY for a table phys_ptr cannot resolve (diag field "table"), a
 * reserved bit / PS in a PML4E ("entry") or too many tables ("tables");
 * diag->value = the va the entry covers.  A callback returning false ends
 * the walk with LDR_OK.
 */
enum ldr_err pt_walk(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, pt_leaf_fn fn, void *arg,
		     struct ldr_diag *diag);

/*
 * Prove the finished tables: no W+X leaf, every mapping present with exactly
 * its prot and physical frames, and nothing mapped that is not in m[].
 * E_WX_VERIFY with diag->value = the first offending va and diag->field =
 * "leaf" (W+X), "user", "prot", "frame", "extra" (mapped, not in m[]),
 * "missing" (in m[], not mapped), "alias" (pt_check_aliases), or
 * pt_walk's field.  m[] must pass pt_check() (its error is returned
 * otherwise).  scratch: NULL or n entries for pt_check_aliases.
 */
enum ldr_err wx_verify(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, const struct pt_mapping *m,
		       size_t n, uint32_t *scratch, struct ldr_diag *diag);

/*
 * No frame both writable (in one mapping) and executable (in one mapping):
 * E_WX_VERIFY, field "alias", diag->value = the va of the writable mapping,
 * for the lowest-indexed executable mapping with an alias and the
 * lowest-indexed writable one that aliases it.  m[] as pt_check() accepts
 * it.  idx: n entries of scratch, O(n log n); NULL (short fixed lists):
 * pairwise, O(n^2), same verdict.
 */
enum ldr_err pt_check_aliases(const struct pt_mapping *m, size_t n, uint32_t *idx,
			      struct ldr_diag *diag);

#endif
