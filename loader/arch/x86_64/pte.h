/* SPDX-License-Identifier: MIT */
/*
 * x86-64 4-level page-table entries as pure functions (Intel SDM Vol. 3A,
 * 4.5 "4-Level Paging", tables 4-15..4-20): the page-table format of the
 * architecture interface (../arch.h), through which the core sees it.
 *
 * Levels are numbered from the leaf up: 1 = PT (4 KiB pages), 2 = PD
 * (2 MiB), 3 = PDPT (1 GiB), 4 = PML4 (never a leaf).
 */
#ifndef LDR_PTE_X86_64_H
#define LDR_PTE_X86_64_H

#include <stdbool.h>
#include <stdint.h>

#include "../../addr.h"

#define PTE_P (UINT64_C(1) << 0)
#define PTE_RW (UINT64_C(1) << 1)
#define PTE_US (UINT64_C(1) << 2)
#define PTE_PWT (UINT64_C(1) << 3)
#define PTE_PCD (UINT64_C(1) << 4)
#define PTE_A (UINT64_C(1) << 5)
#define PTE_D (UINT64_C(1) << 6)
#define PTE_PS (UINT64_C(1) << 7) /* leaf at level 2/3; PAT at level 1; reserved at 4 */
#define PTE_G (UINT64_C(1) << 8)
#define PTE_NX (UINT64_C(1) << 63)		   /* needs EFER.NXE */
#define PTE_ADDR_MASK UINT64_C(0x000ffffffffff000) /* bits 51:12 */
#define PTE_PA_LIMIT (UINT64_C(1) << 52)	   /* architectural MAXPHYADDR cap */

#define PTE_LEVELS 4
#define PTE_ENTRIES 512
#define PTE_TABLE_SIZE 4096
#define PTE_VA_BITS 48
/* The canonical halves: [0, 2^47) and [2^64 - 2^47, 2^64). */
#define PTE_VA_LOW_END (UINT64_C(1) << (PTE_VA_BITS - 1))
#define PTE_VA_HIGH_BASE (~UINT64_C(0) << (PTE_VA_BITS - 1))

enum pte_kind {
	PTE_EMPTY, /* P = 0: everything else is ignored by the CPU */
	PTE_TABLE, /* points to the next-level table */
	PTE_LEAF,  /* maps a page of pte_level_size(level) bytes */
	PTE_BAD,   /* present with a reserved bit set: the CPU would fault */
};

/* What one entry contributes to a translation. */
struct pte_info {
	paddr_t pa; /* table or page frame */
	bool w;	    /* RW = 1 */
	bool x;	    /* NX = 0 */
	bool user;  /* US = 1 */
};

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
/* Can an entry at `level` map a page (1 GiB leaves only with allow_1g)? */
static inline bool pte_level_can_leaf(int level, bool allow_1g)
{
	return level == 1 || level == 2 || (level == 3 && allow_1g);
}
/* Index of va's entry in a table at `level`. */
static inline unsigned pte_index(uint64_t va, int level)
{
	return (unsigned)(va >> pte_level_shift(level)) & (PTE_ENTRIES - 1);
}

/* Sign-extend bit 47 (turn table indices back into a canonical va). */
static inline uint64_t pte_va_sign_extend(uint64_t va)
{
	const unsigned s = 64 - PTE_VA_BITS;

	return (uint64_t)((int64_t)(va << s) >> s);
}

/* Bits 63:47 all equal (SDM 3.3.7.1). */
static inline bool pte_va_canonical(uint64_t va)
{
	return pte_va_sign_extend(va) == va;
}

/* Present (one bit, so it may test the OR of several entries). */
static inline bool pte_present(uint64_t e)
{
	return (e & PTE_P) != 0;
}

/* The top-level table CR3 points to (PCID or PWT/PCD in bits 11:0). */
static inline paddr_t pte_root_table(uint64_t cr3)
{
	return pa_init(cr3 & PTE_ADDR_MASK);
}

/* Non-leaf entry: P|RW, US = 0, NX = 0, so the leaf alone restricts.
 * 0 if `table` is not 4 KiB aligned or beyond PTE_PA_LIMIT. */
uint64_t pte_table(paddr_t table);
/* Leaf: P, RW only if W, NX unless X, PS above level 1, supervisor.
 * 0 (not present) for what cannot be encoded safely: W|X, no R, unknown
 * prot bits, a level that cannot be a leaf, misaligned or too high pa. */
uint64_t pte_leaf(int level, paddr_t pa, uint32_t prot);
/* Classify `e` as found in a table at `level`; fills *out for TABLE/LEAF. */
enum pte_kind pte_decode(int level, uint64_t e, struct pte_info *out);

#endif
