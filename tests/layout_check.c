// SPDX-License-Identifier: MIT
/*
 * Independent checker of a layout plan, for test_layout: every region in
 * its window and in USABLE memory, no overlaps, the kernel's slide and
 * segment pieces (or, at section granularity, every unit in the window
 * with its page offset and alignment kept and its frames in its class's
 * block), guards, the mapping list (regions + direct map, never W|X,
 * read-only aliases of code) and the exact page-table pool size.
 */
#include "layout_check.h"

#include <string.h>

#define MIB (UINT64_C(1) << 20)
#define RW (ASLRBOOT_PROT_R | ASLRBOOT_PROT_W)

bool lc_backed(const struct layout_region *r)
{
	return r->kind != ASLRBOOT_RGN_GUARD && r->kind != ASLRBOOT_RGN_DIRECT_MAP;
}

static bool ro_frames(const struct layout_region *r)
{
	return ((r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT ||
		 r->kind == ASLRBOOT_RGN_KERNEL_SECTION) &&
		!(r->prot & ASLRBOOT_PROT_W)) ||
	       r->kind == ASLRBOOT_RGN_TRAMPOLINE;
}

static bool in_usable(const struct memmap *mm, uint64_t pa, uint64_t len)
{
	for (uint32_t i = 0; i < mm->count; i++)
		if (mm->e[i].type == ASLRBOOT_MEM_USABLE && pa >= mm->e[i].base &&
		    pa + len <= mm->e[i].base + mm->e[i].len)
			return true;
	return false;
}

static bool overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

uint64_t lc_direct_map_bytes(const struct memmap *mm)
{
	uint64_t sum = 0, lo = 0, hi = 0;

	for (uint32_t i = 0; i < mm->count; i++) {
		uint64_t b = mm->e[i].base & ~UINT64_C(0xfff);
		uint64_t e = (mm->e[i].base + mm->e[i].len + 0xfff) & ~UINT64_C(0xfff);
		if (mm->e[i].type == ASLRBOOT_MEM_RESERVED || mm->e[i].type == ASLRBOOT_MEM_BAD)
			continue;
		if (hi && b <= hi) {
			hi = e > hi ? e : hi;
			continue;
		}
		sum += hi - lo;
		lo = b;
		hi = e;
	}
	return sum + hi - lo;
}

static const char *check_regions(const struct layout_plan *p, const struct layout_request *q,
				 const struct memmap *mm)
{
	uint64_t limit = q->phys_limit ? q->phys_limit : UINT64_MAX;

	for (uint32_t i = 0; i < p->count; i++) {
		const struct layout_region *r = &p->r[i];
		uint64_t v = va_addr(r->virt), pa = pa_addr(r->phys);
		if (!r->size || (r->size | v | pa) & 0xfff)
			return "region empty or unaligned";
		if ((r->prot & ASLRBOOT_PROT_W) && (r->prot & ASLRBOOT_PROT_X))
			return "W|X region";
		if (r->kind == ASLRBOOT_RGN_TRAMPOLINE ?
			    v != pa || v + r->size > (UINT64_C(1) << 47) :
			    v < LAYOUT_VWIN_LO || r->size > LAYOUT_VWIN_HI - v)
			return "region outside its virtual window";
		if (!lc_backed(r) && (pa || (r->kind == ASLRBOOT_RGN_GUARD && r->prot)))
			return "guard/direct map with phys or prot";
		if (lc_backed(r) &&
		    (pa < MIB || pa + r->size > limit || !in_usable(mm, pa, r->size)))
			return "region outside usable memory";
		for (uint32_t k = 0; lc_backed(r) && k < q->avoid_count; k++)
			if (overlap(pa, r->size, q->avoid[k].base, q->avoid[k].len))
				return "region in an avoid range";
		for (uint32_t j = 0; j < i; j++) {
			const struct layout_region *o = &p->r[j];
			if (overlap(v, r->size, va_addr(o->virt), o->size))
				return "virtual overlap";
			if (lc_backed(r) && lc_backed(o) &&
			    overlap(pa, r->size, pa_addr(o->phys), o->size))
				return "physical overlap";
		}
	}
	return NULL;
}

/* Guards: below and above the kernel (span or window), the stack's, the heap's. */
static const char *check_guards(const struct layout_plan *p)
{
	int st = layout_find(p, ASLRBOOT_RGN_STACK), g = 0;

	for (uint32_t i = 0; i < p->count; i++)
		g += p->r[i].kind == ASLRBOOT_RGN_GUARD;
	if (g != 5 || st < 1 || p->r[st - 1].kind != ASLRBOOT_RGN_GUARD ||
	    p->r[st + 1].kind != ASLRBOOT_RGN_GUARD ||
	    va_addr(p->r[st - 1].virt) + p->r[st - 1].size != va_addr(p->r[st].virt) ||
	    p->r[st - 1].size != LAYOUT_GUARD_PAGES * 4096 ||
	    va_addr(p->r[st + 1].virt) != va_addr(p->stack_top) ||
	    va_addr(p->stack_top) != va_addr(p->r[st].virt) + p->r[st].size)
		return "guards";
	return NULL;
}

static uint32_t sec_prot(const struct elf_sec_unit *u)
{
	if (u->flags & ELF_PF_X)
		return ASLRBOOT_PROT_R | ASLRBOOT_PROT_X;
	return u->flags & ELF_PF_W && !u->relro ? RW : ASLRBOOT_PROT_R;
}

/* Section granularity: each unit at its own place in the window, page
 * offset and alignment kept, one region (its page span) in the block of
 * its protection; the entry through its unit. */
static const char *check_sections(const struct layout_plan *p, const struct layout_request *q)
{
	uint64_t w = va_addr(p->window), filled[LAYOUT_MAX_BLOCKS] = { 0 };
	bool entry = false;

	if (p->granularity != ASLRBOOT_GRANULARITY_SECTION || p->nunits != q->nsu ||
	    w % (2 * MIB) || !p->window_size || p->window_size % (2 * MIB) ||
	    w < q->img->sec.s32_lo || p->r[0].kind != ASLRBOOT_RGN_GUARD ||
	    va_addr(p->r[0].virt) != w - 4096 || p->r[q->nsu + 1].kind != ASLRBOOT_RGN_GUARD ||
	    va_addr(p->r[q->nsu + 1].virt) != w + p->window_size)
		return "section window";
	for (uint32_t i = 0; i < p->nunits; i++) {
		const struct layout_unit *u = &p->unit[i];
		const struct elf_sec_unit *s = &q->su[i];
		const struct layout_region *r = &p->r[u->region];
		uint64_t va = va_addr(u->virt), a = s->align > 4096 ? s->align : 4096;
		uint64_t pages = ((s->link + s->size + 4095) & ~UINT64_C(4095)) -
				 (s->link & ~UINT64_C(4095));
		uint32_t k;
		if (u->link != s->link || u->size != s->size || u->index != s->shndx ||
		    u->rec_link != s->link || u->rec_size != s->size)
			return "section unit";
		if (va % 4096 != s->link % 4096 || va % a != s->link % a)
			return "section unit phase or alignment";
		if (va < w || va + s->size > w + p->window_size)
			return "section unit outside the window";
		if (u->region != i + 1 || r->kind != ASLRBOOT_RGN_KERNEL_SECTION ||
		    r->seg != (int32_t)i || va_addr(r->virt) != (va & ~UINT64_C(4095)) ||
		    r->size != pages || pa_addr(u->phys) != pa_addr(r->phys) + va % 4096 ||
		    r->prot != sec_prot(s) || u->prot != r->prot || r->virt_mbits != u->virt_mbits)
			return "section unit region";
		for (k = 0; k < p->nblk; k++)
			if (pa_addr(r->phys) >= pa_addr(p->blk[k].phys) &&
			    pa_addr(r->phys) + r->size <= pa_addr(p->blk[k].phys) + p->blk[k].size)
				break;
		if (k == p->nblk || p->blk[k].prot != r->prot)
			return "section unit outside its block";
		filled[k] += r->size;
		if (q->img->entry >= s->link && q->img->entry - s->link < s->size) {
			entry = true;
			if (p->slide != va - s->link ||
			    va_addr(p->entry) != q->img->entry + p->slide ||
			    !(r->prot & ASLRBOOT_PROT_X))
				return "slide/entry";
		}
	}
	for (uint32_t k = 0; k < p->nblk; k++)
		if (filled[k] != p->blk[k].size)
			return "section block not filled exactly";
	return entry ? check_guards(p) : "entry outside every unit";
}

static const char *check_kernel(const struct layout_plan *p, const struct elf_image *im)
{
	uint64_t align = im->max_align > 4096 ? im->max_align : 4096, segpa[ELF_MAX_LOAD] = { 0 };

	if (p->slide % align || va_addr(p->entry) != im->entry + p->slide)
		return "slide/entry";
	/* One unit per segment, its page span at link + slide, where its first
	 * region is. */
	if (p->nunits != im->nsegs)
		return "unit count";
	for (uint32_t i = 0; i < p->nunits; i++) {
		const struct layout_unit *u = &p->unit[i];
		const struct layout_region *r = &p->r[u->region];
		if (u->seg != i || u->link != im->segs[i].page_start ||
		    u->size != im->segs[i].page_end - im->segs[i].page_start ||
		    va_addr(u->virt) != u->link + p->slide)
			return "unit";
		if (u->region >= p->count || r->kind != ASLRBOOT_RGN_KERNEL_SEGMENT ||
		    r->seg != (int32_t)i || va_addr(r->virt) != va_addr(u->virt) ||
		    pa_addr(r->phys) != pa_addr(u->phys))
			return "unit region";
	}
	for (uint32_t i = 0; i < p->count; i++) {
		const struct layout_region *r = &p->r[i];
		const struct elf_seg *s;
		uint64_t off;
		if (r->kind != ASLRBOOT_RGN_KERNEL_SEGMENT)
			continue;
		if (r->seg < 0 || (uint32_t)r->seg >= im->nsegs)
			return "segment index";
		s = &im->segs[r->seg];
		off = va_addr(r->virt) - p->slide - s->page_start;
		if (off >= s->page_end - s->page_start ||
		    off + r->size > s->page_end - s->page_start)
			return "segment region outside its segment";
		if (!segpa[r->seg])
			segpa[r->seg] = pa_addr(r->phys) - off;
		if (pa_addr(r->phys) - off != segpa[r->seg])
			return "segment pieces not consecutive in physical memory";
		if (r->prot !=
		    (ASLRBOOT_PROT_R | (s->flags & ELF_PF_X ? ASLRBOOT_PROT_X : 0) |
		     (s->flags & ELF_PF_W && strcmp(r->name, "relro") ? ASLRBOOT_PROT_W : 0)))
			return "segment prot";
	}
	return check_guards(p);
}

/* Whether [pa, pa + len) touches read-only frames, or (whole) lies in them
 * (the frames are disjoint: check_regions; a section block is many). */
static bool in_ro_frame(const struct layout_plan *p, uint64_t pa, uint64_t len, bool whole)
{
	uint64_t covered = 0;

	for (uint32_t i = 0; i < p->count; i++) {
		uint64_t f = pa_addr(p->r[i].phys), lo, hi;
		if (!ro_frames(&p->r[i]) || !overlap(pa, len, f, p->r[i].size))
			continue;
		if (!whole)
			return true;
		lo = f > pa ? f : pa;
		hi = f + p->r[i].size < pa + len ? f + p->r[i].size : pa + len;
		covered += hi - lo;
	}
	return whole && covered == len;
}

static const char *check_map(const struct layout_plan *p, bool allow_1g, uint64_t dm_bytes)
{
	int dmi = layout_find(p, ASLRBOOT_RGN_DIRECT_MAP),
	    pti = layout_find(p, ASLRBOOT_RGN_PAGE_TABLES);
	uint64_t dm = va_addr(p->direct_map), dm_sum = 0, matched = 0, nbacked = 0;

	if (dmi < 0 || pti < 0 || va_addr(p->r[dmi].virt) != dm || dm % (2 * MIB))
		return "direct map / page tables region";
	for (uint32_t i = 0; i < p->map_count; i++) {
		const struct pt_mapping *m = &p->map[i];
		uint64_t va = va_addr(m->va), pa = pa_addr(m->pa);
		bool is_region = false;
		if ((m->prot & ASLRBOOT_PROT_W) && (m->prot & ASLRBOOT_PROT_X))
			return "W|X mapping";
		if (va < 4096 || !m->len || ((va | pa | m->len) & 0xfff))
			return "mapping at page 0, empty or unaligned";
		if (i && va_addr(p->map[i - 1].va) + p->map[i - 1].len > va)
			return "mappings unsorted or overlapping";
		for (uint32_t j = 0; j < p->count && !is_region; j++)
			is_region = lc_backed(&p->r[j]) && va == va_addr(p->r[j].virt) &&
				    pa == pa_addr(p->r[j].phys) && m->len == p->r[j].size &&
				    m->prot == p->r[j].prot;
		if (is_region) {
			matched++;
			continue;
		}
		if (va - dm != pa || va < dm || va - dm + m->len > p->r[dmi].size)
			return "mapping neither a region nor in the direct map";
		if (m->prot == RW ? in_ro_frame(p, pa, m->len, false) :
				    m->prot != ASLRBOOT_PROT_R || !in_ro_frame(p, pa, m->len, true))
			return "direct-map prot";
		dm_sum += m->len;
	}
	for (uint32_t j = 0; j < p->count; j++)
		nbacked += lc_backed(&p->r[j]);
	if (matched != nbacked || dm_sum != dm_bytes)
		return "mapping list incomplete";
	if (p->pt_pages != pt_count_tables(p->map, p->map_count, allow_1g) ||
	    p->r[pti].size != p->pt_pages * 4096 || pa_addr(p->pt_phys) != pa_addr(p->r[pti].phys))
		return "page-table pool size";
	return NULL;
}

const char *lc_check_plan(const struct layout_plan *p, const struct layout_request *q,
			  const struct memmap *mm, uint64_t dm_bytes)
{
	const char *why = check_regions(p, q, mm);
	int inf = layout_find(p, ASLRBOOT_RGN_BOOT_INFO);

	if (!why)
		why = q->su ? check_sections(p, q) : check_kernel(p, q->img);
	if (!why)
		why = check_map(p, q->allow_1g, dm_bytes);
	if (!why && (inf < 0 || va_addr(p->info_virt) != va_addr(p->r[inf].virt) ||
		     pa_addr(p->info_phys) != pa_addr(p->r[inf].phys) ||
		     p->info_size != p->r[inf].size || p->info_size < q->info_size))
		why = "boot info";
	if (!why &&
	    pa_addr(p->trampoline) != pa_addr(p->r[layout_find(p, ASLRBOOT_RGN_TRAMPOLINE)].phys))
		why = "trampoline";
	return why;
}

bool lc_plans_equal(const struct layout_plan *a, const struct layout_plan *b)
{
	if (a->count != b->count || a->map_count != b->map_count || a->slide != b->slide ||
	    a->pt_pages != b->pt_pages || va_addr(a->direct_map) != va_addr(b->direct_map))
		return false;
	for (uint32_t i = 0; i < a->count; i++) {
		const struct layout_region *x = &a->r[i], *y = &b->r[i];
		if (x->kind != y->kind || strcmp(x->name, y->name) || x->prot != y->prot ||
		    va_addr(x->virt) != va_addr(y->virt) || pa_addr(x->phys) != pa_addr(y->phys) ||
		    x->size != y->size || x->virt_mbits != y->virt_mbits ||
		    x->phys_mbits != y->phys_mbits || x->seg != y->seg)
			return false;
	}
	for (uint32_t i = 0; i < a->map_count; i++)
		if (va_addr(a->map[i].va) != va_addr(b->map[i].va) ||
		    pa_addr(a->map[i].pa) != pa_addr(b->map[i].pa) ||
		    a->map[i].len != b->map[i].len || a->map[i].prot != b->map[i].prot)
			return false;
	return true;
}

void lc_seed_rng(struct rand_drbg *rng, uint64_t seed)
{
	uint8_t key[32] = { 0 };
	memcpy(key, &seed, sizeof(seed));
	rand_drbg_init(rng, key, RAND_DOMAIN_LAYOUT);
}

enum ldr_err lc_plan_seed(const struct layout_request *req, const struct memmap *mm, uint64_t seed,
			  struct layout_plan *p, struct ldr_diag *d)
{
	struct rand_drbg rng;
	lc_seed_rng(&rng, seed);
	return layout_plan(req, mm, &rng, p, d);
}
