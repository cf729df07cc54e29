/* SPDX-License-Identifier: MIT */
/*
 * x86-64 RDSEED / RDRAND / RDTSC behind struct rand_cpu_ops.  64-bit forms
 * only: the 16/32-bit RDSEED forms return 0 with CF=1 on AMD Zen 5
 * (CVE-2025-62626).  One try per call; rand/cpu.c bounds the retries.
 * Detection: CPUID.01H:ECX[30] = RDRAND, CPUID.(07H,0):EBX[18] = RDSEED
 * (Intel SDM Vol. 2A, CPUID).
 */
#ifdef __x86_64__
#include "rand.h"

#include "../include/ldr_x86_64.h"

static bool has_rdrand(void *ctx)
{
	uint32_t a, b, c, d;

	(void)ctx;
	cpuid(0, &a, &b, &c, &d);
	if (a < 1)
		return false;
	cpuid(1, &a, &b, &c, &d);
	return c & (1u << 30);
}

static bool has_rdseed(void *ctx)
{
	uint32_t a, b, c, d;

	(void)ctx;
	cpuid(0, &a, &b, &c, &d);
	if (a < 7)
		return false;
	cpuid_count(7, 0, &a, &b, &c, &d);
	return b & (1u << 18);
}

static bool rdseed64(void *ctx, uint64_t *out)
{
	uint64_t v;
	uint8_t ok;

	(void)ctx;
	__asm__ __volatile__("rdseed %0\n\tsetc %1" : "=r"(v), "=qm"(ok) : : "cc");
	*out = v;
	return ok;
}

static bool rdrand64(void *ctx, uint64_t *out)
{
	uint64_t v;
	uint8_t ok;

	(void)ctx;
	__asm__ __volatile__("rdrand %0\n\tsetc %1" : "=r"(v), "=qm"(ok) : : "cc");
	*out = v;
	return ok;
}

static uint64_t tsc(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

static void cpu_pause(void *ctx)
{
	(void)ctx;
	cpu_relax();
}

static const struct rand_cpu_ops x86_ops = {
	.has_seed = has_rdseed,
	.has_drbg = has_rdrand,
	.seed64 = rdseed64,
	.drbg64 = rdrand64,
	.tsc = tsc,
	.pause = cpu_pause,
};

const struct rand_cpu_ops *rand_hw_ops(void)
{
	return &x86_ops;
}
#endif
