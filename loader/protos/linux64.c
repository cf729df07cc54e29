/* SPDX-License-Identifier: MIT */
/* linux64: placement, copy, identity map (linux64.h). */
#include "linux64.h"

#include "../arch/arch.h"
#include "../layout/internal.h"
#include "../libc.h"

#define L64_LOW_MEM (UINT64_C(1) << 20)
#define L64_4G (UINT64_C(1) << 32)
#define L64_FREE_MAX (MEMMAP_MAX + LAYOUT_MAX_AVOID + 8)

#define L64_1G (UINT64_C(1) << 30)

/*
 * A movable kernel gets [0, max(4 GiB, top of RAM)).  A fixed one gets what
 * Firecracker maps, [0, 1 GiB), stretched to its image and to map_min (the
 * modules): Nanos uses the addresses above for its own programs.
 */
static void size_tables(struct l64_plan *p, const struct memmap *mm, uint64_t link_end,
			uint64_t map_min, bool allow_1g)
{
	uint64_t top = memmap_ram_top(mm);

	if (p->fixed)
		top = link_end > map_min ? link_end : map_min;
	if (top > L64_MAP_MAX)
		top = L64_MAP_MAX; /* the kernel maps the rest from e820 */
	if (top < (p->fixed ? L64_1G : L64_4G))
		top = p->fixed ? L64_1G : L64_4G;
	p->map_top = (top + (UINT64_C(1) << 30) - 1) & ~((UINT64_C(1) << 30) - 1);
	/* PML4, PDPT, PDs; the first GiB always has its PD (2 MiB pages), as
	 * Firecracker builds it: Nanos walks PML4[0] -> PDPT[0] -> PD. */
	p->pt_pages = 2 + (allow_1g ? 1 : p->map_top >> 30);
}

enum ldr_err l64_plan_image(const struct elf_image *img, const struct memmap *mm,
			    const struct boot_range *avoid, uint32_t avoid_count,
			    uint64_t phys_limit, uint64_t map_min, bool allow_1g,
			    struct rand_drbg *rng, struct l64_plan *p, struct ldr_diag *d)
{
	struct frange buf[L64_FREE_MAX];
	struct free_set fs = { buf, 0, L64_FREE_MAX };
	uint64_t hi = phys_limit && phys_limit < L64_4G ? phys_limit : L64_4G;
	struct slot_req q = { .lo = L64_LOW_MEM, .hi = hi };
	enum ldr_err err;

	memset(p, 0, sizeof(*p));
	if (!img->nsegs || img->link_end <= img->link_base)
		return ldr_fail(d, LDR_E_LAYOUT, "linux64", -1, "segments", img->nsegs);
	if (img->max_align > L64_MAX_ALIGN || !is_pow2(img->max_align))
		return ldr_fail(d, LDR_E_LINUX64_ALIGN, "linux64", -1, "p_align", img->max_align);
	p->link_base = img->link_base;
	p->span = img->link_end - img->link_base;
	p->fixed = img->movable == ELF_MOVE_NONE;
	p->align = img->max_align > PAGE_SIZE ? img->max_align : PAGE_SIZE;
	size_tables(p, mm, img->link_end, map_min, allow_1g);
	p->scratch_pages = L64_PG_TABLES + p->pt_pages;
	if ((err = layout_free_ram(&fs, mm, hi, avoid, avoid_count, d)))
		return err;
	if (p->fixed) {
		/* Exactly [link_base, link_end): the one slot of a window that size. */
		q = (struct slot_req){ .size = p->span,
				       .align = PAGE_SIZE,
				       .lo = p->link_base,
				       .hi = img->link_end,
				       .hint = p->link_base };
		if ((err = layout_slot_choose(&fs, &q, NULL, &p->base, &p->mbits)))
			return ldr_fail(d, err,
					"linux64 image at its link address (range not free)", -1,
					"p_paddr", p->link_base);
	} else {
		/* The load offset stays a multiple of the alignment (Linux's
		 * CONFIG_PHYSICAL_ALIGN): base = link_base (mod align). */
		q.size = p->span;
		q.align = p->align;
		q.phase = p->link_base & (p->align - 1);
		q.hint = L64_LOW_MEM;
		if ((err = layout_slot_choose(&fs, &q, rng, &p->base, &p->mbits)))
			return ldr_fail(d, err, "linux64 image", -1, "physical size", p->span);
	}
	/* A kernel that must sit at its link address expects its boot data in
	 * low memory too (Firecracker's layout; Nanos reads the command line
	 * through its own early map): the lowest fit above 1 MiB, inside its
	 * smaller identity map. */
	q = (struct slot_req){ .size = p->scratch_pages * PAGE_SIZE,
			       .align = PAGE_SIZE,
			       .lo = L64_LOW_MEM,
			       .hi = hi,
			       .hint = L64_LOW_MEM };
	if (p->fixed && q.hi > p->map_top)
		q.hi = p->map_top;
	if ((err = layout_slot_choose(&fs, &q, p->fixed ? NULL : rng, &p->scratch, NULL)))
		return ldr_fail(d, err, "linux64 boot data", -1, "physical size", q.size);
	p->entry = p->base + (img->entry - p->link_base);
	return LDR_OK;
}

enum ldr_err l64_load(const struct elf_image *img, const struct l64_plan *p, uint8_t *dst,
		      struct ldr_diag *d)
{
	memset(dst, 0, p->span);
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *sg = &img->segs[i];
		uint64_t off = sg->paddr - p->link_base, end, fend;
		/* elf_parse checked these; re-check before writing anyway. */
		if (sg->paddr < p->link_base || !range_end(off, sg->memsz, &end) || end > p->span ||
		    sg->filesz > sg->memsz || !range_end(sg->offset, sg->filesz, &fend) ||
		    fend > img->file_size)
			return ldr_fail(d, LDR_E_RANGE, "program header", sg->phdr_index, "p_paddr",
					sg->paddr);
		memcpy(dst + off, img->file + sg->offset, sg->filesz);
	}
	return LDR_OK;
}

/*
 * Not pt_build(): this map is RWX by protocol (a Linux-protocol kernel
 * decompresses and relocates itself in place before it builds its own
 * tables), and pt_build() refuses W|X by design.  Tables through
 * pte_table(), leaves P|RW|PS without NX.
 */
void l64_build_tables(const struct l64_plan *p, uint64_t *pt, uint64_t pt_phys, bool allow_1g)
{
	uint64_t gigs = p->map_top >> 30;
	uint64_t *pml4 = pt, *pdpt = pt + 512;

	memset(pt, 0, p->pt_pages * PAGE_SIZE);
	pml4[0] = pte_table(pa_init(pt_phys + PAGE_SIZE));
	for (uint64_t g = 0; g < gigs; g++) {
		uint64_t *pd = pt + 512 * (2 + g);
		if (allow_1g && g) {
			pdpt[g] = (g << 30) | PTE_P | PTE_RW | PTE_PS;
			continue;
		}
		pdpt[g] = pte_table(pa_init(pt_phys + (2 + g) * PAGE_SIZE));
		for (uint64_t m = 0; m < 512; m++)
			pd[m] = ((g << 30) + (m << 21)) | PTE_P | PTE_RW | PTE_PS;
	}
}
