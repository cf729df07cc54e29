/* SPDX-License-Identifier: MIT */
/* Helpers shared by the elf_*.c files; not part of the elf/ API. */
#ifndef ELF_ELF_INT_H
#define ELF_ELF_INT_H

#include "elf.h"
#include "elf64.h"

#define ELF_PAGE UINT64_C(4096)

/* elf/ is a leaf: its own copies of the few range helpers it needs. */
static inline bool elf_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static inline uint64_t elf_align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* *out = x rounded up to a (a power of two); false on overflow. */
static inline bool elf_align_up(uint64_t x, uint64_t a, uint64_t *out)
{
	uint64_t t;

	if (__builtin_add_overflow(x, a - 1, &t))
		return false;
	*out = t & ~(a - 1);
	return true;
}

/* *end = base + len; false if that wraps past 2^64. */
static inline bool elf_end(uint64_t base, uint64_t len, uint64_t *end)
{
	return !__builtin_add_overflow(base, len, end);
}

/* The image may sit at any alignment: every field read is a memcpy. */
static inline uint16_t elf_rd16(const uint8_t *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t elf_rd32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t elf_rd64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

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

/* elf_reloc.c: check every RELA/JMPREL entry and RELR word; fills img->stats. */
enum ldr_err elf_reloc_validate(struct elf_image *img, struct ldr_diag *d);

#endif
