/* SPDX-License-Identifier: MIT */
/*
 * A deliberately separate reference loader for differential tests: it uses
 * the system <elf.h> and the SECTION headers (SHT_RELA / SHT_RELR with their
 * linked .dynsym), which elf/ never reads, to build a flat relocated image.
 */
#ifndef TESTS_ELF_REF_H
#define TESTS_ELF_REF_H

#include <stddef.h>
#include <stdint.h>

enum { REF_NONE, REF_MOVES, REF_FIXED }; /* per 8-byte word: value depends on slide? */

struct elf_ref {
	uint64_t lo, hi;   /* page-aligned link range of all PT_LOADs */
	uint8_t *flat;     /* hi - lo bytes, relocated for `slide` */
	uint8_t *kind;     /* (hi - lo) / 8 entries of REF_* */
	size_t nrelocs;    /* relocations applied (RELA entries + RELR addresses) */
};

/* 0 on success; -1 if the file uses something the reference does not model. */
int elf_ref_load(const uint8_t *file, size_t size, uint64_t slide, struct elf_ref *r);
void elf_ref_free(struct elf_ref *r);

#endif
