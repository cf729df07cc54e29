/* SPDX-License-Identifier: MIT */
/*
 * arm64 MMU register values for the tables of pte.h (one 512-entry tree,
 * TTBR0_EL1 = root for the low half, TTBR1_EL1 = root + 0x800 for the high
 * half): MAIR_EL1, TCR_EL1 and the SCTLR_EL1 bits the trampoline sets.
 * Plain constants, usable from C and from assembly (.S).  Arm ARM chapter
 * D8 and the register descriptions of MAIR_EL1, TCR_EL1, SCTLR_EL1.
 */
#ifndef LDR_MMU_ARM64_H
#define LDR_MMU_ARM64_H

#ifdef __ASSEMBLER__
#define MMU_U64(x) x
#else
#define MMU_U64(x) x##ULL
#endif

/* MAIR_EL1: the memory type of each descriptor AttrIndx. */
#define MMU_ATTR_NORMAL 0 /* AttrIndx of RAM: every loader mapping */
#define MMU_ATTR_DEVICE 1 /* AttrIndx of device memory: unused (the loader maps no device) */
/* Normal memory, inner and outer write-back non-transient, read/write-allocate. */
#define MMU_MAIR_NORMAL_WB MMU_U64(0xff)
/* Device-nGnRnE (no gathering, no reordering, no early write acknowledgement). */
#define MMU_MAIR_DEVICE_NGNRNE MMU_U64(0x00)
/* MAIR_EL1 = Attr0 normal write-back, Attr1 device: 0xff. */
#define MMU_MAIR_EL1                                     \
	((MMU_MAIR_NORMAL_WB << (8 * MMU_ATTR_NORMAL)) | \
	 (MMU_MAIR_DEVICE_NGNRNE << (8 * MMU_ATTR_DEVICE)))

/* TCR_EL1 fields (0 elsewhere: A1 = 0 ASID from TTBR0, AS = 0 8-bit ASID,
 * TBI0 = TBI1 = 0 the top byte translated, EPD0 = EPD1 = 0 both walks on). */
#define MMU_TXSZ 17			      /* T0SZ = T1SZ: 64 - 17 = 47-bit halves */
#define MMU_TCR_T0SZ(n) (MMU_U64(n) << 0)     /* TTBR0 region is 2^(64 - n) bytes */
#define MMU_TCR_IRGN0_WBWA (MMU_U64(1) << 8)  /* TTBR0 walks: inner write-back RW-allocate */
#define MMU_TCR_ORGN0_WBWA (MMU_U64(1) << 10) /* TTBR0 walks: outer write-back RW-allocate */
#define MMU_TCR_SH0_INNER (MMU_U64(3) << 12)  /* TTBR0 walks: inner shareable */
#define MMU_TCR_TG0_4K (MMU_U64(0) << 14)     /* TTBR0 granule 4 KiB (TG0 = 0b00) */
#define MMU_TCR_T1SZ(n) (MMU_U64(n) << 16)    /* TTBR1 region is 2^(64 - n) bytes */
#define MMU_TCR_IRGN1_WBWA (MMU_U64(1) << 24) /* TTBR1 walks: inner write-back RW-allocate */
#define MMU_TCR_ORGN1_WBWA (MMU_U64(1) << 26) /* TTBR1 walks: outer write-back RW-allocate */
#define MMU_TCR_SH1_INNER (MMU_U64(3) << 28)  /* TTBR1 walks: inner shareable */
#define MMU_TCR_TG1_4K (MMU_U64(2) << 30)     /* TTBR1 granule 4 KiB (TG1 = 0b10, not 0b00) */
#define MMU_TCR_IPS_SHIFT 32		      /* IPS, bits 34:32: the physical address size */
#define MMU_PARANGE_48 MMU_U64(5)	      /* IPS / PARange encoding of 48 bits */
/* TCR_EL1 without IPS, which the trampoline ORs in from the CPU
 * (mmu_tcr_el1()): 0x00000000b5113511. */
#define MMU_TCR_EL1_BASE                                                                        \
	(MMU_TCR_T0SZ(MMU_TXSZ) | MMU_TCR_IRGN0_WBWA | MMU_TCR_ORGN0_WBWA | MMU_TCR_SH0_INNER | \
	 MMU_TCR_TG0_4K | MMU_TCR_T1SZ(MMU_TXSZ) | MMU_TCR_IRGN1_WBWA | MMU_TCR_ORGN1_WBWA |    \
	 MMU_TCR_SH1_INNER | MMU_TCR_TG1_4K)

/* TTBR1_EL1 = root + this: the root's entries 256..511 (the high half). */
#define MMU_TTBR1_OFFSET 0x800

/* SCTLR_EL1 with the MMU on: M, C, SA, I, WXN set; A = 0 (unaligned
 * accesses allowed), EE = 0 (little-endian), E0E = 0. */
#define MMU_SCTLR_M (MMU_U64(1) << 0)	 /* stage 1 translation on */
#define MMU_SCTLR_C (MMU_U64(1) << 2)	 /* data caches on */
#define MMU_SCTLR_SA (MMU_U64(1) << 3)	 /* SP alignment check at EL1 */
#define MMU_SCTLR_I (MMU_U64(1) << 12)	 /* instruction caches on */
#define MMU_SCTLR_WXN (MMU_U64(1) << 19) /* writable implies execute-never */
/* Bits 11, 20, 22, 23, 28, 29: RES1 in Armv8.0 (later features give them
 * meanings whose value 1 is the Armv8.0 behaviour). */
#define MMU_SCTLR_RES1                                                                       \
	((MMU_U64(1) << 11) | (MMU_U64(1) << 20) | (MMU_U64(1) << 22) | (MMU_U64(1) << 23) | \
	 (MMU_U64(1) << 28) | (MMU_U64(1) << 29))
/* SCTLR_EL1 at kernel entry: 0x30d8180d. */
#define MMU_SCTLR_EL1 \
	(MMU_SCTLR_RES1 | MMU_SCTLR_M | MMU_SCTLR_C | MMU_SCTLR_SA | MMU_SCTLR_I | MMU_SCTLR_WXN)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* TCR_EL1 for a CPU whose ID_AA64MMFR0_EL1 is `mmfr0`: IPS = PARange
 * (bits 3:0) capped at 48 bits, the tables' output address size. */
static inline uint64_t mmu_tcr_el1(uint64_t mmfr0)
{
	uint64_t parange = mmfr0 & 0xf;

	if (parange > MMU_PARANGE_48)
		parange = MMU_PARANGE_48;
	return MMU_TCR_EL1_BASE | parange << MMU_TCR_IPS_SHIFT;
}
#endif

#endif
