/* SPDX-License-Identifier: MIT */
/*
 * The arm64 page-table format (loader/arch/arm64/pte.c, mmu.h) against the
 * Arm ARM, bit by bit: descriptor values for each prot and level, their
 * decoding, the reserved encodings, the MMU register values, and the one
 * tree with two roots walked the way the MMU walks it.  Built only with
 * LDR_ARCH_ARM64 (tests/mk/arm64.mk).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "include/aslrboot.h"
#include "loader/arch/arch.h"
#include "loader/arch/arm64/mmu.h"
#include "loader/paging/paging.h"
#include "pt_arena.h"

#ifndef LDR_ARCH_ARM64
#error "test_pte_arm64 is built with LDR_ARCH_ARM64"
#endif

#define R ASLRBOOT_PROT_R
#define W ASLRBOOT_PROT_W
#define X ASLRBOOT_PROT_X
#define BIT(n) (UINT64_C(1) << (n))
#define FIELD(v, hi, lo) (((v) >> (lo)) & ((UINT64_C(1) << ((hi) - (lo) + 1)) - 1))
#define ARENA_BASE UINT64_C(0x40000000)

static void test_geometry(void)
{
	static const unsigned shift[] = { 0, 12, 21, 30, 39, 0 };

	EXPECT_EQ(PTE_LEVELS, 4);
	EXPECT_EQ(PTE_ENTRIES, 512);
	EXPECT_EQ(PTE_TABLE_SIZE, 4096);
	for (int l = 0; l <= 5; l++)
		EXPECT_EQ(pte_level_shift(l), shift[l]);
	EXPECT_EQ(pte_level_size(2), SIZE_2M);
	EXPECT_EQ(pte_level_size(3), SIZE_1G);
	EXPECT_EQ(PTE_VA_LOW_END, UINT64_C(0x0000800000000000));
	EXPECT_EQ(PTE_VA_HIGH_BASE, UINT64_C(0xffff800000000000));
	EXPECT_EQ(PTE_PA_LIMIT, BIT(48));
	EXPECT_EQ(PTE_ADDR_MASK, UINT64_C(0x0000fffffffff000));
	/* Pages at Arm level 3, blocks at 2 and 1 (1 GiB only if allowed). */
	EXPECT(pte_level_can_leaf(1, false) && pte_level_can_leaf(2, false));
	EXPECT(pte_level_can_leaf(3, true) && !pte_level_can_leaf(3, false));
	EXPECT(!pte_level_can_leaf(4, true) && !pte_level_can_leaf(0, true));
	EXPECT(pte_va_canonical(PTE_VA_HIGH_BASE) && pte_va_canonical(PTE_VA_LOW_END - 1));
	EXPECT(!pte_va_canonical(PTE_VA_LOW_END) && !pte_va_canonical(PTE_VA_HIGH_BASE - 1));
	EXPECT_EQ(pte_va_sign_extend(UINT64_C(0x0000888000000000)), UINT64_C(0xffff888000000000));
	EXPECT(pte_present(1) && !pte_present(UINT64_C(0x0060000040001782)));
}

/* Hand-encoded descriptors: bits[1:0] 0b11 page / 0b01 block, AttrIndx
 * (4:2) = 0, AP[1] (6) = 0, AP[2] (7) = !W, SH (9:8) = 0b11, AF (10) = 1,
 * nG (11) = 0, PXN (53) = !X, UXN (54) = 1. */
static const struct {
	int level;
	uint64_t pa;
	uint32_t prot;
	uint64_t desc;
} known[] = {
	{ 1, 0x40001000, R, UINT64_C(0x0060000040001783) },
	{ 1, 0x40001000, R | W, UINT64_C(0x0060000040001703) },
	{ 1, 0x40001000, R | X, UINT64_C(0x0040000040001783) },
	{ 1, 0xfffffffff000, R | W, UINT64_C(0x0060fffffffff703) },
	{ 2, 0x40200000, R, UINT64_C(0x0060000040200781) },
	{ 2, 0x40200000, R | W, UINT64_C(0x0060000040200701) },
	{ 2, 0x40200000, R | X, UINT64_C(0x0040000040200781) },
	{ 3, 0x80000000, R, UINT64_C(0x0060000080000781) },
	{ 3, 0x80000000, R | W, UINT64_C(0x0060000080000701) },
	{ 3, 0x80000000, R | X, UINT64_C(0x0040000080000781) },
	{ 3, 0, R | W, UINT64_C(0x0060000000000701) },
};

static void test_leaf_known_values(void)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint64_t e = pte_leaf(known[i].level, pa_init(known[i].pa), known[i].prot);
		uint32_t p = known[i].prot;

		EXPECT_EQ(e, known[i].desc);
		EXPECT_EQ(FIELD(e, 1, 0), known[i].level == 1 ? 3 : 1);
		EXPECT_EQ(FIELD(e, 4, 2), 0);			/* AttrIndx: MAIR Attr0 */
		EXPECT_EQ(FIELD(e, 5, 5), 0);			/* NS */
		EXPECT_EQ(FIELD(e, 6, 6), 0);			/* AP[1]: no EL0 access */
		EXPECT_EQ(FIELD(e, 7, 7), !(p & W));		/* AP[2]: read-only */
		EXPECT_EQ(FIELD(e, 9, 8), 3);			/* inner shareable */
		EXPECT_EQ(FIELD(e, 10, 10), 1);			/* AF */
		EXPECT_EQ(FIELD(e, 11, 11), 0);			/* nG */
		EXPECT_EQ(FIELD(e, 47, 12) << 12, known[i].pa); /* output address */
		EXPECT_EQ(FIELD(e, 52, 48), 0);			/* RES0, GP, DBM, Contiguous */
		EXPECT_EQ(FIELD(e, 53, 53), !(p & X));		/* PXN */
		EXPECT_EQ(FIELD(e, 54, 54), 1);			/* UXN */
		EXPECT_EQ(FIELD(e, 63, 55), 0);
	}
}

static void test_leaf_refusals(void)
{
	static const uint32_t bad_prot[] = {
		0, W, X, W | X, R | W | X, R | BIT(3), R | 0x80000000u
	};

	for (int level = 1; level <= 3; level++)
		for (size_t i = 0; i < sizeof(bad_prot) / sizeof(bad_prot[0]); i++)
			EXPECT_EQ(pte_leaf(level, pa_init(0), bad_prot[i]), 0);
	EXPECT_EQ(pte_leaf(0, pa_init(0), R), 0);
	EXPECT_EQ(pte_leaf(4, pa_init(0), R), 0); /* no block at Arm level 0 */
	EXPECT_EQ(pte_leaf(5, pa_init(0), R), 0);
	EXPECT_EQ(pte_leaf(1, pa_init(0x40000800), R), 0);
	EXPECT_EQ(pte_leaf(2, pa_init(0x40001000), R), 0);
	EXPECT_EQ(pte_leaf(3, pa_init(0x40200000), R), 0);
	EXPECT_EQ(pte_leaf(1, pa_init(PTE_PA_LIMIT), R), 0);
	EXPECT_EQ(pte_leaf(3, pa_init(PTE_PA_LIMIT), R), 0);
	EXPECT_EQ(pte_leaf(1, pa_init(UINT64_C(0xfffffffffffff000)), R), 0);
}

static void test_table(void)
{
	struct pte_info in;

	EXPECT_EQ(pte_table(pa_init(0x40003000)), UINT64_C(0x40003003));
	EXPECT_EQ(pte_table(pa_init(0xfffffffff000)), UINT64_C(0xfffffffff003));
	EXPECT_EQ(pte_table(pa_init(0x40003800)), 0); /* 4 KiB aligned only */
	EXPECT_EQ(pte_table(pa_init(PTE_PA_LIMIT)), 0);
	for (int level = 2; level <= 4; level++) {
		memset(&in, 0, sizeof(in));
		EXPECT_EQ(pte_decode(level, UINT64_C(0x40003003), &in), PTE_TABLE);
		EXPECT_EQ(pa_addr(in.pa), 0x40003000);
		EXPECT(in.w && in.x && in.user); /* no restriction below */
		/* Bits 11:2 and 58:51 are ignored in a table descriptor. */
		EXPECT_EQ(pte_decode(level, UINT64_C(0x07f8000040003ffb), &in), PTE_TABLE);
		EXPECT_EQ(pa_addr(in.pa), 0x40003000);
	}
}

static void test_decode_roundtrip(void)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct pte_info in;

		memset(&in, 0xff, sizeof(in));
		EXPECT_EQ(pte_decode(known[i].level, known[i].desc, &in), PTE_LEAF);
		EXPECT_EQ(pa_addr(in.pa), known[i].pa);
		EXPECT_EQ(in.w, !!(known[i].prot & W));
		EXPECT_EQ(in.x, !!(known[i].prot & X));
		EXPECT(!in.user);
	}
}

/* Reserved encodings and RES0 bits: the verifier must not trust them. */
static void test_decode_bad(void)
{
	const uint64_t page = UINT64_C(0x0060000040001703), block = UINT64_C(0x0060000040200701);
	const uint64_t giant = UINT64_C(0x0060000080000701), table = UINT64_C(0x40003003);
	struct pte_info in;

	EXPECT_EQ(pte_decode(1, page & ~UINT64_C(2), &in), PTE_BAD); /* 0b01 at Arm level 3 */
	EXPECT_EQ(pte_decode(4, UINT64_C(0x0060008000000701), &in),
		  PTE_BAD); /* block, Arm level 0 */
	EXPECT_EQ(pte_decode(4, table & ~UINT64_C(2), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(0, page, &in), PTE_BAD);
	EXPECT_EQ(pte_decode(5, table, &in), PTE_BAD);
	/* Bit 0 clear: invalid whatever the rest says. */
	EXPECT_EQ(pte_decode(1, page & ~UINT64_C(1), &in), PTE_EMPTY);
	EXPECT_EQ(pte_decode(2, table & ~UINT64_C(1), &in), PTE_EMPTY);
	EXPECT_EQ(pte_decode(4, 0, &in), PTE_EMPTY);
	/* RES0 with a 48-bit output address: 49:48 of a leaf, 50:48 of a table. */
	for (int b = 48; b <= 49; b++) {
		EXPECT_EQ(pte_decode(1, page | BIT(b), &in), PTE_BAD);
		EXPECT_EQ(pte_decode(2, block | BIT(b), &in), PTE_BAD);
		EXPECT_EQ(pte_decode(3, giant | BIT(b), &in), PTE_BAD);
	}
	for (int b = 48; b <= 50; b++)
		EXPECT_EQ(pte_decode(3, table | BIT(b), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(1, page | BIT(50), &in), PTE_LEAF); /* GP (BTI): harmless */
	/* A block's address bits below its size (bit 16: nT). */
	EXPECT_EQ(pte_decode(2, block | BIT(12), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(2, block | BIT(16), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(2, block | BIT(20), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(3, giant | BIT(21), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(3, giant | BIT(29), &in), PTE_BAD);
	/* The contiguous hint, never set by the loader. */
	EXPECT_EQ(pte_decode(1, page | BIT(52), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(2, block | BIT(52), &in), PTE_BAD);
	/* Ignored / software bits of a leaf do not matter: 58:55, 63. */
	EXPECT_EQ(pte_decode(1, page | BIT(55) | BIT(58) | BIT(63), &in), PTE_LEAF);
}

/* What each permission bit means to the verifier. */
static void test_decode_permissions(void)
{
	const uint64_t ro = UINT64_C(0x0060000040001783), table = UINT64_C(0x40003003);
	struct pte_info in;

	REQUIRE(pte_decode(1, ro, &in) == PTE_LEAF);
	EXPECT(!in.w && !in.x && !in.user);
	REQUIRE(pte_decode(1, ro & ~BIT(7), &in) == PTE_LEAF); /* AP[2] = 0 */
	EXPECT(in.w && !in.x && !in.user);
	/* DBM lets the MMU clear AP[2] on a write (with TCR_EL1.HD). */
	REQUIRE(pte_decode(1, ro | BIT(51), &in) == PTE_LEAF);
	EXPECT(in.w);
	REQUIRE(pte_decode(1, ro & ~BIT(53), &in) == PTE_LEAF); /* PXN = 0 */
	EXPECT(!in.w && in.x && !in.user);
	REQUIRE(pte_decode(1, ro | BIT(6), &in) == PTE_LEAF); /* AP[1]: EL0 reads */
	EXPECT(in.user && !in.x);
	REQUIRE(pte_decode(1, ro & ~BIT(54), &in) == PTE_LEAF); /* UXN = 0: EL0 executes */
	EXPECT(in.user && !in.x);
	/* Table restrictions: APTable[1] (62) read-only, PXNTable (59);
	 * EL0 is kept out only by APTable[0] (61) and UXNTable (60) together. */
	REQUIRE(pte_decode(2, table | BIT(62), &in) == PTE_TABLE);
	EXPECT(!in.w && in.x && in.user);
	REQUIRE(pte_decode(2, table | BIT(59), &in) == PTE_TABLE);
	EXPECT(in.w && !in.x && in.user);
	REQUIRE(pte_decode(3, table | BIT(61), &in) == PTE_TABLE);
	EXPECT(in.user);
	REQUIRE(pte_decode(3, table | BIT(60), &in) == PTE_TABLE);
	EXPECT(in.user);
	REQUIRE(pte_decode(4, table | BIT(60) | BIT(61), &in) == PTE_TABLE);
	EXPECT(in.w && in.x && !in.user);
}

static void test_mmu_registers(void)
{
	const uint64_t tcr = MMU_TCR_EL1_BASE, sctlr = MMU_SCTLR_EL1;

	/* MAIR_EL1: Attr0 = 0xff normal write-back, Attr1 = 0x00 Device-nGnRnE. */
	EXPECT_EQ(MMU_MAIR_EL1, 0xff);
	EXPECT_EQ(FIELD(MMU_MAIR_EL1, 8 * MMU_ATTR_NORMAL + 7, 8 * MMU_ATTR_NORMAL), 0xff);
	EXPECT_EQ(FIELD(MMU_MAIR_EL1, 8 * MMU_ATTR_DEVICE + 7, 8 * MMU_ATTR_DEVICE), 0x00);
	/* TCR_EL1, field by field. */
	EXPECT_EQ(FIELD(tcr, 5, 0), 17);   /* T0SZ */
	EXPECT_EQ(FIELD(tcr, 7, 7), 0);	   /* EPD0 */
	EXPECT_EQ(FIELD(tcr, 9, 8), 1);	   /* IRGN0: write-back read/write-allocate */
	EXPECT_EQ(FIELD(tcr, 11, 10), 1);  /* ORGN0 */
	EXPECT_EQ(FIELD(tcr, 13, 12), 3);  /* SH0: inner shareable */
	EXPECT_EQ(FIELD(tcr, 15, 14), 0);  /* TG0: 4 KiB */
	EXPECT_EQ(FIELD(tcr, 21, 16), 17); /* T1SZ */
	EXPECT_EQ(FIELD(tcr, 22, 22), 0);  /* A1: ASID from TTBR0 */
	EXPECT_EQ(FIELD(tcr, 23, 23), 0);  /* EPD1 */
	EXPECT_EQ(FIELD(tcr, 25, 24), 1);  /* IRGN1 */
	EXPECT_EQ(FIELD(tcr, 27, 26), 1);  /* ORGN1 */
	EXPECT_EQ(FIELD(tcr, 29, 28), 3);  /* SH1 */
	EXPECT_EQ(FIELD(tcr, 31, 30), 2);  /* TG1: 4 KiB is 0b10 */
	EXPECT_EQ(FIELD(tcr, 63, 32), 0);  /* IPS, AS, TBI0, TBI1, ...: set below or 0 */
	EXPECT_EQ(tcr, UINT64_C(0xb5113511));
	/* IPS = ID_AA64MMFR0_EL1.PARange, at most 0b101 (48 bits). */
	EXPECT_EQ(mmu_tcr_el1(0), tcr);
	EXPECT_EQ(mmu_tcr_el1(2), tcr | UINT64_C(2) << 32); /* 40 bits */
	EXPECT_EQ(mmu_tcr_el1(5), tcr | UINT64_C(5) << 32); /* 48 bits */
	EXPECT_EQ(mmu_tcr_el1(6), tcr | UINT64_C(5) << 32); /* 52 bits: capped */
	EXPECT_EQ(mmu_tcr_el1(UINT64_C(0x0000000100001125)), tcr | UINT64_C(5) << 32);
	/* Each half is 2^(64 - 17) bytes; TTBR1 starts at the root's entry 256. */
	EXPECT_EQ(BIT(64 - MMU_TXSZ), PTE_VA_LOW_END);
	EXPECT_EQ(MMU_TTBR1_OFFSET, 256 * 8);
	/* SCTLR_EL1: M, C, SA, I, WXN; A, EE, E0E clear; Armv8.0 RES1 bits. */
	EXPECT_EQ(sctlr, UINT64_C(0x30d8180d));
	EXPECT(FIELD(sctlr, 0, 0) && FIELD(sctlr, 2, 2) && FIELD(sctlr, 3, 3));
	EXPECT(FIELD(sctlr, 12, 12) && FIELD(sctlr, 19, 19));
	EXPECT(!FIELD(sctlr, 1, 1) && !FIELD(sctlr, 24, 24) && !FIELD(sctlr, 25, 25));
}

/* The level-4 index: VA[47] picks the half, VA[46:39] the entry in it. */
static void test_root_halves(void)
{
	EXPECT_EQ(pte_index(0, 4), 0);
	EXPECT_EQ(pte_index(PTE_VA_LOW_END - 1, 4), 255);
	EXPECT_EQ(pte_index(PTE_VA_HIGH_BASE, 4), 256);
	EXPECT_EQ(pte_index(UINT64_C(0xffff888000000000), 4), 256 + 0x11);
	EXPECT_EQ(pte_index(UINT64_C(0xffffffff81000000), 4), 511);
	for (uint64_t i = 0; i < 256; i++) {
		EXPECT_EQ(pte_index(i << 39, 4), i);
		EXPECT_EQ(pte_index(PTE_VA_HIGH_BASE | i << 39, 4), 256 + i);
	}
	/* Either register value leads back to the tree's root. */
	EXPECT_EQ(pa_addr(pte_root_table(UINT64_C(0x40000000))), 0x40000000);
	EXPECT_EQ(pa_addr(pte_root_table(UINT64_C(0x40000000) + MMU_TTBR1_OFFSET)), 0x40000000);
	EXPECT_EQ(pa_addr(pte_root_table(UINT64_C(0x00ab000040000001))), 0x40000000);
	EXPECT_EQ(pa_addr(pte_root_table(UINT64_C(0xffff000040000801))), 0x40000000);
}

/*
 * The MMU's walk, modelled from the Arm ARM and not from pte.c: TCR_EL1 =
 * MMU_TCR_EL1_BASE picks the root by VA[63] (TTBR0 = root, TTBR1 = root +
 * MMU_TTBR1_OFFSET), faults unless VA[63:64-TxSZ] are all equal to it, indexes
 * a level-0 table of 2^(64-TxSZ-39) entries, then three 512-entry levels.
 * Returns the output address and the leaf descriptor, or false for a
 * translation fault.
 */
static bool mmu_translate(struct arena *a, uint64_t root, uint64_t va, uint64_t *pa, uint64_t *desc)
{
	const uint64_t tcr = MMU_TCR_EL1_BASE;
	const bool upper = va >> 63;
	const unsigned txsz = upper ? FIELD(tcr, 21, 16) : FIELD(tcr, 5, 0);
	uint64_t top = va >> (64 - txsz), table = upper ? root + MMU_TTBR1_OFFSET : root;

	if (top != (upper ? (UINT64_C(1) << txsz) - 1 : 0))
		return false;
	for (int lvl = 0; lvl <= 3; lvl++) {
		unsigned shift = 39 - 9 * lvl, bits = lvl ? 9 : 64 - txsz - 39;
		uint64_t *e =
			arena_ptr(a, pa_init(table + 8 * FIELD(va, shift + bits - 1, shift)), 8);

		if (!e || !(*e & 1))
			return false;
		if (lvl < 3 && (*e & 2)) {
			table = *e & UINT64_C(0x0000fffffffff000);
			continue;
		}
		if (lvl == 0 || (lvl == 3 && !(*e & 2)))
			return false; /* no block at level 0; 0b01 at level 3 is reserved */
		*pa = (*e & UINT64_C(0x0000fffffffff000) & ~(BIT(shift) - 1)) |
		      (va & (BIT(shift) - 1));
		*desc = *e;
		return true;
	}
	return false;
}

/* pt_build's tree as the MMU sees it through TTBR0 and TTBR1: every leaf
 * the walker reports translates to its frame with its permissions, and
 * nothing else is mapped at the plan's edges. */
static void test_mmu_sees_the_walk(void)
{
	struct arena a;
	struct pt_mapping m[PLAN_COUNT];
	struct pt_pool pool;
	struct leaf_list ll = { 0 };
	struct ldr_diag d = { 0 };
	size_t n = plan_realistic(m), by_level[4] = { 0 };
	uint64_t pa, desc, root;
	paddr_t cr3;

	arena_init(&a, ARENA_BASE, 64);
	pool = arena_pool(&a, true);
	REQUIRE(pt_build(m, n, &pool, &cr3, &d) == LDR_OK);
	REQUIRE(wx_verify(cr3, arena_ptr, &a, m, n, NULL, &d) == LDR_OK);
	REQUIRE(leaves_walk(&a, cr3, &ll) == LDR_OK);
	root = pa_addr(cr3);
	EXPECT(ll.n > 1000);
	for (size_t i = 0; i < ll.n; i++) {
		const struct pt_leaf *l = &ll.l[i];
		uint64_t va = va_addr(l->va), last = va + l->size - 1;

		by_level[l->level]++;
		if (!mmu_translate(&a, root, va, &pa, &desc) || pa != pa_addr(l->pa) ||
		    desc != l->raw) {
			harness_fail(__FILE__, __LINE__, "leaf va %#llx: MMU sees pa %#llx",
				     (unsigned long long)va, (unsigned long long)pa);
			break;
		}
		EXPECT(mmu_translate(&a, root, last, &pa, &desc) &&
		       pa == pa_addr(l->pa) + l->size - 1);
		EXPECT_EQ(FIELD(desc, 7, 7), !(l->prot & W));
		EXPECT_EQ(FIELD(desc, 53, 53), !(l->prot & X));
		EXPECT(FIELD(desc, 54, 54) && !FIELD(desc, 6, 6));
	}
	EXPECT(by_level[1] && by_level[2] && by_level[3]);
	/* Unmapped: page 0, the stack guards, past the data, the address of a
	 * high-half mapping with VA[63:48] cleared, the hole between halves. */
	EXPECT(!mmu_translate(&a, root, 0, &pa, &desc));
	EXPECT(!mmu_translate(&a, root, PLAN_STACK - 1, &pa, &desc));
	EXPECT(!mmu_translate(&a, root, PLAN_STACK + PLAN_STACK_LEN, &pa, &desc));
	EXPECT(!mmu_translate(&a, root, PLAN_KERNEL + 0x211000, &pa, &desc));
	EXPECT(!mmu_translate(&a, root, PLAN_KERNEL & ~(UINT64_C(0xffff) << 48), &pa, &desc));
	EXPECT(!mmu_translate(&a, root, PLAN_KERNEL & ~BIT(47), &pa, &desc));
	EXPECT(!mmu_translate(&a, root, PLAN_TRAMP | BIT(47), &pa, &desc));
	/* The trampoline's identity page, through TTBR0. */
	EXPECT(mmu_translate(&a, root, PLAN_TRAMP, &pa, &desc) && pa == PLAN_TRAMP);
	leaves_free(&ll);
	arena_free(&a);
}

int main(void)
{
	RUN(test_geometry);
	RUN(test_leaf_known_values);
	RUN(test_leaf_refusals);
	RUN(test_table);
	RUN(test_decode_roundtrip);
	RUN(test_decode_bad);
	RUN(test_decode_permissions);
	RUN(test_mmu_registers);
	RUN(test_root_halves);
	RUN(test_mmu_sees_the_walk);
	return harness_done();
}
