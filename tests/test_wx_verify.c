/* SPDX-License-Identifier: MIT */
/* The walker and W^X verifier against hand-corrupted tables. */
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
#define K4 UINT64_C(0x1000)
#define ARENA_BASE UINT64_C(0x40000000)
#define TEXT_TAIL (PLAN_KERNEL + SIZE_2M) /* first 4K text page */
#define RODATA (PLAN_KERNEL + 0x203000)
#define DATA (PLAN_KERNEL + 0x208000)

struct fixture {
	struct arena a;
	struct pt_mapping m[PLAN_COUNT + 1];
	size_t n;
	paddr_t cr3;
	struct ldr_diag d;
};

static bool setup(struct fixture *f)
{
	struct pt_pool pool;

	memset(f, 0, sizeof(*f));
	arena_init(&f->a, ARENA_BASE, 64);
	pool = arena_pool(&f->a, true);
	f->n = plan_realistic(f->m);
	return pt_build(f->m, f->n, &pool, &f->cr3, &f->d) == LDR_OK;
}

static uint64_t *entry(struct fixture *f, uint64_t va, int level)
{
	uint64_t *e = arena_entry(&f->a, f->cr3, va, level);

	if (!e)
		abort(); /* the test names an entry that must exist */
	return e;
}

/* The plan in ascending va (the layout's order): the verifier's linear
 * path.  The fixture's own order is not sorted: the general path. */
static void sorted_copy(const struct fixture *f, struct pt_mapping *m)
{
	memcpy(m, f->m, f->n * sizeof(*m));
	mappings_sort_va(m, f->n);
}

/* Verify in both orders, without and with the alias check's scratch,
 * expect E_WX_VERIFY with this field and value, tear down. */
static void expect_fail(struct fixture *f, const char *field, uint64_t value)
{
	struct pt_mapping sorted[PLAN_COUNT + 1];
	uint32_t idx[PLAN_COUNT + 1];

	sorted_copy(f, sorted);
	for (int pass = 0; pass < 4; pass++) {
		const struct pt_mapping *m = (pass & 1) ? sorted : f->m;

		memset(&f->d, 0, sizeof(f->d));
		EXPECT_ERR(wx_verify(f->cr3, arena_ptr, &f->a, m, f->n, (pass & 2) ? idx : NULL,
				     &f->d),
			   LDR_E_WX_VERIFY);
		EXPECT(f->d.field && !strcmp(f->d.field, field));
		EXPECT_EQ(f->d.value, value);
		if (harness_case_failed)
			printf("  %s order, %s: got field %s value %#llx\n",
			       (pass & 1) ? "sorted" : "plan", (pass & 2) ? "scratch" : "pairwise",
			       f->d.field ? f->d.field : "(null)", (unsigned long long)f->d.value);
	}
	arena_free(&f->a);
}

static void test_clean_tables_verify(void)
{
	struct fixture f;
	struct pt_mapping sorted[PLAN_COUNT + 1];

	REQUIRE(setup(&f));
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, f.m, f.n, NULL, &f.d), LDR_OK);
	sorted_copy(&f, sorted);
	EXPECT(pt_sorted_by_va(sorted, f.n) && !pt_sorted_by_va(f.m, f.n));
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, sorted, f.n, NULL, &f.d), LDR_OK);
	/* The root register's other bits (x86-64 PWT/PCD, arm64 ASID and CnP)
	 * are not part of the address. */
	EXPECT_ERR(wx_verify(pa_init(pa_addr(f.cr3) | RAW_ROOT_FLAGS), arena_ptr, &f.a, f.m, f.n,
			     NULL, &f.d),
		   LDR_OK);
	/* Sensitivity to the plan itself. */
	f.m[PLAN_RODATA].prot = R | W;
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, f.m, f.n, NULL, &f.d), LDR_E_WX_VERIFY);
	EXPECT(!strcmp(f.d.field, "prot") && f.d.value == RODATA);
	f.m[PLAN_RODATA].prot = R;
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, f.m, f.n - 1, NULL, &f.d), LDR_E_WX_VERIFY);
	EXPECT(!strcmp(f.d.field, "extra") && f.d.value == PLAN_TRAMP);
	f.m[PLAN_DIRECT_I].len -= K4; /* the last 1G leaf now runs past it */
	expect_fail(&f, "extra", PLAN_DIRECT + (UINT64_C(4) << 30) - K4);
}

/* The proof is about translations, not page sizes: the same tables verify
 * against a plan that cuts one mapping in two (the walker's run of leaves
 * then spans both), and a run is still checked page by page against each. */
static void test_run_across_mappings(void)
{
	struct fixture f;
	struct pt_mapping *d;

	REQUIRE(setup(&f));
	d = &f.m[PLAN_DATA];
	f.m[f.n++] = (struct pt_mapping){ va_add(d->va, 4 * K4), pa_add(d->pa, 4 * K4),
					  d->len - 4 * K4, d->prot };
	d->len = 4 * K4;
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, f.m, f.n, NULL, &f.d), LDR_OK);
	f.m[f.n - 1].pa = pa_add(f.m[f.n - 1].pa, K4); /* the second half's frames moved */
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, f.m, f.n, NULL, &f.d), LDR_E_WX_VERIFY);
	EXPECT(!strcmp(f.d.field, "frame") && f.d.value == DATA + 4 * K4);
	f.m[f.n - 1].pa = pa_add(d->pa, 4 * K4);
	f.m[f.n - 1].prot = R; /* or its prot */
	expect_fail(&f, "prot", DATA + 4 * K4);
}

static void test_leaf_made_wx(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	raw_leaf_allow_w(entry(&f, TEXT_TAIL, 1));
	expect_fail(&f, "leaf", TEXT_TAIL);
	REQUIRE(setup(&f));
	raw_leaf_allow_w(entry(&f, PLAN_KERNEL, 2)); /* the 2M text page */
	expect_fail(&f, "leaf", PLAN_KERNEL);
	REQUIRE(setup(&f));
	raw_leaf_allow_x(entry(&f, PLAN_DIRECT + SIZE_1G, 3)); /* a 1G RW page */
	expect_fail(&f, "leaf", PLAN_DIRECT + SIZE_1G);
}

static void test_nx_cleared(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	raw_leaf_allow_x(entry(&f, DATA + 2 * K4, 1));
	expect_fail(&f, "leaf", DATA + 2 * K4);
	REQUIRE(setup(&f));
	raw_leaf_allow_x(entry(&f, RODATA + K4, 1)); /* R becomes RX */
	expect_fail(&f, "prot", RODATA + K4);
	REQUIRE(setup(&f));
	raw_leaf_allow_w(entry(&f, RODATA, 1)); /* R becomes RW */
	expect_fail(&f, "prot", RODATA);
}

/* A table's restrictions hold for every level below it (x86-64: the AND
 * over the levels; arm64: APTable, PXNTable, UXNTable). */
static void test_intermediate_bits(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	raw_table_deny_x(entry(&f, PLAN_KERNEL, 3)); /* the entry of text's 2M leaf's table */
	expect_fail(&f, "prot", PLAN_KERNEL);
	REQUIRE(setup(&f));
	raw_table_deny_w(entry(&f, DATA, 2)); /* the entry of data's 4K table */
	expect_fail(&f, "prot", DATA);
	/* User access on the leaf alone, every table above denying it: still
	 * supervisor-only, so still the plan. */
	REQUIRE(setup(&f));
	raw_leaf_allow_user(entry(&f, DATA, 1));
	for (int l = 2; l <= 4; l++)
		raw_table_user(entry(&f, DATA, l), false);
	EXPECT_ERR(wx_verify(f.cr3, arena_ptr, &f.a, f.m, f.n, NULL, &f.d), LDR_OK);
	for (int l = 2; l <= 4; l++)
		raw_table_user(entry(&f, DATA, l), true);
	expect_fail(&f, "user", DATA);
}

static void test_extra_leaf(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	*entry(&f, PLAN_STACK - K4, 1) = pte_leaf(1, pa_init(0x3000000 - K4), R | W); /* guard */
	expect_fail(&f, "extra", PLAN_STACK - K4);
	REQUIRE(setup(&f));
	*entry(&f, 0, 1) = pte_leaf(1, pa_init(0), R); /* page 0 */
	expect_fail(&f, "extra", 0);
	REQUIRE(setup(&f));
	*entry(&f, DATA + 9 * K4, 1) = pte_leaf(1, pa_init(0x2211000), R | W); /* after data */
	expect_fail(&f, "extra", DATA + 9 * K4);
}

static void test_missing_leaf(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	*entry(&f, PLAN_STACK + 8 * K4, 1) = 0; /* a hole in the stack */
	expect_fail(&f, "missing", PLAN_STACK + 8 * K4);
	REQUIRE(setup(&f));
	*entry(&f, PLAN_STACK, 1) = 0; /* its first page */
	expect_fail(&f, "missing", PLAN_STACK);
	REQUIRE(setup(&f));
	*entry(&f, PLAN_TRAMP, 1) = 0; /* a whole one-page mapping */
	expect_fail(&f, "missing", PLAN_TRAMP);
	REQUIRE(setup(&f));
	*entry(&f, PLAN_INFO, 1) = *entry(&f, PLAN_INFO + K4, 1) = 0; /* a mapping in between */
	expect_fail(&f, "missing", PLAN_INFO);
	REQUIRE(setup(&f));
	*entry(&f, DATA + 8 * K4, 1) = 0; /* the last page of the last mapping */
	expect_fail(&f, "missing", DATA + 8 * K4);
	REQUIRE(setup(&f));
	*entry(&f, PLAN_DIRECT + SIZE_1G, 3) = 0; /* a 1G page */
	expect_fail(&f, "missing", PLAN_DIRECT + SIZE_1G);
	REQUIRE(setup(&f));
	*entry(&f, PLAN_KERNEL, 4) = 0; /* text, rodata and data at once */
	expect_fail(&f, "missing", PLAN_KERNEL);
}

static void test_wrong_frame(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	*entry(&f, DATA + K4, 1) += K4;
	expect_fail(&f, "frame", DATA + K4);
	REQUIRE(setup(&f));
	*entry(&f, PLAN_DIRECT + 2 * SIZE_1G, 3) ^= SIZE_1G;
	expect_fail(&f, "frame", PLAN_DIRECT + 2 * SIZE_1G);
}

static void test_bad_table_pointers(void)
{
	struct fixture f;

	REQUIRE(setup(&f));
	*entry(&f, PLAN_KERNEL, 4) = pte_table(pa_init(0x7000000000)); /* outside the arena */
	expect_fail(&f, "table", PLAN_KERNEL & ~((UINT64_C(1) << 39) - 1));
	EXPECT(f.a.lookups_failed > 0);
	REQUIRE(setup(&f));
	f.cr3 = pa_init(0x1000);
	expect_fail(&f, "table", 0);
	REQUIRE(setup(&f));
	raw_table_to_leaf(entry(&f, PLAN_KERNEL, 4)); /* no leaf at the top level */
	expect_fail(&f, "entry", PLAN_KERNEL & ~((UINT64_C(1) << 39) - 1));
	REQUIRE(setup(&f));
	*entry(&f, PLAN_KERNEL, 2) |= UINT64_C(1) << 16; /* reserved in a 2M leaf, both formats */
	expect_fail(&f, "entry", PLAN_KERNEL);
}

static bool count_leaf(void *arg, const struct pt_leaf *l)
{
	(void)l;
	return ++*(int *)arg < 3;
}

/* Aliased tables must not hang the walker. */
/* A writable alias of an executable frame is refused even though no single
 * leaf is W+X: here the direct map is made to cover the text frames. */
static void test_writable_alias_of_code(void)
{
	struct fixture f;
	struct pt_pool pool;

	memset(&f, 0, sizeof(f));
	arena_init(&f.a, ARENA_BASE, 64);
	pool = arena_pool(&f.a, true);
	f.n = plan_realistic(f.m);
	f.m[PLAN_TEXT].pa = pa_init(0x2000000); /* inside the RW direct map */
	REQUIRE(pt_build(f.m, f.n, &pool, &f.cr3, &f.d) == LDR_OK);
	expect_fail(&f, "alias", va_addr(f.m[PLAN_DIRECT_I].va));
}

static void test_walker_termination(void)
{
	struct arena a;
	struct ldr_diag d = { 0 };
	uint64_t *t;
	int calls = 0;

	arena_init(&a, ARENA_BASE, 4);
	memset(a.mem, 0, a.size);
	t = (uint64_t *)a.mem;
	for (int i = 0; i < 512; i++) {
		t[i] = pte_table(pa_init(ARENA_BASE + K4));	       /* PML4 -> page 1 */
		t[512 + i] = pte_table(pa_init(ARENA_BASE + 2 * K4));  /* PDPT -> page 2 */
		t[1024 + i] = pte_table(pa_init(ARENA_BASE + 3 * K4)); /* PD -> empty PT */
	}
	EXPECT_ERR(pt_walk(pa_init(ARENA_BASE), arena_ptr, &a, count_leaf, &calls, &d),
		   LDR_E_WX_VERIFY);
	EXPECT(d.field && !strcmp(d.field, "tables"));
	EXPECT_EQ(calls, 0);
	/* A root pointing at itself: leaves appear, the callback can stop. */
	memset(a.mem, 0, a.size);
	for (int i = 0; i < 4; i++)
		t[i] = pte_table(pa_init(ARENA_BASE));
	EXPECT_ERR(pt_walk(pa_init(ARENA_BASE), arena_ptr, &a, count_leaf, &calls, &d), LDR_OK);
	EXPECT_EQ(calls, 3);
	struct pt_mapping m = { va_init(0), pa_init(ARENA_BASE), K4, R };
	EXPECT_ERR(wx_verify(pa_init(ARENA_BASE), arena_ptr, &a, &m, 1, NULL, &d), LDR_E_WX_VERIFY);
	arena_free(&a);
}

/* The alias check's two ways (sort by frame with scratch, pairwise without)
 * give the same verdict and name the same mapping, on random lists of
 * writable, executable and read-only ranges over a small frame space (so
 * that aliases are frequent, and rare with few writable ones). */
static void test_alias_sorted_matches_pairwise(void)
{
	enum { N = 400 };
	static struct pt_mapping m[N];
	static uint32_t idx[N];
	uint64_t seed = 0x9e3779b97f4a7c15u;
	int fails = 0;

	for (int round = 0; round < 400; round++) {
		size_t n = 1 + (size_t)(round * 7919 % N);
		unsigned wshare = 1 + round % 40; /* out of 400 */

		for (size_t i = 0; i < n; i++) {
			uint64_t r;

			seed = seed * 6364136223846793005u + 1442695040888963407u;
			r = seed >> 11;
			m[i] = (struct pt_mapping){ va_init((uint64_t)i << 32),
						    pa_init((r % 100000) * K4),
						    (1 + (r >> 20) % 8) * K4,
						    (r >> 30) % 400 < wshare ? R | W :
						    ((r >> 40) & 1)	     ? R | X :
									       R };
		}
		struct ldr_diag a = { 0 }, b = { 0 };
		enum ldr_err ea = pt_check_aliases(m, n, NULL, &a);
		enum ldr_err eb = pt_check_aliases(m, n, idx, &b);

		EXPECT_ERR(eb, ea);
		EXPECT_EQ(b.value, a.value);
		EXPECT((!a.field && !b.field) || (a.field && b.field && !strcmp(a.field, b.field)));
		fails += ea != LDR_OK;
	}
	EXPECT(fails > 20 && fails < 380); /* both verdicts were exercised */
}

/* Among 2^17 mappings one writable range maps a frame of code: found, and
 * named as the pairwise check names it, with O(n log n) work (pairwise
 * over this list would take some 10^10 comparisons). */
static void test_alias_among_thousands(void)
{
	enum { N = 1 << 17 };
	struct pt_mapping *m = calloc(N, sizeof(*m));
	uint32_t *idx = calloc(N, sizeof(*idx));
	struct ldr_diag d = { 0 };

	REQUIRE(m && idx);
	/* Units of code and data, frames interleaved in reverse index order,
	 * no alias. */
	for (size_t i = 0; i < N; i++)
		m[i] = (struct pt_mapping){ va_init(UINT64_C(0xffff800000000000) + i * 2 * K4),
					    pa_init((N - i) * 2 * K4), K4,
					    (i & 1) ? R | W : R | X };
	EXPECT_ERR(pt_check_aliases(m, N, idx, &d), LDR_OK);
	/* The last mapping (writable) covers the frame of the code unit at
	 * index 6 and the data one at 5. */
	m[N - 1].pa = m[6].pa;
	m[N - 1].len = 4 * K4;
	EXPECT_ERR(pt_check_aliases(m, N, idx, &d), LDR_E_WX_VERIFY);
	EXPECT(d.field && !strcmp(d.field, "alias"));
	EXPECT_EQ(d.value, va_addr(m[N - 1].va));
	/* A lower-indexed writable alias of the same code is named instead. */
	m[3].pa = m[6].pa;
	EXPECT_ERR(pt_check_aliases(m, N, idx, &d), LDR_E_WX_VERIFY);
	EXPECT_EQ(d.value, va_addr(m[3].va));
	free(m);
	free(idx);
}

int main(void)
{
	RUN(test_clean_tables_verify);
	RUN(test_run_across_mappings);
	RUN(test_leaf_made_wx);
	RUN(test_nx_cleared);
	RUN(test_intermediate_bits);
	RUN(test_extra_leaf);
	RUN(test_missing_leaf);
	RUN(test_wrong_frame);
	RUN(test_bad_table_pointers);
	RUN(test_writable_alias_of_code);
	RUN(test_walker_termination);
	RUN(test_alias_sorted_matches_pairwise);
	RUN(test_alias_among_thousands);
	return harness_done();
}
