/* SPDX-License-Identifier: MIT */
/* Shared by the host benchmarks and the layout statistics. */
#ifndef TESTS_BENCH_COMMON_H
#define TESTS_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/layout/layout.h"

uint64_t bench_now_ns(void);
/* The whole file, malloc'd; exits on error. */
uint8_t *bench_load_file(const char *path, uint64_t *size);
/* Median of n values (sorts v in place). */
uint64_t bench_median(uint64_t *v, size_t n);
/* A PC-like map with 4 GiB of RAM: low 640 KiB, 1 MiB..3 GiB, 4..5 GiB. */
void bench_memmap(struct memmap *mm);
/* layout_plan for img with the layout stream of `seed` (the loader's own
 * DRBG and domain); aslr_off ignores the seed. */
/* Page-table frames [base, base + size) held at mem on the host. */
struct bench_pool {
	uint8_t *mem;
	uint64_t base, size;
};
/* pt_phys_ptr_fn over a struct bench_pool: NULL outside it. */
void *bench_pool_ptr(void *ctx, paddr_t pa, uint64_t len);
enum ldr_err bench_plan(const struct elf_image *img, const struct memmap *mm, bool aslr_off,
			uint64_t seed, struct layout_plan *plan);

#endif
