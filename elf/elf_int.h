/* SPDX-License-Identifier: MIT */
/* Helpers shared by the elf_*.c files; not part of the elf/ API. */
#ifndef ELF_ELF_INT_H
#define ELF_ELF_INT_H

#include "../include/ldr_range.h"
#include "../include/ldr_unaligned.h"
#include "elf.h"
#include "elf64.h"

#define ELF_PAGE UINT64_C(4096)

/* The address the policy orders and places segments by (p_paddr for linux64). */
static inline uint64_t elf_seg_addr(const struct elf_image *img, const struct elf_seg *s)
{
	return (img->policy & ELF_POL_LINUX64) ? s->paddr : s->vaddr;
}

/*
 * File offset of link range [vaddr, vaddr+size), which must lie in the
 * file-backed part of one PT_LOAD.  *avail (may be NULL) receives the bytes
 * from vaddr to the end of that file-backed part.  size must be > 0.
 */
bool elf_vaddr_to_off(const struct elf_image *img, uint64_t vaddr, uint64_t size, uint64_t *off,
		      uint64_t *avail);

/* elf_note.c: walk one PT_NOTE (bounded) and pick up the aslrboot note. */
enum ldr_err elf_parse_notes(struct elf_image *img, const Elf64_Phdr *ph, uint32_t index,
			     struct ldr_diag *d);

/* elf_dyn.c: PT_DYNAMIC and the tables it names. */
enum ldr_err elf_parse_dynamic(struct elf_image *img, const Elf64_Phdr *ph, uint32_t index,
			       struct ldr_diag *d);

/* elf_place.c: 1 <= nunits <= ELF_MAX_UNITS, each unit non-empty, not
 * wrapping, above the one before; else E_RANGE. */
enum ldr_err elf_place_check(const struct elf_placement *pl, struct ldr_diag *d);
/* Whether every unit has the same offset va - link; *off = unit 0's. */
bool elf_place_shared(const struct elf_placement *pl, uint64_t *off);

/* elf_reloc.c: check every RELA/JMPREL entry and RELR word; fills img->stats. */
enum ldr_err elf_reloc_validate(struct elf_image *img, struct ldr_diag *d);

#endif
