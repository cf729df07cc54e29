/* SPDX-License-Identifier: MIT */
/* Placement units for tests: one per segment, all at one slide (what the
 * layout plans), or each at its own offset. */
#ifndef TESTS_ELF_PLACE_H
#define TESTS_ELF_PLACE_H

#include "elf/elf.h"

/* Unit i = segment i's page span, running at its link address + off[i]. */
static inline void place_units(const struct elf_image *img, const uint64_t *off,
			       struct elf_placement *pl)
{
	pl->nunits = img->nsegs;
	for (uint32_t i = 0; i < img->nsegs; i++)
		pl->unit[i] =
			(struct elf_unit){ .link = img->segs[i].page_start,
					   .size = img->segs[i].page_end - img->segs[i].page_start,
					   .va = img->segs[i].page_start + off[i] };
}

/* Every unit at link address + slide. */
static inline void place_slide(const struct elf_image *img, uint64_t slide,
			       struct elf_placement *pl)
{
	uint64_t off[ELF_MAX_UNITS];

	for (uint32_t i = 0; i < ELF_MAX_UNITS; i++)
		off[i] = slide;
	place_units(img, off, pl);
}

#endif
