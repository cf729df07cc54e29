/* SPDX-License-Identifier: MIT */
/* x86-64 PTE encode/decode round trips and what the CPU would reject. */
#include "harness.h"
#include "include/aslrboot.h"
#include "loader/arch/x86_64/pte.h"

#define R ASLRBOOT_PROT_R
#define W ASLRBOOT_PROT_W
#define X ASLRBOOT_PROT_X
#define G1 SIZE_1G

static void test_pte_roundtrip(void)
{
	static const uint32_t prots[] = { R, R | W, R | X };
	static const uint64_t pas[] = { 0, UINT64_C(0x40000000), UINT64_C(0xfffffc0000000) };

	for (int level = 1; level <= 3; level++) {
		for (size_t p = 0; p < 3; p++) {
			for (size_t a = 0; a < 3; a++) {
				struct pte_info in;
				uint64_t e = pte_leaf(level, pa_init(pas[a]), prots[p]);

				EXPECT_EQ(pte_decode(level, e, &in), PTE_LEAF);
				EXPECT_EQ(pa_addr(in.pa), pas[a]);
				EXPECT_EQ(in.w, !!(prots[p] & W));
				EXPECT_EQ(in.x, !!(prots[p] & X));
				EXPECT(!in.user);
				EXPECT_EQ(!!(e & PTE_NX), !(prots[p] & X));
				EXPECT_EQ(!!(e & PTE_PS), level > 1);
			}
		}
	}
	for (int level = 2; level <= 4; level++) {
		struct pte_info in;
		uint64_t e = pte_table(pa_init(0x123456000));

		EXPECT_EQ(e, 0x123456000 | PTE_P | PTE_RW);
		EXPECT_EQ(pte_decode(level, e, &in), PTE_TABLE);
		EXPECT_EQ(pa_addr(in.pa), 0x123456000);
		EXPECT(in.w && in.x && !in.user);
	}
	/* Known answers from the SDM bit layout (P 0, RW 1, PS 7, NX 63). */
	EXPECT_EQ(pte_leaf(1, pa_init(0x5000), R), 0x8000000000005001);
	EXPECT_EQ(pte_leaf(2, pa_init(0x200000), R | W), 0x8000000000200083);
	EXPECT_EQ(pte_leaf(3, pa_init(0x40000000), R | X), 0x40000081);
	EXPECT_EQ(pte_leaf(1, pa_init(0xffffffffff000), R | X), 0xffffffffff001);
	/* What cannot be encoded safely is not present. */
	EXPECT_EQ(pte_leaf(1, pa_init(0x1000), R | W | X), 0);
	EXPECT_EQ(pte_leaf(1, pa_init(0x1000), W), 0);
	EXPECT_EQ(pte_leaf(1, pa_init(0x1000), R | 8), 0);
	EXPECT_EQ(pte_leaf(2, pa_init(0x1000), R), 0);
	EXPECT_EQ(pte_leaf(4, pa_init(0), R), 0);
	EXPECT_EQ(pte_leaf(1, pa_init(PTE_PA_LIMIT), R), 0);
	EXPECT_EQ(pte_table(pa_init(0x1800)), 0);
	/* Decoding what the CPU would reject or ignore. */
	struct pte_info in;
	EXPECT_EQ(pte_decode(1, PTE_RW | PTE_NX, &in), PTE_EMPTY);
	EXPECT_EQ(pte_decode(4, PTE_P | PTE_PS, &in), PTE_BAD);
	EXPECT_EQ(pte_decode(2, PTE_P | PTE_PS | (1u << 13), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(3, PTE_P | PTE_PS | (1u << 20), &in), PTE_BAD);
	EXPECT_EQ(pte_decode(2, PTE_P | PTE_PS | (1u << 12), &in), PTE_LEAF); /* PAT */
	EXPECT_EQ(pa_addr(in.pa), 0);
	EXPECT_EQ(pte_decode(1, PTE_P | PTE_PS | PTE_US | 0x5000, &in), PTE_LEAF);
	EXPECT(in.user && !in.w && in.x && pa_addr(in.pa) == 0x5000);
	EXPECT_EQ(pte_decode(0, PTE_P, &in), PTE_BAD);
	/* Canonical addresses and level geometry. */
	EXPECT(pte_va_canonical(0x00007ffffffff000) && pte_va_canonical(0xffff800000000000));
	EXPECT(!pte_va_canonical(0x0000800000000000) && !pte_va_canonical(0xfff0000000000000));
	EXPECT_EQ(pte_va_sign_extend(0x0000ff8000000000), 0xffffff8000000000);
	EXPECT_EQ(pte_level_size(3), G1);
	EXPECT(pte_level_can_leaf(3, true) && !pte_level_can_leaf(3, false));
	EXPECT(!pte_level_can_leaf(4, true) && pte_level_can_leaf(1, false));
	EXPECT_EQ(pte_index(0xffffffff80200000, 4), 511);
	EXPECT_EQ(pte_index(0xffffffff80200000, 2), 1);
	/* The two halves: their edges are canonical, one step past is not. */
	EXPECT_EQ(PTE_VA_LOW_END, 0x0000800000000000);
	EXPECT_EQ(PTE_VA_HIGH_BASE, 0xffff800000000000);
	EXPECT(pte_va_canonical(PTE_VA_LOW_END - 1) && !pte_va_canonical(PTE_VA_LOW_END));
	EXPECT(pte_va_canonical(PTE_VA_HIGH_BASE) && !pte_va_canonical(PTE_VA_HIGH_BASE - 1));
	/* Presence and the table root (CR3 with PCID 0x123 and PWT/PCD set). */
	EXPECT(pte_present(PTE_P) && !pte_present(PTE_RW | PTE_NX | 0x5000));
	EXPECT_EQ(pa_addr(pte_root_table(0xabc000 | 0x123)), 0xabc000);
	EXPECT_EQ(pa_addr(pte_root_table(0x7000 | 0x18)), 0x7000);
}

int main(void)
{
	RUN(test_pte_roundtrip);
	return harness_done();
}
