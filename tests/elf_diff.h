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

/* The relocation types elf/ applies for e_machine m (NONE is a no-op). */
static inline bool applied_type(uint16_t m, uint32_t t)
{
	if (m == EM_AARCH64)
		return t == R_AARCH64_NONE || t == R_AARCH64_RELATIVE || t == R_AARCH64_ABS64 ||
		       t == R_AARCH64_GLOB_DAT || t == R_AARCH64_JUMP_SLOT;
	return t == R_X86_64_NONE || t == R_X86_64_RELATIVE || t == R_X86_64_64 ||
	       t == R_X86_64_GLOB_DAT || t == R_X86_64_JUMP_SLOT;
}

/* What ELF_POL_INSPECT lets through unapplied (elf.h): COPY, TLS, IRELATIVE
 * (AArch64: also TLSDESC). */
static inline bool inspect_only_type(uint16_t m, uint32_t t)
{
	if (m == EM_AARCH64)
		return t == R_AARCH64_COPY || t == R_AARCH64_TLS_DTPMOD ||
		       t == R_AARCH64_TLS_DTPREL || t == R_AARCH64_TLS_TPREL ||
		       t == R_AARCH64_TLSDESC || t == R_AARCH64_IRELATIVE;
	return t == R_X86_64_COPY || t == R_X86_64_DTPMOD64 || t == R_X86_64_DTPOFF64 ||
	       t == R_X86_64_TPOFF64 || t == R_X86_64_IRELATIVE;
}

/* RELATIVE, the 64-bit absolute type, GLOB_DAT and JUMP_SLOT of e_machine m. */
struct diff_types {
	uint32_t relative, abs64, glob_dat, jump_slot;
};
static inline struct diff_types diff_types(uint16_t m)
{
	if (m == EM_AARCH64)
		return (struct diff_types){ R_AARCH64_RELATIVE, R_AARCH64_ABS64, R_AARCH64_GLOB_DAT,
					    R_AARCH64_JUMP_SLOT };
	return (struct diff_types){ R_X86_64_RELATIVE, R_X86_64_64, R_X86_64_GLOB_DAT,
				    R_X86_64_JUMP_SLOT };
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
