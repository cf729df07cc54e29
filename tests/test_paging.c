/* SPDX-License-Identifier: MIT */
/* Page-table builder: build + walk + verify, exact table counts, refusal
 * of bad mappings with nothing written. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "include/aslrboot.h"
#include "loader/paging/paging.h"
#include "loader/arch/arch.h"
#include "pt_arena.h"
#include "raw_pte.h"

#define R ASLRBOOT_PROT_R
#define W ASLRBOOT_PROT_W
#define X ASLRBOOT_PROT_X
#define ARENA_BASE UINT64_C(0x40000000)
#define K4 UINT64_C(0x1000)
#define M2 SIZE_2M
#define G1 SIZE_1G

static struct pt_mapping map(uint64_t va, uint64_t pa, uint64_t len, uint32_t prot)
{
	return (struct pt_mapping){ va_init(va), pa_init(pa), len, prot };
}

/* Build in a fresh arena; returns used pages, fills ll with the walk. */
static enum ldr_err build(struct arena *a, const struct pt_mapping *m, size_t n, bool g1,
			  paddr_t *cr3, struct leaf_list *ll)
{
	struct pt_pool pool = arena_pool(a, g1);
	struct ldr_diag d = { 0 };
	enum ldr_err err = pt_build(m, n, &pool, cr3, &d);

	if (err)
		return err;
	EXPECT_EQ(pool.used, pt_count_tables(m, n, g1));
	EXPECT_EQ(pool.used, arena_count_tables(a, *cr3));
	EXPECT_ERR(wx_verify(*cr3, arena_ptr, a, m, n, NULL, &d), LDR_OK);
	return leaves_walk(a, *cr3, ll);
}

static void check_plan(bool g1)
{
	struct pt_mapping m[PLAN_COUNT];
	struct leaf_list got = { 0 }, want = { 0 };
	struct arena a;
	size_t n = plan_realistic(m), by_level[4] = { 0 };
	paddr_t cr3;

	arena_init(&a, ARENA_BASE, 64);
	REQUIRE(build(&a, m, n, g1, &cr3, &got) == LDR_OK);
	leaves_expected(m, n, g1, &want);
	EXPECT(leaves_equal(&got, &want));
	for (size_t i = 0; i < got.n; i++) {
		const struct pt_leaf *l = &got.l[i];
		uint64_t va = va_addr(l->va);

		by_level[l->level]++;
		/* Execute-never on every non-X leaf, never on an X leaf; writable
		 * only if W; no user access (the manual's bits, raw_pte.h). */
		EXPECT_EQ(raw_leaf_x(l->raw), !!(l->prot & X));
		EXPECT_EQ(raw_leaf_w(l->raw), !!(l->prot & W));
		EXPECT(!raw_leaf_user(l->raw));
		EXPECT(va >= PAGE_SIZE); /* page 0 unmapped */
		EXPECT(!ranges_overlap(va, l->size, PLAN_STACK - PLAN_GUARD_LEN, PLAN_GUARD_LEN));
		EXPECT(!ranges_overlap(va, l->size, PLAN_STACK + PLAN_STACK_LEN, PLAN_GUARD_LEN));
		EXPECT(!ranges_overlap(va, l->size, PLAN_DIRECT, PAGE_SIZE));
	}
	/* Direct map: 503 4K pages from 0x9000 up to 2 MiB, then 511 2M pages up to 1 GiB,
	 * then 3 GiB in 1G pages (or 3 * 512 2M pages); text adds 1 2M + 3 4K. */
	EXPECT_EQ(by_level[3], g1 ? 3 : 0);
	EXPECT_EQ(by_level[2], g1 ? 512 : 512 + 3 * 512);
	EXPECT_EQ(by_level[1], 503 + 3 + 5 + 9 + 16 + 2 + 1);
	EXPECT(a.lookups_failed == 0);
	leaves_free(&got);
	leaves_free(&want);
	arena_free(&a);
}

static void test_realistic_plan_1g(void)
{
	check_plan(true);
}

static void test_realistic_plan_2m(void)
{
	check_plan(false);
}

/* Hand-derived counts (root included). */
static void test_count_small(void)
{
	struct pt_mapping m[4];

	EXPECT_EQ(pt_count_tables(NULL, 0, true), 1);
	m[0] = map(0x1000, 0x1000, K4, R);
	EXPECT_EQ(pt_count_tables(m, 1, true), 4);
	/* Same 2 MiB region: the PT is shared. */
	m[1] = map(0x5000, 0x9000, 2 * K4, R | W);
	EXPECT_EQ(pt_count_tables(m, 2, true), 4);
	/* Next 2 MiB region: one more PT, same PD. */
	m[2] = map(M2, 0, M2, R);
	EXPECT_EQ(pt_count_tables(m, 3, true), 4); /* a 2M leaf needs no PT */
	m[2] = map(M2, K4, M2, R);		   /* incongruent: 512 4K pages */
	EXPECT_EQ(pt_count_tables(m, 3, true), 5);
	/* Other end of the address space: PDPT + PD + PT. */
	m[3] = map(0xfffffffffffff000, 0, K4, R);
	EXPECT_EQ(pt_count_tables(m, 4, true), 8);
	/* One 1G leaf needs only a PDPT; without 1G pages, a PD too. */
	m[0] = map(G1, G1, G1, R);
	EXPECT_EQ(pt_count_tables(m, 1, true), 2);
	EXPECT_EQ(pt_count_tables(m, 1, false), 3);
	/* Straddling a 512 GiB boundary: two PDPTs, two PDs, two PTs. */
	m[0] = map((UINT64_C(1) << 39) - K4, 0, 2 * K4, R);
	EXPECT_EQ(pt_count_tables(m, 1, true), 7);
	/* Invalid mappings are skipped, not counted. */
	m[1] = map(0x1234, 0, K4, R);
	EXPECT_EQ(pt_count_tables(m, 2, true), 7);
}

/* Expected page sequence for one mapping, as (level, count) pairs. */
static void expect_split(struct pt_mapping m, bool g1, const int *seq)
{
	struct leaf_list got = { 0 };
	struct arena a;
	paddr_t cr3;
	size_t i = 0;

	arena_init(&a, ARENA_BASE, 64);
	REQUIRE(build(&a, &m, 1, g1, &cr3, &got) == LDR_OK);
	for (; seq[0]; seq += 2) {
		for (int k = 0; k < seq[1]; k++, i++) {
			REQUIRE(i < got.n);
			EXPECT_EQ(got.l[i].level, seq[0]);
			EXPECT_EQ(pa_addr(got.l[i].pa) - pa_addr(m.pa),
				  va_addr(got.l[i].va) - va_addr(m.va));
		}
	}
	EXPECT_EQ(i, got.n);
	leaves_free(&got);
	arena_free(&a);
}

static void test_boundary_splits(void)
{
	/* 2 MiB - 8K .. 4 MiB + 8K: 4K 4K | 2M | 4K 4K */
	expect_split(map(M2 - 2 * K4, M2 - 2 * K4, M2 + 4 * K4, R), true,
		     (const int[]){ 1, 2, 2, 1, 1, 2, 0 });
	/* pa off by 4K mod 2M: never a large page */
	expect_split(map(M2, M2 + K4, M2, R), true, (const int[]){ 1, 512, 0 });
	/* 1 GiB - 2M - 4K .. 2 GiB + 2M + 4K: 4K | 2M | 1G | 2M | 4K */
	const struct pt_mapping big = map(G1 - M2 - K4, 5 * G1 - M2 - K4, G1 + 2 * M2 + 2 * K4, R);
	expect_split(big, true, (const int[]){ 1, 1, 2, 1, 3, 1, 2, 1, 1, 1, 0 });
	expect_split(big, false, (const int[]){ 1, 1, 2, 514, 1, 1, 0 });
	/* pa congruent mod 2M but not 1G: no 1G page even when allowed */
	expect_split(map(G1, 3 * M2, G1, R), true, (const int[]){ 2, 512, 0 });
	/* Exactly one 1G page; a 1G page short by 4K falls back to 2M + 4K */
	expect_split(map(G1, 0, G1, R), true, (const int[]){ 3, 1, 0 });
	expect_split(map(G1, 0, G1 - K4, R), true, (const int[]){ 2, 511, 1, 511, 0 });
	/* The top 2 MiB of the address space (end wraps to 0) */
	expect_split(map(0xffffffffffe00000, 0, M2, R), true, (const int[]){ 2, 1, 0 });
	expect_split(map(0xfffffffffffff000, 0, K4, R | X), true, (const int[]){ 1, 1, 0 });
	/* Across the canonical lower-half end and a 512 GiB boundary */
	expect_split(map(0x00007fffffe00000, 0, M2, R), true, (const int[]){ 2, 1, 0 });
	expect_split(map((UINT64_C(1) << 39) - M2, 0, 2 * M2, R), true, (const int[]){ 2, 2, 0 });
}

/* A random set of disjoint mappings built to share tables and to cross
 * 2M / 1G / 512G boundaries and both ends of the canonical halves. */
static size_t gen_set(uint64_t *s, struct pt_mapping *m, size_t max)
{
	static const uint64_t bases[] = { 0,
					  (UINT64_C(1) << 39) - 3 * M2,
					  0x00007fffc0000000,
					  0xffff800000000000,
					  0xffffffff80000000,
					  0xffffffffffc00000 };
	static const uint32_t prots[] = { R, R | W, R | X };
	uint64_t va = bases[rng_below(s, 6)] + K4 * rng_below(s, 4), want = 1 + rng_below(s, max);
	size_t n = 0;

	while (n < want) {
		static const uint64_t gaps[] = { 0, K4, M2, G1 };
		uint64_t r = rng_below(s, 16), len, pa, cls = rng_below(s, 3);

		va += gaps[rng_below(s, 4)] * rng_below(s, 3) + K4 * rng_below(s, 3);
		if (rng_below(s, 3) == 0) { /* start just below a 2M or 1G boundary */
			uint64_t al = gaps[2 + rng_below(s, 2)], up;

			if (!align_up_checked(va, al, &up) || up - va < 2 * K4)
				up = va + 2 * K4;
			va = up - K4 * rng_below(s, 3);
		}
		if (r < 8)
			len = K4 * (1 + rng_below(s, 8));
		else if (r < 13)
			len = M2 * (1 + rng_below(s, 3)) + K4 * rng_below(s, 3);
		else
			len = G1 * (1 + rng_below(s, 2)) + M2 * rng_below(s, 3) +
			      K4 * rng_below(s, 3);
		if (cls == 0) { /* any frame: 4K pages only, keep it short */
			pa = K4 * rng_below(s, UINT64_C(1) << 28);
			len = len > 4 * M2 ? K4 : len;
		} else {
			uint64_t al = cls == 1 ? M2 : G1;

			pa = al * rng_below(s, UINT64_C(1) << (cls == 1 ? 19 : 10)) +
			     (va & (al - 1));
		}
		m[n] = map(va, pa, len, prots[rng_below(s, 3)]);
		/* Frames stay below 2^41 otherwise: executable ones live apart,
		 * so no frame is both writable and executable (wx_verify's
		 * alias rule). */
		if (m[n].prot & X)
			m[n].pa = pa_add(m[n].pa, UINT64_C(1) << 44);
		if (pt_check(&m[n], 1, NULL)) /* ran into the hole or the top: shrink */
			m[n].len = len = K4;
		if (pt_check(&m[n], 1, NULL))
			break;
		n++;
		if ((va += len) == 0) /* ends at the top of the address space */
			break;
	}
	for (size_t i = n; i > 1; i--) { /* count must not depend on order */
		size_t j = rng_below(s, i);
		struct pt_mapping t = m[i - 1];

		m[i - 1] = m[j];
		m[j] = t;
	}
	return n;
}

/* Property: pt_count_tables == tables pt_build used == tables reachable
 * == distinct (level, region) pairs of the reference leaves, and the walk
 * equals the reference greedy split, over 10^4 seeded random sets. */
static void test_count_random(void)
{
	enum { SETS = 10000, MAXN = 8 };
	uint64_t seed = 0x5eed, sets = 0, big = 0;
	struct arena a;

	arena_init(&a, ARENA_BASE, 256);
	for (int iter = 0; iter < SETS && !harness_case_failed; iter++) {
		struct pt_mapping m[MAXN], mu[MAXN];
		struct leaf_list got = { 0 }, want = { 0 };
		size_t n = gen_set(&seed, m, MAXN);
		bool g1 = rng_below(&seed, 2);
		uint64_t count = pt_count_tables(m, n, g1);
		paddr_t cr3;

		REQUIRE(pt_check(m, n, NULL) == LDR_OK);
		REQUIRE(build(&a, m, n, g1, &cr3, &got) == LDR_OK);
		leaves_expected(m, n, g1, &want);
		EXPECT(leaves_equal(&got, &want));
		EXPECT_EQ(count, leaves_table_count(&want));
		memcpy(mu, m, sizeof(m));
		/* The same set in ascending va takes the linear path. */
		mappings_sort_va(m, n);
		EXPECT_EQ(pt_count_tables(m, n, g1), count);
		EXPECT_ERR(pt_check(m, n, NULL), LDR_OK);
		/* The verifier accepts the tables in either order, and notices
		 * one leaf moved to the next frame, inside a run of leaves or not. */
		EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, mu, n, NULL, NULL), LDR_OK);
		EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, m, n, NULL, NULL), LDR_OK);
		if (want.n) {
			const struct pt_leaf *lf = &want.l[rng_below(&seed, want.n)];
			uint64_t *e = arena_entry(&a, cr3, va_addr(lf->va), lf->level);

			REQUIRE(e);
			*e += lf->size;
			EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, mu, n, NULL, NULL),
				   LDR_E_WX_VERIFY);
			EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, m, n, NULL, NULL),
				   LDR_E_WX_VERIFY);
			*e -= lf->size;
		}
		sets += n > 0;
		big += count > 8;
		leaves_free(&got);
		leaves_free(&want);
	}
	/* The generator must really produce non-trivial sets. */
	EXPECT(sets > SETS * 9 / 10);
	EXPECT(big > SETS / 10);
	arena_free(&a);
}

static void test_wx_refused(void)
{
	struct pt_mapping m[PLAN_COUNT + 1];
	size_t n = plan_realistic(m);
	struct arena a;
	struct pt_pool pool;
	struct ldr_diag d = { 0 };
	paddr_t cr3 = pa_init(0xdead000);

	m[n++] = map(0x7000000000, 0x5000000, K4, R | W | X);
	arena_init(&a, ARENA_BASE, 64);
	pool = arena_pool(&a, true);
	EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), LDR_E_PT_WX);
	EXPECT_EQ(d.index, PLAN_COUNT);
	EXPECT(d.field && !strcmp(d.field, "prot"));
	EXPECT_EQ(pool.used, 0);
	EXPECT_EQ(pa_addr(cr3), 0xdead000);
	EXPECT(arena_untouched(&a));
	arena_free(&a);
}

static void test_bad_mappings(void)
{
	static const struct {
		uint64_t va, pa, len;
		uint32_t prot;
		enum ldr_err err;
		const char *field;
	} cases[] = {
		{ PLAN_KERNEL + 0x1000, 0x9000000, K4, R, LDR_E_PT_MAP, "overlap" },
		{ PLAN_DIRECT + 0x8000, 0, 2 * K4, R, LDR_E_PT_MAP, "overlap" },
		{ PLAN_KERNEL - K4, 0, 64 * M2, R, LDR_E_PT_MAP, "overlap" },
		{ 0x1234010, 0x1000, K4, R, LDR_E_PT_MAP, "va" },
		{ 0x1234000, 0x1001, K4, R, LDR_E_PT_MAP, "pa" },
		{ 0x1234000, 0x1000, 0, R, LDR_E_PT_MAP, "len" },
		{ 0x1234000, 0x1000, 0x1001, R, LDR_E_PT_MAP, "len" },
		{ 0xfffffffffffff000, 0x1000, 2 * K4, R, LDR_E_PT_MAP, "len" },
		{ 0x0000800000000000, 0x1000, K4, R, LDR_E_PT_MAP, "canonical" },
		{ 0x00007ffffffff000, 0x1000, 2 * K4, R, LDR_E_PT_MAP, "canonical" },
		{ 0xffff7ffffffff000, 0x1000, K4, R, LDR_E_PT_MAP, "canonical" },
		{ 0x1234000, PTE_PA_LIMIT - K4, 2 * K4, R, LDR_E_PT_MAP, "pa" },
		{ 0x1234000, 0xfffffffffffff000, 2 * K4, R, LDR_E_PT_MAP, "pa" },
		{ 0x1234000, 0x1000, K4, 0, LDR_E_PT_MAP, "prot" },
		{ 0x1234000, 0x1000, K4, W, LDR_E_PT_MAP, "prot" },
		{ 0x1234000, 0x1000, K4, X, LDR_E_PT_MAP, "prot" },
		{ 0x1234000, 0x1000, K4, R | 8, LDR_E_PT_MAP, "prot" },
		{ 0x1234000, 0x1000, K4, W | X, LDR_E_PT_WX, "prot" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pt_mapping m[PLAN_COUNT + 1];
		size_t n = plan_realistic(m);
		struct arena a;
		struct pt_pool pool;
		struct ldr_diag d = { 0 };
		paddr_t cr3 = pa_init(0);

		m[n++] = map(cases[c].va, cases[c].pa, cases[c].len, cases[c].prot);
		arena_init(&a, ARENA_BASE, 64);
		pool = arena_pool(&a, true);
		EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), cases[c].err);
		EXPECT_EQ(d.index, PLAN_COUNT);
		EXPECT(d.field && !strcmp(d.field, cases[c].field));
		EXPECT(pool.used == 0 && arena_untouched(&a));
		/* The verifier refuses to judge tables against such a plan. */
		EXPECT_ERR(wx_verify(pa_init(ARENA_BASE), arena_ptr, &a, m, n, NULL, &d),
			   cases[c].err);
		if (harness_case_failed)
			printf("  case %zu\n", c);
		arena_free(&a);
	}
}

/* Ascending va (the layout's lists): only neighbours are compared, which
 * must still find every overlap. */
static void test_overlap_sorted(void)
{
	struct pt_mapping m[] = {
		map(0x100000, 0x100000, 4 * K4, R),
		map(0x103000, 0x900000, K4, R | W), /* inside the first */
		map(0x1f0000, 0x200000, K4, R),
	};
	struct ldr_diag d = { 0 };

	EXPECT_ERR(pt_check(m, 3, &d), LDR_E_PT_MAP);
	EXPECT(d.index == 1 && !strcmp(d.field, "overlap"));
	m[1].va = va_init(0x104000);
	EXPECT_ERR(pt_check(m, 3, &d), LDR_OK);
	EXPECT_EQ(pt_count_tables(m, 3, true), 4);
	m[2].va = va_init(0x1ff000);
	m[2].len = 2 * K4; /* runs into a second 2 MiB region: one more PT */
	EXPECT_EQ(pt_count_tables(m, 3, true), 5);
	m[2].va = va_init(0x104000); /* equal va: overlap, not "unsorted" */
	EXPECT_ERR(pt_check(m, 3, &d), LDR_E_PT_MAP);
	EXPECT_EQ(d.index, 2);
}

static void test_pool_sizing(void)
{
	struct pt_mapping m[PLAN_COUNT];
	size_t n = plan_realistic(m);
	uint64_t need = pt_count_tables(m, n, true);
	struct arena a;
	struct pt_pool pool;
	struct ldr_diag d = { 0 };
	paddr_t cr3;

	arena_init(&a, ARENA_BASE, need + 3);
	pool = arena_pool(&a, true);
	pool.pages = need - 1;
	EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), LDR_E_NOMEM);
	EXPECT_EQ(d.value, need);
	EXPECT(pool.used == 0 && arena_untouched(&a));
	/* Exactly enough, after 3 pages someone else used. */
	pool.pages = need + 3;
	pool.used = 3;
	EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), LDR_OK);
	EXPECT_EQ(pool.used, need + 3);
	EXPECT_EQ(pa_addr(cr3), ARENA_BASE + 3 * PAGE_SIZE);
	EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, m, n, NULL, &d), LDR_OK);
	/* Unusable pools. */
	pool = arena_pool(&a, true);
	pool.base = pa_init(ARENA_BASE + 8);
	EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), LDR_E_PT_MAP);
	pool = arena_pool(&a, true);
	pool.base = pa_init(PTE_PA_LIMIT - PAGE_SIZE);
	EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), LDR_E_PT_MAP);
	pool = arena_pool(&a, true);
	pool.base = pa_init(0x1000); /* not reachable through phys_ptr */
	EXPECT_ERR(pt_build(m, n, &pool, &cr3, &d), LDR_E_PT_MAP);
	EXPECT(d.field && !strcmp(d.field, "pool"));
	arena_free(&a);
}

int main(void)
{
	RUN(test_realistic_plan_1g);
	RUN(test_realistic_plan_2m);
	RUN(test_count_small);
	RUN(test_boundary_splits);
	RUN(test_count_random);
	RUN(test_wx_refused);
	RUN(test_bad_mappings);
	RUN(test_overlap_sorted);
	RUN(test_pool_sizing);
	return harness_done();
}
