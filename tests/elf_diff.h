/* SPDX-License-Identifier: MIT */
/*
 * Checks of tests/test_elf_diff.c: elf/'s view of a file against libelf's
 * (loader/tools/elfview.h).  Each returns the number of disagreements found
 * and describes the first in `why`.
 */
#ifndef TESTS_ELF_DIFF_H
#define TESTS_ELF_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/elf.h"
#include "loader/tools/elfview.h"

/* The relocation types elf/ applies (NONE is a no-op). */
static inline bool applied_type(uint32_t t)
{
	return t == R_X86_64_NONE || t == R_X86_64_RELATIVE || t == R_X86_64_64 ||
	       t == R_X86_64_GLOB_DAT || t == R_X86_64_JUMP_SLOT;
}

/* What ELF_POL_INSPECT lets through unapplied (elf.h): COPY, TLS, IRELATIVE. */
static inline bool inspect_only_type(uint32_t t)
{
	return t == R_X86_64_COPY || t == R_X86_64_DTPMOD64 || t == R_X86_64_DTPOFF64 ||
	       t == R_X86_64_TPOFF64 || t == R_X86_64_IRELATIVE;
}

/* Header, PT_LOADs, entry, RELRO, dynamic tables, relocation counts. */
int diff_view(const struct elf_image *img, const struct elfview *v, char *why, size_t n);

/*
 * Does libelf's view show exactly what the validator rejected the file for,
 * and is that a documented policy (a cap, W^X, an unsupported feature)
 * rather than a malformation?  1 if so; 0 with `why` otherwise.
 */
int diff_confirm(const struct ldr_diag *d, const struct elfview *v, char *why, size_t n);

struct reloc_diff_stats {
	uint64_t moved, fixed; /* relocated words: value moves with the slide / does not */
	uint64_t bytes;	       /* bytes compared per slide */
};

/*
 * elf_load + elf_relocate at slides s1 and s2 into malloc'd per-segment
 * buffers, against an image built and relocated from libelf's view.  Every
 * byte must match the reference at both slides, every word a relocation
 * moves must differ by exactly s2 - s1, every other byte must be equal.
 * corrupt != 0 flips one relocated word of the s2 copy first (self-test).
 */
int diff_relocs(const struct elf_image *img, struct elfview *v, uint64_t s1, uint64_t s2,
		int corrupt, struct reloc_diff_stats *st, char *why, size_t n);

#endif
