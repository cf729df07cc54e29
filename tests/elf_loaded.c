/* SPDX-License-Identifier: MIT */
/* Load an ELF into malloc'd per-segment buffers at a slide (relocation tests). */
#include <stdlib.h>
#include <string.h>

#include "elf_loaded.h"
#include "elf_place.h"
#include "harness.h"

void unload(struct loaded *l)
{
	for (int i = 0; i < ELF_MAX_LOAD; i++)
		free(l->pl.seg_mem[i]);
	memset(l, 0, sizeof(*l));
}

enum ldr_err load_at_for(uint16_t machine, const uint8_t *f, size_t sz, uint64_t slide,
			 uint32_t pol, struct loaded *l, struct ldr_diag *d)
{
	uint64_t off[ELF_MAX_UNITS];

	for (int i = 0; i < ELF_MAX_UNITS; i++)
		off[i] = slide;
	return load_units_for(machine, f, sz, off, pol, l, d);
}

enum ldr_err load_at(const uint8_t *f, size_t sz, uint64_t slide, uint32_t pol, struct loaded *l,
		     struct ldr_diag *d)
{
	return load_at_for(ELF_MACHINE_X86_64, f, sz, slide, pol, l, d);
}

enum ldr_err load_units(const uint8_t *f, size_t sz, const uint64_t *off, uint32_t pol,
			struct loaded *l, struct ldr_diag *d)
{
	return load_units_for(ELF_MACHINE_X86_64, f, sz, off, pol, l, d);
}

enum ldr_err load_units_for(uint16_t machine, const uint8_t *f, size_t sz, const uint64_t *off,
			    uint32_t pol, struct loaded *l, struct ldr_diag *d)
{
	enum ldr_err e;

	memset(l, 0, sizeof(*l));
	if ((e = elf_parse(f, sz, machine, pol, &l->img, d)))
		return e;
	place_units(&l->img, off, &l->pl);
	for (uint32_t i = 0; i < l->img.nsegs; i++) {
		size_t n = l->img.segs[i].page_end - l->img.segs[i].page_start;

		if (!(l->pl.seg_mem[i] = malloc(n)))
			return LDR_E_NOMEM;
		memset(l->pl.seg_mem[i], 0xa5, n);
	}
	if ((e = elf_load(&l->img, &l->pl)))
		return e;
	return elf_relocate(&l->img, &l->pl, d);
}

uint64_t loaded_word(const struct loaded *l, uint64_t v)
{
	int s = elf_seg_of(&l->img, v);
	uint64_t w = 0;

	if (s >= 0)
		memcpy(&w, l->pl.seg_mem[s] + (v - l->img.segs[s].page_start), 8);
	else
		harness_fail(__FILE__, __LINE__, "no segment at 0x%" PRIx64, v);
	return w;
}
