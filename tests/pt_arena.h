/* SPDX-License-Identifier: MIT */
/*
 * Test support for the page-table tests: a malloc'd arena standing for the
 * physical pages of the table pool, a bounds-checked phys_ptr, a raw
 * (independent of loader/arch/<arch>/pte.c: raw_pte.h) entry locator, a
 * reference greedy page splitter, and the realistic boot plan used by
 * several tests.
 */
#ifndef TESTS_PT_ARENA_H
#define TESTS_PT_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/paging/paging.h"

#define ARENA_PATTERN 0xa5

struct arena {
	uint8_t *mem;
	uint64_t base, size; /* physical window [base, base+size) backed by mem */
	uint64_t lookups_failed;
};

void arena_init(struct arena *a, uint64_t base, uint64_t pages);
void arena_free(struct arena *a);
void *arena_ptr(void *ctx, paddr_t pa, uint64_t len);
struct pt_pool arena_pool(struct arena *a, bool allow_1g);
bool arena_untouched(const struct arena *a);

/* Raw entry for va at `level` (4 = the root), found with the manual's bit
 * layout alone (raw_pte.h); NULL if a table on the way is missing or va
 * maps a larger leaf. */
uint64_t *arena_entry(struct arena *a, paddr_t cr3, uint64_t va, int level);
/* Distinct table pages reachable from cr3 (including it), raw decode. */
uint64_t arena_count_tables(struct arena *a, paddr_t cr3);

/* Leaves as the tests see them. */
struct leaf_list {
	struct pt_leaf *l;
	size_t n, cap;
};
void leaves_free(struct leaf_list *ll);
/* pt_walk into ll (appends). */
enum ldr_err leaves_walk(struct arena *a, paddr_t cr3, struct leaf_list *ll);
/* Reference: the greedy largest-page split of m[] (pa/prot/size/level/va set),
 * sorted by va. */
void leaves_expected(const struct pt_mapping *m, size_t n, bool allow_1g, struct leaf_list *ll);
/* Tables a set of leaves needs (+1 for the root), from distinct regions. */
uint64_t leaves_table_count(const struct leaf_list *ll);
/* va/pa/size/prot/level equal, in order; reports the first difference. */
bool leaves_equal(const struct leaf_list *a, const struct leaf_list *b);

/* The realistic plan: kernel text RX / rodata R / data RW, a stack between
 * unmapped guards, boot info R, a 4 GiB direct map without page 0, an
 * identity-mapped trampoline page.  Returns the count (<= 16). */
#define PLAN_KERNEL UINT64_C(0xffffffff81000000)
#define PLAN_STACK UINT64_C(0xffffc90000004000)
#define PLAN_STACK_LEN UINT64_C(0x10000)
#define PLAN_GUARD_LEN UINT64_C(0x4000)
#define PLAN_INFO UINT64_C(0xffffc90000100000)
#define PLAN_DIRECT UINT64_C(0xffff888000000000)
#define PLAN_TRAMP UINT64_C(0x8000)
enum {
	PLAN_TEXT,
	PLAN_RODATA,
	PLAN_DATA,
	PLAN_STACK_I,
	PLAN_INFO_I,
	PLAN_DIRECT_I,
	PLAN_TRAMP_I,
	PLAN_COUNT
};
size_t plan_realistic(struct pt_mapping *m);
/* Sort by va, ascending (the order the layout emits; insertion sort, small n). */
void mappings_sort_va(struct pt_mapping *m, size_t n);

/* splitmix64 */
uint64_t rng_next(uint64_t *s);
static inline uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return rng_next(s) % n; /* bias irrelevant for test generation */
}

#endif
