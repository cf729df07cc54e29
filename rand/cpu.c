/* SPDX-License-Identifier: MIT */
/*
 * CPU RNG sources through struct rand_cpu_ops: bounded retries, start-up
 * and continuous health tests, then one mix into the pool.  Every loop here
 * has a constant bound; nothing waits for the hardware to recover.
 */
#include "health.h"
#include "rand.h"

enum ldr_err rand_cpu_seed64(const struct rand_cpu_ops *ops, uint64_t *out)
{
	if (!ops || !ops->seed64 || !ops->has_seed || !ops->has_seed(ops->ctx))
		return LDR_E_RNG_ABSENT;
	for (int i = 0; i < RAND_RDSEED_TRIES; i++) {
		if (ops->seed64(ops->ctx, out))
			return LDR_OK;
		if (ops->pause)
			ops->pause(ops->ctx); /* let the entropy source refill */
	}
	*out = 0;
	return LDR_E_RNG_FAILED;
}

enum ldr_err rand_cpu_drbg64(const struct rand_cpu_ops *ops, uint64_t *out)
{
	if (!ops || !ops->drbg64 || !ops->has_drbg || !ops->has_drbg(ops->ctx))
		return LDR_E_RNG_ABSENT;
	for (int i = 0; i < RAND_RDRAND_TRIES; i++)
		if (ops->drbg64(ops->ctx, out))
			return LDR_OK;
	*out = 0;
	return LDR_E_RNG_FAILED;
}

static uint32_t cpu_source(const struct rand_cpu_ops *ops, bool seed)
{
	if (ops && ops->arm64)
		return ASLRBOOT_SRC_RNDR;
	return seed ? ASLRBOOT_SRC_RDSEED : ASLRBOOT_SRC_RDRAND;
}

static uint32_t status_of(enum ldr_err err)
{
	switch (err) {
	case LDR_E_RNG_ABSENT: return ASLRBOOT_ENT_ABSENT;
	case LDR_E_RNG_FAILED: return ASLRBOOT_ENT_FAILED;
	default: return ASLRBOOT_ENT_UNHEALTHY;
	}
}

/*
 * Draw and test all words; on success w[] holds them.  Stuck words stop the
 * source at once; the start-up test runs on the first 8 words before they
 * enter the continuous tests (otherwise the RCT would always fire first).
 */
static enum ldr_err draw_tested(const struct rand_cpu_ops *ops, bool seed,
				uint64_t w[RAND_CPU_WORDS])
{
	struct rand_health h;
	enum ldr_err err = LDR_OK;
	int i, j;

	rand_health_init(&h);
	for (i = 0; i < RAND_CPU_WORDS && !err; i++) {
		err = seed ? rand_cpu_seed64(ops, &w[i]) : rand_cpu_drbg64(ops, &w[i]);
		if (err)
			break;
		if (i >= RAND_STARTUP_SAMPLES) {
			err = rand_health_word(&h, w[i]);
		} else if (rand_health_stuck(w[i])) {
			err = LDR_E_RNG_STUCK;
		} else if (i == RAND_STARTUP_SAMPLES - 1) {
			err = rand_health_startup(w);
			for (j = 0; j <= i && !err; j++)
				err = rand_health_word(&h, w[j]);
		}
	}
	rand_wipe(&h, sizeof(h));
	return err;
}

enum ldr_err rand_cpu_collect(struct rand_pool *p, const struct rand_cpu_ops *ops, bool seed,
			      bool distrust)
{
	uint64_t w[RAND_CPU_WORDS];
	uint32_t src = cpu_source(ops, seed);
	enum ldr_err err;

	/* arm64: one source.  RNDR is a DRBG over the hardware behind RNDRRS:
	 * never a second source, only the seed pass's fallback when RNDRRS
	 * runs dry (not when its output failed a health test). */
	if (!seed && ops && ops->arm64)
		return LDR_E_RNG_ABSENT;
	err = draw_tested(ops, seed, w);
	if (err == LDR_E_RNG_FAILED && seed && ops->arm64)
		err = draw_tested(ops, false, w);
	if (err) {
		rand_pool_note(p, src, status_of(err));
	} else {
		rand_pool_add(p, src, w, sizeof(w), distrust ? 0 : RAND_CPU_CREDIT);
		if (distrust)
			rand_pool_note(p, src, ASLRBOOT_ENT_DISTRUSTED);
	}
	rand_wipe(w, sizeof(w));
	return err;
}

enum ldr_err rand_jitter_collect(struct rand_pool *p, const struct rand_cpu_ops *ops,
				 uint32_t samples)
{
	uint64_t t[RAND_JITTER_SAMPLES];

	if (!ops || !ops->tsc) {
		rand_pool_note(p, ASLRBOOT_SRC_JITTER, ASLRBOOT_ENT_ABSENT);
		return LDR_E_RNG_ABSENT;
	}
	if (samples == 0 || samples > RAND_JITTER_SAMPLES)
		samples = RAND_JITTER_SAMPLES;
	/* Timing of the TSC reads themselves; worth ~0 bits, credited 0. */
	for (uint32_t i = 0; i < samples; i++)
		t[i] = ops->tsc(ops->ctx);
	rand_pool_add(p, ASLRBOOT_SRC_JITTER, t, samples * sizeof(t[0]), 0);
	rand_wipe(t, sizeof(t));
	return LDR_OK;
}

#if !defined(__x86_64__) && !defined(__aarch64__)
/* No CPU RNG port for this architecture: every CPU source reports ABSENT. */
const struct rand_cpu_ops *rand_hw_ops(void)
{
	return NULL;
}
#endif
