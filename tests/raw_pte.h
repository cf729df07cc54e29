/* SPDX-License-Identifier: MIT */
/*
 * The raw entry bits the page-table tests read and corrupt, written from the
 * manuals rather than from loader/arch/<arch>/pte.h, so that one test states
 * its case for both formats: x86-64 (Intel SDM Vol. 3A, 4.5 "4-Level
 * Paging") and, in the build with LDR_ARCH_ARM64, arm64 (Arm ARM chapter
 * D8, 4 KiB granule stage 1 descriptors).  Levels count from the leaf up.
 */
#ifndef TESTS_RAW_PTE_H
#define TESTS_RAW_PTE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef LDR_ARCH_ARM64
/* Descriptor address bits 47:12. */
#define RAW_ADDR UINT64_C(0x0000fffffffff000)
/* Bits of a root register value that are not the table's address: an ASID
 * (TTBR bits 63:48) and CnP (bit 0). */
#define RAW_ROOT_FLAGS ((UINT64_C(0x1234) << 48) | 1)

#define A_AP1 (UINT64_C(1) << 6)
#define A_AP2 (UINT64_C(1) << 7)
#define A_PXN (UINT64_C(1) << 53)
#define A_UXN (UINT64_C(1) << 54)
#define A_PXNTABLE (UINT64_C(1) << 59)
#define A_UXNTABLE (UINT64_C(1) << 60)
#define A_APTABLE0 (UINT64_C(1) << 61)
#define A_APTABLE1 (UINT64_C(1) << 62)

/* A table descriptor: bits[1:0] = 0b11 above level 1 (a page at level 1). */
static inline bool raw_is_table(uint64_t e, int level)
{
	return level > 1 && (e & 3) == 3;
}
/* Leaf permissions for EL1: AP[2] = 0 writable, PXN = 0 executable; EL0
 * reaches it with AP[1] = 1 (data) or UXN = 0 (execution). */
static inline bool raw_leaf_w(uint64_t e)
{
	return !(e & A_AP2);
}
static inline bool raw_leaf_x(uint64_t e)
{
	return !(e & A_PXN);
}
static inline bool raw_leaf_user(uint64_t e)
{
	return (e & A_AP1) || !(e & A_UXN);
}
static inline void raw_leaf_allow_w(uint64_t *e)
{
	*e &= ~A_AP2;
}
static inline void raw_leaf_allow_x(uint64_t *e)
{
	*e &= ~A_PXN;
}
static inline void raw_leaf_allow_user(uint64_t *e)
{
	*e |= A_AP1;
}
/* Table restrictions on every level below: APTable[1] read-only, PXNTable,
 * and no EL0 access with APTable[0] (data) and UXNTable (execution). */
static inline void raw_table_deny_w(uint64_t *e)
{
	*e |= A_APTABLE1;
}
static inline void raw_table_deny_x(uint64_t *e)
{
	*e |= A_PXNTABLE;
}
static inline void raw_table_user(uint64_t *e, bool allow)
{
	*e = allow ? *e & ~(A_APTABLE0 | A_UXNTABLE) : *e | A_APTABLE0 | A_UXNTABLE;
}
/* A table descriptor turned into a block (bits[1:0] = 0b01): reserved at
 * the top level. */
static inline void raw_table_to_leaf(uint64_t *e)
{
	*e &= ~UINT64_C(2);
}
#else
/* Entry address bits 51:12. */
#define RAW_ADDR UINT64_C(0x000ffffffffff000)
/* Bits of a CR3 value that are not the table's address: PWT and PCD. */
#define RAW_ROOT_FLAGS UINT64_C(0x18)

#define X_P (UINT64_C(1) << 0)
#define X_RW (UINT64_C(1) << 1)
#define X_US (UINT64_C(1) << 2)
#define X_PS (UINT64_C(1) << 7)
#define X_NX (UINT64_C(1) << 63)

/* Present and PS = 0: the next-level table (PS is reserved at level 4). */
static inline bool raw_is_table(uint64_t e, int level)
{
	return level > 1 && (e & X_P) && !(e & X_PS);
}
static inline bool raw_leaf_w(uint64_t e)
{
	return (e & X_RW) != 0;
}
static inline bool raw_leaf_x(uint64_t e)
{
	return !(e & X_NX);
}
static inline bool raw_leaf_user(uint64_t e)
{
	return (e & X_US) != 0;
}
static inline void raw_leaf_allow_w(uint64_t *e)
{
	*e |= X_RW;
}
static inline void raw_leaf_allow_x(uint64_t *e)
{
	*e &= ~X_NX;
}
static inline void raw_leaf_allow_user(uint64_t *e)
{
	*e |= X_US;
}
/* Permissions are the AND over the levels (SDM 4.6.1): RW = 0, NX = 1 or
 * US = 0 in a table restricts every level below. */
static inline void raw_table_deny_w(uint64_t *e)
{
	*e &= ~X_RW;
}
static inline void raw_table_deny_x(uint64_t *e)
{
	*e |= X_NX;
}
static inline void raw_table_user(uint64_t *e, bool allow)
{
	*e = allow ? *e | X_US : *e & ~X_US;
}
/* PS set in a table entry: reserved at the top level. */
static inline void raw_table_to_leaf(uint64_t *e)
{
	*e |= X_PS;
}
#endif

#endif
