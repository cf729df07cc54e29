/* SPDX-License-Identifier: MIT */
/* Start-up, repetition-count and adaptive-proportion tests (rand/health.c). */
#include <math.h>
#include <string.h>

#include "harness.h"
#include "rand/health.h"
#include "rand/rand.h"

/* log P(Binomial(n, p) = k) */
static double log_binom_pmf(int n, int k, double p)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) +
	       (n - k) * log1p(-p);
}

/* P(APT false positive) for cutoff c: the window's first byte is counted,
 * so the test fires when Binomial(W - 1, 2^-8) >= c - 1. */
static double apt_false_positive(int c)
{
	double s = 0;

	for (int k = c - 1; k < RAND_APT_WINDOW; k++)
		s += exp(log_binom_pmf(RAND_APT_WINDOW - 1, k, 1.0 / 256));
	return s;
}

/* alpha = 2^-30 (NIST SP 800-90B); the cutoff is the smallest with rate <= alpha. */
static void test_apt_cutoff_is_smallest_within_alpha(void)
{
	const double alpha = ldexp(1, -30);

	EXPECT(apt_false_positive(RAND_APT_CUTOFF) <= alpha);
	EXPECT(apt_false_positive(RAND_APT_CUTOFF - 1) > alpha);
	/* RCT: C = 1 + ceil(-log2(alpha) / H) = 2 for H = 64. */
	EXPECT_EQ(1 + (int)ceil(30.0 / 64), 2);
}

static void drbg_words(uint64_t *w, size_t n, const char *domain)
{
	uint8_t m[32] = { 7 };
	struct rand_drbg d;

	rand_drbg_init(&d, m, domain);
	for (size_t i = 0; i < n; i++)
		w[i] = rand_u64(&d);
	rand_drbg_wipe(&d);
}

static void test_startup(void)
{
	uint64_t s[8];

	drbg_words(s, 8, "startup");
	EXPECT_ERR(rand_health_startup(s), LDR_OK);
	for (int i = 0; i < 8; i++)
		s[i] = 0x1234;
	EXPECT_ERR(rand_health_startup(s), LDR_E_RNG_HEALTH);
	/* a a b b c c d e: 4 changes -> fail; a b b c c d e f: 5 -> pass */
	const uint64_t four[8] = { 1, 1, 2, 2, 3, 3, 4, 5 };
	const uint64_t five[8] = { 1, 2, 2, 3, 3, 4, 5, 6 };
	EXPECT_ERR(rand_health_startup(four), LDR_E_RNG_HEALTH);
	EXPECT_ERR(rand_health_startup(five), LDR_OK);
}

static void test_stuck_words(void)
{
	struct rand_health h;

	rand_health_init(&h);
	EXPECT_ERR(rand_health_word(&h, 0x0123456789abcdefull), LDR_OK);
	EXPECT_ERR(rand_health_word(&h, 0), LDR_E_RNG_STUCK);
	rand_health_init(&h);
	EXPECT_ERR(rand_health_word(&h, UINT64_MAX), LDR_E_RNG_STUCK);
	/* Sticky: a good word afterwards does not clear it. */
	EXPECT_ERR(rand_health_word(&h, 0x0123456789abcdefull), LDR_E_RNG_STUCK);
}

static void test_repetition_count(void)
{
	struct rand_health h;

	rand_health_init(&h);
	EXPECT_ERR(rand_health_word(&h, 0x1111222233334444ull), LDR_OK);
	EXPECT_ERR(rand_health_word(&h, 0x5555666677778888ull), LDR_OK);
	EXPECT_ERR(rand_health_word(&h, 0x5555666677778888ull), LDR_E_RNG_REPEAT);
	EXPECT_ERR(h.failed, LDR_E_RNG_REPEAT);
}

/* Two alternating words pass the RCT but not the APT (a byte repeats
 * every 16 bytes: 17 times within the first 257 bytes). */
static void test_alternating_trips_apt(void)
{
	struct rand_health h;
	enum ldr_err err = LDR_OK;
	int n = 0;

	rand_health_init(&h);
	while (!err && n < 64)
		err = rand_health_word(&h, n++ & 1 ? 0x0102030405060708ull : 0x1112131415161718ull);
	EXPECT_ERR(err, LDR_E_RNG_APT);
	EXPECT(n <= 33);
}

/* A counter (no repeats, no stuck words) is caught by the APT too: its high
 * bytes are constant. */
static void test_counter_trips_apt(void)
{
	struct rand_health h;
	enum ldr_err err = LDR_OK;
	uint64_t n = 0x1000;

	rand_health_init(&h);
	while (!err && n < 0x1000 + 64)
		err = rand_health_word(&h, n++);
	EXPECT_ERR(err, LDR_E_RNG_APT);
}

/* Biased bytes: 0x00 with probability ~1/8 on top of uniform.  A window
 * starting with 0 expects ~64 zeros; one does within the first 64 KiB. */
static void test_biased_trips_apt(void)
{
	static uint8_t buf[64 * 1024];
	uint8_t m[32] = { 9 };
	struct rand_drbg d;
	struct rand_health h;

	rand_drbg_init(&d, m, "biased");
	rand_drbg_bytes(&d, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] < 32)
			buf[i] = 0;
	rand_health_init(&h);
	EXPECT_ERR(rand_health_bytes(&h, buf, sizeof(buf)), LDR_E_RNG_APT);
	rand_drbg_wipe(&d);
}

/* 1 MiB of DRBG output (2048 APT windows, 131072 words) passes: a false
 * positive would need P ~ 2048 * 3.9e-10; the data is fixed anyway. */
static void test_good_data_passes(void)
{
	static uint8_t buf[1024 * 1024];
	uint8_t m[32] = { 3 };
	struct rand_drbg d;
	struct rand_health h;

	rand_drbg_init(&d, m, "good");
	rand_drbg_bytes(&d, buf, sizeof(buf));
	rand_health_init(&h);
	EXPECT_ERR(rand_health_bytes(&h, buf, sizeof(buf)), LDR_OK);
	/* Odd length: the tail goes through the APT only. */
	rand_health_init(&h);
	EXPECT_ERR(rand_health_bytes(&h, buf, 1001), LDR_OK);
	rand_drbg_wipe(&d);
}

/* Exactly at the cutoff: 16 copies of the window's first byte pass, 17 fail,
 * and a new window starts counting afresh. */
static void test_apt_boundary(void)
{
	uint8_t win[RAND_APT_WINDOW];
	struct rand_health h;

	for (int i = 0; i < RAND_APT_WINDOW; i++)
		win[i] = (uint8_t)(1 + (i * 37) % 200); /* 1..200: never 0xee */
	win[0] = 0xee;
	for (int k = 1; k < RAND_APT_CUTOFF - 1; k++)
		win[k * 31] = 0xee; /* 16 in total */
	rand_health_init(&h);
	EXPECT_ERR(rand_health_bytes(&h, win, sizeof(win)), LDR_OK);
	EXPECT_ERR(rand_health_bytes(&h, win, sizeof(win)), LDR_OK);
	win[500] = 0xee; /* 17 */
	EXPECT_ERR(rand_health_bytes(&h, win, sizeof(win)), LDR_E_RNG_APT);
}

/* Firmware output that is all zero: stuck word on the first 8 bytes. */
static void test_zero_bytes(void)
{
	uint8_t z[32] = { 0 };
	struct rand_health h;

	rand_health_init(&h);
	EXPECT_ERR(rand_health_bytes(&h, z, sizeof(z)), LDR_E_RNG_STUCK);
	rand_health_init(&h);
	EXPECT_ERR(rand_health_bytes(&h, z, 7), LDR_OK); /* too short to judge: APT only */
}

int main(void)
{
	RUN(test_apt_cutoff_is_smallest_within_alpha);
	RUN(test_startup);
	RUN(test_stuck_words);
	RUN(test_repetition_count);
	RUN(test_alternating_trips_apt);
	RUN(test_counter_trips_apt);
	RUN(test_biased_trips_apt);
	RUN(test_good_data_passes);
	RUN(test_apt_boundary);
	RUN(test_zero_bytes);
	return harness_done();
}
