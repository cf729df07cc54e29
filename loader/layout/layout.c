// SPDX-License-Identifier: MIT
/*
 * layout_plan(): where everything goes, decided before anything is written.
 *
 * Virtual placements first, in a fixed order (one rand_uniform draw each):
 *   1. kernel virtual base: one slide for the whole span plus a guard page
 *      below and above (code is RIP-relative between segments); the
 *      placement units (one per segment) all run at link address + slide;
 *   2. stack, 3. heap, 4. boot info, 5. direct-map base, 6. page tables
 *      (an upper bound of their size: layout_map_bound).
 * Then the physical frames of every unit, the stack, heap, boot
 * info, trampoline and page-table pool, largest first (ties in that
 * order; with aslr=off, in that order, each at the lowest fit).  Before
 * the first, layout_pack finds a packing of all of them into free memory:
 * if there is none, E_NO_SPACE names the region that did not fit and the
 * bytes it lacked.  That packing is the reservation: each region is drawn
 * uniformly among its slots that overlap no region placed before and no
 * reserved place of a region still to place.  Its own reserved place is
 * one of those slots, so every draw succeeds and the rest still fits: the
 * plan never fails by chance once the packing exists.  The entropy
 * recorded is log2 of the slots it was really drawn from; when the
 * reservation leaves a region a single slot, it is packed
 * (ASLRBOOT_RGN_F_PACKED, 0 bits).  The pool is sized exactly last.
 * Physical free space = USABLE minus the first MiB, minus req->avoid[],
 * below phys_limit; virtual = [LAYOUT_VWIN_LO, LAYOUT_VWIN_HI).  One layout
 * key always gives one plan.
 *
 * Section granularity (req->su) replaces step 1: one window, 2 MiB aligned,
 * of min(max_span, 1 GiB) bytes (every PC-relative field stays in range
 * between any two units inside it), drawn like the kernel span with a guard
 * page below and above, inside [s32_lo, s32_hi] when R_X86_64_32S fields
 * need it; then each unit in link order gets its own page-granular slot in
 * the window (layout_wmap_choose: uniform among the slots that overlap no
 * unit placed before, never sharing a page), below the room kept at the top
 * of the window for the units still to place (the sum of their pages plus
 * alignment slack), so every draw succeeds.  Physically, one item per
 * permission class (text, rodata, relro, data) holds its units in a random
 * order (Fisher-Yates).  With aslr=off the window sits at the link base
 * (else the fixed kernel base) and each unit at its link offset in it
 * (lowest fit).
 */
#include "internal.h"

#include "../libc.h"

#define PHYS_FREE_MAX (MEMMAP_MAX + LAYOUT_MAX_AVOID + LAYOUT_MAX_REGIONS + 1)
_Static_assert(LAYOUT_MAX_BLOCKS <= LAYOUT_MAX_UNITS, "section blocks are physical items");
#define VIRT_FREE_MAX (LAYOUT_MAX_REGIONS + 2)
#define PROT_RW (ASLRBOOT_PROT_R | ASLRBOOT_PROT_W)

/* Physical placements: the units (item i = unit i; at section granularity,
 * the blocks), then these. */
enum { PI_STACK, PI_HEAP, PI_INFO, PI_TRAMP, PI_POOL, PI_OTHERS };
#define PHYS_ITEMS (LAYOUT_MAX_UNITS + PI_OTHERS)
/* The reservation can split each free range once per item. */
#define PHYS_SCRATCH (PHYS_FREE_MAX + PHYS_ITEMS)

struct pitem {
	const char *name;
	int64_t idx;	   /* for messages: segment index, else -1 */
	uint64_t size, hi; /* bytes; exclusive upper limit */
	uint64_t resv;	   /* reserved place (the packing) */
	uint64_t pa;
	uint32_t mbits, flags;
	bool placed;
};

struct lctx {
	const struct layout_request *req;
	const struct elf_image *img;
	const struct memmap *mm;
	struct rand_drbg *rng; /* NULL: aslr=off, lowest fit */
	struct layout_plan *p;
	struct ldr_diag *diag;
	struct free_set phys, virt;
	uint64_t plimit; /* exclusive physical limit */
	uint64_t vhint;	 /* aslr=off: fixed regions follow the kernel */
	struct pitem it[PHYS_ITEMS];
	uint32_t nit;
	uint32_t nkit;	   /* kernel items: one per unit, or per block */
	int8_t *rgn_item;  /* physical item of each region, or -1 */
	uint64_t *rgn_off; /* offset of the region in it */
	int8_t rgn_item_fixed[LAYOUT_MAX_REGIONS];
	uint64_t rgn_off_fixed[LAYOUT_MAX_REGIONS];
	uint64_t pool_va, pool_pages; /* page tables: virtual base, bound */
	uint32_t pool_vmb;
	/* layout_pack's copy of the free ranges, then the free set less the
	 * reserved places (free_but); never both at once. */
	struct frange scratch[PHYS_SCRATCH];
};

/* Append a region; `item` >= 0 gets its frames at offset `off` of that
 * physical placement once it is chosen. */
static enum ldr_err add_region(struct lctx *c, const struct layout_region *r, const char *name,
			       int item, uint64_t off)
{
	struct layout_region *d;
	size_t n = strlen(name);

	if (c->p->count == c->p->r_cap)
		return ldr_fail(c->diag, LDR_E_LAYOUT, "regions", -1, "count", c->p->count);
	c->rgn_item[c->p->count] = (int8_t)item;
	c->rgn_off[c->p->count] = off;
	d = &c->p->r[c->p->count++];
	*d = *r;
	memset(d->name, 0, sizeof(d->name));
	memcpy(d->name, name, n < sizeof(d->name) - 1 ? n : sizeof(d->name) - 1);
	return LDR_OK;
}

static enum ldr_err add_guard(struct lctx *c, uint64_t va, uint64_t size, uint32_t vmb)
{
	struct layout_region g = { .kind = ASLRBOOT_RGN_GUARD,
				   .virt = va_init(va),
				   .size = size,
				   .virt_mbits = vmb,
				   .seg = -1 };
	return size ? add_region(c, &g, "guard", -1, 0) : LDR_OK;
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

static void add_item(struct lctx *c, uint32_t i, const char *name, int64_t idx, uint64_t size,
		     uint64_t hi)
{
	c->it[i] = (struct pitem){ .name = name, .idx = idx, .size = size, .hi = hi };
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

/* [off, off+len) of segment region r (item i), as its own region. */
static enum ldr_err add_piece(struct lctx *c, const struct layout_region *r, uint32_t i,
			      uint64_t off, uint64_t len, uint32_t prot)
{
	struct layout_region x = *r;

	if (!len)
		return LDR_OK;
	x.virt = va_add(r->virt, off);
	x.size = len;
	x.prot = prot;
	return add_region(c, &x,
			  prot == ASLRBOOT_PROT_R && (r->prot & ASLRBOOT_PROT_W) ? "relro" :
										   prot_name(prot),
			  (int)i, off);
}

/* The regions of unit u (its segment's page span, at u->virt) and its
 * physical placement; a writable segment holding RELRO becomes data / relro
 * / data regions, consecutive in both address spaces. */
static enum ldr_err place_unit(struct lctx *c, uint32_t i, uint32_t vmb)
{
	struct layout_unit *u = &c->p->unit[i];
	const struct elf_seg *s = &c->img->segs[u->seg];
	uint64_t size = u->size, lo, hi;
	uint32_t prot = seg_prot(s->flags);
	struct layout_region r;
	enum ldr_err err;

	u->region = c->p->count;
	add_item(c, i, prot_name(prot), u->seg, size, c->plimit);
	r = (struct layout_region){ .kind = ASLRBOOT_RGN_KERNEL_SEGMENT,
				    .prot = prot,
				    .virt = u->virt,
				    .size = size,
				    .virt_mbits = vmb,
				    .seg = (int32_t)u->seg };
	if (!(prot & ASLRBOOT_PROT_W) || !c->img->has_relro || c->img->relro_start >= s->page_end ||
	    c->img->relro_end <= s->page_start)
		return add_piece(c, &r, i, 0, size, prot);
	if (c->img->relro_start < s->page_start || c->img->relro_end > s->page_end ||
	    !is_aligned(c->img->relro_start | c->img->relro_end, PAGE_SIZE))
		return ldr_fail(c->diag, LDR_E_RELRO, "kernel segment", u->seg, "relro_start",
				c->img->relro_start);
	lo = c->img->relro_start - s->page_start;
	hi = c->img->relro_end - s->page_start;
	if ((err = add_piece(c, &r, i, 0, lo, PROT_RW)) ||
	    (err = add_piece(c, &r, i, lo, hi - lo, ASLRBOOT_PROT_R)))
		return err;
	return add_piece(c, &r, i, hi, size - hi, PROT_RW);
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
	struct slot_req q = { .size = span,
			      .pre = PAGE_SIZE,
			      .post = PAGE_SIZE,
			      .align = align,
			      .phase = img->link_base & (align - 1),
			      .lo = LAYOUT_VWIN_LO,
			      .hi = LAYOUT_VWIN_HI,
			      .hint = fixed_kernel_base(img, align, span) };
	uint32_t vmb;
	enum ldr_err err;

	if ((err = choose(c, true, "kernel image", -1, &q, &base, &vmb)))
		return err;
	c->p->slide = base - img->link_base;
	c->vhint = base + span + PAGE_SIZE;
	c->nkit = img->nsegs;
	if ((err = add_guard(c, base - PAGE_SIZE, PAGE_SIZE, vmb)))
		return err;
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];

		c->p->unit[i] = (struct layout_unit){ .link = s->page_start,
						      .size = s->page_end - s->page_start,
						      .virt = va_init(s->page_start + c->p->slide),
						      .seg = i,
						      .rec_link = s->vaddr,
						      .rec_size = s->memsz,
						      .index = i,
						      .prot = seg_prot(s->flags),
						      .virt_mbits = vmb };
		c->p->nunits = i + 1;
		if ((err = place_unit(c, i, vmb)))
			return err;
	}
	return add_guard(c, base + span, PAGE_SIZE, vmb);
}

/* Section granularity: the permission classes, in block order. */
enum { CL_TEXT, CL_RODATA, CL_RELRO, CL_DATA, CL_N };
static const char *const cl_name[CL_N] = { "text", "rodata", "relro", "data" };
static const uint32_t cl_prot[CL_N] = { ASLRBOOT_PROT_R | ASLRBOOT_PROT_X, ASLRBOOT_PROT_R,
					ASLRBOOT_PROT_R, PROT_RW };

static uint32_t su_class(const struct elf_sec_unit *u)
{
	if (u->flags & ELF_PF_X)
		return CL_TEXT;
	if (u->relro) /* writable until relocated, read-only when mapped */
		return CL_RELRO;
	return u->flags & ELF_PF_W ? CL_DATA : CL_RODATA;
}

/* Pages of u's span (its bytes keep their page offset). */
static uint64_t su_pages(const struct elf_sec_unit *u)
{
	/* check_sections: the end rounds up without wrapping */
	return (align_down(u->link + u->size + PAGE_SIZE - 1, PAGE_SIZE) -
		align_down(u->link, PAGE_SIZE)) /
	       PAGE_SIZE;
}

/* Its slot in the window: a page b with b % step == phase keeps
 * va % align == link % align (the window is 2 MiB aligned). */
static void su_slot(const struct elf_sec_unit *u, struct wslot *q)
{
	uint64_t a = u->align > PAGE_SIZE ? u->align : PAGE_SIZE;

	q->pages = su_pages(u);
	q->step = a / PAGE_SIZE;
	q->phase = (align_down(u->link, PAGE_SIZE) & (a - 1)) / PAGE_SIZE;
}

/* The units as elf_parse promises them (the window arithmetic depends on
 * it): ascending, disjoint, no wrap, power-of-two alignment. */
static enum ldr_err check_sections(struct lctx *c)
{
	const struct layout_request *req = c->req;
	const struct layout_store *st = req->store;
	uint64_t prev_end = 0, end;

	if (!st || !req->nsu || req->nsu > ELF_MAX_SECTION_UNITS || req->nsu > st->unit_cap ||
	    st->r_cap < req->nsu + LAYOUT_MAX_REGIONS ||
	    st->map_cap < LAYOUT_MAX_MAPPINGS + req->nsu + 3 * LAYOUT_MAX_BLOCKS)
		return ldr_fail(c->diag, LDR_E_CONFIG, "layout", -1, "units", req->nsu);
	for (uint32_t i = 0; i < req->nsu; i++) {
		const struct elf_sec_unit *u = &req->su[i];
		if (!u->size || !range_end(u->link, u->size, &end) ||
		    !align_up_checked(end, PAGE_SIZE, &end) || (i && u->link < prev_end))
			return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel section", u->shndx,
					"sh_addr", u->link);
		if (!is_pow2(u->align) || u->align > ELF_MAX_ALIGN)
			return ldr_fail(c->diag, LDR_E_ALIGN, "kernel section", u->shndx,
					"sh_addralign", u->align);
		prev_end = u->link + u->size;
	}
	return LDR_OK;
}

/* The window's base with aslr=off: the link base's 2 MiB frame if that is a
 * canonical upper-half address (units then run at their link addresses),
 * else the fixed kernel base. */
static uint64_t fixed_window_base(const struct elf_image *img, uint64_t lo, uint64_t w)
{
	uint64_t b = align_down(img->link_base, SIZE_2M), end;

	if (b >= lo + PAGE_SIZE && range_end(b, w + PAGE_SIZE, &end) && end <= LAYOUT_VWIN_HI)
		return b;
	return LAYOUT_FIXED_KERNEL_VA;
}

/* The window's virtual slots for every unit (link order), below the room
 * kept for the ones after it. */
static enum ldr_err place_units_virt(struct lctx *c, uint64_t base, uint64_t need)
{
	const struct layout_request *req = c->req;
	struct wmap m = { req->store->bitmap, c->p->window_size / PAGE_SIZE, 0, 0 };
	uint64_t link0 = align_down(c->img->link_base, SIZE_2M), b;
	uint32_t mb;
	enum ldr_err err;

	layout_wmap_clear(&m);
	for (uint32_t i = 0; i < req->nsu; i++) {
		const struct elf_sec_unit *u = &req->su[i];
		struct wslot q;
		su_slot(u, &q);
		need -= q.pages + q.step - 1;
		q.limit = m.npages - need;
		q.hint = (align_down(u->link, PAGE_SIZE) - link0) / PAGE_SIZE;
		/* The kept room leaves a slot: [limit - pages - step + 1, limit)
		 * is free and holds one of each phase. */
		if ((err = layout_wmap_choose(&m, &q, c->rng, &b, &mb)))
			return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel section", u->shndx,
					"virtual size", q.pages * PAGE_SIZE);
		c->p->unit[i] = (struct layout_unit){
			.link = u->link,
			.size = u->size,
			.virt = va_init(base + b * PAGE_SIZE + (u->link & (PAGE_SIZE - 1))),
			.seg = u->seg,
			.rec_link = u->link,
			.rec_size = u->size,
			.index = u->shndx,
			.prot = cl_prot[su_class(u)],
			.virt_mbits = mb,
		};
	}
	c->p->nunits = req->nsu;
	return LDR_OK;
}

/*
 * The blocks: one physical item per permission class present, its units
 * (store->order, grouped by class) in a random order (Fisher-Yates), each
 * unit's region at its offset in the block.  Regions first (link order).
 */
static enum ldr_err place_units_phys(struct lctx *c)
{
	const struct layout_request *req = c->req;
	uint32_t *ord = req->store->order, start[CL_N + 1] = { 0 }, item[CL_N] = { 0 }, fill[CL_N];
	uint64_t size[CL_N] = { 0 };
	enum ldr_err err;

	for (uint32_t i = 0; i < req->nsu; i++) {
		uint32_t k = su_class(&req->su[i]);
		start[k + 1]++;
		size[k] += su_pages(&req->su[i]) * PAGE_SIZE;
	}
	for (uint32_t k = 0; k < CL_N; k++) {
		start[k + 1] += start[k];
		if (!size[k])
			continue;
		item[k] = c->p->nblk;
		c->p->blk[c->p->nblk++] =
			(struct layout_block){ .size = size[k], .prot = cl_prot[k] };
		add_item(c, item[k], cl_name[k], -1, size[k], c->plimit);
	}
	c->nkit = c->p->nblk;
	memcpy(fill, start, sizeof(fill));
	for (uint32_t i = 0; i < req->nsu; i++) {
		const struct elf_sec_unit *u = &req->su[i];
		struct layout_unit *lu = &c->p->unit[i];
		uint32_t k = su_class(u);
		struct layout_region r = { .kind = ASLRBOOT_RGN_KERNEL_SECTION,
					   .prot = cl_prot[k],
					   .virt = va_init(
						   align_down(va_addr(lu->virt), PAGE_SIZE)),
					   .size = su_pages(u) * PAGE_SIZE,
					   .virt_mbits = lu->virt_mbits,
					   .seg = (int32_t)i };
		ord[fill[k]++] = i;
		lu->region = c->p->count;
		if ((err = add_region(c, &r, cl_name[k], (int)item[k], 0)))
			return err;
	}
	for (uint32_t k = 0; k < CL_N; k++) {
		uint64_t off = 0;
		for (uint32_t j = start[k + 1] - start[k]; c->rng && j > 1; j--) {
			uint32_t x = start[k] + (uint32_t)rand_uniform(c->rng, j), t;
			t = ord[x];
			ord[x] = ord[start[k] + j - 1];
			ord[start[k] + j - 1] = t;
		}
		for (uint32_t j = start[k]; j < start[k + 1]; j++) {
			uint32_t rg = c->p->unit[ord[j]].region;
			c->rgn_off[rg] = off;
			off += c->p->r[rg].size;
		}
	}
	return LDR_OK;
}

static enum ldr_err place_sections(struct lctx *c)
{
	const struct layout_request *req = c->req;
	const struct elf_image *img = c->img;
	uint64_t w = img->sec.max_span < LAYOUT_MAX_WINDOW ? img->sec.max_span : LAYOUT_MAX_WINDOW;
	uint64_t need = 0, base;
	struct slot_req q = { .pre = PAGE_SIZE,
			      .post = PAGE_SIZE,
			      .align = SIZE_2M,
			      .lo = img->sec.s32_lo > LAYOUT_VWIN_LO ? img->sec.s32_lo :
								       LAYOUT_VWIN_LO,
			      .hi = img->sec.s32_lo && img->sec.s32_hi < LAYOUT_VWIN_HI ?
					    align_down(img->sec.s32_hi, PAGE_SIZE) :
					    LAYOUT_VWIN_HI };
	enum ldr_err err;

	if ((err = check_sections(c)))
		return err;
	w = align_down(w, SIZE_2M);
	for (uint32_t i = 0; i < req->nsu; i++) {
		struct wslot s;
		su_slot(&req->su[i], &s);
		need += s.pages + s.step - 1;
	}
	if (!w || need > w / PAGE_SIZE)
		return ldr_fail(c->diag, LDR_E_NO_SPACE, "kernel sections", -1, "virtual size",
				need * PAGE_SIZE);
	q.size = w;
	q.hint = fixed_window_base(img, q.lo, w);
	if ((err = choose(c, true, "kernel window", -1, &q, &base, &c->p->window_mbits)))
		return err;
	c->p->granularity = ASLRBOOT_GRANULARITY_SECTION;
	c->p->window = va_init(base);
	c->p->window_size = w;
	c->vhint = base + w + PAGE_SIZE;
	if ((err = place_units_virt(c, base, need)) ||
	    (err = add_guard(c, base - PAGE_SIZE, PAGE_SIZE, c->p->window_mbits)) ||
	    (err = place_units_phys(c)))
		return err;
	return add_guard(c, base + w, PAGE_SIZE, c->p->window_mbits);
}

/* A RW region (physical item `item`) with `pre`/`post` guard bytes around
 * its virtual placement. */
static enum ldr_err place_rw(struct lctx *c, uint32_t kind, const char *name, uint32_t item,
			     uint64_t size, uint64_t pre, uint64_t post, vaddr_t *va_out)
{
	struct slot_req q = { .size = size,
			      .pre = pre,
			      .post = post,
			      .align = PAGE_SIZE,
			      .lo = LAYOUT_VWIN_LO,
			      .hi = LAYOUT_VWIN_HI,
			      .hint = c->vhint };
	struct layout_region r;
	uint64_t va;
	uint32_t vmb;
	enum ldr_err err;

	if ((err = choose(c, true, name, -1, &q, &va, &vmb)))
		return err;
	add_item(c, item, name, -1, size, c->plimit);
	r = (struct layout_region){ .kind = kind,
				    .prot = PROT_RW,
				    .virt = va_init(va),
				    .size = size,
				    .virt_mbits = vmb,
				    .seg = -1 };
	*va_out = r.virt;
	if ((err = add_guard(c, va - pre, pre, vmb)) ||
	    (err = add_region(c, &r, name, (int)item, 0)))
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
	uint32_t n = c->nkit;
	vaddr_t va;
	enum ldr_err err;

	if ((err = pick_size(c, "stack", c->req->stack_size,
			     img->has_note ? img->note_stack_size : 0, LAYOUT_DEFAULT_STACK,
			     LAYOUT_MAX_STACK, &stack)) ||
	    (err = pick_size(c, "heap", c->req->heap_size, img->has_note ? img->note_heap_size : 0,
			     LAYOUT_DEFAULT_HEAP, LAYOUT_MAX_HEAP, &heap)) ||
	    (err = pick_size(c, "boot info", c->req->info_size, 0, 0, LAYOUT_MAX_INFO, &info)))
		return err;
	if (!info)
		return ldr_fail(c->diag, LDR_E_CONFIG, "boot info", -1, "size", 0);
	if ((err = place_rw(c, ASLRBOOT_RGN_STACK, "stack", n + PI_STACK, stack, g, g, &va)))
		return err;
	c->p->stack_top = va_add(va, stack);
	if ((err = place_rw(c, ASLRBOOT_RGN_HEAP, "heap", n + PI_HEAP, heap, 0, PAGE_SIZE, &va)) ||
	    (err = place_rw(c, ASLRBOOT_RGN_BOOT_INFO, "info", n + PI_INFO, info, 0, 0, &va)))
		return err;
	c->p->info_virt = va;
	c->p->info_size = info;
	return LDR_OK;
}

/* Identity-mapped (virt == phys, lower half): the documented exception to
 * "everything in the upper half"; its virtual entropy is its physical one,
 * both filled in with its frame. */
static enum ldr_err add_trampoline(struct lctx *c)
{
	uint32_t i = c->nkit + PI_TRAMP;
	struct layout_region r = { .kind = ASLRBOOT_RGN_TRAMPOLINE,
				   .prot = ASLRBOOT_PROT_R | ASLRBOOT_PROT_X,
				   .size = PAGE_SIZE,
				   .seg = -1 };

	add_item(c, i, "trampoline", -1, PAGE_SIZE,
		 c->plimit < PTE_VA_LOW_END ? c->plimit : PTE_VA_LOW_END);
	return add_region(c, &r, "trampoline", (int)i, 0);
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
	return add_region(c, &r, "direct-map", -1, 0);
}

/*
 * Pages to reserve for n tables plus those of the pool's own mapping: a
 * mapping of G pages at 4 KiB-aligned addresses adds at most 6 + G/512
 * tables (two per level for its ends, one page table per 2 MiB).
 */
static uint64_t pool_reserve(uint64_t n)
{
	return n + n / 256 + 8;
}

/*
 * Page tables: their size depends on every mapping, so reserve an upper
 * bound now (virtual and, with the other frames, physical); the pool is
 * cut to the exact size at the end (finish_page_tables).
 */
static enum ldr_err reserve_page_tables(struct lctx *c)
{
	struct slot_req q = {
		.align = PAGE_SIZE, .lo = LAYOUT_VWIN_LO, .hi = LAYOUT_VWIN_HI, .hint = c->vhint
	};
	uint64_t n;
	enum ldr_err err;

	if ((err = layout_map_bound(c->p, c->mm, c->req->allow_1g, &n)))
		return ldr_fail(c->diag, err, "page tables", -1, "mappings", c->p->count);
	c->pool_pages = pool_reserve(n);
	q.size = c->pool_pages * PAGE_SIZE;
	if ((err = choose(c, true, "page tables", -1, &q, &c->pool_va, &c->pool_vmb)))
		return err;
	add_item(c, c->nkit + PI_POOL, "page tables", -1, q.size, c->plimit);
	return LDR_OK;
}

/* Placement order: largest first (ties: segments, stack, heap, info,
 * trampoline, pool); with aslr=off, that fixed order. */
static void phys_order(const struct lctx *c, uint8_t *ord, bool by_size)
{
	for (uint32_t i = 0; i < c->nit; i++) {
		uint32_t j = i;
		for (; j > 0 && by_size && c->it[ord[j - 1]].size < c->it[i].size; j--)
			ord[j] = ord[j - 1];
		ord[j] = (uint8_t)i;
	}
}

/* The reservation: a packing of every item into free memory, or E_NO_SPACE
 * naming the one that does not fit and the bytes it lacks. */
static enum ldr_err reserve_phys(struct lctx *c)
{
	struct pack_item pk[PHYS_ITEMS];
	uint8_t ord[PHYS_ITEMS];
	uint64_t short_by;
	uint32_t fail;

	phys_order(c, ord, true);
	for (uint32_t k = 0; k < c->nit; k++)
		pk[k] = (struct pack_item){ .size = c->it[ord[k]].size, .hi = c->it[ord[k]].hi };
	if (!layout_pack(&c->phys, c->scratch, pk, c->nit, false, LAYOUT_PACK_TRIES, &fail,
			 &short_by)) {
		const struct pitem *x = &c->it[ord[fail]];
		ldr_fail(c->diag, LDR_E_NO_SPACE, x->name, x->idx, "physical size", x->size);
		if (c->diag)
			c->diag->short_by = short_by;
		return LDR_E_NO_SPACE;
	}
	for (uint32_t k = 0; k < c->nit; k++)
		c->it[ord[k]].resv = pk[k].at;
	return LDR_OK;
}

/* t = the free set minus the places w[] of the unplaced items but x. */
static enum ldr_err free_but(struct lctx *c, const struct pitem *x, const uint64_t *w,
			     struct free_set *t)
{
	enum ldr_err err;

	*t = (struct free_set){ c->scratch, c->phys.count, PHYS_SCRATCH };
	memcpy(t->r, c->phys.r, c->phys.count * sizeof(t->r[0]));
	for (uint32_t i = 0; i < c->nit; i++) {
		const struct pitem *o = &c->it[i];
		if (o != x && !o->placed && (err = layout_fs_remove(t, w[i], w[i] + o->size)))
			return ldr_fail(c->diag, err, x->name, x->idx, "reserved", w[i]);
	}
	return LDR_OK;
}

/*
 * Item x, uniformly among its slots that leave a packing of the items still
 * to place intact.  Three packings are candidates: the one kept so far (x's
 * own place in it is a slot, so there is always one) and fresh ones of the
 * other items at the bottoms and at the tops of the free ranges; the one
 * leaving x the most slots wins (in one large free range, x then loses only
 * as many slots as the others have pages, at one end).
 */
static enum ldr_err place_item(struct lctx *c, struct pitem *x)
{
	uint64_t w[3][PHYS_ITEMS], best_n = 0, short_by, n;
	struct pack_item pk[PHYS_ITEMS];
	struct slot_req q = { .size = x->size, .align = PAGE_SIZE, .hi = x->hi };
	uint8_t ord[PHYS_ITEMS], who[PHYS_ITEMS];
	uint32_t m = 0, fail, full, best = 0;
	bool ok[3] = { true, false, false };
	struct free_set t;
	enum ldr_err err;

	phys_order(c, ord, true);
	for (uint32_t k = 0; k < c->nit; k++) {
		struct pitem *o = &c->it[ord[k]];
		w[0][ord[k]] = w[1][ord[k]] = w[2][ord[k]] = o->resv;
		if (o == x || o->placed)
			continue;
		who[m] = ord[k];
		pk[m++] = (struct pack_item){ .size = o->size, .hi = o->hi };
	}
	for (uint32_t v = 1; v < 3; v++) {
		ok[v] = layout_pack(&c->phys, c->scratch, pk, m, v == 2, LAYOUT_PACK_TRIES_FRESH,
				    &fail, &short_by);
		for (uint32_t k = 0; ok[v] && k < m; k++)
			w[v][who[k]] = pk[k].at;
	}
	for (uint32_t v = 0; v < 3; v++) {
		if (!ok[v])
			continue;
		if ((err = free_but(c, x, w[v], &t)))
			return err;
		n = layout_slot_count(&t, &q);
		if (n > best_n) {
			best_n = n;
			best = v;
		}
	}
	if ((err = free_but(c, x, w[best], &t)))
		return err;
	full = layout_mbits(layout_slot_count(&c->phys, &q));
	err = layout_slot_choose(&t, &q, c->rng, &x->pa, &x->mbits);
	if (err) /* x's own place in the kept packing is a slot: cannot happen */
		return ldr_fail(c->diag, LDR_E_LAYOUT, x->name, x->idx, "physical size", x->size);
	if ((err = layout_fs_remove(&c->phys, x->pa, x->pa + x->size)))
		return ldr_fail(c->diag, err, x->name, x->idx, "physical address", x->pa);
	x->placed = true;
	for (uint32_t i = 0; i < c->nit; i++)
		c->it[i].resv = w[best][i];
	if (c->rng && x->mbits + 1000 <= full) {
		c->p->phys_reduced++;
		if (!x->mbits) {
			x->flags |= ASLRBOOT_RGN_F_PACKED;
			c->p->phys_packed++;
		}
	}
	return LDR_OK;
}

static enum ldr_err place_phys(struct lctx *c)
{
	uint8_t ord[PHYS_ITEMS];
	enum ldr_err err;

	c->nit = c->nkit + PI_OTHERS;
	if ((err = reserve_phys(c)))
		return err;
	phys_order(c, ord, c->rng != NULL);
	for (uint32_t k = 0; k < c->nit; k++)
		if ((err = place_item(c, &c->it[ord[k]])))
			return err;
	for (uint32_t i = 0; i < c->p->count; i++) {
		struct layout_region *r = &c->p->r[i];
		const struct pitem *x;
		if (c->rgn_item[i] < 0)
			continue;
		x = &c->it[c->rgn_item[i]];
		r->phys = pa_init(x->pa + c->rgn_off[i]);
		r->phys_mbits = x->mbits;
		r->flags = x->flags;
		if (r->kind == ASLRBOOT_RGN_TRAMPOLINE) {
			r->virt = va_init(pa_addr(r->phys));
			r->virt_mbits = r->phys_mbits;
			c->p->trampoline = r->phys;
		}
		if (r->kind == ASLRBOOT_RGN_BOOT_INFO)
			c->p->info_phys = r->phys;
	}
	for (uint32_t i = 0; i < c->p->nunits; i++) {
		struct layout_unit *u = &c->p->unit[i];
		const struct layout_region *r = &c->p->r[u->region];
		u->phys = pa_init(pa_addr(r->phys) + (va_addr(u->virt) - va_addr(r->virt)));
	}
	for (uint32_t k = 0; k < c->p->nblk; k++)
		c->p->blk[k].phys = pa_init(c->it[k].pa);
	return LDR_OK;
}

/* The pool, cut to the tables of the final list (its own mapping included);
 * the real list never needs more than the bound it was reserved for. */
static enum ldr_err finish_page_tables(struct lctx *c)
{
	struct layout_plan *p = c->p;
	const struct pitem *x = &c->it[c->nkit + PI_POOL];
	struct layout_region r = { .kind = ASLRBOOT_RGN_PAGE_TABLES,
				   .prot = PROT_RW,
				   .virt = va_init(c->pool_va),
				   .phys = pa_init(x->pa),
				   .virt_mbits = c->pool_vmb,
				   .phys_mbits = x->mbits,
				   .flags = x->flags,
				   .seg = -1 };
	uint64_t n0;
	enum ldr_err err;

	if ((err = layout_map_build(p, c->mm, c->diag)))
		return err;
	n0 = pt_count_tables(p->map, p->map_count, c->req->allow_1g);
	if (pool_reserve(n0) > c->pool_pages)
		return ldr_fail(c->diag, LDR_E_LAYOUT, "page tables", -1, "pages", n0);
	err = layout_map_add_pool(p, &(struct pt_mapping){ r.virt, r.phys, x->size, PROT_RW }, n0,
				  c->req->allow_1g, &p->pt_pages);
	if (err)
		return ldr_fail(c->diag, err, "page tables", -1, "pages", p->pt_pages);
	r.size = p->pt_pages * PAGE_SIZE;
	p->pt_phys = r.phys;
	return add_region(c, &r, "page-tables", -1, 0);
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
		return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel image", -1, "link_end",
				img->link_end);
	if (!is_pow2(img->max_align) || img->max_align > ELF_MAX_ALIGN)
		return ldr_fail(c->diag, LDR_E_ALIGN, "kernel image", -1, "max_align",
				img->max_align);
	prev_end = img->link_base;
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		if ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
			return ldr_fail(c->diag, LDR_E_WX, "kernel segment", i, "p_flags",
					s->flags);
		if (s->page_start < prev_end || s->page_start >= s->page_end ||
		    s->page_end > img->link_end ||
		    !is_aligned(s->page_start | s->page_end, PAGE_SIZE))
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
		return ldr_fail(c->diag, LDR_E_CONFIG, "layout", -1, "avoid_count",
				req->avoid_count);
	return check_image(c);
}

/* Section granularity: the unit holding the entry point sets plan->slide. */
static enum ldr_err place_entry_section(struct lctx *c)
{
	uint64_t e = c->img->entry;
	uint32_t lo = 0, hi = c->p->nunits;

	while (hi - lo > 1) { /* last unit whose link <= e */
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->p->unit[mid].link <= e)
			lo = mid;
		else
			hi = mid;
	}
	if (!c->p->nunits || e < c->p->unit[lo].link ||
	    e - c->p->unit[lo].link >= c->p->unit[lo].size ||
	    !(c->p->unit[lo].prot & ASLRBOOT_PROT_X))
		return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel image", -1, "e_entry", e);
	c->p->slide = va_addr(c->p->unit[lo].virt) - c->p->unit[lo].link;
	c->p->entry = va_init(e + c->p->slide);
	return LDR_OK;
}

/* The entry point where its unit runs (elf_place_va, as relocation sees it). */
static enum ldr_err place_entry(struct lctx *c)
{
	struct elf_placement pl;
	uint64_t va;

	if (c->req->su)
		return place_entry_section(c);
	layout_elf_units(c->p, &pl);
	if (!elf_place_va(&pl, c->img->entry, &va))
		return ldr_fail(c->diag, LDR_E_LAYOUT, "kernel image", -1, "e_entry",
				c->img->entry);
	c->p->entry = va_init(va);
	return LDR_OK;
}

enum ldr_err layout_plan(const struct layout_request *req, const struct memmap *mm,
			 struct rand_drbg *rng, struct layout_plan *plan, struct ldr_diag *diag)
{
	struct frange pbuf[PHYS_FREE_MAX], vbuf[VIRT_FREE_MAX];
	struct lctx c = {
		.req = req,
		.img = req->img,
		.mm = mm,
		.rng = req->aslr_off ? NULL : rng,
		.p = plan,
		.diag = diag,
		.phys = { pbuf, 0, PHYS_FREE_MAX },
		.virt = { vbuf, 0, VIRT_FREE_MAX },
		.plimit = req->phys_limit ? align_down(req->phys_limit, PAGE_SIZE) : UINT64_MAX,
	};
	enum ldr_err err;

	layout_plan_init(plan);
	c.rgn_item = c.rgn_item_fixed;
	c.rgn_off = c.rgn_off_fixed;
	if (req->su && req->store) {
		plan->r = req->store->r;
		plan->r_cap = req->store->r_cap;
		plan->unit = req->store->unit;
		plan->unit_cap = req->store->unit_cap;
		plan->map = req->store->map;
		plan->map_cap = req->store->map_cap;
		c.rgn_item = req->store->rgn_item;
		c.rgn_off = req->store->rgn_off;
	}
	if ((err = check_request(&c)) ||
	    (err = layout_free_ram(&c.phys, mm, c.plimit, req->avoid, req->avoid_count, diag)))
		return err;
	if ((err = layout_fs_append(&c.virt, LAYOUT_VWIN_LO, LAYOUT_VWIN_HI)))
		return ldr_fail(diag, err, "layout", -1, "virtual window", LAYOUT_VWIN_LO);
	if ((err = req->su ? place_sections(&c) : place_kernel(&c)) || (err = place_data(&c)) ||
	    (err = add_trampoline(&c)) || (err = place_direct_map(&c)) ||
	    (err = reserve_page_tables(&c)) || (err = place_phys(&c)) ||
	    (err = finish_page_tables(&c)))
		return err;
	if ((err = place_entry(&c)))
		return err;
	return layout_map_check(plan, diag);
}

void layout_plan_init(struct layout_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->r = plan->r_fixed;
	plan->r_cap = LAYOUT_MAX_REGIONS;
	plan->unit = plan->unit_fixed;
	plan->unit_cap = LAYOUT_MAX_UNITS;
	plan->map = plan->map_fixed;
	plan->map_cap = LAYOUT_MAX_MAPPINGS;
	plan->granularity = ASLRBOOT_GRANULARITY_SEGMENT;
}

/* The store's pieces in carving order, each 8-byte aligned. */
#define BITMAP_WORDS (LAYOUT_MAX_WINDOW / PAGE_SIZE / 64)
static uint64_t store_piece(uint64_t *off, uint64_t bytes)
{
	uint64_t at = *off;

	*off += align_down(bytes + 7, 8);
	return at;
}

static uint64_t store_carve(struct layout_store *st, uint8_t *mem, uint32_t n)
{
	uint64_t off = 0, nr = (uint64_t)n + LAYOUT_MAX_REGIONS;
	uint64_t nm = LAYOUT_MAX_MAPPINGS + (uint64_t)n + 3 * LAYOUT_MAX_BLOCKS;
	uint64_t o_r = store_piece(&off, nr * sizeof(struct layout_region));
	uint64_t o_u = store_piece(&off, (uint64_t)n * sizeof(struct layout_unit));
	uint64_t o_m = store_piece(&off, nm * sizeof(struct pt_mapping));
	uint64_t o_ri = store_piece(&off, nr * sizeof(int8_t));
	uint64_t o_ro = store_piece(&off, nr * sizeof(uint64_t));
	uint64_t o_b = store_piece(&off, BITMAP_WORDS * sizeof(uint64_t));
	uint64_t o_o = store_piece(&off, (uint64_t)n * sizeof(uint32_t));
	uint64_t o_mi = store_piece(&off, nm * sizeof(uint32_t));

	if (st) {
		*st = (struct layout_store){
			.r = (struct layout_region *)(void *)(mem + o_r),
			.r_cap = (uint32_t)nr,
			.unit = (struct layout_unit *)(void *)(mem + o_u),
			.unit_cap = n,
			.map = (struct pt_mapping *)(void *)(mem + o_m),
			.map_cap = (uint32_t)nm,
			.rgn_item = (int8_t *)(void *)(mem + o_ri),
			.rgn_off = (uint64_t *)(void *)(mem + o_ro),
			.bitmap = (uint64_t *)(void *)(mem + o_b),
			.order = (uint32_t *)(void *)(mem + o_o),
			.map_idx = (uint32_t *)(void *)(mem + o_mi),
		};
	}
	return off;
}

uint64_t layout_store_bytes(uint32_t n)
{
	return store_carve(NULL, NULL, n);
}

void layout_store_init(struct layout_store *st, void *mem, uint32_t n)
{
	store_carve(st, mem, n);
}

void layout_elf_units(const struct layout_plan *plan, struct elf_placement *pl)
{
	pl->nunits = plan->nunits;
	for (uint32_t i = 0; i < plan->nunits; i++)
		pl->unit[i] = (struct elf_unit){ .link = plan->unit[i].link,
						 .size = plan->unit[i].size,
						 .va = va_addr(plan->unit[i].virt) };
}

int layout_find(const struct layout_plan *plan, uint32_t kind)
{
	for (uint32_t i = 0; i < plan->count; i++)
		if (plan->r[i].kind == kind)
			return (int)i;
	return -1;
}
