/* SPDX-License-Identifier: MIT */
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

uint8_t *bench_load_file(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	*size = (uint64_t)n;
	return buf;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t bench_median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_memmap(struct memmap *mm)
{
	static const struct mm_entry raw[] = {
		{ 0x1000, 0x9e000, ASLRBOOT_MEM_USABLE },
		{ 0x9f000, 0x61000, ASLRBOOT_MEM_RESERVED },
		{ 0x100000, 0xbff00000, ASLRBOOT_MEM_USABLE },
		{ 0xc0000000, 0x40000000, ASLRBOOT_MEM_RESERVED },
		{ 0x100000000, 0x40000000, ASLRBOOT_MEM_USABLE },
	};
	struct ldr_diag d = { 0 };

	if (memmap_normalize(raw, sizeof(raw) / sizeof(raw[0]), mm, &d)) {
		fprintf(stderr, "memmap_normalize failed\n");
		exit(2);
	}
}

enum ldr_err bench_plan(const struct elf_image *img, const struct memmap *mm, bool aslr_off,
			uint64_t seed, struct layout_plan *plan)
{
	/* What loader/entropy.c does with the pool's master key. */
	uint8_t master[32] = { 0 };
	struct rand_drbg rng;
	struct layout_request req = {
		.img = img,
		.info_size = 0x2000,
		.aslr_off = aslr_off,
		.allow_1g = true,
	};
	struct ldr_diag d = { 0 };

	memcpy(master, &seed, sizeof(seed));
	rand_drbg_init(&rng, master, RAND_DOMAIN_LAYOUT);
	return layout_plan(&req, mm, aslr_off ? NULL : &rng, plan, &d);
}

void *bench_pool_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	struct bench_pool *p = ctx;
	uint64_t a = pa_addr(pa);
	return a >= p->base && a - p->base <= p->size && len <= p->size - (a - p->base) ?
		       p->mem + (a - p->base) :
		       NULL;
}
