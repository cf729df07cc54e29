/* SPDX-License-Identifier: MIT */
/*
 * loader/bootparams.c: the boot_params builder field by field (offsets of
 * Linux's struct boot_params), e820 conversion and its cap, the
 * SETUP_RNG_SEED record, and the cmdline seed injection (exact strings,
 * exact-fit and one-short buffers).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "loader/protos/bootparams.h"

static void test_bp_build(void)
{
	static uint8_t page[BP_SIZE + 16];
	struct bp_e820 e[2] = { { 0, 0x9f000, E820_RAM }, { 0x100000, 0x7f00000, E820_RAM } };
	struct bp_input in = { .cmdline = 0x12345000,
			       .cmdline_size = 5,
			       .initrd = 0x123456789000,
			       .initrd_size = 0x2000,
			       .setup_data = 0x4000,
			       .acpi_rsdp = 0xe0000,
			       .e820 = e,
			       .e820_count = 2 };
	struct ldr_diag d = { 0 };

	memset(page, 0x5a, sizeof(page));
	EXPECT_EQ(bp_build(page, BP_SIZE, &in, &d), LDR_OK);
	EXPECT_EQ(g32(page, 0x1fc) >> 16, 0xaa55u);
	EXPECT(!memcmp(page + 0x202, "HdrS", 4));
	EXPECT_EQ(g32(page, 0x206) & 0xffff, 0x020fu);
	EXPECT_EQ(page[0x210], 0xffu);
	EXPECT_EQ(page[0x211], 0x01u);
	EXPECT_EQ(g32(page, 0x228), 0x12345000u);
	EXPECT_EQ(g32(page, 0x238), 5u);
	EXPECT_EQ(g32(page, 0x218), 0x56789000u);
	EXPECT_EQ(g32(page, 0x0c0), 0x1234u);
	EXPECT_EQ(g32(page, 0x21c), 0x2000u);
	EXPECT_EQ(g64(page, 0x250), 0x4000u);
	EXPECT_EQ(g64(page, 0x070), 0xe0000u);
	EXPECT_EQ(page[0x1e8], 2u);
	EXPECT_EQ(g64(page, 0x2d0 + 20), 0x100000u);
	EXPECT_EQ(g64(page, 0x2d0 + 28), 0x7f00000u);
	EXPECT_EQ(g32(page, 0x2d0 + 36), 1u);
	EXPECT_EQ(page[0x1ef], 0u);	 /* sentinel: Linux zeroes fields if set */
	EXPECT_EQ(page[BP_SIZE], 0x5au); /* nothing past the page */
	EXPECT_ERR(bp_build(page, BP_SIZE - 1, &in, &d), LDR_E_BOOTPARAMS);
	in.e820_count = BP_E820_MAX + 1;
	EXPECT_ERR(bp_build(page, BP_SIZE, &in, &d), LDR_E_BOOTPARAMS);
	in.e820_count = 2;
	in.cmdline = UINT64_C(1) << 32;
	EXPECT_ERR(bp_build(page, BP_SIZE, &in, &d), LDR_E_BOOTPARAMS);
	in.cmdline = 0x1000, in.cmdline_size = 0;
	EXPECT_ERR(bp_build(page, BP_SIZE, &in, &d), LDR_E_BOOTPARAMS);
}

static void test_e820(void)
{
	static struct memmap mm;
	static struct bp_e820 out[BP_E820_MAX + 1];
	uint32_t n = 0;
	struct ldr_diag d = { 0 };

	mm.count = 0;
	mm.e[mm.count++] = (struct mm_entry){ 0, 0x9f000, ASLRBOOT_MEM_USABLE };
	mm.e[mm.count++] = (struct mm_entry){ 0x100000, 0x100000, ASLRBOOT_MEM_USABLE };
	mm.e[mm.count++] = (struct mm_entry){ 0x200000, 0x100000, ASLRBOOT_MEM_KERNEL };
	mm.e[mm.count++] = (struct mm_entry){ 0x300000, 0x1000, ASLRBOOT_MEM_ACPI_RECLAIMABLE };
	mm.e[mm.count++] = (struct mm_entry){ 0x301000, 0x1000, ASLRBOOT_MEM_ACPI_NVS };
	mm.e[mm.count++] = (struct mm_entry){ 0x302000, 0x1000, ASLRBOOT_MEM_FIRMWARE_RUNTIME };
	mm.e[mm.count++] = (struct mm_entry){ 0x303000, 0x1000, ASLRBOOT_MEM_BAD };
	EXPECT_EQ(bp_e820_from_memmap(&mm, out, BP_E820_MAX, &n, &d), LDR_OK);
	REQUIRE(n == 6);
	EXPECT_EQ(out[1].addr, 0x100000u); /* USABLE + KERNEL merged as RAM */
	EXPECT_EQ(out[1].size, 0x200000u);
	EXPECT_EQ(out[1].type, E820_RAM);
	EXPECT_EQ(out[2].type, E820_ACPI);
	EXPECT_EQ(out[3].type, E820_NVS);
	EXPECT_EQ(out[4].type, E820_RESERVED);
	EXPECT_EQ(out[5].type, E820_UNUSABLE);
	EXPECT_EQ(bp_e820_type(99), E820_RESERVED);
	/* 129 alternating entries cannot be merged: refused, not truncated. */
	mm.count = 0;
	for (uint32_t i = 0; i < BP_E820_MAX + 1; i++)
		mm.e[mm.count++] =
			(struct mm_entry){ i * 0x1000, 0x1000,
					   i & 1 ? ASLRBOOT_MEM_RESERVED : ASLRBOOT_MEM_USABLE };
	EXPECT_ERR(bp_e820_from_memmap(&mm, out, BP_E820_MAX, &n, &d), LDR_E_E820_FULL);
	EXPECT_EQ(bp_e820_from_memmap(&mm, out, BP_E820_MAX + 1, &n, &d), LDR_OK);
}

static void test_big_ram_first(void)
{
	/* OVMF-like: low RAM, 7 MiB of RAM holding a kernel at 2 MiB, NVS,
	 * the big block, reserved, RAM above 4 GiB (bigger, but not counted). */
	struct bp_e820 e[] = {
		{ 0, 0xa0000, E820_RAM },
		{ 0x100000, 0x700000, E820_RAM },
		{ 0x800000, 0x8000, E820_NVS },
		{ 0x900000, 0x1e000000, E820_RAM },
		{ 0xff000000, 0x1000000, E820_RESERVED },
		{ 0x100000000ull, 0x80000000ull, E820_RAM },
	};
	struct bp_e820 none[] = { { 0x800000, 0x8000, E820_NVS },
				  { 0x100000000ull, 0x1000, E820_RAM } };

	bp_e820_big_ram_first(e, 6);
	EXPECT_EQ(e[0].addr, 0x900000u);
	EXPECT_EQ(e[0].size, 0x1e000000u);
	EXPECT_EQ(e[1].addr, 0u); /* the others keep their order */
	EXPECT_EQ(e[2].addr, 0x100000u);
	EXPECT_EQ(e[3].addr, 0x800000u);
	EXPECT_EQ(e[4].addr, 0xff000000u);
	EXPECT_EQ(e[5].addr, 0x100000000ull);
	bp_e820_big_ram_first(e, 6); /* already first: unchanged */
	EXPECT_EQ(e[0].addr, 0x900000u);
	EXPECT_EQ(e[1].addr, 0u);
	bp_e820_big_ram_first(none, 2); /* no RAM below 4 GiB: unchanged */
	EXPECT_EQ(none[0].addr, 0x800000u);
	EXPECT_EQ(none[1].addr, 0x100000000ull);
	bp_e820_big_ram_first(e, 0);
}

static void test_rng_seed(void)
{
	uint8_t buf[64], seed[32];
	size_t len = 0;

	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	EXPECT_EQ(bp_rng_seed(buf, sizeof(buf), seed, 32, &len, NULL), LDR_OK);
	EXPECT_EQ(len, 48u);
	EXPECT_EQ(g64(buf, 0), 0u);
	EXPECT_EQ(g32(buf, 8), SETUP_RNG_SEED);
	EXPECT_EQ(g32(buf, 12), 32u);
	EXPECT(!memcmp(buf + 16, seed, 32));
	EXPECT_ERR(bp_rng_seed(buf, 47, seed, 32, &len, NULL), LDR_E_BOOTPARAMS);
	EXPECT_ERR(bp_rng_seed(buf, sizeof(buf), seed, 0, &len, NULL), LDR_E_BOOTPARAMS);
}

static void test_cmdline(void)
{
	static const uint32_t w[8] = { 0x01234567, 0x89abcdef, 0, 0xffffffff, 1, 2, 3, 0xdeadbeef };
	static const char seedarg[] = "random.seed=[0x01234567 0x89abcdef 0x00000000 0xffffffff "
				      "0x00000001 0x00000002 0x00000003 0xdeadbeef]";
	char out[512], want[512];
	size_t len = 0;

	EXPECT_EQ(strlen(seedarg), BP_SEED_ARG_LEN);
	EXPECT_EQ(bp_cmdline(out, sizeof(out), "console=ttyS0 quiet", 19, NULL, &len, NULL),
		  LDR_OK);
	EXPECT(!strcmp(out, "console=ttyS0 quiet") && len == 19);
	EXPECT_EQ(bp_cmdline(out, sizeof(out), NULL, 0, NULL, &len, NULL), LDR_OK);
	EXPECT(!strcmp(out, "") && len == 0);
	/* Unikraft: argv[0] first, then the seed, then the rest (before --). */
	EXPECT_EQ(bp_cmdline(out, sizeof(out), "  app  a=1 -- x", 15, w, &len, NULL), LDR_OK);
	snprintf(want, sizeof(want), "app %s a=1 -- x", seedarg);
	EXPECT(!strcmp(out, want) && len == strlen(want));
	EXPECT_EQ(bp_cmdline(out, sizeof(out), "app", 3, w, &len, NULL), LDR_OK);
	snprintf(want, sizeof(want), "app %s", seedarg);
	EXPECT(!strcmp(out, want) && len == strlen(want));
	EXPECT_EQ(bp_cmdline(out, sizeof(out), "", 0, w, &len, NULL), LDR_OK);
	snprintf(want, sizeof(want), "kernel %s", seedarg);
	EXPECT(!strcmp(out, want));
	/* Stops at a NUL inside the given length. */
	EXPECT_EQ(bp_cmdline(out, sizeof(out), "ab\0cd", 5, NULL, &len, NULL), LDR_OK);
	EXPECT(!strcmp(out, "ab") && len == 2);
	/* Exactly fitting and one byte short. */
	snprintf(want, sizeof(want), "app %s", seedarg);
	EXPECT_EQ(bp_cmdline(out, strlen(want) + 1, "app", 3, w, &len, NULL), LDR_OK);
	EXPECT_ERR(bp_cmdline(out, strlen(want), "app", 3, w, &len, NULL), LDR_E_BOOTPARAMS);
	EXPECT_ERR(bp_cmdline(out, 3, "abc", 3, NULL, &len, NULL), LDR_E_BOOTPARAMS);
}

int main(void)
{
	RUN(test_bp_build);
	RUN(test_e820);
	RUN(test_big_ram_first);
	RUN(test_rng_seed);
	RUN(test_cmdline);
	return harness_done();
}
