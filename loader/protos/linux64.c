/* SPDX-License-Identifier: MIT */
/* linux64: protocol choice, placement, copy, identity map (linux64.h). */
#include "linux64.h"

#include "../../elf/elf64.h"
#include "../arch/arch.h"
#include "../layout/internal.h"
#include "../libc.h"
#include "../log.h"

#define L64_LOW_MEM (UINT64_C(1) << 20)
#define L64_4G (UINT64_C(1) << 32)
#define L64_FREE_MAX (MEMMAP_MAX + LAYOUT_MAX_AVOID + 8)

static const char *kname(const struct loader_state *s)
{
	return s->env->kernel_name ? s->env->kernel_name : "kernel";
}

enum ldr_err l64_decide(const void *buf, uint64_t size, uint32_t proto, bool aslr_off,
			struct elf_image *img, struct l64_verdict *v, struct ldr_diag *d)
{
	struct ldr_diag nd = { 0 }, ld = { 0 };
	enum ldr_err err, werr;
	bool auto_ = proto == BOOT_PROTO_AUTO;

	*v = (struct l64_verdict){ .proto = proto, .aslr_off = aslr_off };
	if (proto == BOOT_PROTO_LINUX64) {
		err = elf_parse(buf, size, ELF_POL_LINUX64, img, d);
		v->linux64 = !err;
		return err;
	}
	err = elf_parse(buf, size, aslr_off ? ELF_POL_ALLOW_EXEC_NORELOC : 0, img, &nd);
	/* aslr=off lets the native validator take an ET_EXEC without
	 * relocations; a boot-protocol kernel not written for us still goes on
	 * to the linux64 checks, as it would with aslr=on. */
	if (!err && aslr_off && auto_ && !img->has_note &&
	    (img->has_pvh_note || img->has_linux_note))
		err = elf_parse(buf, size, 0, img, &nd);
	if (d)
		*d = nd;
	if (!err || !auto_)
		return err;
	/* Written for us (an aslrboot note), or not even self-relocating. */
	if (elf_parse(buf, size, ELF_POL_LINUX64, img, &ld) || img->has_note)
		return err;
	/* Never turn a W^X refusal into an RWX boot unless the image says it is
	 * Linux; whichever native error came first. */
	if (!img->has_linux_note && (werr = elf_wx_scan(img, &ld))) {
		if (d)
			*d = ld;
		v->hint = L64_HINT_WX;
		return werr;
	}
	/* Neither movable nor a boot-protocol kernel: a native kernel linked
	 * without -pie, most likely; booting it without any ASLR is not a
	 * default. */
	if (img->movable == ELF_MOVE_NONE && !img->has_pvh_note) {
		v->hint = L64_HINT_FIXED;
		return err;
	}
	v->linux64 = true;
	v->native = err;
	return LDR_OK;
}

void l64_why(const struct l64_verdict *v, const struct elf_image *img, char *buf, size_t n)
{
	static const char *const sign[] = {
		[ELF_MOVE_ET_DYN] = "ET_DYN",
		[ELF_MOVE_DYNAMIC] = "PT_DYNAMIC",
		[ELF_MOVE_LINUX_NOTE] = "Linux ELF note",
	};
	char first[64];

	if (v->proto == BOOT_PROTO_LINUX64)
		ldr_snprintf(first, sizeof(first), "protocol=linux64");
	else
		ldr_snprintf(first, sizeof(first), "native load refused (%s)", ldr_errname(v->native));
	if (img->movable == ELF_MOVE_NONE)
		ldr_snprintf(buf, n, "%s; not relocatable (not ET_DYN, no PT_DYNAMIC, no Linux ELF "
				     "note): loaded at its link address 0x%llx, no physical ASLR",
			     first, (unsigned long long)img->link_base);
	else
		ldr_snprintf(buf, n, "%s; movable (%s): %s", first, sign[img->movable],
			     v->aslr_off ? "lowest free base (aslr=off)" : "random physical base");
}

enum ldr_err linux64_validate(struct loader_state *s, bool *use)
{
	struct l64_verdict v;
	struct ldr_diag d = { 0 };
	char why[192];
	enum ldr_err err;

	*use = false;
	if (!s->env->kernel || !s->env->kernel_size) {
		d = (struct ldr_diag){ .err = LDR_E_NO_KERNEL, .what = "kernel", .index = -1 };
		log_diag(kname(s), &d);
		return LDR_E_NO_KERNEL;
	}
	err = l64_decide(s->env->kernel, s->env->kernel_size, s->env->opts.protocol,
			 s->env->opts.aslr_off, &s->img, &v, &d);
	if (err) {
		log_diag(kname(s), &d);
		if (v.hint)
			log_printf("aslrboot: hint: %s\n", v.hint);
		return err;
	}
	if (v.linux64) {
		l64_why(&v, &s->img, why, sizeof(why));
		log_printf("linux64: %s; booting with the Linux 64-bit protocol, W^X NOT enforced\n",
			   why);
		*use = true;
	}
	stage_mark(s, ASLRBOOT_PHASE_VALIDATE);
	return LDR_OK;
}

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
		q = (struct slot_req){ .size = p->span, .align = PAGE_SIZE, .lo = p->link_base,
				       .hi = img->link_end, .hint = p->link_base };
		if ((err = layout_slot_choose(&fs, &q, NULL, &p->base, &p->mbits)))
			return ldr_fail(d, err, "linux64 image at its link address (range not free)",
					-1, "p_paddr", p->link_base);
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
	q = (struct slot_req){ .size = p->scratch_pages * PAGE_SIZE, .align = PAGE_SIZE,
			       .lo = L64_LOW_MEM, .hi = hi, .hint = L64_LOW_MEM };
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
