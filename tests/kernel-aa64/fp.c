/* SPDX-License-Identifier: MIT */
/*
 * The arm64 test kernel's one file compiled with FP/SIMD allowed (no
 * -mgeneral-regs-only), as a kernel's ordinary C code would be: gcc -O2
 * vectorizes these loops with Advanced SIMD (kernel.mk checks the object
 * uses v registers).  They run only if the entry state leaves FP/SIMD
 * enabled (CPACR_EL1.FPEN = 0b11); otherwise they trap.
 */
#include "kernel.h"

#define N 64

static uint32_t a[N], b[N], sum[N];

/* Not inlined, so the vector loops stay here whatever the caller does. */
__attribute__((noinline)) static void add(uint32_t *restrict d, const uint32_t *restrict x,
					  const uint32_t *restrict y)
{
	for (int i = 0; i < N; i++)
		d[i] = x[i] + y[i];
}

__attribute__((noinline)) static uint32_t xor_all(const uint32_t *x)
{
	uint32_t r = 0;

	for (int i = 0; i < N; i++)
		r ^= x[i];
	return r;
}

int fp_check(void)
{
	uint32_t want = 0;

	for (int i = 0; i < N; i++) {
		a[i] = 0x01010101u * (uint32_t)i;
		b[i] = 0xfedcba98u - (uint32_t)i;
		want ^= a[i] + b[i];
	}
	add(sum, a, b);
	return xor_all(sum) != want;
}
