/* SPDX-License-Identifier: MIT */
/* arm64 descriptor encode/decode (Arm ARM chapter D8, 4 KiB granule). */
#include "pte.h"

#include "../../../include/aslrboot.h"
#include "../leaf_prot.h"
#include "mmu.h"

/* RES0 with 48-bit output addresses: bits 50:48 of a table descriptor,
 * 49:48 of a block or page (50 is GP, 51 DBM there). */
#define TABLE_RES0 (UINT64_C(7) << 48)
#define LEAF_RES0 (UINT64_C(3) << 48)

/* The level-4 table is the two roots: its upper half starts at TTBR1. */
_Static_assert(MMU_TTBR1_OFFSET == PTE_ENTRIES / 2 * 8, "TTBR1 = root + the low half's entries");
_Static_assert(64 - MMU_TXSZ == PTE_VA_BITS - 1, "T0SZ = T1SZ give 47-bit halves");
_Static_assert(MMU_ATTR_NORMAL < 8, "AttrIndx is 3 bits");

uint64_t pte_table(paddr_t table)
{
	uint64_t pa = pa_addr(table);

	if (!is_aligned(pa, PTE_TABLE_SIZE) || pa >= PTE_PA_LIMIT)
		return 0;
	return pa | PTE_TYPE_TABLE;
}

uint64_t pte_leaf(int level, paddr_t pa, uint32_t prot)
{
	uint64_t a = pa_addr(pa),
		 e = PTE_AF | PTE_SH_INNER | PTE_ATTRINDX(MMU_ATTR_NORMAL) | PTE_UXN;

	if (!pte_level_can_leaf(level, true) || !is_aligned(a, pte_level_size(level)) ||
	    a >= PTE_PA_LIMIT)
		return 0;
	if (!leaf_prot_ok(prot))
		return 0;
	if (!(prot & ASLRBOOT_PROT_W))
		e |= PTE_AP2;
	if (!(prot & ASLRBOOT_PROT_X))
		e |= PTE_PXN;
	/* A page descriptor has the table encoding, at level 1 only. */
	e |= level == 1 ? PTE_TYPE_TABLE : PTE_TYPE_BLOCK;
	return e | a;
}

/*
 * Table: the restrictions it puts on every level below (none as built).
 * EL0 reaches the levels below unless APTable[0] (no data access) and
 * UXNTable (no execution) are both set.
 */
static enum pte_kind decode_table(uint64_t e, struct pte_info *out)
{
	if (e & TABLE_RES0)
		return PTE_BAD;
	out->pa = pa_init(e & PTE_ADDR_MASK);
	out->w = !(e & PTE_APTABLE1);
	out->x = !(e & PTE_PXNTABLE);
	out->user = !(e & PTE_APTABLE0) || !(e & PTE_UXNTABLE);
	return PTE_TABLE;
}

enum pte_kind pte_decode(int level, uint64_t e, struct pte_info *out)
{
	uint64_t type = e & PTE_TYPE_MASK, addr = e & PTE_ADDR_MASK;

	if (!pte_level_shift(level))
		return PTE_BAD;
	if (!(e & PTE_VALID))
		return PTE_EMPTY;
	if (level > 1 && type == PTE_TYPE_TABLE)
		return decode_table(e, out);
	/* 0b11 at level 1 is a page; 0b01 is a block at levels 2 and 3 and
	 * reserved at 1 and 4. */
	if (level == 1 ? type != PTE_TYPE_TABLE : !pte_level_can_leaf(level, true))
		return PTE_BAD;
	/* A block's address bits below its size are RES0 (bit 16, nT, only
	 * with FEAT_BBM, which the loader does not use).  The contiguous hint
	 * is never set: with it the TLB may use a neighbour's translation, so
	 * one entry alone would not say what is mapped. */
	if ((e & (LEAF_RES0 | PTE_CONT)) || (addr & (pte_level_size(level) - 1)))
		return PTE_BAD;
	out->pa = pa_init(addr);
	/* DBM lets the hardware clear AP[2] (dirty state) on a write when
	 * TCR_EL1.HD is set: writable for all we know. */
	out->w = !(e & PTE_AP2) || (e & PTE_DBM);
	out->x = !(e & PTE_PXN);
	out->user = (e & PTE_AP1) || !(e & PTE_UXN);
	return PTE_LEAF;
}
