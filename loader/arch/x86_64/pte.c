/* SPDX-License-Identifier: MIT */
/* x86-64 PTE encode/decode (Intel SDM Vol. 3A, 4.5). */
#include "pte.h"

#include "../../../include/aslrboot.h"
#include "../leaf_prot.h"

uint64_t pte_table(paddr_t table)
{
	uint64_t pa = pa_addr(table);

	if (!is_aligned(pa, PTE_TABLE_SIZE) || pa >= PTE_PA_LIMIT)
		return 0;
	return pa | PTE_P | PTE_RW;
}

uint64_t pte_leaf(int level, paddr_t pa, uint32_t prot)
{
	uint64_t a = pa_addr(pa), e = PTE_P;

	if (!pte_level_can_leaf(level, true) || !is_aligned(a, pte_level_size(level)) ||
	    a >= PTE_PA_LIMIT)
		return 0;
	if (!leaf_prot_ok(prot))
		return 0;
	if (prot & ASLRBOOT_PROT_W)
		e |= PTE_RW;
	if (!(prot & ASLRBOOT_PROT_X))
		e |= PTE_NX;
	if (level > 1)
		e |= PTE_PS;
	return e | a;
}

/* Bits 29:13 (1 GiB) or 20:13 (2 MiB) of a large leaf are reserved; bit 12
 * is PAT (SDM tables 4-16, 4-18). */
static uint64_t large_reserved(int level)
{
	return (pte_level_size(level) - 1) & ~UINT64_C(0x1fff);
}

enum pte_kind pte_decode(int level, uint64_t e, struct pte_info *out)
{
	enum pte_kind kind;
	uint64_t addr = e & PTE_ADDR_MASK;

	if (!pte_level_shift(level))
		return PTE_BAD;
	if (!(e & PTE_P))
		return PTE_EMPTY;
	if (level == 1) {
		kind = PTE_LEAF;
	} else if (!(e & PTE_PS)) {
		kind = PTE_TABLE;
	} else if (!pte_level_can_leaf(level, true)) {
		return PTE_BAD; /* PS is reserved in a PML4E */
	} else {
		if (e & large_reserved(level))
			return PTE_BAD;
		kind = PTE_LEAF;
		addr &= ~(pte_level_size(level) - 1);
	}
	out->pa = pa_init(addr);
	out->w = (e & PTE_RW) != 0;
	out->x = (e & PTE_NX) == 0;
	out->user = (e & PTE_US) != 0;
	return kind;
}
