/* SPDX-License-Identifier: MIT */
/* Internals shared by layout.c, layout_slots.c and layout_map.c. */
#ifndef LDR_LAYOUT_INT_H
#define LDR_LAYOUT_INT_H

#include "layout.h"

/* A set of free address ranges [lo, hi), sorted, disjoint, non-empty. */
struct frange {
	uint64_t lo, hi;
};
struct free_set {
	struct frange *r;
	uint32_t count, cap;
};

/*
 * What to place: `size` bytes at an address a with a % align == phase,
 * plus `pre` bytes below and `post` above reserved with it (guards); the
 * whole block [a - pre, a + size + post) must lie in one free range and in
 * the window [lo, hi).  `hint` is used only without an rng (aslr=off).
 */
struct slot_req {
	uint64_t size, pre, post;
	uint64_t align, phase;
	uint64_t lo, hi;
	uint64_t hint;
};

/* E_LAYOUT when the set is full. */
enum ldr_err layout_fs_append(struct free_set *s, uint64_t lo, uint64_t hi);
enum ldr_err layout_fs_remove(struct free_set *s, uint64_t lo, uint64_t hi);

/*
 * Count the slots, pick one uniformly (rng) or the lowest at or above hint
 * (rng == NULL), re-validate it, remove its block from the set.  *mbits =
 * layout_mbits(slots), 0 without rng.  E_NO_SPACE if no slot fits,
 * E_LAYOUT if a check that cannot fail did.
 */
enum ldr_err layout_slot_choose(struct free_set *s, const struct slot_req *q,
				struct rand_drbg *rng, uint64_t *addr, uint32_t *mbits);

/* Build plan->map[] from plan->r[] and the RAM-like ranges of mm. */
enum ldr_err layout_map_build(struct layout_plan *plan, const struct memmap *mm,
			      struct ldr_diag *diag);
/*
 * Add the page-table pool's own mapping (pool->len = the reserved upper
 * bound) and shrink it to the fixed point *pages = tables of the whole list.
 * n0 = pt_count_tables of the list before.  E_LAYOUT if the bound was short
 * or the size does not settle.
 */
enum ldr_err layout_map_add_pool(struct layout_plan *plan, const struct pt_mapping *pool,
				 uint64_t n0, bool allow_1g, uint64_t *pages);
/* Sorted, non-overlapping, page aligned, canonical, never W|X, page 0 unmapped. */
enum ldr_err layout_map_check(const struct layout_plan *plan, struct ldr_diag *diag);

#endif
