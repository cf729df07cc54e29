// SPDX-License-Identifier: MIT
/*
 * libelf's view of the section headers, for aslrboot-inspect's unit listing
 * at section granularity: section names, and the link-time relocations
 * (SHT_RELA sections that apply to an allocatable section, as
 * --emit-relocs keeps them) counted by type.  Best effort, like elfview.c:
 * whatever libelf cannot read is left out.
 */
#include "elfview.h"

#include <limits.h>
#include <string.h>

const char *ev_section_name(const struct elfview *v, uint32_t shndx)
{
	size_t strndx;
	Elf_Scn *scn;
	GElf_Shdr sh;
	const char *name;

	if (!v->elf || elf_getshdrstrndx(v->elf, &strndx) || !(scn = elf_getscn(v->elf, shndx)) ||
	    !gelf_getshdr(scn, &sh))
		return NULL;
	name = elf_strptr(v->elf, strndx, sh.sh_name);
	return name;
}

uint64_t ev_link_relocs(const struct elfview *v, struct ev_type_count *out, uint32_t max,
			uint32_t *ntypes)
{
	Elf_Scn *scn = NULL;
	uint64_t total = 0;

	*ntypes = 0;
	while (v->elf && (scn = elf_nextscn(v->elf, scn))) {
		GElf_Shdr sh, target;
		Elf_Scn *t;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_info ||
		    !(t = elf_getscn(v->elf, sh.sh_info)) || !gelf_getshdr(t, &target) ||
		    !(target.sh_flags & SHF_ALLOC) || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Rela) && i < INT_MAX; i++) {
			GElf_Rela r;
			uint32_t type, k = 0;

			if (!gelf_getrela(d, (int)i, &r))
				break;
			type = (uint32_t)GELF_R_TYPE(r.r_info);
			total++;
			while (k < *ntypes && out[k].type < type)
				k++;
			if (k < *ntypes && out[k].type == type) {
				out[k].n++;
			} else if (*ntypes < max) {
				memmove(&out[k + 1], &out[k], (*ntypes - k) * sizeof(out[0]));
				out[k] = (struct ev_type_count){ type, 1 };
				(*ntypes)++;
			}
		}
	}
	return total;
}
