// SPDX-License-Identifier: MIT
/* memmap_normalize / memmap_set: hand-written cases plus a randomized
 * cross-check against a byte-grid reference model. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "memmap_check.h"
#include "loader/memmap.h"

#define U ASLRBOOT_MEM_USABLE
#define R ASLRBOOT_MEM_RESERVED
#define ACPI ASLRBOOT_MEM_ACPI_RECLAIMABLE
#define NVS ASLRBOOT_MEM_ACPI_NVS
#define BAD ASLRBOOT_MEM_BAD
#define LDR ASLRBOOT_MEM_LOADER_RECLAIMABLE
#define KERN ASLRBOOT_MEM_KERNEL
#define MOD ASLRBOOT_MEM_MODULE
#define RT ASLRBOOT_MEM_FIRMWARE_RUNTIME

static struct memmap mm;

static enum ldr_err norm(const struct mm_entry *raw, uint32_t n)
{
	struct ldr_diag d = { 0 };
	enum ldr_err err = memmap_normalize(raw, n, &mm, &d);
	const char *why = memmap_invariant_error(&mm);

	if (why)
		harness_fail(__FILE__, __LINE__, "invariant: %s", why);
	if (err != d.err && err)
		harness_fail(__FILE__, __LINE__, "diag.err %d != %d", d.err, err);
	return err;
}

/* The normalized map must be exactly want[0..n). */
#define EXPECT_MAP(...)                                                 \
	do {                                                            \
		const struct mm_entry want_[] = { __VA_ARGS__ };        \
		uint32_t n_ = sizeof(want_) / sizeof(want_[0]);         \
		EXPECT_EQ(mm.count, n_);                                \
		for (uint32_t i_ = 0; i_ < n_ && i_ < mm.count; i_++) { \
			EXPECT_EQ(mm.e[i_].base, want_[i_].base);       \
			EXPECT_EQ(mm.e[i_].len, want_[i_].len);         \
			EXPECT_EQ(mm.e[i_].type, want_[i_].type);       \
		}                                                       \
	} while (0)

static void test_sort_and_merge(void)
{
	const struct mm_entry raw[] = {
		{ 0x300000, 0x100000, U },  { 0x100000, 0x100000, U },	{ 0x200000, 0x100000, U },
		{ 0x500000, 0x1000, ACPI }, { 0x501000, 0x1000, ACPI }, { 0x502000, 0x1000, NVS },
		{ 0x600000, 0x1000, U },
	};
	EXPECT_ERR(norm(raw, 7), LDR_OK);
	EXPECT_MAP({ 0x100000, 0x300000, U }, { 0x500000, 0x2000, ACPI }, { 0x502000, 0x1000, NVS },
		   { 0x600000, 0x1000, U });
	EXPECT_EQ(mm.fixups, 0);
	EXPECT_EQ(memmap_total(&mm, U), 0x301000);
	EXPECT_EQ(memmap_total(&mm, ACPI), 0x2000);
	EXPECT_EQ(memmap_ram_top(&mm), 0x601000);
}

static void test_overlap_restrictive_wins(void)
{
	const struct mm_entry raw[] = {
		{ 0x100000, 0x400000, U }, /* a reserved hole in the middle */
		{ 0x200000, 0x1000, R },
		{ 0x300000, 0x200000, ACPI }, /* overlaps the tail */
		{ 0x380000, 0x10000, BAD },   /* BAD inside ACPI */
	};
	EXPECT_ERR(norm(raw, 4), LDR_OK);
	EXPECT_MAP({ 0x100000, 0x100000, U }, { 0x200000, 0x1000, R }, { 0x201000, 0xff000, U },
		   { 0x300000, 0x80000, ACPI }, { 0x380000, 0x10000, BAD },
		   { 0x390000, 0x170000, ACPI });
	EXPECT_EQ(mm.fixups, 3);
}

static void test_order_independent(void)
{
	struct mm_entry raw[] = {
		{ 0x0, 0x10000000, U },	 { 0x1000, 0x5000, LDR }, { 0x3000, 0x9000, KERN },
		{ 0x4000, 0x1000, MOD }, { 0x5000, 0x10000, RT }, { 0x6000, 0x1000, NVS },
		{ 0x7000, 0x800, ACPI }, { 0x2000, 0x1000, R },	  { 0x20000, 0x3000, BAD },
	};
	struct memmap first;
	EXPECT_ERR(norm(raw, 9), LDR_OK);
	first = mm;
	srand(7);
	for (int round = 0; round < 200; round++) {
		for (int i = 8; i > 0; i--) {
			int j = rand() % (i + 1);
			struct mm_entry t = raw[i];
			raw[i] = raw[j];
			raw[j] = t;
		}
		EXPECT_ERR(norm(raw, 9), LDR_OK);
		EXPECT_EQ(mm.count, first.count);
		for (uint32_t i = 0; i < first.count && i < mm.count; i++) /* not memcmp: padding */
			EXPECT(mm.e[i].base == first.e[i].base && mm.e[i].len == first.e[i].len &&
			       mm.e[i].type == first.e[i].type);
	}
}

static void test_zero_length_and_unknown_type(void)
{
	const struct mm_entry raw[] = {
		{ 0x100000, 0, U },
		{ 0x200000, 0x1000, 77 },
		{ 0x201000, 0x1000, R },
		{ 0x300000, 0x2000, U },
	};
	EXPECT_ERR(norm(raw, 4), LDR_OK);
	/* The unknown type is treated as RESERVED and merges with its neighbour. */
	EXPECT_MAP({ 0x200000, 0x2000, R }, { 0x300000, 0x2000, U });
	EXPECT_EQ(mm.fixups, 1);
	EXPECT_ERR(norm(NULL, 0), LDR_OK);
	EXPECT_EQ(mm.count, 0);
	EXPECT_EQ(memmap_ram_top(&mm), 0);
}

static void test_wrap_clipped(void)
{
	const struct mm_entry raw[] = {
		{ 0xfffffffffff00000, 0x200000, U }, /* wraps: clipped to 2^64 - 1 */
		{ 0xffffffffffffffff, 5, R },	     /* nothing left after clipping */
		{ 0x100000, UINT64_MAX, R },	     /* wraps */
	};
	EXPECT_ERR(norm(raw, 1), LDR_OK);
	EXPECT_MAP({ 0xfffffffffff00000, 0xff000, U }); /* last partial page dropped */
	EXPECT_EQ(mm.fixups, 1);
	EXPECT_ERR(norm(raw, 2), LDR_OK);
	EXPECT_MAP({ 0xfffffffffff00000, 0xff000, U });
	EXPECT_ERR(norm(raw, 3), LDR_OK);
	EXPECT_MAP({ 0x100000, 0xffffffffffefffff, R });
	EXPECT_EQ(memmap_ram_top(&mm), 0);
}

static void test_unaligned_usable(void)
{
	const struct mm_entry raw[] = {
		{ 0x100800, 0x2000, U }, /* -> [0x101000, 0x102000) */
		{ 0x200000, 0x800, U },	 /* merges with the next, then the pair is whole */
		{ 0x200800, 0x800, U },	 { 0x300100, 0x200, U }, /* vanishes */
		{ 0x9fc00, 0x400, NVS },			 /* non-USABLE keeps its bytes */
		{ 0x9f000, 0xc00, U },				 /* -> nothing (ends mid-page) */
	};
	EXPECT_ERR(norm(raw, 6), LDR_OK);
	EXPECT_MAP({ 0x9fc00, 0x400, NVS }, { 0x101000, 0x1000, U }, { 0x200000, 0x1000, U });
	EXPECT_EQ(memmap_ram_top(&mm), 0x201000);
}

static void test_too_many(void)
{
	static struct mm_entry raw[BOOT_MAX_MMAP + 1];
	struct ldr_diag d = { 0 };

	for (uint32_t i = 0; i < BOOT_MAX_MMAP + 1; i++)
		raw[i] = (struct mm_entry){ (uint64_t)i << 16, 0x1000, i & 1 ? U : R };
	EXPECT_ERR(norm(raw, BOOT_MAX_MMAP), LDR_OK);
	EXPECT_EQ(mm.count, BOOT_MAX_MMAP);
	EXPECT_ERR(memmap_normalize(raw, BOOT_MAX_MMAP + 1, &mm, &d), LDR_E_MEMMAP);
	EXPECT_EQ(d.value, BOOT_MAX_MMAP + 1);
	EXPECT_ERR(memmap_normalize(NULL, 3, &mm, &d), LDR_E_MEMMAP);
	/* 256 entries each split in three by a nested one: 768 > MEMMAP_MAX. */
	for (uint32_t i = 0; i < 256; i++) {
		raw[2 * i] = (struct mm_entry){ (uint64_t)i << 20, 0x3000, LDR };
		raw[2 * i + 1] = (struct mm_entry){ ((uint64_t)i << 20) + 0x1000, 0x1000, NVS };
	}
	EXPECT_ERR(memmap_normalize(raw, 512, &mm, &d), LDR_E_MEMMAP);
	EXPECT(d.what != NULL);
	EXPECT_ERR(norm(raw, 400), LDR_OK); /* 600 pieces still fit */
	EXPECT_EQ(mm.count, 600);
}

static void test_set_splits_and_merges(void)
{
	const struct mm_entry raw[] = { { 0x100000, 0x100000, U }, { 0x300000, 0x1000, R } };
	EXPECT_ERR(norm(raw, 2), LDR_OK);
	EXPECT_ERR(memmap_set(&mm, 0x180000, 0x2000, KERN), LDR_OK);
	EXPECT_MAP({ 0x100000, 0x80000, U }, { 0x180000, 0x2000, KERN }, { 0x182000, 0x7e000, U },
		   { 0x300000, 0x1000, R });
	EXPECT_ERR(memmap_set(&mm, 0x182000, 0x1000, KERN), LDR_OK); /* extends, merges */
	EXPECT_MAP({ 0x100000, 0x80000, U }, { 0x180000, 0x3000, KERN }, { 0x183000, 0x7d000, U },
		   { 0x300000, 0x1000, R });
	EXPECT_ERR(memmap_set(&mm, 0x180000, 0x3000, U), LDR_OK); /* back to one entry */
	EXPECT_MAP({ 0x100000, 0x100000, U }, { 0x300000, 0x1000, R });
	/* Spanning several entries and a hole; edges exactly on entry bounds. */
	EXPECT_ERR(memmap_set(&mm, 0x1ff000, 0x102000, MOD), LDR_OK);
	EXPECT_MAP({ 0x100000, 0xff000, U }, { 0x1ff000, 0x102000, MOD });
	EXPECT_ERR(memmap_set(&mm, 0x0, 0x1000, LDR), LDR_OK); /* in a hole */
	EXPECT_MAP({ 0x0, 0x1000, LDR }, { 0x100000, 0xff000, U }, { 0x1ff000, 0x102000, MOD });
	EXPECT_ERR(memmap_set(&mm, 0x100000, 0x1000, LDR), LDR_OK); /* at an entry start */
	EXPECT_MAP({ 0x0, 0x1000, LDR }, { 0x100000, 0x1000, LDR }, { 0x101000, 0xfe000, U },
		   { 0x1ff000, 0x102000, MOD });
	EXPECT_ERR(memmap_set(&mm, 0x1000, 0xff000, LDR), LDR_OK); /* fills the gap: merge 3 */
	EXPECT_MAP({ 0x0, 0x101000, LDR }, { 0x101000, 0xfe000, U }, { 0x1ff000, 0x102000, MOD });
	EXPECT_EQ(memmap_ram_top(&mm), 0x301000);
}

static void test_set_rejects(void)
{
	const struct mm_entry raw[] = { { 0x100000, 0x100000, U } };
	struct memmap before;

	EXPECT_ERR(norm(raw, 1), LDR_OK);
	before = mm;
	EXPECT_ERR(memmap_set(&mm, 0x100800, 0x1000, KERN), LDR_E_RANGE);
	EXPECT_ERR(memmap_set(&mm, 0x100000, 0x800, KERN), LDR_E_RANGE);
	EXPECT_ERR(memmap_set(&mm, 0xfffffffffffff000, 0x1000, KERN), LDR_E_RANGE);
	EXPECT_ERR(memmap_set(&mm, 0x100000, 0x1000, 0), LDR_E_MEMMAP);
	EXPECT_ERR(memmap_set(&mm, 0x100000, 0x1000, 10), LDR_E_MEMMAP);
	EXPECT_ERR(memmap_set(&mm, 0x100000, 0, KERN), LDR_OK);
	EXPECT(!memcmp(&before, &mm, sizeof(mm)));
	/* Full map: a split needs two more entries; the map stays unchanged. */
	mm.count = 0;
	for (uint32_t i = 0; i < MEMMAP_MAX; i++)
		mm.e[mm.count++] = (struct mm_entry){ (uint64_t)i << 16, 0x4000, i & 1 ? U : R };
	before = mm;
	EXPECT_ERR(memmap_set(&mm, 0x11000, 0x1000, KERN), LDR_E_MEMMAP);
	EXPECT(!memcmp(&before, &mm, sizeof(mm)));
	EXPECT_ERR(memmap_set(&mm, 0x10000, 0x4000, KERN), LDR_OK); /* replace: no growth */
	EXPECT_EQ(mm.count, MEMMAP_MAX);
	EXPECT(memmap_invariant_error(&mm) == NULL);
}

/*
 * Reference model on a grid of NU half-page units: the type of a unit is
 * the most restrictive raw entry covering it; a USABLE unit survives only
 * if its whole page is USABLE.  memmap_set overwrites units.  The output
 * must describe exactly the model (and, being merged, is then unique).
 */
#define NU 64
#define UNIT 0x800

static int prio(uint32_t t)
{
	static const int p[] = { [U] = 1,  [LDR] = 2, [ACPI] = 3, [MOD] = 4, [KERN] = 5,
				 [RT] = 6, [NVS] = 7, [R] = 8,	  [BAD] = 9 };
	return t < sizeof(p) / sizeof(p[0]) ? p[t] : 0;
}

static void model_normalize(const struct mm_entry *raw, int n, uint32_t out[NU])
{
	for (int u = 0; u < NU; u++) {
		out[u] = 0;
		for (int i = 0; i < n; i++) {
			uint32_t t = prio(raw[i].type) ? raw[i].type : R;
			uint64_t lo = raw[i].base / UNIT, hi = (raw[i].base + raw[i].len) / UNIT;
			if ((uint64_t)u >= lo && (uint64_t)u < hi && prio(t) > prio(out[u]))
				out[u] = t;
		}
	}
	for (int u = 0; u < NU; u += 2) { /* a half-USABLE page is a hole */
		if (out[u] == U && out[u + 1] != U)
			out[u] = 0;
		else if (out[u] != U && out[u + 1] == U)
			out[u + 1] = 0;
	}
}

static bool map_matches(const uint32_t want[NU])
{
	uint32_t got[NU] = { 0 };

	for (uint32_t i = 0; i < mm.count; i++) {
		if (mm.e[i].base % UNIT || mm.e[i].len % UNIT ||
		    mm.e[i].base + mm.e[i].len > NU * UNIT)
			return false;
		for (uint64_t u = mm.e[i].base / UNIT; u < (mm.e[i].base + mm.e[i].len) / UNIT; u++)
			got[u] = mm.e[i].type;
	}
	return !memcmp(got, want, sizeof(got)) && memmap_invariant_error(&mm) == NULL;
}

static void test_random_against_model(void)
{
	static const uint32_t types[] = { U, U, U, R, ACPI, NVS, BAD, LDR, KERN, MOD, RT, 42 };
	struct mm_entry raw[12];
	uint32_t want[NU];
	int bad = 0;

	srand(12345);
	for (int round = 0; round < 20000 && bad < 5; round++) {
		int n = rand() % 12;
		for (int i = 0; i < n; i++) {
			uint64_t lo = rand() % NU, len = rand() % (NU - lo + 1);
			raw[i] = (struct mm_entry){ lo * UNIT, len * UNIT, types[rand() % 12] };
		}
		model_normalize(raw, n, want);
		if (norm(raw, (uint32_t)n) != LDR_OK || !map_matches(want)) {
			harness_fail(__FILE__, __LINE__, "normalize round %d (n=%d)", round, n);
			bad++;
			continue;
		}
		for (int k = 0; k < 6; k++) {
			uint64_t lo = rand() % (NU / 2), len = rand() % (NU / 2 - lo + 1);
			uint32_t t = types[rand() % 11];
			EXPECT_ERR(memmap_set(&mm, lo * 2 * UNIT, len * 2 * UNIT, t), LDR_OK);
			for (uint64_t u = lo * 2; u < (lo + len) * 2; u++)
				want[u] = t;
			if (!map_matches(want)) {
				harness_fail(__FILE__, __LINE__, "set round %d step %d", round, k);
				bad++;
				break;
			}
		}
	}
}

int main(void)
{
	RUN(test_sort_and_merge);
	RUN(test_overlap_restrictive_wins);
	RUN(test_order_independent);
	RUN(test_zero_length_and_unknown_type);
	RUN(test_wrap_clipped);
	RUN(test_unaligned_usable);
	RUN(test_too_many);
	RUN(test_set_splits_and_merges);
	RUN(test_set_rejects);
	RUN(test_random_against_model);
	return harness_done();
}
