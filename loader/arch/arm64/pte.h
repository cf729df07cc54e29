/* SPDX-License-Identifier: MIT */
/*
 * arm64 stage 1 translation table descriptors (4 KiB granule, 48-bit VA and
 * PA, EL1&0 regime) as pure functions: the page-table format of the
 * architecture interface (../arch.h), with the same names and meaning as
 * the x86-64 port.  Arm ARM chapter D8, "The AArch64 Virtual Memory
 * System Architecture": its translation table descriptor formats and its
 * stage 1 access permissions.
 *
 * Levels are numbered from the leaf up, as on x86-64, so Arm's level 3 is
 * our 1 (4 KiB pages), 2 is 2 (2 MiB blocks), 1 is 3 (1 GiB blocks), 0 is 4
 * (tables only).  One 512-entry tree serves both halves: TTBR0_EL1 points
 * at its root (entries 0..255, the low half) and TTBR1_EL1 at root + 0x800
 * (entries 256..511, the high half), with T0SZ = T1SZ = 17 (mmu.h).
 */
#ifndef LDR_PTE_ARM64_H
#define LDR_PTE_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#include "../../addr.h"
#include "../pte4k.h"

/* Descriptor bits[1:0]: 0b11 a table (levels 2..4) or a page (level 1),
 * 0b01 a block (levels 2 and 3), bit 0 clear: invalid. */
#define PTE_VALID (UINT64_C(1) << 0)
#define PTE_TYPE_MASK UINT64_C(3)
#define PTE_TYPE_TABLE UINT64_C(3) /* also a page at level 1 */
#define PTE_TYPE_BLOCK UINT64_C(1) /* reserved at levels 1 and 4 */
/* Leaf (block and page) attributes. */
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2) /* bits 4:2: MAIR_EL1 attribute index */
#define PTE_AP1 (UINT64_C(1) << 6)	     /* AP[1]: EL0 may access */
#define PTE_AP2 (UINT64_C(1) << 7)	     /* AP[2]: read-only */
#define PTE_SH_INNER (UINT64_C(3) << 8)	     /* bits 9:8 = 0b11: inner shareable */
#define PTE_AF (UINT64_C(1) << 10)	     /* access flag (no fault on first use) */
#define PTE_NG (UINT64_C(1) << 11)	     /* not global (ASID-tagged) */
#define PTE_DBM (UINT64_C(1) << 51)	     /* dirty bit modifier: hardware may clear AP[2] */
#define PTE_CONT (UINT64_C(1) << 52)	     /* contiguous hint */
#define PTE_PXN (UINT64_C(1) << 53)	     /* privileged (EL1) execute-never */
#define PTE_UXN (UINT64_C(1) << 54)	     /* unprivileged (EL0) execute-never */
/* Table attributes: restrictions on every level below (0 = none). */
#define PTE_PXNTABLE (UINT64_C(1) << 59)
#define PTE_UXNTABLE (UINT64_C(1) << 60)
#define PTE_APTABLE0 (UINT64_C(1) << 61)	   /* no EL0 access below */
#define PTE_APTABLE1 (UINT64_C(1) << 62)	   /* read-only below */
#define PTE_ADDR_MASK UINT64_C(0x0000fffffffff000) /* bits 47:12 */
#define PTE_PA_LIMIT (UINT64_C(1) << 48)	   /* 48-bit output addresses (no LPA2) */

enum pte_kind {
	PTE_EMPTY, /* bit 0 clear: an invalid descriptor, the rest is ignored */
	PTE_TABLE, /* points to the next-level table */
	PTE_LEAF,  /* maps a page or block of pte_level_size(level) bytes */
	PTE_BAD,   /* valid with a reserved encoding or RES0 bit set */
};

/* What one entry contributes to a translation. */
struct pte_info {
	paddr_t pa; /* table or page frame */
	bool w;	    /* EL1 may write: AP[2] = 0 (or DBM) / APTable[1] = 0 */
	bool x;	    /* EL1 may execute: PXN = 0 / PXNTable = 0 */
	bool user;  /* EL0 may read or execute: AP[1] = 1 or UXN = 0 */
};

/* Valid (one bit, so it may test the OR of several entries). */
static inline bool pte_present(uint64_t e)
{
	return (e & PTE_VALID) != 0;
}

/* The 512-entry table a TTBR0_EL1 or TTBR1_EL1 value leads to: the ASID
 * (bits 63:48), CnP (bit 0) and TTBR1's 0x800 (the tree's high half) dropped. */
static inline paddr_t pte_root_table(uint64_t ttbr)
{
	return pa_init(ttbr & PTE_ADDR_MASK);
}

/* Table descriptor: 0b11, no APTable/XNTable restrictions, so the leaf alone
 * restricts.  0 if `table` is not 4 KiB aligned or beyond PTE_PA_LIMIT. */
uint64_t pte_table(paddr_t table);
/* Leaf: page (level 1) or block, AF, inner shareable, AttrIndx 0 (normal
 * write-back memory), AP[2] unless W, PXN unless X, UXN, AP[1] = 0.
 * 0 (invalid) for what cannot be encoded safely: W|X, no R, unknown prot
 * bits, a level that cannot be a leaf, misaligned or too high pa. */
uint64_t pte_leaf(int level, paddr_t pa, uint32_t prot);
/* Classify `e` as found in a table at `level`; fills *out for TABLE/LEAF. */
enum pte_kind pte_decode(int level, uint64_t e, struct pte_info *out);

#endif
