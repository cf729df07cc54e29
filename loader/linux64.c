/* SPDX-License-Identifier: MIT */
/* linux64: protocol choice, placement, copy, identity map (linux64.h). */
#include "linux64.h"

#include "../elf/elf64.h"
#include "layout_int.h"
#include "libc.h"
#include "log.h"

#define L64_LOW_MEM (UINT64_C(1) << 20)
#define L64_4G (UINT64_C(1) << 32)
#define L64_FREE_MAX (MEMMAP_MAX + LAYOUT_MAX_AVOID + 8)

static const char *kname(const struct loader_state *s)
{
	return s->env->kernel_name ? s->env->kernel_name : "kernel";
}

static enum ldr_err parse(struct loader_state *s, uint32_t pol, struct ldr_diag *d)
{
	return elf_parse(s->env->kernel, s->env->kernel_size, pol, &s->img, d);
}

/* The one log line that says which path was taken and why. */
static enum ldr_err take(struct loader_state *s, bool *use, const char *why, enum ldr_err native)
{
	log_printf("linux64: %s%s%s; booting with the Linux 64-bit protocol: physical ASLR only, W^X NOT enforced\n",
		   why, native ? ldr_errname(native) : "", native ? ")" : "");
	*use = true;
	stage_mark(s, ASLRBOOT_PHASE_VALIDATE);
	return LDR_OK;
}

enum ldr_err linux64_validate(struct loader_state *s, bool *use)
{
	uint32_t proto = s->env->opts.protocol;
	uint32_t pol = s->env->opts.aslr_off ? ELF_POL_ALLOW_EXEC_NORELOC : 0;
	struct ldr_diag d = { 0 }, d2 = { 0 };
	enum ldr_err err;

	*use = false;
	if (!s->env->kernel || !s->env->kernel_size)
		return stage_validate(s); /* its E_NO_KERNEL line */
	if (proto == BOOT_PROTO_LINUX64) {
		if (!(err = parse(s, ELF_POL_LINUX64, &d)))
			return take(s, use, "protocol=linux64", LDR_OK);
	} else if ((err = parse(s, pol, &d)) && proto == BOOT_PROTO_AUTO &&
		   /* native-shaped but unrelocatable images stay native errors */
		   (pol || parse(s, ELF_POL_ALLOW_EXEC_NORELOC, &d2)) &&
		   !parse(s, ELF_POL_LINUX64, &d2) && !s->img.has_note && s->img.type == ET_EXEC) {
		return take(s, use, "native load refused (", err);
	}
	if (err) {
		log_diag(kname(s), &d);
		return err;
	}
	stage_mark(s, ASLRBOOT_PHASE_VALIDATE);
	return LDR_OK;
}

/* USABLE memory in [1 MiB, hi) minus the avoid list. */
static enum ldr_err free_ram(struct free_set *fs, const struct memmap *mm, uint64_t hi,
			     const struct boot_range *avoid, uint32_t n, struct ldr_diag *d)
{
	enum ldr_err err;

	for (uint32_t i = 0; i < mm->count; i++) {
		const struct mm_entry *e = &mm->e[i];
		uint64_t lo = e->base > L64_LOW_MEM ? e->base : L64_LOW_MEM, end;
		if (e->type != ASLRBOOT_MEM_USABLE || !range_end(e->base, e->len, &end))
			continue;
		end = end < hi ? end : hi;
		lo = align_up_checked(lo, PAGE_SIZE, &lo) ? lo : end;
		end = align_down(end, PAGE_SIZE);
		if (lo < end && (err = layout_fs_append(fs, lo, end)))
			return ldr_fail(d, err, "memory map", i, "base", e->base);
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t end;
		if (!range_end(avoid[i].base, avoid[i].len, &end))
			end = UINT64_MAX;
		if ((err = layout_fs_remove(fs, align_down(avoid[i].base, PAGE_SIZE), end)))
			return ldr_fail(d, err, "avoid range", i, "base", avoid[i].base);
	}
	return LDR_OK;
}

static void size_tables(struct l64_plan *p, const struct memmap *mm, bool allow_1g)
{
	uint64_t top = memmap_ram_top(mm);

	if (top > L64_MAP_MAX)
		top = L64_MAP_MAX; /* the kernel maps the rest from e820 */
	if (top < L64_4G)
		top = L64_4G;
	p->map_top = (top + (UINT64_C(1) << 30) - 1) & ~((UINT64_C(1) << 30) - 1);
	p->pt_pages = 2 + (allow_1g ? 0 : p->map_top >> 30); /* PML4, PDPT, PDs */
}

enum ldr_err l64_plan_image(const struct elf_image *img, const struct memmap *mm,
			    const struct boot_range *avoid, uint32_t avoid_count,
			    uint64_t phys_limit, bool allow_1g, struct rand_drbg *rng,
			    struct l64_plan *p, struct ldr_diag *d)
{
	struct frange buf[L64_FREE_MAX];
	struct free_set fs = { buf, 0, L64_FREE_MAX };
	uint64_t hi = phys_limit && phys_limit < L64_4G ? phys_limit : L64_4G;
	struct slot_req q = { .lo = L64_LOW_MEM, .hi = hi };
	uint32_t scratch_mbits;
	enum ldr_err err;

	memset(p, 0, sizeof(*p));
	if (!img->nsegs || img->link_end <= img->link_base)
		return ldr_fail(d, LDR_E_LAYOUT, "linux64", -1, "segments", img->nsegs);
	if (img->max_align > L64_MAX_ALIGN || !is_pow2(img->max_align))
		return ldr_fail(d, LDR_E_LINUX64_ALIGN, "linux64", -1, "p_align", img->max_align);
	p->link_base = img->link_base;
	p->span = img->link_end - img->link_base;
	p->align = img->max_align > PAGE_SIZE ? img->max_align : PAGE_SIZE;
	size_tables(p, mm, allow_1g);
	p->scratch_pages = L64_PG_TABLES + p->pt_pages;
	if ((err = free_ram(&fs, mm, hi, avoid, avoid_count, d)))
		return err;
	/* The load offset stays a multiple of the alignment (Linux's
	 * CONFIG_PHYSICAL_ALIGN): base = link_base (mod align). */
	q.size = p->span;
	q.align = p->align;
	q.phase = p->link_base & (p->align - 1);
	q.hint = L64_LOW_MEM;
	if ((err = layout_slot_choose(&fs, &q, rng, &p->base, &p->mbits)))
		return ldr_fail(d, err, "linux64 image", -1, "physical size", p->span);
	q = (struct slot_req){ .size = p->scratch_pages * PAGE_SIZE, .align = PAGE_SIZE,
			       .lo = L64_LOW_MEM, .hi = hi, .hint = L64_LOW_MEM };
	if ((err = layout_slot_choose(&fs, &q, rng, &p->scratch, &scratch_mbits)))
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

#define L64_PTE_P (UINT64_C(1) << 0)
#define L64_PTE_RW (UINT64_C(1) << 1)
#define L64_PTE_PS (UINT64_C(1) << 7)

void l64_build_tables(const struct l64_plan *p, uint64_t *pt, uint64_t pt_phys, bool allow_1g)
{
	uint64_t gigs = p->map_top >> 30;
	uint64_t *pml4 = pt, *pdpt = pt + 512;

	memset(pt, 0, p->pt_pages * PAGE_SIZE);
	pml4[0] = (pt_phys + PAGE_SIZE) | L64_PTE_P | L64_PTE_RW;
	for (uint64_t g = 0; g < gigs; g++) {
		uint64_t *pd = pt + 512 * (2 + g);
		if (allow_1g) {
			pdpt[g] = (g << 30) | L64_PTE_P | L64_PTE_RW | L64_PTE_PS;
			continue;
		}
		pdpt[g] = (pt_phys + (2 + g) * PAGE_SIZE) | L64_PTE_P | L64_PTE_RW;
		for (uint64_t m = 0; m < 512; m++)
			pd[m] = ((g << 30) + (m << 21)) | L64_PTE_P | L64_PTE_RW | L64_PTE_PS;
	}
}
