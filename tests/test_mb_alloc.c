/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot front end's allocator (multiboot/alloc.c): fixed cases for
 * every reason a range is refused, then a randomized comparison of
 * mb_alloc_any() against a page-by-page brute force on small maps.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loader/addr.h"
#include "multiboot/alloc.h"

#define MiB (UINT64_C(1) << 20)

static struct mm_entry map[8];
static struct boot_env env;
static struct mb_alloc al;

/* usable [1M,16M) with a raw RESERVED hole [8M,9M) overlapping it, usable
 * [16M,32M) adjacent, reserved range [2M,3M), a module at 4M, limit 24M. */
static void setup(void)
{
	memset(&env, 0, sizeof(env));
	map[0] = (struct mm_entry){ 1 * MiB, 15 * MiB, ASLRBOOT_MEM_USABLE };
	map[1] = (struct mm_entry){ 8 * MiB, 1 * MiB, ASLRBOOT_MEM_RESERVED };
	map[2] = (struct mm_entry){ 16 * MiB, 16 * MiB, ASLRBOOT_MEM_USABLE };
	env.mmap = map;
	env.mmap_count = 3;
	env.reserved[0] = (struct boot_range){ 2 * MiB, 1 * MiB };
	env.reserved_count = 1;
	env.modules[0] = (struct boot_module){ 4 * MiB, 100 * 1024, "m" };
	env.module_count = 1;
	env.phys_limit = 24 * MiB;
	mb_alloc_init(&al, &env);
}

static void test_alloc_at(void)
{
	setup();
	EXPECT_ERR(mb_alloc_at(&al, 1 * MiB, 16), LDR_OK);
	EXPECT_ERR(mb_alloc_at(&al, 1 * MiB + 15 * 4096, 1), LDR_E_NOMEM); /* own allocation */
	EXPECT_ERR(mb_alloc_at(&al, 1 * MiB + 16 * 4096, 1), LDR_OK);	   /* right after it */
	EXPECT_ERR(mb_alloc_at(&al, 3 * MiB - 4096, 1), LDR_E_NOMEM);	   /* reserved[] */
	EXPECT_ERR(mb_alloc_at(&al, 3 * MiB, 1), LDR_OK);
	EXPECT_ERR(mb_alloc_at(&al, 4 * MiB + 96 * 1024, 1), LDR_E_NOMEM); /* module tail */
	EXPECT_ERR(mb_alloc_at(&al, 4 * MiB + 100 * 1024, 1), LDR_OK);
	EXPECT_ERR(mb_alloc_at(&al, 7 * MiB, 512), LDR_E_NOMEM); /* raw RESERVED overlap */
	EXPECT_ERR(mb_alloc_at(&al, 9 * MiB, 256), LDR_OK);
	EXPECT_ERR(mb_alloc_at(&al, 15 * MiB, 512), LDR_OK);	    /* across adjacent USABLE */
	EXPECT_ERR(mb_alloc_at(&al, 23 * MiB, 512), LDR_E_NOMEM);   /* past phys_limit */
	EXPECT_ERR(mb_alloc_at(&al, 23 * MiB, 256), LDR_OK);	    /* ends at the limit */
	EXPECT_ERR(mb_alloc_at(&al, 0, 1), LDR_E_NOMEM);	    /* not in the map */
	EXPECT_ERR(mb_alloc_at(&al, 10 * MiB + 1, 1), LDR_E_RANGE); /* unaligned */
	EXPECT_ERR(mb_alloc_at(&al, 10 * MiB, 0), LDR_E_RANGE);
	EXPECT_ERR(mb_alloc_at(&al, UINT64_MAX & ~0xfffull, 2), LDR_E_NOMEM); /* wraps */
	EXPECT_ERR(mb_alloc_at(&al, 10 * MiB, UINT64_MAX / 4096 + 1),
		   LDR_E_RANGE); /* size overflows */
}

static void test_alloc_no_limit_and_slots(void)
{
	setup();
	env.phys_limit = 0;
	EXPECT_ERR(mb_alloc_at(&al, 30 * MiB, 512), LDR_OK);
	EXPECT_ERR(mb_alloc_at(&al, 31 * MiB, 512), LDR_E_NOMEM); /* map ends at 32M */
	for (uint32_t i = 1; i < MB_MAX_ALLOCS; i++)
		EXPECT_ERR(mb_alloc_at(&al, 10 * MiB + i * 4096, 1), LDR_OK);
	EXPECT_ERR(mb_alloc_at(&al, 12 * MiB, 1), LDR_E_NOMEM); /* out of slots */
}

static void test_alloc_any_fixed(void)
{
	uint64_t pa = 0;
	setup();
	EXPECT_ERR(mb_alloc_any(&al, 256, &pa), LDR_OK); /* [1M, 2M) */
	EXPECT_EQ(pa, 1 * MiB);
	EXPECT_ERR(mb_alloc_any(&al, 256, &pa), LDR_OK); /* [2M,3M) reserved: next is 3M */
	EXPECT_EQ(pa, 3 * MiB);
	EXPECT_ERR(mb_alloc_any(&al, 1, &pa), LDR_OK); /* module [4M, 4M+100K) */
	EXPECT_EQ(pa, 4 * MiB + 100 * 1024);
	EXPECT_ERR(mb_alloc_any(&al, 1024, &pa), LDR_OK); /* 4M won't fit before 8M: after 9M */
	EXPECT_EQ(pa, 9 * MiB);
	EXPECT_ERR(mb_alloc_any(&al, 4096, &pa), LDR_E_NOMEM); /* 16M contiguous: none below 24M */
	EXPECT_ERR(mb_alloc_any(&al, 0, &pa), LDR_E_RANGE);
}

/* Brute force: lowest page p >= 1M with pages free, checked page by page. */
static uint64_t brute(uint64_t pages, uint64_t top)
{
	for (uint64_t p = MB_ALLOC_ANY_MIN; p + pages * 4096 <= top; p += 4096) {
		uint64_t q;
		for (q = 0; q < pages; q++)
			if (!mb_range_free(&al, p + q * 4096, 4096))
				break;
		if (q == pages)
			return p;
	}
	return UINT64_MAX;
}

static uint64_t rnd(uint64_t n)
{
	return (uint64_t)rand() % n;
}

/* Random maps over [0, 8M) in 64K units; random requests. */
static void test_alloc_any_random(void)
{
	srand(4242);
	for (int round = 0; round < 300; round++) {
		memset(&env, 0, sizeof(env));
		env.mmap = map;
		env.mmap_count = 1 + (uint32_t)rnd(6);
		for (uint32_t i = 0; i < env.mmap_count; i++)
			map[i] = (struct mm_entry){ rnd(128) << 16, (1 + rnd(48)) << 16,
						    rnd(3) ? ASLRBOOT_MEM_USABLE :
							     ASLRBOOT_MEM_RESERVED };
		env.reserved_count = (uint32_t)rnd(3);
		for (uint32_t i = 0; i < env.reserved_count; i++)
			env.reserved[i] =
				(struct boot_range){ rnd(2048) << 12, (1 + rnd(64)) << 12 };
		env.module_count = (uint32_t)rnd(2);
		env.modules[0] = (struct boot_module){ rnd(2048) << 12, 1 + rnd(100000), "" };
		env.phys_limit = rnd(2) ? 0 : (1 + rnd(8)) * MiB;
		mb_alloc_init(&al, &env);
		for (int k = 0; k < 4; k++) {
			uint64_t pages = 1 + rnd(300), pa = 0, want = brute(pages, 12 * MiB);
			enum ldr_err err = mb_alloc_any(&al, pages, &pa);
			if (want == UINT64_MAX) {
				EXPECT_ERR(err, LDR_E_NOMEM);
			} else {
				EXPECT_ERR(err, LDR_OK);
				EXPECT_EQ(pa, want);
			}
		}
	}
}

int main(void)
{
	RUN(test_alloc_at);
	RUN(test_alloc_no_limit_and_slots);
	RUN(test_alloc_any_fixed);
	RUN(test_alloc_any_random);
	return harness_done();
}
