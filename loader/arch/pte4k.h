/* SPDX-License-Identifier: MIT */
/*
 * The table geometry both ports share: 4 KiB tables of 512 8-byte entries,
 * four levels counted from the leaf up (1 = 4 KiB pages, 2 = 2 MiB, 3 =
 * 1 GiB, 4 = the root, never a leaf), a 48-bit virtual address split into
 * two 47-bit halves, [0, 2^47) and [2^64 - 2^47, 2^64).  x86-64 4-level
 * paging has exactly this shape; so has arm64 with the 4 KiB granule and
 * T0SZ = T1SZ = 17, where the root's entries 0..255 are the TTBR0 table and
 * 256..511 the TTBR1 table.  Each port's pte.h includes this and adds its
 * entry encoding.
 */
#ifndef LDR_ARCH_PTE4K_H
#define LDR_ARCH_PTE4K_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_LEVELS 4
#define PTE_ENTRIES 512
#define PTE_TABLE_SIZE 4096
#define PTE_VA_BITS 48
/* The halves: [0, 2^47) and [2^64 - 2^47, 2^64). */
#define PTE_VA_LOW_END (UINT64_C(1) << (PTE_VA_BITS - 1))
#define PTE_VA_HIGH_BASE (~UINT64_C(0) << (PTE_VA_BITS - 1))

/* log2 of the bytes one entry at `level` covers: 12, 21, 30, 39; 0 if bad.
 * Inline (like the helpers below): the builder and the walker call them per
 * entry. */
static inline unsigned pte_level_shift(int level)
{
	return level >= 1 && level <= PTE_LEVELS ? 3 + 9 * (unsigned)level : 0;
}
static inline uint64_t pte_level_size(int level)
{
	return UINT64_C(1) << pte_level_shift(level);
}
/* Can an entry at `level` map a page?  1 GiB leaves only with allow_1g (a
 * CPU feature on x86-64; always there on arm64, where the caller may still
 * forgo them). */
static inline bool pte_level_can_leaf(int level, bool allow_1g)
{
	return level == 1 || level == 2 || (level == 3 && allow_1g);
}
/* Index of va's entry in a table at `level`.  At level 4, VA[47] picks the
 * half: entries 0..255 the low one, 256..511 the high one. */
static inline unsigned pte_index(uint64_t va, int level)
{
	return (unsigned)(va >> pte_level_shift(level)) & (PTE_ENTRIES - 1);
}

/* Sign-extend bit 47 (turn table indices back into an address of a half). */
static inline uint64_t pte_va_sign_extend(uint64_t va)
{
	const unsigned s = 64 - PTE_VA_BITS;

	return (uint64_t)((int64_t)(va << s) >> s);
}

/* In one of the halves: bits 63:47 all equal (x86-64 calls it canonical;
 * on arm64 top-byte ignore is off, so the same rule holds). */
static inline bool pte_va_canonical(uint64_t va)
{
	return pte_va_sign_extend(va) == va;
}

#endif
