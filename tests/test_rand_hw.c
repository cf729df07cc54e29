/* SPDX-License-Identifier: MIT */
/*
 * The real instructions on the build machine (rand/hw_x86_64.c): RDSEED and
 * RDRAND must deliver and pass every health test.  Skipped (RESULT
 * skipped=1) only when CPUID says neither exists.
 */
#include <string.h>

#include "harness.h"
#include "rand/health.h"
#include "rand/rand.h"

static const struct rand_cpu_ops *hw;

static bool has(bool seed)
{
	bool (*f)(void *) = seed ? hw->has_seed : hw->has_drbg;

	return f && f(hw->ctx);
}

/* 4096 words (64 APT windows) of each instruction through the tests. */
static void check_source(bool seed)
{
	enum { N = 4096 };
	struct rand_health h;
	uint64_t w[RAND_STARTUP_SAMPLES];
	int failed_reads = 0;

	if (!has(seed)) {
		printf("# %s absent\n", seed ? "RDSEED" : "RDRAND");
		return;
	}
	rand_health_init(&h);
	for (int i = 0; i < N; i++) {
		uint64_t v;
		enum ldr_err err = seed ? rand_cpu_seed64(hw, &v) : rand_cpu_drbg64(hw, &v);

		if (err) {
			/* RDSEED may underflow under load even after 128 tries;
			 * RDRAND must not. */
			EXPECT(seed);
			failed_reads++;
			continue;
		}
		if (i < RAND_STARTUP_SAMPLES)
			w[i] = v;
		if (i == RAND_STARTUP_SAMPLES - 1)
			EXPECT_ERR(rand_health_startup(w), LDR_OK);
		EXPECT_ERR(rand_health_word(&h, v), LDR_OK);
	}
	EXPECT(failed_reads < N / 100);
}

static void test_rdrand(void)
{
	check_source(false);
}

static void test_rdseed(void)
{
	check_source(true);
}

static void test_tsc_advances(void)
{
	uint64_t a = hw->tsc(hw->ctx), b = hw->tsc(hw->ctx);

	EXPECT(b > a);
}

/* The whole collector on real hardware: both sources healthy, 512 bits. */
static void test_collect_real(void)
{
	static struct rand_pool p1, p2;
	uint8_t m1[32], m2[32];
	struct rand_collect_cfg cfg = { .cpu = hw, .strict = true };

	EXPECT_ERR(rand_collect(&cfg, &p1), LDR_OK);
	EXPECT_ERR(rand_collect(&cfg, &p2), LDR_OK);
	if (has(false))
		EXPECT_EQ(p1.report[ASLRBOOT_SRC_RDRAND].status, ASLRBOOT_ENT_OK);
	if (has(true) && has(false))
		EXPECT_EQ(p1.credited_bits, 2 * RAND_CPU_CREDIT);
	EXPECT_EQ(p1.report[ASLRBOOT_SRC_JITTER].status, ASLRBOOT_ENT_UNCREDITED);
	rand_pool_finish(&p1, m1);
	rand_pool_finish(&p2, m2);
	EXPECT(memcmp(m1, m2, 32) != 0);
	rand_wipe(&p1, sizeof(p1));
	rand_wipe(&p2, sizeof(p2));
}

int main(void)
{
	hw = rand_hw_ops();
	if (!has(true) && !has(false)) {
		printf("# CPUID: no RDSEED and no RDRAND\nRESULT passed=0 failed=0 skipped=1\n");
		return 0;
	}
	RUN(test_rdrand);
	RUN(test_rdseed);
	RUN(test_tsc_advances);
	RUN(test_collect_real);
	return harness_done();
}
