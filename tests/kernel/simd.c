/* SPDX-License-Identifier: MIT */
/*
 * The one file both test kernels compile with the FPU/SIMD unit allowed (no
 * -mgeneral-regs-only), as a kernel's C code written from PROTOCOL.md's link
 * line would be: gcc and clang -O2 vectorize these loops (SSE pxor, paddd,
 * movdqa on x86-64, Advanced SIMD on arm64; each kernel.mk checks the object
 * holds vector instructions).  They run only if the entry state leaves the
 * unit enabled (x86-64: CR4.OSFXSR, CR0.EM = 0; arm64: CPACR_EL1.FPEN =
 * 0b11); otherwise they trap.
 */
#include "kcheck.h"

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

int simd_check(void)
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
