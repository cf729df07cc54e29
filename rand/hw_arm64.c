/* SPDX-License-Identifier: MIT */
/*
 * arm64 FEAT_RNG behind struct rand_cpu_ops: RNDRRS (reseeded from the
 * hardware source on every read; the "seed" instruction) and RNDR (a DRBG
 * over the same source; the fallback when RNDRRS runs dry), both reported
 * as ASLRBOOT_SRC_RNDR.  Detection: ID_AA64ISAR0_EL1.RNDR, bits [63:60],
 * nonzero.  A read that fails returns 0 with NZCV = 0b0100 (Z set); success
 * clears NZCV.  The generic timer's virtual count (CNTVCT_EL0, read after
 * an ISB so it is not taken early) is the timestamp for jitter samples.
 * One try per call; rand/cpu.c bounds the retries.
 */
#ifdef __aarch64__
#include "rand.h"

static bool has_rndr(void *ctx)
{
	uint64_t isar0;

	(void)ctx;
	__asm__ __volatile__("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	return (isar0 >> 60) & 0xf;
}

/* s3_3_c2_c4_0 = RNDR, s3_3_c2_c4_1 = RNDRRS: the encodings, for
 * assemblers without +rng.  ok = Z clear. */
static bool rndrrs64(void *ctx, uint64_t *out)
{
	uint64_t v, ok;

	(void)ctx;
	__asm__ __volatile__("mrs %0, s3_3_c2_c4_1\n\tcset %1, ne" : "=r"(v), "=r"(ok) : : "cc");
	*out = v;
	return ok;
}

static bool rndr64(void *ctx, uint64_t *out)
{
	uint64_t v, ok;

	(void)ctx;
	__asm__ __volatile__("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(v), "=r"(ok) : : "cc");
	*out = v;
	return ok;
}

static uint64_t cntvct(void *ctx)
{
	uint64_t v;

	(void)ctx;
	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
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
	.has_drbg = has_rndr,
	.seed64 = rndrrs64,
	.drbg64 = rndr64,
	.tsc = cntvct,
	.pause = cpu_yield,
};

const struct rand_cpu_ops *rand_hw_ops(void)
{
	return &arm64_ops;
}
#endif
