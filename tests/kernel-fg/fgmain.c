/* SPDX-License-Identifier: MIT */
/*
 * The fine-grained test kernel: hundreds of generated functions, each in its
 * own section (fggen.c), linked so the loader may place every section on its
 * own (the note's ASLRBOOT_NOTE_F_SECTIONS, link-time relocations kept).
 * It runs the test kernel's checks (entry state, page tables and W^X, its
 * own placement, memory, seed), then:
 *   - every generated function returns what the generator computed, called
 *     through the pointer tables in .data and in RELRO and through the
 *     section fg_set (__start_fg_set .. __stop_fg_set); GOT slots
 *     referenced from data hold the same pointers; string constants hash
 *     to the generator's values;
 *   - the unwind search table finds every function's FDE (fgeh.c);
 *   - the UNITS record: sorted by link, each unit inside its own kernel
 *     region with its prot and frames, and every generated function runs at
 *     its unit's virt + (link - unit link), link addresses as the linker
 *     put them (fg_links, filled in after the link by `fggen links`).
 * It prints one line
 *   aslrboot-fg-kernel: FG gran=section units=U funcs=N moved=M dist=D link_dist=L bits=B
 * (M: functions whose offset virt - link differs from fg_f0's; D, L: the
 * run-time and link-time distance of the two functions fg_pair names; B:
 * the smaller virtual entropy of their two units, in bits), then the PASS or
 * FAIL line of the test kernel, and leaves QEMU with 33 or 35.
 * Command line words: expect_gran=section|segment (the granularity the
 * UNITS record must state), and those of tests/kernel/kmain.c (verbose,
 * memmap, echo, expect_*).
 */
#include "../kernel/kernel.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../loader/log.h"
#include "fg.h"

/* A 64 KiB stack, a 1 MiB heap, every section placed on its own. */
_Static_assert(ASLRBOOT_NOTE_F_SECTIONS == 1, "the note's flags below");
PARAMS_NOTE_FLAGS("0x10000", "0x100000", "1");

#define PAGE UINT64_C(4096)
#define MAX_UNITS 16384 /* the loader's limit */

struct entry_regs entry_regs;
static uint64_t bss_probe[512]; /* must be zero: the loader clears .bss */
static uint32_t by_virt[MAX_UNITS + 64];
static char why_buf[160];

extern const struct fg_ent __start_fg_set[], __stop_fg_set[];

uint64_t fg_strhash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001b3);
	return h;
}

/* The optimizer must not know i: every call goes through the table in
 * memory, as loaded. */
static uint32_t opaque(uint32_t i)
{
	__asm__("" : "+r"(i));
	return i;
}

static const char *wrong(const char *what, uint32_t i, uint64_t got, uint64_t want)
{
	ldr_snprintf(why_buf, sizeof(why_buf), "%s %u: 0x%llx, want 0x%llx", what, i,
		     (unsigned long long)got, (unsigned long long)want);
	return why_buf;
}

/* The generated code, run: its results against the generator's. */
static const char *check_calls(void)
{
	uint32_t nset = (uint32_t)(__stop_fg_set - __start_fg_set);

	for (uint32_t n = 0; n < fg_nfunc; n++) {
		uint32_t i = opaque(n);
		const struct fg_case *c = &fg_cases[i];
		uint64_t got;

		if (fg_data_tab[i] != fg_relro_tab[i])
			return wrong("the .data and RELRO pointers differ: function", i,
				     (uint64_t)(uintptr_t)fg_data_tab[i],
				     (uint64_t)(uintptr_t)fg_relro_tab[i]);
		if ((got = fg_data_tab[i](c->arg)) != c->want)
			return wrong("fg_f (through .data)", i, got, c->want);
		if ((got = fg_relro_tab[i](c->arg)) != c->want)
			return wrong("fg_f (through RELRO)", i, got, c->want);
	}
	for (uint32_t n = 0; n < fg_nstr; n++) {
		uint32_t i = opaque(n);
		uint64_t got = fg_strhash(fg_strs[i]);
		if (got != fg_str_hash[i])
			return wrong("string constant", i, got, fg_str_hash[i]);
	}
	if (nset != fg_nset)
		return wrong("entries in fg_set", 0, nset, fg_nset);
	for (uint32_t n = 0; n < fg_ngotref; n++) {
		const struct fg_gotref *g = &fg_gotref[opaque(n)];
		const fg_fn *slot = (const fg_fn *)((const uint8_t *)&g->off + g->off);
		if (g->index >= fg_nfunc || *slot != fg_data_tab[g->index])
			return wrong("GOT slot of function", g->index, (uint64_t)(uintptr_t)*slot,
				     (uint64_t)(uintptr_t)fg_data_tab[g->index]);
	}
	for (uint32_t i = 0; i < nset; i++) {
		const struct fg_ent *e = &__start_fg_set[opaque(i)];
		uint64_t got = e->fn(e->arg);
		if (got != e->want)
			return wrong("fg_set entry", i, got, e->want);
	}
	return NULL;
}

/* The region (of kind) holding [va, va + size), by binary search over
 * by_virt[0..n), the kernel regions of that kind sorted by virt. */
static const struct aslrboot_region *region_of(const struct kinfo *k, uint32_t n, uint64_t va,
					       uint64_t size)
{
	uint32_t lo = 0, hi = n;
	const struct aslrboot_region *r;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (k->rgn[by_virt[mid]].virt <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	r = &k->rgn[by_virt[lo - 1]];
	return va - r->virt < r->size && r->size - (va - r->virt) >= size ? r : NULL;
}

/* Does region r map the unit byte at x to the unit's frame for it? */
static bool maps_byte(const struct aslrboot_region *r, const struct aslrboot_unit *e, uint64_t x)
{
	return r && r->phys + (x - r->virt) == e->phys + (x - e->virt);
}

/* The UNITS record against the layout: sorted by link, not overlapping,
 * page-congruent; the first and last byte of each unit in kernel regions of
 * its granularity's kind that map them to the unit's frames.  At section
 * granularity one region is exactly the unit's page span, with its prot
 * (one region per unit: units never share a page); at segment granularity
 * every unit moved by the one kernel_slide (a segment's unit may span two
 * regions: RELRO and the writable rest). */
static const char *check_unit_record(const struct kinfo *k, const struct aslrboot_rec_units *u,
				     uint32_t gran)
{
	uint32_t kind = gran == ASLRBOOT_GRANULARITY_SECTION ? ASLRBOOT_RGN_KERNEL_SECTION :
							       ASLRBOOT_RGN_KERNEL_SEGMENT;
	uint32_t n = 0;

	if (k->layout->count > sizeof(by_virt) / sizeof(by_virt[0]))
		return "too many regions";
	for (uint32_t i = 0; i < k->layout->count; i++)
		if (k->rgn[i].kind == kind)
			by_virt[n++] = i;
	kcheck_sort(by_virt, n, kcheck_region_virt, k);
	if (gran == ASLRBOOT_GRANULARITY_SECTION && n != u->count)
		return wrong("section regions vs units: regions", n, n, u->count);
	for (uint32_t i = 0; i < u->count; i++) {
		const struct aslrboot_unit *e = handoff_unit(u, i), *p;
		uint64_t last = e->virt + e->size - 1;
		const struct aslrboot_region *r = e->size ? region_of(k, n, e->virt, 1) : NULL;
		const struct aslrboot_region *r_last = e->size ? region_of(k, n, last, 1) : NULL;

		if (i &&
		    ((p = handoff_unit(u, i - 1))->link > e->link || e->link - p->link < p->size))
			return wrong("units not sorted by link or overlapping: unit", i, e->link,
				     p->link + p->size);
		if (!maps_byte(r, e, e->virt) || !maps_byte(r_last, e, last))
			return wrong(
				"unit not mapped to its frames by kernel regions of its kind: unit",
				i, e->virt, e->size);
		if (e->virt % PAGE != e->link % PAGE)
			return wrong("unit not page-congruent to its link address: unit", i,
				     e->virt, e->link);
		if (gran == ASLRBOOT_GRANULARITY_SEGMENT &&
		    e->virt - e->link != k->layout->kernel_slide)
			return wrong("segment unit did not move by kernel_slide: unit", i,
				     e->virt - e->link, k->layout->kernel_slide);
		if (gran == ASLRBOOT_GRANULARITY_SECTION &&
		    (r != r_last || r->prot != e->prot || r->virt != (e->virt & ~(PAGE - 1)) ||
		     r->virt + r->size != ((last + PAGE) & ~(PAGE - 1))))
			return wrong("section region is not its unit's page span and prot: unit", i,
				     r->virt, e->virt);
	}
	return NULL;
}

/* Every generated function against the units: it runs at its unit's
 * virt + (link - unit link); at section granularity it is its unit (its
 * own section, starting at it, executable). */
static const char *check_units(const struct kinfo *k)
{
	const struct aslrboot_rec_units *u = handoff_units(k->info);
	uint32_t gran = has_word(k->cmdline, "expect_gran=section") ? ASLRBOOT_GRANULARITY_SECTION :
			has_word(k->cmdline, "expect_gran=segment") ? ASLRBOOT_GRANULARITY_SEGMENT :
								      0;
	const struct aslrboot_unit *pu[2] = { NULL, NULL };
	uint64_t off0 = 0, addr[2] = { 0, 0 };
	uint32_t moved = 0, bits;
	const char *why;

	if (!u)
		return "no units record";
	if (u->granularity != ASLRBOOT_GRANULARITY_SECTION &&
	    u->granularity != ASLRBOOT_GRANULARITY_SEGMENT)
		return wrong("units record: granularity", 0, u->granularity, 0);
	if (gran && u->granularity != gran)
		return wrong("units record: granularity is not the expected one", 0, u->granularity,
			     gran);
	if ((why = check_unit_record(k, u, u->granularity)))
		return why;
	for (uint32_t i = 0; i < fg_nfunc; i++) {
		const struct fg_link *l = &fg_links[i];
		const struct aslrboot_unit *e = handoff_unit_at(u, l->link);
		uint64_t at = (uint64_t)(uintptr_t)fg_data_tab[i];

		if (l->link == FG_LINK_UNSET)
			return "fg_links was not filled in after the link";
		if (!e)
			return wrong("no unit holds the link address of fg_f", i, l->link, 0);
		if (at != e->virt + (l->link - e->link))
			return wrong("fg_f does not run where its unit says: fg_f", i, at,
				     e->virt + (l->link - e->link));
		if (u->granularity == ASLRBOOT_GRANULARITY_SECTION &&
		    (e->link != l->link || e->index != l->shndx ||
		     e->prot != (ASLRBOOT_PROT_R | ASLRBOOT_PROT_X)))
			return wrong("fg_f is not its own executable unit (section index): fg_f", i,
				     e->index, l->shndx);
		if (!i)
			off0 = at - l->link;
		moved += at - l->link != off0;
		for (int j = 0; j < 2; j++)
			if (i == fg_pair[j])
				addr[j] = at, pu[j] = e;
	}
	bits = pu[0]->virt_entropy_mbits < pu[1]->virt_entropy_mbits ? pu[0]->virt_entropy_mbits :
								       pu[1]->virt_entropy_mbits;
	kprintf("aslrboot-fg-kernel: FG gran=%s units=%u funcs=%u moved=%u dist=%lld "
		"link_dist=%lld bits=%u.%03u\n",
		u->granularity == ASLRBOOT_GRANULARITY_SECTION ? "section" : "segment", u->count,
		fg_nfunc, moved, (long long)(addr[0] - addr[1]),
		(long long)(fg_links[fg_pair[0]].link - fg_links[fg_pair[1]].link), bits / 1000,
		bits % 1000);
	return NULL;
}

void kmain(const struct aslrboot_info *info)
{
	struct kinfo k = { 0 };
	const char *why = check_boot(info, &k, bss_probe, sizeof(bss_probe) / sizeof(bss_probe[0]));

	if (!why)
		why = check_seed(&k);
	if (!why)
		why = check_calls();
	if (!why)
		why = fg_check_unwind();
	if (!why)
		why = check_units(&k);
	exit_qemu(report_result(&k, why));
}
