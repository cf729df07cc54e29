/* SPDX-License-Identifier: MIT */
/*
 * arm64 FEAT_RNG: RNDRRS (reseeded; our "seed" source) behind struct
 * rand_cpu_ops, reported as ASLRBOOT_SRC_RNDR.  Detection:
 * ID_AA64ISAR0_EL1.RNDR, bits [63:60], nonzero (Arm ARM D19.2).  A read
 * that fails sets NZCV = 0b0100 and returns 0; success clears NZCV.  RNDR
 * is the same hardware behind a DRBG, so it is not a second source.
 */
#ifdef __aarch64__
#include "rand.h"

static bool has_rndr(void *ctx)
{
	uint64_t isar0;

	(void)ctx;
	__asm__ __volatile__("mrs %0, ID_AA64ISAR0_EL1" : "=r"(isar0));
	return (isar0 >> 60) & 0xf;
}

static bool rndrrs64(void *ctx, uint64_t *out)
{
	uint64_t v, nzcv;

	(void)ctx;
	/* s3_3_c2_c4_1 = RNDRRS, for assemblers without +rng. */
	__asm__ __volatile__("mrs %0, s3_3_c2_c4_1\n\tmrs %1, nzcv" : "=r"(v), "=r"(nzcv) : : "cc");
	*out = v;
	return nzcv == 0;
}

static uint64_t cntvct(void *ctx)
{
	uint64_t v;

	(void)ctx;
	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static void cpu_yield(void *ctx)
{
	(void)ctx;
	__asm__ __volatile__("yield");
}

static const struct rand_cpu_ops arm64_ops = {
	.arm64 = true,
	.has_seed = has_rndr,
	.seed64 = rndrrs64,
	.tsc = cntvct,
	.pause = cpu_yield,
};

const struct rand_cpu_ops *rand_hw_ops(void)
{
	return &arm64_ops;
}
#endif
