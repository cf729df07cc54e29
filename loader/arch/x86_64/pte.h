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
#include "../pte4k.h"

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
