/* SPDX-License-Identifier: MIT */
/*
 * ChaCha20 fast-key-erasure DRBG, rand_uniform, pool and derived outputs.
 * Expected values come from an independent Python model (hashlib +
 * cryptography's ChaCha20) of the construction documented in rand/drbg.c.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rand/rand.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void seq_master(uint8_t m[32])
{
	for (int i = 0; i < 32; i++)
		m[i] = (uint8_t)i;
}

/* Output of the "layout" stream for master 00..1f: 64 bytes, then 32, then a u64. */
static void test_kat_layout_stream(void)
{
	uint8_t m[32], out[64], want[64];
	struct rand_drbg d;

	seq_master(m);
	rand_drbg_init(&d, m, RAND_DOMAIN_LAYOUT);
	rand_drbg_bytes(&d, out, 64);
	hex("bd114239234a2beae8da8ce82de3abdbcaccb108dae938787a912956d1bec5df"
	    "2e8fd0551723d37fc4693d85baa8617cfcacdf7512d003cdbcea2445b0a259a5",
	    want, 64);
	EXPECT(memcmp(out, want, 64) == 0);
	rand_drbg_bytes(&d, out, 32);
	hex("9417aac62752ad25c92aefc474c6b3bec6cceb393b2b8ae0aac28a4ede2bdd23", want, 32);
	EXPECT(memcmp(out, want, 32) == 0);
	EXPECT_EQ(rand_u64(&d), 0x8144d2cfb13be088ull);
	rand_drbg_wipe(&d);
}

/* rand_uniform against the same model, including one rejected draw. */
static void test_kat_uniform(void)
{
	uint8_t m[32];
	struct rand_drbg d;

	seq_master(m);
	rand_drbg_init(&d, m, RAND_DOMAIN_LAYOUT);
	EXPECT_EQ(rand_uniform(&d, 1000), 0x392);
	EXPECT_EQ(rand_uniform(&d, 3ull << 62), 0x5a2aaf6386855997ull);
	EXPECT_EQ(rand_uniform(&d, 7), 6);
	EXPECT_EQ(rand_uniform(&d, UINT64_MAX), 0x7fd3231755d08f2dull);
	EXPECT_EQ(rand_uniform(&d, 1ull << 40), 0x7c61a8ba85ull);
	rand_drbg_wipe(&d);
}

static void test_deterministic(void)
{
	uint8_t m[32], a[1000], b[1000];
	struct rand_drbg d1, d2;

	seq_master(m);
	rand_drbg_init(&d1, m, "x");
	rand_drbg_init(&d2, m, "x");
	rand_drbg_bytes(&d1, a, sizeof(a));
	rand_drbg_bytes(&d2, b, sizeof(b));
	EXPECT(memcmp(a, b, sizeof(a)) == 0);
	m[31] ^= 1; /* one master bit changes everything */
	rand_drbg_init(&d2, m, "x");
	rand_drbg_bytes(&d2, b, sizeof(b));
	EXPECT(memcmp(a, b, 32) != 0);
}

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return true;
	return false;
}

/*
 * Fast key erasure: the key changes on every call, read bytes are zeroed,
 * and nothing the call returned can be found in (or recomputed from the
 * key of) the state left behind.
 */
static void test_fast_key_erasure(void)
{
	uint8_t m[32], out[100];
	uint32_t before[8];
	struct rand_drbg d;

	seq_master(m);
	rand_drbg_init(&d, m, RAND_DOMAIN_LAYOUT);
	for (int call = 0; call < 20; call++) {
		size_t n = 1 + (size_t)call * 5;

		memcpy(before, d.key, sizeof(before));
		rand_drbg_bytes(&d, out, n);
		EXPECT(memcmp(before, d.key, sizeof(before)) != 0);
		if (n >= 8)
			EXPECT(!contains((const uint8_t *)&d, sizeof(d), out, 8));
		/* The buffer holds only unread bytes; the read part is zero. */
		for (size_t i = 0; i < sizeof(d.buf) - d.avail; i++)
			EXPECT_EQ(d.buf[i], 0);
	}
	/* rand_u64 wipes what it hands out, and rekeys when the buffer is empty. */
	uint64_t refills = d.counter;
	for (int i = 0; i < 100; i++) {
		uint64_t v = rand_u64(&d);
		EXPECT(!contains((const uint8_t *)&d, sizeof(d), (const uint8_t *)&v, 8));
	}
	EXPECT(d.counter >= refills + 3); /* 100 words > 3 buffers of 28 */
	rand_drbg_wipe(&d);
	EXPECT(d.avail == 0 && d.key[0] == 0 && d.counter == 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Domain separation: for one master, no 8-byte word at any byte offset of
 * the first 64 KiB of the kernel-seed stream appears as an aligned word of
 * the layout stream (and vice versa for seed-file).  Chance of a false hit
 * for independent streams: < 2^17 * 2^13 / 2^64 = 2^-34.
 */
static void test_domain_separation(void)
{
	enum { N = 64 * 1024 };
	static uint8_t a[N], b[N];
	static uint64_t words[N / 8];
	uint8_t m[32];
	struct rand_drbg d;
	const char *other[] = { RAND_DOMAIN_KERNEL_SEED, RAND_DOMAIN_SEED_FILE, "layou",
				"layoutt" };

	seq_master(m);
	rand_drbg_init(&d, m, RAND_DOMAIN_LAYOUT);
	rand_drbg_bytes(&d, a, N);
	memcpy(words, a, N);
	qsort(words, N / 8, 8, cmp_u64);
	for (size_t o = 0; o < sizeof(other) / sizeof(other[0]); o++) {
		int hits = 0;

		rand_drbg_init(&d, m, other[o]);
		rand_drbg_bytes(&d, b, N);
		for (size_t i = 0; i + 8 <= N; i++) {
			uint64_t w;

			memcpy(&w, b + i, 8);
			hits += bsearch(&w, words, N / 8, 8, cmp_u64) != NULL;
		}
		EXPECT_EQ(hits, 0);
	}
	rand_drbg_wipe(&d);
}

static void test_uniform_edges(void)
{
	uint8_t m[32];
	struct rand_drbg d;
	const uint64_t bounds[] = { 1,
				    2,
				    3,
				    1ull << 63,
				    (1ull << 63) + 1,
				    3ull << 62,
				    UINT64_MAX,
				    UINT64_MAX - 1,
				    0x5555555555555556ull };
	bool top_seen = false;

	seq_master(m);
	rand_drbg_init(&d, m, "edges");
	EXPECT_EQ(rand_uniform(&d, 0), 0);
	for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++)
		for (int i = 0; i < 2000; i++) {
			uint64_t v = rand_uniform(&d, bounds[b]);

			EXPECT(v < bounds[b]);
			if (bounds[b] == 2 && v == 1)
				top_seen = true;
		}
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(rand_uniform(&d, 1), 0);
	EXPECT(top_seen);
	rand_drbg_wipe(&d);
}

static double chi2(const uint64_t *obs, int k, double expect)
{
	double s = 0;

	for (int i = 0; i < k; i++)
		s += (obs[i] - expect) * (obs[i] - expect) / expect;
	return s;
}

/*
 * bound = 3 * 2^62: without rejection, (x * bound) >> 64 = floor(3x/4) hits
 * multiples of 3 twice as often (classes mod 3 at 1/2, 1/4, 1/4).  With
 * rejection each class has 1/3.  Chi-squared, 2 degrees of freedom,
 * threshold 27.63 = P(chi2_2 > t) of 1e-6.  The biased generator would
 * score ~ N/8 = 37500.  Fixed master: the outcome is reproducible.
 */
static void test_uniform_rejection_removes_bias(void)
{
	enum { N = 300000 };
	uint64_t cls[3] = { 0 };
	uint8_t m[32];
	struct rand_drbg d;

	seq_master(m);
	rand_drbg_init(&d, m, "bias-3x2^62");
	for (int i = 0; i < N; i++)
		cls[rand_uniform(&d, 3ull << 62) % 3]++;
	EXPECT(chi2(cls, 3, N / 3.0) < 27.63);
	rand_drbg_wipe(&d);
}

/*
 * Small bounds (layout slot counts): bound 7 (6 df, threshold 38.26) and
 * bound 10 (9 df, threshold 44.81), each at a false-positive rate of 1e-6
 * per master; 4 masters.  A modulo-reduced 3-bit source would fail badly.
 */
static void test_uniform_chi_squared(void)
{
	enum { N = 700000 };
	const struct {
		uint64_t bound;
		double thresh;
	} cases[] = { { 7, 38.26 }, { 10, 44.81 } };
	uint8_t m[32];
	struct rand_drbg d;

	for (int seed = 0; seed < 4; seed++)
		for (int c = 0; c < 2; c++) {
			uint64_t obs[10] = { 0 };

			memset(m, 0x11 * seed, sizeof(m));
			rand_drbg_init(&d, m, RAND_DOMAIN_LAYOUT);
			for (int i = 0; i < N; i++)
				obs[rand_uniform(&d, cases[c].bound)]++;
			double x = chi2(obs, (int)cases[c].bound, (double)N / cases[c].bound);
			if (x >= cases[c].thresh)
				harness_fail(__FILE__, __LINE__, "bound %llu seed %d chi2 %.2f",
					     (unsigned long long)cases[c].bound, seed, x);
		}
	rand_drbg_wipe(&d);
}

static void test_wipe(void)
{
	uint8_t buf[64];

	memset(buf, 0xaa, sizeof(buf));
	rand_wipe(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		EXPECT_EQ(buf[i], 0);
}

int main(void)
{
	RUN(test_kat_layout_stream);
	RUN(test_kat_uniform);
	RUN(test_deterministic);
	RUN(test_fast_key_erasure);
	RUN(test_domain_separation);
	RUN(test_uniform_edges);
	RUN(test_uniform_rejection_removes_bias);
	RUN(test_uniform_chi_squared);
	RUN(test_wipe);
	return harness_done();
}
