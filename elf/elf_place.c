// SPDX-License-Identifier: MIT
/*
 * Placement units: the check of a caller's unit list and the one lookup that
 * turns a link address into its runtime address (elf_place_va).
 */
#include "elf_int.h"

enum ldr_err elf_place_check(const struct elf_placement *pl, struct ldr_diag *d)
{
	uint64_t prev_end = 0, end;

	if (!pl->nunits || pl->nunits > ELF_MAX_UNITS)
		return ldr_fail(d, LDR_E_RANGE, "placement", -1, "units", pl->nunits);
	for (uint32_t i = 0; i < pl->nunits; i++) {
		const struct elf_unit *u = &pl->unit[i];

		if (!u->size || !range_end(u->link, u->size, &end) || (i && u->link < prev_end))
			return ldr_fail(d, LDR_E_RANGE, "placement unit", i, "link", u->link);
		prev_end = end;
	}
	return LDR_OK;
}

bool elf_place_shared(const struct elf_placement *pl, uint64_t *off)
{
	*off = pl->unit[0].va - pl->unit[0].link;
	for (uint32_t i = 1; i < pl->nunits; i++)
		if (pl->unit[i].va - pl->unit[i].link != *off)
			return false;
	return true;
}

bool elf_place_va(const struct elf_placement *pl, uint64_t link, uint64_t *va)
{
	uint32_t lo = 0, hi = pl->nunits;
	const struct elf_unit *u;
	uint64_t off;

	/* The last unit starting at or below link: the one holding it, if any
	 * (a unit starting exactly at the end of the one before wins). */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (pl->unit[mid].link <= link)
			lo = mid + 1;
		else
			hi = mid;
	}
	u = lo ? &pl->unit[lo - 1] : &pl->unit[0];
	if ((lo && link - u->link <= u->size) || elf_place_shared(pl, &off)) {
		*va = link + (u->va - u->link);
		return true;
	}
	return false;
}
