// SPDX-License-Identifier: MIT
/*
 * The mapping list: everything the page tables must contain and nothing
 * else, sorted by va.  The direct map covers every RAM-like page RW+NX,
 * except the frames of read-only kernel regions and of the trampoline,
 * which it maps R: no writable alias of code, no executable alias at all.
 */
#include "internal.h"

#define PROT_RW (ASLRBOOT_PROT_R | ASLRBOOT_PROT_W)
#define TOP_SLOT pte_level_size(PTE_LEVELS) /* what one top-level entry covers */

static bool ram_like(uint32_t type)
{
	return type != ASLRBOOT_MEM_RESERVED && type != ASLRBOOT_MEM_BAD;
}

/* Regions whose frames the direct map must not alias writably (at section
 * granularity: the blocks without W, not their units one by one). */
static bool ro_frames(const struct layout_region *r)
{
	return (r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT && !(r->prot & ASLRBOOT_PROT_W)) ||
	       r->kind == ASLRBOOT_RGN_TRAMPOLINE;
}

static bool backed(const struct layout_region *r)
{
	switch (r->kind) {
	case ASLRBOOT_RGN_KERNEL_SEGMENT:
	case ASLRBOOT_RGN_KERNEL_SECTION:
	case ASLRBOOT_RGN_STACK:
	case ASLRBOOT_RGN_HEAP:
	case ASLRBOOT_RGN_BOOT_INFO:
	case ASLRBOOT_RGN_PAGE_TABLES:
	case ASLRBOOT_RGN_TRAMPOLINE: return true;
	default: return false;
	}
}

static enum ldr_err emit(struct layout_plan *p, uint64_t va, uint64_t pa, uint64_t len,
			 uint32_t prot)
{
	if (!len)
		return LDR_OK;
	if (p->map_count == p->map_cap)
		return LDR_E_LAYOUT;
	p->map[p->map_count++] = (struct pt_mapping){ va_init(va), pa_init(pa), len, prot };
	return LDR_OK;
}

static void sort_frames(struct frange *f, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		struct frange t = f[i];
		uint32_t j = i;
		for (; j > 0 && f[j - 1].lo > t.lo; j--)
			f[j] = f[j - 1];
		f[j] = t;
	}
}

/* One RAM-like piece [lo, hi), with the read-only frames carved out. */
static enum ldr_err emit_piece(struct layout_plan *p, uint64_t lo, uint64_t hi,
			       const struct frange *ro, uint32_t nro, uint32_t *next)
{
	uint64_t dm = va_addr(p->direct_map);
	enum ldr_err err;

	for (; *next < nro && ro[*next].lo < hi; (*next)++) {
		const struct frange *f = &ro[*next];
		if (f->lo < lo || f->hi > hi)
			return LDR_E_LAYOUT; /* a kernel frame outside RAM */
		if ((err = emit(p, dm + lo, lo, f->lo - lo, PROT_RW)) ||
		    (err = emit(p, dm + f->lo, f->lo, f->hi - f->lo, ASLRBOOT_PROT_R)))
			return err;
		lo = f->hi;
	}
	return emit(p, dm + lo, lo, hi - lo, PROT_RW);
}

/* Direct-map pieces, ascending: RAM-like entries rounded out to pages;
 * the read-only frames carved out if `carve`. */
static enum ldr_err map_direct(struct layout_plan *p, const struct memmap *mm, bool carve)
{
	struct frange ro[LAYOUT_MAX_REGIONS + LAYOUT_MAX_BLOCKS];
	uint32_t nro = 0, next = 0;
	uint64_t lo = 0, hi = 0;
	enum ldr_err err;

	for (uint32_t i = 0; carve && i < p->count; i++) {
		if (!ro_frames(&p->r[i]))
			continue;
		if (nro == LAYOUT_MAX_REGIONS)
			return LDR_E_LAYOUT;
		ro[nro++] = (struct frange){ pa_addr(p->r[i].phys),
					     pa_addr(p->r[i].phys) + p->r[i].size };
	}
	for (uint32_t k = 0; carve && k < p->nblk; k++)
		if (!(p->blk[k].prot & ASLRBOOT_PROT_W))
			ro[nro++] = (struct frange){ pa_addr(p->blk[k].phys),
						     pa_addr(p->blk[k].phys) + p->blk[k].size };
	sort_frames(ro, nro);
	for (uint32_t i = 0; i < mm->count; i++) {
		const struct mm_entry *e = &mm->e[i];
		uint64_t b = align_down(e->base, PAGE_SIZE), end;
		if (!ram_like(e->type))
			continue;
		if (!align_up_checked(e->base + e->len, PAGE_SIZE, &end))
			return LDR_E_RANGE;
		if (hi && b <= hi) { /* touches or overlaps the previous piece */
			hi = end > hi ? end : hi;
			continue;
		}
		if (hi && (err = emit_piece(p, lo, hi, ro, nro, &next)))
			return err;
		lo = b;
		hi = end;
	}
	if (hi && (err = emit_piece(p, lo, hi, ro, nro, &next)))
		return err;
	return next == nro ? LDR_OK : LDR_E_LAYOUT;
}

/* Heap sort by va (O(n log n) for thousands of section units, no scratch);
 * the va of every mapping is distinct, so the order is the only one. */
/* Sift m[i] down: the larger child moves up into the hole until m[i] fits
 * (the swaps of the textbook version, with one store per level). */
static void sift(struct pt_mapping *m, uint32_t i, uint32_t n)
{
	struct pt_mapping t = m[i];
	uint64_t key = va_addr(t.va);

	for (uint32_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && va_addr(m[c + 1].va) > va_addr(m[c].va))
			c++;
		if (key >= va_addr(m[c].va))
			break;
		m[i] = m[c];
	}
	m[i] = t;
}

static void sort_maps(struct pt_mapping *m, uint32_t n)
{
	for (uint32_t i = n / 2; i > 0; i--)
		sift(m, i - 1, n);
	for (uint32_t i = n; i > 1; i--) {
		struct pt_mapping t = m[0];
		m[0] = m[i - 1];
		m[i - 1] = t;
		sift(m, 0, i - 1);
	}
}

enum ldr_err layout_map_build(struct layout_plan *p, const struct memmap *mm, struct ldr_diag *diag)
{
	enum ldr_err err;

	p->map_count = 0;
	if ((err = map_direct(p, mm, true)))
		return ldr_fail(diag, err, "direct map", -1, "pieces", p->map_count);
	for (uint32_t i = 0; i < p->count; i++)
		if (backed(&p->r[i]) && (err = emit(p, va_addr(p->r[i].virt), pa_addr(p->r[i].phys),
						    p->r[i].size, p->r[i].prot)))
			return ldr_fail(diag, err, "mapping list", -1, "count", p->map_count);
	sort_maps(p->map, p->map_count);
	return LDR_OK;
}

/* [lo, lo+len) contains an aligned block of `size` bytes. */
static bool holds_page(uint64_t lo, uint64_t len, uint64_t size)
{
	uint64_t a;

	return align_up_checked(lo, size, &a) && a - lo <= len && len - (a - lo) >= size;
}

/* Most `size` slots that len bytes at an address that is a multiple of
 * `step` can touch. */
static uint64_t worst_slots(uint64_t len, uint64_t size, uint64_t step)
{
	return 1 + (len - 1 + (size - step)) / size;
}

/* Tables below the top level that len bytes anywhere (step-aligned) can need. */
static uint64_t worst_tables(uint64_t len, uint64_t step)
{
	uint64_t n = 0;

	for (int level = 2; level <= PTE_LEVELS; level++)
		n += worst_slots(len, pte_level_size(level), step);
	return n;
}

/* 1 if the address is not 2 MiB aligned and its slot is not *last. */
static uint64_t end_slot(uint64_t a, uint64_t *last)
{
	if (is_aligned(a, SIZE_2M) || a >> 21 == *last)
		return 0;
	*last = a >> 21;
	return 1;
}

enum ldr_err layout_map_bound(struct layout_plan *p, const struct memmap *mm, bool allow_1g,
			      uint64_t *tables)
{
	uint64_t n = 1 + 3, per_cut = 0, klo = UINT64_MAX, khi = 0, dlo, dhi;
	uint64_t last_slot = UINT64_MAX;
	enum ldr_err err;

	p->map_count = 0;
	if ((err = map_direct(p, mm, false)))
		return err;
	if (p->map_count) {
		/* Page tables only at the unaligned ends of each piece (the
		 * direct map is 2 MiB aligned); directories and PDPTs for the
		 * span of the whole direct map. */
		dlo = pa_addr(p->map[0].pa);
		dhi = pa_addr(p->map[p->map_count - 1].pa) + p->map[p->map_count - 1].len;
		n += worst_slots(dhi - dlo, SIZE_1G, PAGE_SIZE) +
		     worst_slots(dhi - dlo, TOP_SLOT, PAGE_SIZE);
	}
	for (uint32_t i = 0; i < p->map_count; i++) {
		uint64_t lo = pa_addr(p->map[i].pa), len = p->map[i].len;
		/* The 2 MiB slots holding an unaligned end, each once (the
		 * pieces ascend: a shared slot is the last one counted). */
		n += end_slot(lo, &last_slot) + end_slot(lo + len, &last_slot);
		/* A cut adds tables only inside a large page: a page table in
		 * a 2 MiB one, a page table and a directory in a 1 GiB one. */
		if (allow_1g && holds_page(lo, len, SIZE_1G))
			per_cut = 2;
		else if (holds_page(lo, len, SIZE_2M) && !per_cut)
			per_cut = 1;
	}
	p->map_count = 0;
	for (uint32_t i = 0; i < p->count; i++) {
		const struct layout_region *r = &p->r[i];
		uint64_t va = va_addr(r->virt);
		if (ro_frames(r))
			n += 2 * per_cut;
		if (r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT ||
		    r->kind == ASLRBOOT_RGN_KERNEL_SECTION) {
			klo = va < klo ? va : klo;
			khi = va + r->size > khi ? va + r->size : khi;
		} else if (backed(r) && r->kind != ASLRBOOT_RGN_TRAMPOLINE) {
			n += worst_tables(r->size, PAGE_SIZE);
		}
	}
	for (uint32_t k = 0; k < p->nblk; k++)
		if (!(p->blk[k].prot & ASLRBOOT_PROT_W))
			n += 2 * per_cut;
	/* All units share one offset, or lie in the section window: their
	 * pieces lie in one span. */
	if (khi)
		n += worst_tables(khi - klo, PAGE_SIZE);
	*tables = n;
	return LDR_OK;
}

#define POOL_MAX_ITER 16

/*
 * The pool mapping can share a table only with mappings in the same 512
 * GiB slots, a contiguous run [*i0, *i1) of the sorted list: counting that
 * run with and without it gives the tables it adds, exactly, without the
 * quadratic count over the whole list.  Inclusive ends: no wrap at 2^64.
 */
static void slot_run(const struct layout_plan *p, const struct pt_mapping *m, uint32_t *i0,
		     uint32_t *i1)
{
	uint64_t lo = align_down(va_addr(m->va), TOP_SLOT);
	uint64_t hi = align_down(va_addr(m->va) + m->len - 1, TOP_SLOT) + (TOP_SLOT - 1);
	uint32_t i = 0, j;

	while (i < p->map_count && va_addr(p->map[i].va) + (p->map[i].len - 1) < lo)
		i++;
	for (j = i; j < p->map_count && va_addr(p->map[j].va) <= hi; j++)
		;
	*i0 = i;
	*i1 = j;
}

/*
 * Shrinking the pool only drops tables, except where it breaks a large
 * page; the loop is bounded and never grows past the reserved bound.
 */
enum ldr_err layout_map_add_pool(struct layout_plan *p, const struct pt_mapping *pool, uint64_t n0,
				 bool allow_1g, uint64_t *pages)
{
	uint64_t big = pool->len / PAGE_SIZE, g = big, n, s0;
	uint32_t i0, i1, idx;

	*pages = 0;
	if (p->map_count == p->map_cap)
		return LDR_E_LAYOUT;
	slot_run(p, pool, &i0, &i1);
	s0 = pt_count_tables(&p->map[i0], i1 - i0, allow_1g);
	for (idx = p->map_count; idx > 0 && va_addr(p->map[idx - 1].va) > va_addr(pool->va); idx--)
		p->map[idx] = p->map[idx - 1];
	p->map[idx] = *pool;
	p->map_count++;
	for (int iter = 0;; iter++) {
		n = n0 + pt_count_tables(&p->map[i0], i1 + 1 - i0, allow_1g) - s0;
		if (n == g)
			break;
		if (n == 0 || n > big || iter == POOL_MAX_ITER)
			return LDR_E_LAYOUT;
		g = n;
		p->map[idx].len = g * PAGE_SIZE;
	}
	*pages = g;
	return LDR_OK;
}

static bool mapping_ok(const struct pt_mapping *m)
{
	uint64_t va = va_addr(m->va), end, pend;

	if (!m->len || !is_aligned(va | pa_addr(m->pa) | m->len, PAGE_SIZE))
		return false;
	if ((m->prot & ASLRBOOT_PROT_W) && (m->prot & ASLRBOOT_PROT_X))
		return false;
	if (!range_end(pa_addr(m->pa), m->len, &pend) || !range_end(va, m->len, &end))
		return false;
	if (va < PAGE_SIZE) /* page 0 stays unmapped: NULL dereferences fault */
		return false;
	/* Entirely in one canonical half. */
	return va >= LAYOUT_VWIN_LO ? end <= LAYOUT_VWIN_HI : end <= PTE_VA_LOW_END;
}

enum ldr_err layout_map_check(const struct layout_plan *p, struct ldr_diag *diag)
{
	for (uint32_t i = 0; i < p->map_count; i++) {
		const struct pt_mapping *m = &p->map[i];
		if (!mapping_ok(m))
			return ldr_fail(diag, LDR_E_LAYOUT, "mapping", i, "va", va_addr(m->va));
		if (i && va_addr(p->map[i - 1].va) + p->map[i - 1].len > va_addr(m->va))
			return ldr_fail(diag, LDR_E_LAYOUT, "mapping", i, "overlap",
					va_addr(m->va));
	}
	return LDR_OK;
}
