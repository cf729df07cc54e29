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

/* elf_load.c: 8-byte moves (any alignment), then a byte tail. */
void elf_copy8(uint8_t *dst, const uint8_t *src, uint64_t n);
void elf_zero8(uint8_t *dst, uint64_t n);

/* x rounded up to a page, for an end that a checked segment holds (no wrap). */
static inline uint64_t elf_page_up(uint64_t x)
{
	return (x + (ELF_PAGE - 1)) & ~(ELF_PAGE - 1);
}

/* elf_sect.c: section granularity (img->sec.wanted).  Validates the
 * section header table, the units, .symtab and (through elf_lreloc.c and
 * elf_ehhdr.c) the link-time relocations and .eh_frame_hdr; sets
 * img->sec.usable. */
enum ldr_err elf_sect_parse(struct elf_image *img, struct ldr_diag *d);
/* Section header i (< img->sec.shnum, inside the file: checked by elf_parse).
 * Inline: callers read a few fields, the compiler copies only those. */
static inline void elf_sect_shdr(const struct elf_image *img, uint32_t i, Elf64_Shdr *sh)
{
	__builtin_memcpy(sh, img->file + img->sec.shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

/* A placement unit: allocatable and not empty. */
static inline bool elf_sect_is_unit(const Elf64_Shdr *sh)
{
	return (sh->sh_flags & SHF_ALLOC) && sh->sh_size;
}
/* The section index of the unit holding link address x, where the address
 * one past a unit's end belongs to it unless the next unit starts there;
 * 0 if none.  *hint (may be NULL): a unit index tried first, updated. */
uint32_t elf_sect_find(const struct elf_image *img, uint64_t x, uint32_t *hint);

/* One unit's step of img->sec.unit_hash (h = 0 before the first): a
 * consistency check of the caller's tables, not a defence against forgery. */
static inline uint64_t elf_unit_hash(uint64_t h, uint32_t shndx, uint64_t link, uint64_t size,
				     uint64_t align)
{
	h = (h ^ (link + size * UINT64_C(0xff51afd7ed558ccd) +
		  ((uint64_t)shndx << 32 | (uint32_t)align) * UINT64_C(0xc4ceb9fe1a85ec53))) *
	    UINT64_C(0x9e3779b97f4a7c15);
	return h ^ (h >> 29);
}

/* elf_lreloc.c: every link-time relocation (fills img->sec counts, stats,
 * max_span, s32_lo/hi) and every dynamic one against the units. */
enum ldr_err elf_lreloc_validate(struct elf_image *img, struct ldr_diag *d);
/* elf_lreloc.c: the unit for link address x (the last one starting at or
 * below it; units sorted by link), and x's runtime address through it.
 * *hint: a unit index tried first (then the next one), updated. */
uint32_t elf_sect_unit_search(const struct elf_sec_placement *pl, uint64_t x, uint32_t *hint);

static inline uint32_t elf_sect_unit_of(const struct elf_sec_placement *pl, uint64_t x,
					uint32_t *hint)
{
	uint32_t h = *hint;

	if (h < pl->nunits && pl->unit[h].link <= x &&
	    (h + 1 == pl->nunits || pl->unit[h + 1].link > x))
		return h;
	return elf_sect_unit_search(pl, x, hint);
}

static inline uint64_t elf_sect_place(const struct elf_sec_placement *pl, uint64_t x,
				      uint32_t *hint)
{
	const struct elf_unit *u = &pl->unit[elf_sect_unit_of(pl, x, hint)];

	return x + (u->va - u->link);
}

/* elf_ehhdr.c: .eh_frame_hdr's shape (E_SORTED_TABLE), and its rebuild. */
enum ldr_err elf_ehhdr_validate(struct elf_image *img, struct ldr_diag *d);
void elf_ehhdr_rebuild(const struct elf_image *img, const struct elf_sec_placement *pl);

#endif
