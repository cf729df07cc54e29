/* SPDX-License-Identifier: MIT */
/*
 * Walk the finished tables and prove them (Linux CONFIG_DEBUG_WX,
 * arch/x86/mm/dump_pagetables.c): one level-generic walker computing the
 * effective permission of every leaf, then a check against the plan.
 * Reads tables only through phys_ptr, so the test kernel can reuse it over
 * its direct map.
 */
#include "paging.h"

#include "../arch/arch.h"
#include "../../include/aslrboot.h"

struct walker {
	pt_phys_ptr_fn phys_ptr;
	void *ctx;
	pt_leaf_fn fn;
	void *arg;
	struct ldr_diag *diag;
	uint32_t tables;
	bool runs; /* report consecutive leaves of one table as one run */
	bool stop;
};

/* Permissions inherited from the entries above (SDM 4.6.1: W needs RW at
 * every level, X needs NX clear at every level, user needs US everywhere). */
struct perm {
	bool w, x, user;
};

static enum ldr_err walk_table(struct walker *w, paddr_t table, int level, uint64_t base,
			       struct perm up)
{
	const uint64_t *t;
	unsigned shift = pte_level_shift(level);
	enum ldr_err err;

	if (++w->tables > PT_WALK_MAX_TABLES)
		return ldr_fail(w->diag, LDR_E_WX_VERIFY, "page table", level, "tables",
				pte_va_sign_extend(base));
	t = w->phys_ptr(w->ctx, table, PTE_TABLE_SIZE);
	if (!t)
		return ldr_fail(w->diag, LDR_E_WX_VERIFY, "page table", level, "table",
				pte_va_sign_extend(base));
	for (unsigned i = 0, n; i < PTE_ENTRIES && !w->stop; i += n) {
		uint64_t va, raw, sz = pte_level_size(level);
		struct pte_info e;
		struct perm p;
		enum pte_kind kind;

		/* Fast path for the mostly empty tables: skip absent entries 8
		 * per test, up to the next group with one present. */
		if (!(i & 7)) {
			unsigned j = i;

			while (j < PTE_ENTRIES &&
			       !pte_present(t[j] | t[j + 1] | t[j + 2] | t[j + 3] | t[j + 4] |
					    t[j + 5] | t[j + 6] | t[j + 7]))
				j += 8;
			if (j != i) {
				n = j - i;
				continue;
			}
		}
		n = 1;
		raw = t[i];
		if (!pte_present(raw))
			continue;
		va = pte_va_sign_extend(base | ((uint64_t)i << shift));
		kind = pte_decode(level, raw, &e);
		if (kind == PTE_BAD)
			return ldr_fail(w->diag, LDR_E_WX_VERIFY, "page table", level, "entry", va);
		p = (struct perm){ up.w && e.w, up.x && e.x, up.user && e.user };
		if (kind == PTE_TABLE) {
			if ((err = walk_table(w, e.pa, level - 1, va, p)))
				return err;
			continue;
		}
		/* Same bits, next frame: decodes exactly like the first entry,
		 * one page further.  max keeps the frame below 2^52, so adding
		 * to raw never carries out of the address field. */
		if (w->runs) {
			uint64_t max = (PTE_PA_LIMIT - pa_addr(e.pa)) / sz, want = raw + sz;
			const uint64_t *q = t + i + 1, *end;

			end = t + i + (max < PTE_ENTRIES - i ? max : PTE_ENTRIES - i);
			for (; q < end && *q == want; q++)
				want += sz;
			n = (unsigned)(q - (t + i));
		}
		struct pt_leaf leaf = {
			.va = va_init(va),
			.pa = e.pa,
			.size = n * sz,
			.prot = ASLRBOOT_PROT_R | (p.w ? ASLRBOOT_PROT_W : 0) |
				(p.x ? ASLRBOOT_PROT_X : 0),
			.level = level,
			.user = p.user,
			.raw = raw,
		};
		w->stop = !w->fn(w->arg, &leaf);
	}
	return LDR_OK;
}

static enum ldr_err walk(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, pt_leaf_fn fn, void *arg,
			 bool runs, struct ldr_diag *diag)
{
	struct walker w = { phys_ptr, ctx, fn, arg, diag, 0, runs, false };
	paddr_t root = pte_root_table(pa_addr(cr3));

	return walk_table(&w, root, PTE_LEVELS, 0, (struct perm){ true, true, true });
}

enum ldr_err pt_walk(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, pt_leaf_fn fn, void *arg,
		     struct ldr_diag *diag)
{
	return walk(cr3, phys_ptr, ctx, fn, arg, false, diag);
}

/*
 * Leaves arrive in ascending va order and mappings are disjoint, so each
 * mapping's leaves form one contiguous block: track the current mapping and
 * the next va it expects; on leaving a mapping it must be complete, and no
 * mapping may lie between two consecutive blocks.
 */
struct verify {
	const struct pt_mapping *m;
	size_t n;
	size_t cur;	 /* current mapping, n before the first leaf */
	uint64_t next;	 /* va the next leaf of m[cur] must have */
	uint64_t done;	 /* bytes of m[cur] seen so far */
	uint64_t mapped; /* total leaf bytes */
	bool sorted;	 /* m[] in strictly ascending va (the layout's lists) */
	struct ldr_diag *diag;
	enum ldr_err err;
};

static bool bad(struct verify *v, const char *field, uint64_t va)
{
	v->err = ldr_fail(v->diag, LDR_E_WX_VERIFY, "page table", -1, field, va);
	return false;
}

static bool in(const struct pt_mapping *m, uint64_t va)
{
	return va - va_addr(m->va) < m->len;
}

/* The mapping holding va; sorted: usually the one after the current. */
static size_t find(const struct verify *v, uint64_t va)
{
	size_t j = v->cur == v->n ? 0 : v->cur + 1;

	if (v->sorted && j < v->n && in(&v->m[j], va))
		return j;
	for (size_t i = 0; i < v->n; i++)
		if (in(&v->m[i], va))
			return i;
	return v->n;
}

/* Lowest va of a mapping strictly between lo and hi (each bound optional):
 * sorted, those are the ones between the two indices. */
static bool gap_mapping(const struct verify *v, size_t j, uint64_t *out)
{
	bool has_lo = v->cur < v->n, has_hi = j < v->n, found = false;
	uint64_t lo = has_lo ? va_addr(v->m[v->cur].va) : 0;
	uint64_t hi = has_hi ? va_addr(v->m[j].va) : 0;

	if (v->sorted && (!has_lo || !has_hi || v->cur < j)) {
		size_t first = has_lo ? v->cur + 1 : 0;

		if (first < j)
			*out = va_addr(v->m[first].va);
		return first < j;
	}
	for (size_t i = 0; i < v->n; i++) {
		uint64_t va = va_addr(v->m[i].va);

		if ((has_lo && va <= lo) || (has_hi && va >= hi))
			continue;
		if (!found || va < *out)
			*out = va;
		found = true;
	}
	return found;
}

/* Close m[cur] (it must be complete) and start m[j] (j == n: the end). */
static bool switch_to(struct verify *v, size_t j)
{
	uint64_t va = 0;

	if (v->cur < v->n && v->done != v->m[v->cur].len)
		return bad(v, "missing", v->next);
	if (gap_mapping(v, j, &va))
		return bad(v, "missing", va);
	v->cur = j;
	v->done = 0;
	v->next = j < v->n ? va_addr(v->m[j].va) : 0;
	return true;
}

/* A run of leaves (one table, same bits, consecutive frames) may cover the
 * end of one mapping and the start of the next: take it mapping by mapping.
 * What is proven is the translation (va -> frame, prot) itself, whatever
 * page sizes carry it. */
static bool check_leaf(void *arg, const struct pt_leaf *l)
{
	struct verify *v = arg;
	uint64_t va = va_addr(l->va), pa = pa_addr(l->pa), size = l->size;

	if ((l->prot & ASLRBOOT_PROT_W) && (l->prot & ASLRBOOT_PROT_X))
		return bad(v, "leaf", va);
	if (l->user)
		return bad(v, "user", va);
	while (size) {
		const struct pt_mapping *m;
		uint64_t off, take;

		if (v->cur == v->n || va != v->next || v->done == v->m[v->cur].len) {
			size_t j = find(v, va);

			if (j == v->n)
				return bad(v, "extra", va);
			if (!switch_to(v, j))
				return false;
			if (va != v->next) /* the start of m[j] is not mapped */
				return bad(v, "missing", v->next);
		}
		m = &v->m[v->cur];
		off = va - va_addr(m->va);
		take = m->len - off;
		if (take > size)
			take = size;
		if (l->prot != m->prot)
			return bad(v, "prot", va);
		if (pa != pa_addr(m->pa) + off)
			return bad(v, "frame", va);
		v->done += take;
		v->next = va + take;
		v->mapped += take;
		va += take;
		pa += take;
		size -= take;
	}
	return true;
}

static uint64_t pa_of(const struct pt_mapping *m, uint32_t i)
{
	return pa_addr(m[i].pa);
}

/* Heapsort of the indices idx[0..n) by physical start: in place, no
 * recursion, O(n log n) in the worst case. */
static void sift(const struct pt_mapping *m, uint32_t *idx, size_t root, size_t n)
{
	uint32_t top = idx[root];

	for (size_t c; (c = 2 * root + 1) < n; root = c) {
		if (c + 1 < n && pa_of(m, idx[c + 1]) > pa_of(m, idx[c]))
			c++;
		if (pa_of(m, idx[c]) <= pa_of(m, top))
			break;
		idx[root] = idx[c];
	}
	idx[root] = top;
}

static void sort_by_pa(const struct pt_mapping *m, uint32_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	for (size_t i = n / 2; i-- > 0;)
		sift(m, idx, i, n);
	for (size_t i = n; i-- > 1;) {
		uint32_t t = idx[0];

		idx[0] = idx[i];
		idx[i] = t;
		sift(m, idx, 0, i);
	}
}

/*
 * The lowest index of an executable mapping whose frames some writable
 * mapping also maps (n if none), from the mappings in ascending physical
 * start: a writable range before x in that order overlaps x iff it ends
 * above x's start, one after it iff it starts below x's end.  So one pass
 * each way, keeping the highest writable end behind and the lowest
 * writable start ahead, finds every executable mapping with an alias.
 */
static size_t first_aliased(const struct pt_mapping *m, const uint32_t *idx, size_t n)
{
	size_t first = n;
	uint64_t w_end = 0, w_start = UINT64_MAX;

	for (size_t k = 0; k < n; k++) {
		const struct pt_mapping *e = &m[idx[k]];

		if ((e->prot & ASLRBOOT_PROT_X) &&
		    (w_end > pa_addr(e->pa) || (e->prot & ASLRBOOT_PROT_W)) && idx[k] < first)
			first = idx[k];
		if ((e->prot & ASLRBOOT_PROT_W) && pa_addr(e->pa) + e->len > w_end)
			w_end = pa_addr(e->pa) + e->len;
	}
	for (size_t k = n; k-- > 0;) {
		const struct pt_mapping *e = &m[idx[k]];

		if ((e->prot & ASLRBOOT_PROT_X) && w_start < pa_addr(e->pa) + e->len &&
		    idx[k] < first)
			first = idx[k];
		if (e->prot & ASLRBOOT_PROT_W)
			w_start = pa_addr(e->pa);
	}
	return first;
}

/*
 * No physical frame is both writable somewhere and executable somewhere: a
 * writable alias of code (e.g. through the direct map) would defeat W^X as
 * surely as a W+X leaf.  Run on m[] once the walk proved the leaves are
 * exactly m[] (so every len > 0 and no range wraps).  The verdict is that
 * of comparing every executable mapping, in index order, with every
 * writable one in index order: the first pair found names the writable
 * one.  With idx (n entries) the executable mapping is found through a
 * sort by physical address, O(n log n); without, pairwise.
 */
enum ldr_err pt_check_aliases(const struct pt_mapping *m, size_t n, uint32_t *idx,
			      struct ldr_diag *diag)
{
	size_t i = 0, end = n;

	if (idx) {
		sort_by_pa(m, idx, n);
		i = first_aliased(m, idx, n);
		end = i < n ? i + 1 : n;
	}
	for (; i < end; i++) {
		if (!(m[i].prot & ASLRBOOT_PROT_X))
			continue;
		for (size_t j = 0; j < n; j++)
			if ((m[j].prot & ASLRBOOT_PROT_W) &&
			    ranges_overlap(pa_addr(m[i].pa), m[i].len, pa_addr(m[j].pa), m[j].len))
				return ldr_fail(diag, LDR_E_WX_VERIFY, "page table", -1, "alias",
						va_addr(m[j].va));
	}
	return LDR_OK;
}

enum ldr_err wx_verify(paddr_t cr3, pt_phys_ptr_fn phys_ptr, void *ctx, const struct pt_mapping *m,
		       size_t n, uint32_t *scratch, struct ldr_diag *diag)
{
	struct verify v = { .m = m,
			    .n = n,
			    .cur = n,
			    .sorted = pt_sorted_by_va(m, n),
			    .diag = diag,
			    .err = LDR_OK };
	uint64_t want = 0;
	enum ldr_err err;

	if ((err = pt_check(m, n, diag)))
		return err;
	if ((err = walk(cr3, phys_ptr, ctx, check_leaf, &v, true, diag)))
		return err;
	if (v.err || !switch_to(&v, n))
		return v.err;
	/* Implied by the block checks above; kept as the headline invariant. */
	for (size_t i = 0; i < n; i++)
		want += m[i].len;
	if (v.mapped != want)
		return ldr_fail(diag, LDR_E_WX_VERIFY, "page table", -1, "total", v.mapped);
	return pt_check_aliases(m, n, scratch, diag);
}
