// SPDX-License-Identifier: MIT
/*
 * layout_plan(): where everything goes, decided before anything is written.
 *
 * Placement order (fixed, one rand_uniform draw per choice, so one layout
 * key always gives one plan):
 *   1. kernel virtual base: one slide for the whole span plus a guard page
 *      below and above (code is RIP-relative between segments);
 *   2. each kernel segment's physical frames, in segment order;
 *   3. stack (virtual, then physical), 4. heap, 5. boot info;
 *   6. trampoline (physical; identity-mapped, so virtual = physical);
 *   7. direct-map virtual base;
 *   8. page tables last: their size depends on every mapping before them.
 * Physical free space = USABLE minus the first MiB, minus req->avoid[],
 * below phys_limit; virtual = [LAYOUT_VWIN_LO, LAYOUT_VWIN_HI).  Every
 * placement leaves the free set before the next is chosen.
 */
#include "layout_int.h"

#include "libc.h"

#define PHYS_FREE_MAX (MEMMAP_MAX + LAYOUT_MAX_AVOID + LAYOUT_MAX_REGIONS + 1)
#define VIRT_FREE_MAX (LAYOUT_MAX_REGIONS + 2)
#define LOW_MEM (UINT64_C(1) << 20) /* real-mode IVT, BDA, EBDA, VGA, BIOS */
#define CANON_LO_END (UINT64_C(1) << 47)
#define PROT_RW (ASLRBOOT_PROT_R | ASLRBOOT_PROT_W)

struct lctx {
	const struct layout_request *req;
	const struct elf_image *img;
	const struct memmap *mm;
	struct rand_drbg *rng; /* NULL: aslr=off, lowest fit */
	struct layout_plan *p;
	struct ldr_diag *diag;
	struct free_set phys, virt;
	uint64_t plimit; /* exclusive physical limit */
	uint64_t vhint;  /* aslr=off: fixed regions follow the kernel */
};

static enum ldr_err add_region(struct lctx *c, const struct layout_region *r, const char *name)
{
	struct layout_region *d;
	size_t n = strlen(name);

	if (c->p->count == LAYOUT_MAX_REGIONS)
		return ldr_fail(c->diag, LDR_E_LAYOUT, "regions", -1, "count", c->p->count);
	d = &c->p->r[c->p->count++];
	*d = *r;
	memset(d->name, 0, sizeof(d->name));
	memcpy(d->name, name, n < sizeof(d->name) - 1 ? n : sizeof(d->name) - 1);
	return LDR_OK;
}

static enum ldr_err add_guard(struct lctx *c, uint64_t va, uint64_t size, uint32_t vmb)
{
	struct layout_region g = { .kind = ASLRBOOT_RGN_GUARD, .virt = va_init(va), .size = size,
				   .virt_mbits = vmb, .seg = -1 };
	return size ? add_region(c, &g, "guard") : LDR_OK;
}

static enum ldr_err choose(struct lctx *c, bool virt, const char *what, int64_t idx,
			   const struct slot_req *q, uint64_t *a, uint32_t *mb)
{
	enum ldr_err err = layout_slot_choose(virt ? &c->virt : &c->phys, q, c->rng, a, mb);

	if (err)
		return ldr_fail(c->diag, err, what, idx, virt ? "virtual size" : "physical size",
				q->size);
	return LDR_OK;
}

static enum ldr_err choose_phys(struct lctx *c, const char *what, int64_t idx, uint64_t size,
				uint64_t hi, uint64_t *pa, uint32_t *mb)
{
	struct slot_req q = { .size = size, .align = PAGE_SIZE, .hi = hi };
	return choose(c, false, what, idx, &q, pa, mb);
}

static uint32_t seg_prot(uint32_t flags)
{
	return ASLRBOOT_PROT_R | (flags & ELF_PF_W ? ASLRBOOT_PROT_W : 0) |
	       (flags & ELF_PF_X ? ASLRBOOT_PROT_X : 0);
}

static const char *prot_name(uint32_t prot)
{
	return prot & ASLRBOOT_PROT_X ? "text" : prot & ASLRBOOT_PROT_W ? "data" : "rodata";
}

/* [off, off+len) of segment region r, as its own region. */
static enum ldr_err add_piece(struct lctx *c, const struct layout_region *r, uint64_t off,
			      uint64_t len, uint32_t prot)
{
	struct layout_region x = *r;

	if (!len)
		return LDR_OK;
	x.virt = va_add(r->virt, off);
	x.phys = pa_add(r->phys, off);
	x.size = len;
	x.prot = prot;
	return add_region(c, &x, prot == ASLRBOOT_PROT_R && (r->prot & ASLRBOOT_PROT_W) ?
					  "relro" : prot_name(prot));
}

/* One physical placement per segment; a writable one holding RELRO becomes
 * data / relro / data regions, consecutive in both address spaces. */
static enum ldr_err place_segment(struct lctx *c, uint32_t i, uint32_t vmb)
{
	const struct elf_seg *s = &c->img->segs[i];
	uint64_t size = s->page_end - s->page_start, pa, lo, hi;
	uint32_t prot = seg_prot(s->flags), pmb;
	struct layout_region r;
	enum ldr_err err;

	if ((err = choose_phys(c, prot_name(prot), i, size, c->plimit, &pa, &pmb)))
		return err;
	r = (struct layout_region){ .kind = ASLRBOOT_RGN_KERNEL_SEGMENT, .prot = prot,
				    .virt = va_init(s->page_start + c->p->slide), .phys = pa_init(pa),
				    .size = size, .virt_mbits = vmb, .phys_mbits = pmb, .seg = (int32_t)i };
	if (!(prot & ASLRBOOT_PROT_W) || !c->img->has_relro ||
	    c->img->relro_start >= s->page_end || c->img->relro_end <= s->page_start)
		return add_piece(c, &r, 0, size, prot);
	if (c->img->relro_start < s->page_start || c->img->relro_end > s->page_end ||
	    !is_aligned(c->img->relro_start | c->img->relro_end, PAGE_SIZE))
		return ldr_fail(c->diag, LDR_E_RELRO, "kernel segment", i, "relro_start",
				c->img->relro_start);
	lo = c->img->relro_start - s->page_start;
	hi = c->img->relro_end - s->page_start;
	if ((err = add_piece(c, &r, 0, lo, PROT_RW)) ||
	    (err = add_piece(c, &r, lo, hi - lo, ASLRBOOT_PROT_R)))
		return err;
	return add_piece(c, &r, hi, size - hi, PROT_RW);
}

/* aslr=off: the link base if it already is a canonical upper-half address. */
static uint64_t fixed_kernel_base(const struct elf_image *img, uint64_t align, uint64_t span)
{
	uint64_t end;

	if (img->link_base >= LAYOUT_VWIN_LO + PAGE_SIZE && range_end(img->link_base, span, &end) &&
	    end <= LAYOUT_VWIN_HI - PAGE_SIZE)
		return img->link_base;
	return LAYOUT_FIXED_KERNEL_VA + (img->link_base & (align - 1));
}

static enum ldr_err place_kernel(struct lctx *c)
{
	const struct elf_image *img = c->img;
	uint64_t span = img->link_end - img->link_base, base;
	uint64_t align = img->max_align > PAGE_SIZE ? img->max_align : PAGE_SIZE;
	/* base % align == link_base % align keeps the slide a multiple of
	 * every p_align (the p_vaddr/p_offset congruence survives). */
	struct slot_req q = { .size = span, .pre = PAGE_SIZE, .post = PAGE_SIZE, .align = align,
			      .phase = img->link_base & (align - 1), .lo = LAYOUT_VWIN_LO,
			      .hi = LAYOUT_VWIN_HI, .hint = fixed_kernel_base(img, align, span) };
	uint32_t vmb;
	enum ldr_err err;

	if ((err = choose(c, true, "kernel image", -1, &q, &base, &vmb)))
		return err;
	c->p->slide = base - img->link_base;
	c->vhint = base + span + PAGE_SIZE;
	if ((err = add_guard(c, base - PAGE_SIZE, PAGE_SIZE, vmb)))
		return err;
	for (uint32_t i = 0; i < img->nsegs; i++)
		if ((err = place_segment(c, i, vmb)))
			return err;
	return add_guard(c, base + span, PAGE_SIZE, vmb);
}

/* A RW region with `pre`/`post` guard bytes around its virtual placement. */
static enum ldr_err place_rw(struct lctx *c, uint32_t kind, const char *name, uint64_t size,
			     uint64_t pre, uint64_t post, struct layout_region *out)
{
	struct slot_req q = { .size = size, .pre = pre, .post = post, .align = PAGE_SIZE,
			      .lo = LAYOUT_VWIN_LO, .hi = LAYOUT_VWIN_HI, .hint = c->vhint };
	uint64_t va, pa;
	uint32_t vmb, pmb;
	enum ldr_err err;

	if ((err = choose(c, true, name, -1, &q, &va, &vmb)) ||
	    (err = choose_phys(c, name, -1, size, c->plimit, &pa, &pmb)))
		return err;
	*out = (struct layout_region){ .kind = kind, .prot = PROT_RW, .virt = va_init(va),
				       .phys = pa_init(pa), .size = size, .virt_mbits = vmb,
				       .phys_mbits = pmb, .seg = -1 };
	if ((err = add_guard(c, va - pre, pre, vmb)) || (err = add_region(c, out, name)))
		return err;
	return add_guard(c, va + size, post, vmb);
}

/* Request, else the kernel's note, else the default; page multiple <= max. */
static enum ldr_err pick_size(struct lctx *c, const char *what, uint64_t req, uint64_t note,
			      uint64_t def, uint64_t max, uint64_t *out)
{
	uint64_t s = req ? req : note ? note : def;

	if (s > max || !align_up_checked(s, PAGE_SIZE, out))
		return ldr_fail(c->diag, LDR_E_CONFIG, what, -1, "size", s);
	return LDR_OK;
}

static enum ldr_err place_data(struct lctx *c)
{
	const struct elf_image *img = c->img;
	uint64_t stack, heap, info, g = LAYOUT_GUARD_PAGES * PAGE_SIZE;
	struct layout_region r;
	enum ldr_err err;

	if ((err = pick_size(c, "stack", c->req->stack_size, img->has_note ? img->note_stack_size : 0,
			     LAYOUT_DEFAULT_STACK, LAYOUT_MAX_STACK, &stack)) ||
	    (err = pick_size(c, "heap", c->req->heap_size, img->has_note ? img->note_heap_size : 0,
			     LAYOUT_DEFAULT_HEAP, LAYOUT_MAX_HEAP, &heap)) ||
	    (err = pick_size(c, "boot info", c->req->info_size, 0, 0, LAYOUT_MAX_INFO, &info)))
		return err;
	if (!info)
		return ldr_fail(c->diag, LDR_E_CONFIG, "boot info", -1, "size", 0);
	if ((err = place_rw(c, ASLRBOOT_RGN_STACK, "stack", stack, g, g, &r)))
		return err;
	c->p->stack_top = va_add(r.virt, r.size);
	if ((err = place_rw(c, ASLRBOOT_RGN_HEAP, "heap", heap, 0, PAGE_SIZE, &r)) ||
	    (err = place_rw(c, ASLRBOOT_RGN_BOOT_INFO, "info", info, 0, 0, &r)))
		return err;
	c->p->info_virt = r.virt;
	c->p->info_phys = r.phys;
	c->p->info_size = r.size;
	return LDR_OK;
}

/* Identity-mapped (virt == phys, lower half): the documented exception to
 * "everything in the upper half"; its virtual entropy is its physical one. */
static enum ldr_err place_trampoline(struct lctx *c)
{
	uint64_t hi = c->plimit < CANON_LO_END ? c->plimit : CANON_LO_END, pa;
	struct layout_region r = { .kind = ASLRBOOT_RGN_TRAMPOLINE,
				   .prot = ASLRBOOT_PROT_R | ASLRBOOT_PROT_X, .size = PAGE_SIZE,
				   .seg = -1 };
	enum ldr_err err;

	if ((err = choose_phys(c, "trampoline", -1, PAGE_SIZE, hi, &pa, &r.phys_mbits)))
		return err;
	r.virt = va_init(pa);
	r.phys = pa_init(pa);
	r.virt_mbits = r.phys_mbits;
	c->p->trampoline = r.phys;
	return add_region(c, &r, "trampoline");
}

/* 2 MiB aligned so that 2 MiB-aligned physical ranges get large pages. */
static enum ldr_err place_direct_map(struct lctx *c)
{
	uint64_t top = memmap_ram_top(c->mm), span, va;
	struct slot_req q = { .align = SIZE_2M, .lo = LAYOUT_VWIN_LO, .hi = LAYOUT_VWIN_HI };
	struct layout_region r = { .kind = ASLRBOOT_RGN_DIRECT_MAP, .prot = PROT_RW, .seg = -1 };
	enum ldr_err err;

	if (!align_up_checked(top, SIZE_2M, &span) || !span)
		return ldr_fail(c->diag, LDR_E_NO_SPACE, "direct map", -1, "virtual size", top);
	q.size = span;
	if ((err = choose(c, true, "direct map", -1, &q, &va, &r.virt_mbits)))
		return err;
	r.virt = va_init(va);
	r.size = span;
	c->p->direct_map = r.virt;
	return add_region(c, &r, "direct-map");
}

/*
 * Page tables last: reserve an upper bound, then size the pool exactly
 * (layout_map_add_pool) to the tables of the final list, its own mapping included.
 */
static enum ldr_err place_page_tables(struct lctx *c)
{
	struct layout_plan *p = c->p;
	struct slot_req q = { .align = PAGE_SIZE, .lo = LAYOUT_VWIN_LO, .hi = LAYOUT_VWIN_HI,
			      .hint = c->vhint };
	struct layout_region r = { .kind = ASLRBOOT_RGN_PAGE_TABLES, .prot = PROT_RW, .seg = -1 };
	uint64_t n0, va, pa;
	enum ldr_err err;

	if ((err = layout_map_build(p, c->mm, c->diag)))
		return err;
	n0 = pt_count_tables(p->map, p->map_count, c->req->allow_1g);
	/* A new mapping of G pages adds at most 6 + G/512 tables. */
	q.size = (n0 + n0 / 256 + 16) * PAGE_SIZE;
	if ((err = choose(c, true, "page tables", -1, &q, &va, &r.virt_mbits)) ||
	    (err = choose_phys(c, "page tables", -1, q.size, c->plimit, &pa, &r.phys_mbits)))
		return err;
	r.virt = va_init(va);
	r.phys = pa_init(pa);
	r.size = q.size;
	err = layout_map_add_pool(p, &(struct pt_mapping){ r.virt, r.phys, r.size, PROT_RW }, n0,
			   c->req->allow_1g, &p->pt_pages);
	if (err)
		return ldr_fail(c->diag, err, "page tables", -1, "pages", p->pt_pages);
	r.size = p->pt_pages * PAGE_SIZE;
	p->pt_phys = r.phys;
	return add_region(c, &r, "page-tables");
}

/* The image as elf_parse promises it; re-checked because the layout's own
 * arithmetic depends on it (no wrap, page-disjoint ascending segments). */
static enum ldr_err check_image(struct lctx *c)
{
	const struct elf_image *img = c->img;
	uint64_t prev_end;

	if (!img || !img->nsegs || img->nsegs > ELF_MAX_LOAD)
		return ldr_fail(c->diag, LDR_E_NO_LOAD, "kernel image", -1, "nsegs",
				img ? img->nsegs : 0);
	if (img->link_base >= img->link_end ||
	    !is_aligned(img->link_base | img->link_end, PAGE_SIZE) ||
	    img->link_end - img->link_base > ELF_MAX_IMAGE_SPAN)
		return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel image", -1, "link_end", img->link_end);
	if (!is_pow2(img->max_align) || img->max_align > ELF_MAX_ALIGN)
		return ldr_fail(c->diag, LDR_E_ALIGN, "kernel image", -1, "max_align", img->max_align);
	prev_end = img->link_base;
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		if ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
			return ldr_fail(c->diag, LDR_E_WX, "kernel segment", i, "p_flags", s->flags);
		if (s->page_start < prev_end || s->page_start >= s->page_end ||
		    s->page_end > img->link_end || !is_aligned(s->page_start | s->page_end, PAGE_SIZE))
			return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel segment", i, "page_start",
					s->page_start);
		prev_end = s->page_end;
	}
	return LDR_OK;
}

static enum ldr_err check_request(struct lctx *c)
{
	const struct layout_request *req = c->req;

	if (!req->aslr_off && !c->rng)
		return ldr_fail(c->diag, LDR_E_CONFIG, "layout", -1, "rng", 0);
	if (req->avoid_count > LAYOUT_MAX_AVOID || (req->avoid_count && !req->avoid))
		return ldr_fail(c->diag, LDR_E_CONFIG, "layout", -1, "avoid_count", req->avoid_count);
	return check_image(c);
}

/* USABLE pages from 1 MiB up to the limit, minus the avoid list. */
static enum ldr_err init_phys(struct lctx *c)
{
	const struct memmap *mm = c->mm;
	enum ldr_err err;

	for (uint32_t i = 0; i < mm->count; i++) {
		const struct mm_entry *e = &mm->e[i];
		uint64_t lo = e->base > LOW_MEM ? e->base : LOW_MEM, hi = e->base + e->len;
		if (e->type != ASLRBOOT_MEM_USABLE || !is_aligned(lo | hi, PAGE_SIZE))
			continue; /* normalized USABLE is always page aligned */
		if ((err = layout_fs_append(&c->phys, lo, hi < c->plimit ? hi : c->plimit)))
			return ldr_fail(c->diag, err, "memory map", i, "base", e->base);
	}
	for (uint32_t i = 0; i < c->req->avoid_count; i++) {
		const struct boot_range *a = &c->req->avoid[i];
		uint64_t end;
		if (!range_end(a->base, a->len, &end))
			end = UINT64_MAX; /* wraps: avoid everything above base */
		if ((err = layout_fs_remove(&c->phys, align_down(a->base, PAGE_SIZE), end)))
			return ldr_fail(c->diag, err, "avoid range", i, "base", a->base);
	}
	return LDR_OK;
}

enum ldr_err layout_plan(const struct layout_request *req, const struct memmap *mm,
			 struct rand_drbg *rng, struct layout_plan *plan, struct ldr_diag *diag)
{
	struct frange pbuf[PHYS_FREE_MAX], vbuf[VIRT_FREE_MAX];
	struct lctx c = {
		.req = req, .img = req->img, .mm = mm, .rng = req->aslr_off ? NULL : rng,
		.p = plan, .diag = diag,
		.phys = { pbuf, 0, PHYS_FREE_MAX }, .virt = { vbuf, 0, VIRT_FREE_MAX },
		.plimit = req->phys_limit ? align_down(req->phys_limit, PAGE_SIZE) : UINT64_MAX,
	};
	enum ldr_err err;

	memset(plan, 0, sizeof(*plan));
	if ((err = check_request(&c)) || (err = init_phys(&c)))
		return err;
	if ((err = layout_fs_append(&c.virt, LAYOUT_VWIN_LO, LAYOUT_VWIN_HI)))
		return ldr_fail(diag, err, "layout", -1, "virtual window", LAYOUT_VWIN_LO);
	if ((err = place_kernel(&c)) || (err = place_data(&c)) || (err = place_trampoline(&c)) ||
	    (err = place_direct_map(&c)) || (err = place_page_tables(&c)))
		return err;
	plan->entry = va_init(req->img->entry + plan->slide);
	return layout_map_check(plan, diag);
}

int layout_find(const struct layout_plan *plan, uint32_t kind)
{
	for (uint32_t i = 0; i < plan->count; i++)
		if (plan->r[i].kind == kind)
			return (int)i;
	return -1;
}
