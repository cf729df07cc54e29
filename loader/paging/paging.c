/* SPDX-License-Identifier: MIT */
/*
 * Level-generic page-table builder (Linux ident_map_64.c, Hafnium mm.c):
 * every level is handled by one function driven by the architecture's
 * page-table format (../arch/arch.h).  Each
 * mapping uses the largest page whose va, pa and remaining length allow it.
 * Validate (pt_check, pool size from pt_count_tables), then write.
 */
#include "paging.h"

#include "../libc.h"
#include "../arch/arch.h"
#include "../../include/aslrboot.h"

/* One stretch of a mapping that uses a single page size. */
struct pt_run {
	uint64_t va, pa, len;
	int level;
};
/* Page sizes rise then fall along a mapping: 4K 2M 1G 2M 4K. */
#define PT_MAX_RUNS (2 * (PTE_LEVELS - 1) - 1)

static enum ldr_err check_one(const struct pt_mapping *m, size_t i, struct ldr_diag *d)
{
	uint64_t va = va_addr(m->va), pa = pa_addr(m->pa), vlast, plast;
	int64_t idx = (int64_t)i;

	if ((m->prot & ASLRBOOT_PROT_W) && (m->prot & ASLRBOOT_PROT_X))
		return ldr_fail(d, LDR_E_PT_WX, "mapping", idx, "prot", m->prot);
	if (!leaf_prot_ok(m->prot)) /* W|X is out already: unknown bits or no R */
		return ldr_fail(d, LDR_E_PT_MAP, "mapping", idx, "prot", m->prot);
	if (!is_aligned(va, PAGE_SIZE))
		return ldr_fail(d, LDR_E_PT_MAP, "mapping", idx, "va", va);
	if (!is_aligned(pa, PAGE_SIZE))
		return ldr_fail(d, LDR_E_PT_MAP, "mapping", idx, "pa", pa);
	if (!m->len || !is_aligned(m->len, PAGE_SIZE) ||
	    __builtin_add_overflow(va, m->len - 1, &vlast))
		return ldr_fail(d, LDR_E_PT_MAP, "mapping", idx, "len", m->len);
	/* Both ends canonical and in the same half: the hole lies between. */
	if (!pte_va_canonical(va) || !pte_va_canonical(vlast) || ((va ^ vlast) >> 63))
		return ldr_fail(d, LDR_E_PT_MAP, "mapping", idx, "canonical", va);
	if (__builtin_add_overflow(pa, m->len - 1, &plast) || plast >= PTE_PA_LIMIT)
		return ldr_fail(d, LDR_E_PT_MAP, "mapping", idx, "pa", pa);
	return LDR_OK;
}

bool pt_sorted_by_va(const struct pt_mapping *m, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (va_addr(m[i - 1].va) >= va_addr(m[i].va))
			return false;
	return true;
}

enum ldr_err pt_check(const struct pt_mapping *m, size_t n, struct ldr_diag *diag)
{
	bool sorted = pt_sorted_by_va(m, n);
	enum ldr_err err;

	for (size_t i = 0; i < n; i++)
		if ((err = check_one(&m[i], i, diag)))
			return err;
	/* Ends cannot wrap now, so last = va + len - 1 is exact. */
	for (size_t j = 1; j < n; j++) {
		uint64_t vj = va_addr(m[j].va), lj = vj + m[j].len - 1;

		for (size_t i = sorted ? j - 1 : 0; i < j; i++) {
			uint64_t vi = va_addr(m[i].va), li = vi + m[i].len - 1;

			if (vi <= lj && vj <= li)
				return ldr_fail(diag, LDR_E_PT_MAP, "mapping", (int64_t)j,
						"overlap", vj);
		}
	}
	return LDR_OK;
}

/* Largest leaf level whose page size va, pa and len all allow. */
static int best_level(uint64_t va, uint64_t pa, uint64_t len, bool allow_1g)
{
	int best = 1;

	for (int l = 2; l <= PTE_LEVELS; l++) {
		uint64_t sz = pte_level_size(l);

		if (pte_level_can_leaf(l, allow_1g) && is_aligned(va | pa, sz) && len >= sz)
			best = l;
	}
	return best;
}

/*
 * The page sizes map_range() will pick, as runs (greedy largest page).  A
 * run stops where the next larger page size congruent with va - pa could
 * start, or where the remaining length is shorter than its page.
 */
static size_t pt_split(const struct pt_mapping *m, bool allow_1g, struct pt_run *out)
{
	uint64_t va = va_addr(m->va), pa = pa_addr(m->pa), len = m->len;
	size_t k = 0;

	while (len) {
		int l = best_level(va, pa, len, allow_1g);
		uint64_t take = align_down(len, pte_level_size(l));

		for (int u = l + 1; u <= PTE_LEVELS; u++) {
			uint64_t usz = pte_level_size(u), to = (usz - (va & (usz - 1))) & (usz - 1);

			if (!pte_level_can_leaf(u, allow_1g) || !is_aligned(va ^ pa, usz))
				continue;
			if (to && to < take)
				take = to;
			break;
		}
		if (k && out[k - 1].level == l)
			out[k - 1].len += take;
		else if (k < PT_MAX_RUNS)
			out[k++] = (struct pt_run){ va, pa, take, l };
		va += take;
		pa += take;
		len -= take;
	}
	return k;
}

/*
 * Next valid mapping in ascending va after m[prev] (prev == n: the first),
 * n when none is left.  Linear for sorted input; a selection scan otherwise.
 */
static size_t next_by_va(const struct pt_mapping *m, size_t n, size_t prev, bool sorted)
{
	size_t best = n;

	if (sorted) {
		for (size_t i = prev == n ? 0 : prev + 1; i < n; i++)
			if (!check_one(&m[i], i, NULL))
				return i;
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t va = va_addr(m[i].va);

		if ((prev != n && va <= va_addr(m[prev].va)) ||
		    (best != n && va >= va_addr(m[best].va)) || check_one(&m[i], i, NULL))
			continue;
		best = i;
	}
	return best;
}

/*
 * A table at level L serves one region of 2^shift(L+1) bytes and is needed
 * iff a leaf of level <= L lies in it, i.e. iff a run of level <= L touches
 * the region.  Visiting the runs in ascending va, each level's region spans
 * arrive in ascending order, so their union is counted in one pass: a span
 * only adds the regions past the last one counted at that level.
 */
uint64_t pt_count_tables(const struct pt_mapping *m, size_t n, bool allow_1g)
{
	uint64_t total = 1;		   /* the top-level table */
	uint64_t next[PTE_LEVELS] = { 0 }; /* first region not yet counted, per level */
	bool any[PTE_LEVELS] = { false };
	bool sorted = pt_sorted_by_va(m, n);
	struct pt_run r[PT_MAX_RUNS];

	for (size_t i = next_by_va(m, n, n, sorted); i < n; i = next_by_va(m, n, i, sorted)) {
		size_t k = pt_split(&m[i], allow_1g, r);

		for (size_t a = 0; a < k; a++) {
			for (int L = r[a].level; L < PTE_LEVELS; L++) {
				unsigned g = pte_level_shift(L + 1);
				uint64_t f = r[a].va >> g, l = (r[a].va + r[a].len - 1) >> g;

				if (any[L] && f < next[L])
					f = next[L];
				if (f > l)
					continue;
				total += l - f + 1;
				next[L] = l + 1;
				any[L] = true;
			}
		}
	}
	return total;
}

struct pt_builder {
	struct pt_pool *pool;
	struct ldr_diag *diag;
	int64_t index; /* mapping being written, for diag */
};

static enum ldr_err pt_alloc(struct pt_builder *b, paddr_t *pa)
{
	struct pt_pool *p = b->pool;
	void *t;

	if (p->used >= p->pages)
		return ldr_fail(b->diag, LDR_E_NOMEM, "page table", -1, "pool", p->pages);
	*pa = pa_add(p->base, p->used * PAGE_SIZE);
	t = p->phys_ptr(p->ctx, *pa, PTE_TABLE_SIZE);
	if (!t)
		return ldr_fail(b->diag, LDR_E_PT_MAP, "page table", -1, "pool", pa_addr(*pa));
	memset(t, 0, PTE_TABLE_SIZE);
	p->used++;
	return LDR_OK;
}

/* Map [va, va+len) -> pa in the table at `level`, descending as needed. */
static enum ldr_err map_range(struct pt_builder *b, paddr_t table, int level, uint64_t va,
			      uint64_t pa, uint64_t len, uint32_t prot)
{
	uint64_t *t = b->pool->phys_ptr(b->pool->ctx, table, PTE_TABLE_SIZE);
	uint64_t sz = pte_level_size(level);
	enum ldr_err err;

	if (!t)
		return ldr_fail(b->diag, LDR_E_PT_MAP, "mapping", b->index, "table", va);
	while (len) {
		uint64_t *e = &t[pte_index(va, level)], chunk = sz - (va & (sz - 1));
		struct pte_info info;
		paddr_t next;

		if (chunk > len)
			chunk = len;
		if (pte_level_can_leaf(level, b->pool->allow_1g) && chunk == sz &&
		    is_aligned(pa, sz)) {
			/* A run of leaves to the end of the table or of the range:
			 * the entries differ only by the frame. */
			uint64_t leaf = pte_leaf(level, pa_init(pa), prot), old = 0;

			chunk = (uint64_t)(t + PTE_ENTRIES - e) * sz;
			if (chunk > len)
				chunk = align_down(len, sz);
			/* pt_check() ruled out overlap and bad prot: belt and braces
			 * (an error stops the build, the half-written run is unused). */
			if (!leaf)
				return ldr_fail(b->diag, LDR_E_PT_MAP, "mapping", b->index, "leaf",
						va);
			for (uint64_t *end = e + chunk / sz; e < end; e++, leaf += sz) {
				old |= *e;
				*e = leaf;
			}
			if (pte_present(old))
				return ldr_fail(b->diag, LDR_E_PT_MAP, "mapping", b->index, "leaf",
						va);
		} else {
			switch (pte_decode(level, *e, &info)) {
			case PTE_EMPTY:
				if ((err = pt_alloc(b, &next)))
					return err;
				*e = pte_table(next);
				break;
			case PTE_TABLE: next = info.pa; break;
			default:
				return ldr_fail(b->diag, LDR_E_PT_MAP, "mapping", b->index, "leaf",
						va);
			}
			if ((err = map_range(b, next, level - 1, va, pa, chunk, prot)))
				return err;
		}
		va += chunk; /* may wrap to 0 after the top page: len is 0 then */
		pa += chunk;
		len -= chunk;
	}
	return LDR_OK;
}

static enum ldr_err check_pool(const struct pt_pool *p, struct ldr_diag *diag)
{
	uint64_t bytes, end;

	if (!p->phys_ptr || !is_aligned(pa_addr(p->base), PAGE_SIZE) || p->used > p->pages ||
	    __builtin_mul_overflow(p->pages, PAGE_SIZE, &bytes) ||
	    __builtin_add_overflow(pa_addr(p->base), bytes, &end) || end > PTE_PA_LIMIT)
		return ldr_fail(diag, LDR_E_PT_MAP, "page table", -1, "pool", pa_addr(p->base));
	return LDR_OK;
}

enum ldr_err pt_build(const struct pt_mapping *m, size_t n, struct pt_pool *pool, paddr_t *cr3,
		      struct ldr_diag *diag)
{
	struct pt_builder b = { pool, diag, -1 };
	uint64_t need;
	paddr_t root;
	enum ldr_err err;

	if ((err = pt_check(m, n, diag)) || (err = check_pool(pool, diag)))
		return err;
	need = pt_count_tables(m, n, pool->allow_1g);
	if (need > pool->pages - pool->used)
		return ldr_fail(diag, LDR_E_NOMEM, "page table", -1, "pool", need);
	if ((err = pt_alloc(&b, &root)))
		return err;
	for (size_t i = 0; i < n; i++) {
		b.index = (int64_t)i;
		err = map_range(&b, root, PTE_LEVELS, va_addr(m[i].va), pa_addr(m[i].pa), m[i].len,
				m[i].prot);
		if (err)
			return err;
	}
	*cr3 = root;
	return LDR_OK;
}
