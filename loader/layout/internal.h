/* SPDX-License-Identifier: MIT */
/* Internals shared by layout.c, slots.c, free.c and map.c (and the linux64
 * planner, which draws from the same free sets). */
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

/* Below 1 MiB: real-mode IVT, BDA, EBDA, VGA, BIOS; never drawn from. */
#define LAYOUT_LOW_MEM (UINT64_C(1) << 20)

/*
 * Append to fs (empty, ascending) the USABLE pages of mm in [1 MiB, limit),
 * then remove the avoid ranges rounded out to whole pages (one that wraps
 * removes everything above its base).  E_LAYOUT (diag: the memory map entry
 * or avoid range) when fs is out of room.
 */
enum ldr_err layout_free_ram(struct free_set *fs, const struct memmap *mm, uint64_t limit,
			     const struct boot_range *avoid, uint32_t n, struct ldr_diag *d);

/* E_LAYOUT when the set is full. */
enum ldr_err layout_fs_append(struct free_set *s, uint64_t lo, uint64_t hi);
enum ldr_err layout_fs_remove(struct free_set *s, uint64_t lo, uint64_t hi);

/*
 * Count the slots, pick one uniformly (rng) or the lowest at or above hint
 * (rng == NULL), re-validate it, remove its block from the set.  *mbits
 * (if mbits is not NULL) = layout_mbits(slots), 0 without rng.  E_NO_SPACE
 * if no slot fits, E_LAYOUT if a check that cannot fail did.
 */
enum ldr_err layout_slot_choose(struct free_set *s, const struct slot_req *q, struct rand_drbg *rng,
				uint64_t *addr, uint32_t *mbits);

/* Slots of q in the set (saturating). */
uint64_t layout_slot_count(const struct free_set *s, const struct slot_req *q);

/* One physical block for layout_pack: `size` bytes (page multiple) below
 * `hi`; `at` receives its place. */
struct pack_item {
	uint64_t size, hi;
	uint64_t at;
};

/* Ranges layout_pack may try, over the whole search: for the reservation
 * (whether the regions fit at all), and for the optional fresh packings
 * tried at each draw (the kept one always exists). */
#define LAYOUT_PACK_TRIES 16384
#define LAYOUT_PACK_TRIES_FRESH 64

/*
 * Places for it[0..n) (given in decreasing size order) in the free ranges
 * of s, disjoint from each other and page aligned: a packing, which the
 * planner keeps as its reservation for the regions still to place.  It is
 * a depth-first search whose first path is best-fit decreasing (each item,
 * largest first, at the bottom of the free range that leaves the least
 * room); on a dead end it backtracks, trying each other range once (ranges
 * of equal room are alike), at most `tries` ranges in all.  So it finds a
 * packing whenever one exists, unless the search is cut by that bound:
 * every path it did not try is one that a tried range of equal room made
 * redundant, or lies past the bound.  Best-fit decreasing alone, without
 * the search, already succeeds whenever all the items fit in one free
 * range together (the largest range keeps room for every item that comes
 * after).  With `top`, each item goes to the top of its range instead
 * (unless its `hi` is lower).  Items whose `hi` is below a range's top are
 * stacked in that range in the same order, largest first, so a packing
 * that needs such an item under larger ones in one range is not seen
 * (only the trampoline has such a limit, 2^47).  `scratch` holds s->count
 * ranges.  False: *fail = the item the best-fit-decreasing path could not
 * place and *short_by = the bytes it lacked (its size minus the largest
 * room left, or the total still needed minus the total free).
 */
bool layout_pack(const struct free_set *s, struct frange *scratch, struct pack_item *it, uint32_t n,
		 bool top, uint32_t tries, uint32_t *fail, uint64_t *short_by);

/*
 * The section window: npages pages, bits[] 1 where a unit is.  A unit of
 * `pages` pages goes at a page b with b % step == phase and b + pages <=
 * limit; `hint` is used only without an rng (aslr=off).  used_* count what
 * was placed (for the entropy bound).
 */
struct wmap {
	uint64_t *bits;
	uint64_t npages;
	uint64_t used_pages, used_units;
};
struct wslot {
	uint64_t pages, step, phase, limit, hint;
};

/* Rejection-sampling misses before the exact count. */
#define LAYOUT_WMAP_TRIES 64

void layout_wmap_clear(struct wmap *m);
/*
 * Take `q->pages` pages at *b: drawn uniformly among the free slots (rng),
 * else the lowest free slot at or after the hint, else the lowest.  *mbits
 * = layout_mbits of the free slots when they were counted, else of a lower
 * bound on them (the candidates less those the placed units can block); 0
 * without rng.  E_NO_SPACE when no slot is free, E_LAYOUT for a bad q.
 */
enum ldr_err layout_wmap_choose(struct wmap *m, const struct wslot *q, struct rand_drbg *rng,
				uint64_t *b, uint32_t *mbits);
/* Free slots of q, exactly. */
uint64_t layout_wmap_count(const struct wmap *m, const struct wslot *q);

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
/*
 * Upper bound on the tables of the final mapping list without the pool's
 * own mapping, whatever the virtual and physical draws: the top level;
 * for the kernel span, the stack, heap and boot info, the most page
 * tables, directories and PDPTs that their size can touch anywhere (as if
 * mapped with 4 KiB pages only: any larger page touches fewer); for the
 * direct map (2 MiB aligned), a page table at each unaligned end of a
 * piece and the directories and PDPTs its span can touch; each read-only
 * frame cut out of it, at its two ends, a page table inside a 2 MiB page
 * and a directory inside a 1 GiB page, where the direct map has such
 * pages; three for the identity-mapped trampoline page.  The same for
 * every draw, so whether the regions fit does not depend on the draw.
 * plan->map is used as scratch.
 */
enum ldr_err layout_map_bound(struct layout_plan *plan, const struct memmap *mm, bool allow_1g,
			      uint64_t *tables);
/* Sorted, non-overlapping, page aligned, canonical, never W|X, page 0 unmapped. */
enum ldr_err layout_map_check(const struct layout_plan *plan, struct ldr_diag *diag);

#endif
