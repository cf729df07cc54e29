/* SPDX-License-Identifier: MIT */
/*
 * A deliberately separate reference loader for differential tests: it uses
 * the system <elf.h> and the SECTION headers (SHT_RELA / SHT_RELR with their
 * linked .dynsym), which elf/ never reads, to build a flat relocated image
 * (x86-64 or AArch64, by e_machine).
 */
#ifndef TESTS_ELF_REF_H
#define TESTS_ELF_REF_H

#include <stddef.h>
#include <stdint.h>

/* Per 8-byte word: does its value depend on the slide?  REF_SPLIT: the word
 * holds part of a relocated value that starts at an unaligned address. */
enum { REF_NONE, REF_MOVES, REF_FIXED, REF_SPLIT };

#define ELF_REF_MAX_UNALIGNED 16

struct elf_ref {
	uint64_t lo, hi; /* page-aligned link range of all PT_LOADs */
	uint8_t *flat;	 /* hi - lo bytes, relocated for `slide` */
	uint8_t *kind;	 /* (hi - lo) / 8 entries of REF_* */
	size_t nrelocs;	 /* relocations applied (RELA entries + RELR addresses) */
	/* Link addresses of the relocated values that move with the slide and
	 * start at an address that is not a multiple of 8. */
	uint64_t unaligned[ELF_REF_MAX_UNALIGNED];
	size_t nunaligned;
};

/* 0 on success; -1 if the file uses something the reference does not model
 * (or more than ELF_REF_MAX_UNALIGNED unaligned moving targets). */
int elf_ref_load(const uint8_t *file, size_t size, uint64_t slide, struct elf_ref *r);
void elf_ref_free(struct elf_ref *r);

#endif
