// SPDX-License-Identifier: MIT
/*
 * The free physical memory a planner draws from (layout_plan and the
 * linux64 planner share it): USABLE RAM from 1 MiB up to a limit, in whole
 * pages, minus the avoid list.
 */
#include "internal.h"

enum ldr_err layout_free_ram(struct free_set *fs, const struct memmap *mm, uint64_t limit,
			     const struct boot_range *avoid, uint32_t n, struct ldr_diag *d)
{
	enum ldr_err err;

	for (uint32_t i = 0; i < mm->count; i++) {
		const struct mm_entry *e = &mm->e[i];
		uint64_t lo = e->base > LAYOUT_LOW_MEM ? e->base : LAYOUT_LOW_MEM, hi;

		if (e->type != ASLRBOOT_MEM_USABLE || !range_end(e->base, e->len, &hi) ||
		    !align_up_checked(lo, PAGE_SIZE, &lo))
			continue; /* a normalized map has neither */
		hi = align_down(hi < limit ? hi : limit, PAGE_SIZE);
		if ((err = layout_fs_append(fs, lo, hi)))
			return ldr_fail(d, err, "memory map", i, "base", e->base);
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t end;

		/* Whole pages: the free ranges stay page aligned, which the
		 * packing (layout_pack) relies on. */
		if (!range_end(avoid[i].base, avoid[i].len, &end) ||
		    !align_up_checked(end, PAGE_SIZE, &end))
			end = UINT64_MAX; /* wraps: avoid everything above base */
		if ((err = layout_fs_remove(fs, align_down(avoid[i].base, PAGE_SIZE), end)))
			return ldr_fail(d, err, "avoid range", i, "base", avoid[i].base);
	}
	return LDR_OK;
}
