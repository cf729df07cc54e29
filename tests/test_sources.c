/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for every way a source can fail (absent, CF=0, stuck or
 * degenerate output, firmware errors), through a scripted struct
 * rand_cpu_ops and front-end inputs.  Each case checks the
 * failure is detected, the source disabled and reported, and (by counting
 * calls) that nothing retried beyond its bound.
 */
#include <string.h>

#include "harness.h"
#include "rand/health.h"
#include "rand/rand.h"

enum mode {
	GOOD,	     /* fresh DRBG words, CF=1 */
	CF0,	     /* CF=0 forever */
	CF0_THEN_OK, /* CF=0 for `fails` tries per word, then a good word */
	ONES,	     /* ~0 with CF=1 (AMD RDRAND after resume) */
	ZERO,	     /* 0 with CF=1 (Zen 5 RDSEED) */
	CONSTANT,    /* the same plausible word (microcode attack) */
	ALT_ZERO,    /* good, 0, good, 0 ... with CF=1 */
	ALT_CF0,     /* good, CF=0, good, CF=0 ... */
	ALT_TWO,     /* two plausible words alternating */
	REPEAT_LATE, /* good words, but word 20 repeats word 19 */
};

struct fake_src {
	bool present;
	enum mode mode;
	uint32_t fails, streak;
	uint64_t calls, n, last;
};

struct fake_cpu {
	struct fake_src seed, drbg;
	uint64_t pauses, tscs, t;
	struct rand_drbg good;
};

static bool fake_has_seed(void *c)
{
	return ((struct fake_cpu *)c)->seed.present;
}
static bool fake_has_drbg(void *c)
{
	return ((struct fake_cpu *)c)->drbg.present;
}

static bool fake_read(struct fake_cpu *f, struct fake_src *s, uint64_t *out)
{
	uint64_t i = s->n++;

	s->calls++;
	*out = 0; /* what the hardware leaves on failure */
	switch (s->mode) {
	case CF0: return false;
	case CF0_THEN_OK:
		if (s->streak++ < s->fails)
			return false;
		s->streak = 0;
		break;
	case ONES: *out = UINT64_MAX; return true;
	case ZERO: return true;
	case CONSTANT: *out = 0x5deece66d2545f49ull; return true;
	case ALT_ZERO:
		if (i & 1)
			return true;
		break;
	case ALT_CF0:
		if (i & 1)
			return false;
		break;
	case ALT_TWO: *out = i & 1 ? 0x0123456789abcdefull : 0xfedcba9876543210ull; return true;
	case REPEAT_LATE:
		if (i == 20) {
			*out = s->last;
			return true;
		}
		break;
	case GOOD: break;
	}
	*out = s->last = rand_u64(&f->good);
	return true;
}

static bool fake_seed64(void *c, uint64_t *o)
{
	return fake_read(c, &((struct fake_cpu *)c)->seed, o);
}
static bool fake_drbg64(void *c, uint64_t *o)
{
	return fake_read(c, &((struct fake_cpu *)c)->drbg, o);
}
static uint64_t fake_tsc(void *c)
{
	return ((struct fake_cpu *)c)->tscs++ * 37 + 1000;
}
static void fake_pause(void *c)
{
	((struct fake_cpu *)c)->pauses++;
}

static struct fake_cpu fc;
static struct rand_cpu_ops fops;

static void setup(enum mode seed, enum mode drbg)
{
	static const uint8_t m[32] = { 42 };

	memset(&fc, 0, sizeof(fc));
	fc.seed = (struct fake_src){ .present = true, .mode = seed };
	fc.drbg = (struct fake_src){ .present = true, .mode = drbg };
	rand_drbg_init(&fc.good, m, "fake-cpu");
	fops = (struct rand_cpu_ops){ .ctx = &fc,
				      .has_seed = fake_has_seed,
				      .has_drbg = fake_has_drbg,
				      .seed64 = fake_seed64,
				      .drbg64 = fake_drbg64,
				      .tsc = fake_tsc,
				      .pause = fake_pause };
}

static struct rand_pool pool;

static enum ldr_err collect(const struct rand_input *in, uint32_t n, bool strict)
{
	struct rand_collect_cfg cfg = {
		.cpu = &fops, .inputs = in, .input_count = n, .strict = strict
	};

	return rand_collect(&cfg, &pool);
}

#define STATUS(src) (pool.report[src].status)
#define USED(src) (!!(pool.sources_used & (1u << (src))))
#define FAILED(src) (!!(pool.sources_failed & (1u << (src))))

static void test_all_good(void)
{
	setup(GOOD, GOOD);
	EXPECT_ERR(collect(NULL, 0, true), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDSEED), ASLRBOOT_ENT_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDRAND), ASLRBOOT_ENT_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_JITTER), ASLRBOOT_ENT_UNCREDITED);
	EXPECT_EQ(pool.report[ASLRBOOT_SRC_RDSEED].bytes, 8 * RAND_CPU_WORDS);
	EXPECT_EQ(pool.report[ASLRBOOT_SRC_JITTER].credited_bits, 0);
	EXPECT_EQ(pool.credited_bits, 2 * RAND_CPU_CREDIT);
	EXPECT_EQ(fc.seed.calls, RAND_CPU_WORDS);
	EXPECT_EQ(fc.drbg.calls, RAND_CPU_WORDS);
	EXPECT_EQ(fc.tscs, RAND_JITTER_SAMPLES);
	EXPECT_EQ(pool.sources_failed, 0);
}

/* RDRAND CF=0 (transient, then persistent): at most 10 tries per word. */
static void test_rdrand_cf0(void)
{
	uint64_t w;

	setup(GOOD, CF0_THEN_OK);
	fc.drbg.fails = RAND_RDRAND_TRIES - 1;
	EXPECT_ERR(rand_cpu_drbg64(&fops, &w), LDR_OK);
	EXPECT_EQ(fc.drbg.calls, RAND_RDRAND_TRIES);
	setup(GOOD, CF0);
	EXPECT_ERR(rand_cpu_drbg64(&fops, &w), LDR_E_RNG_FAILED);
	EXPECT_EQ(fc.drbg.calls, RAND_RDRAND_TRIES);
	setup(GOOD, CF0);
	EXPECT_ERR(collect(NULL, 0, false), LDR_OK);
	EXPECT_EQ(fc.drbg.calls, RAND_RDRAND_TRIES); /* first word fails: source dropped */
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDRAND), ASLRBOOT_ENT_FAILED);
	EXPECT(FAILED(ASLRBOOT_SRC_RDRAND) && !USED(ASLRBOOT_SRC_RDRAND));
	EXPECT_EQ(pool.credited_bits, RAND_CPU_CREDIT); /* RDSEED still counts */
}

/* RDSEED underflow: bounded retries with PAUSE, then fall back. */
static void test_rdseed_cf0(void)
{
	uint64_t w;

	setup(CF0_THEN_OK, GOOD);
	fc.seed.fails = RAND_RDSEED_TRIES - 1;
	EXPECT_ERR(rand_cpu_seed64(&fops, &w), LDR_OK);
	EXPECT_EQ(fc.seed.calls, RAND_RDSEED_TRIES);
	EXPECT_EQ(fc.pauses, RAND_RDSEED_TRIES - 1);
	setup(CF0, GOOD);
	EXPECT_ERR(collect(NULL, 0, true), LDR_OK); /* RDRAND's 256 bits suffice */
	EXPECT_EQ(fc.seed.calls, RAND_RDSEED_TRIES);
	EXPECT_EQ(fc.pauses, RAND_RDSEED_TRIES);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDSEED), ASLRBOOT_ENT_FAILED);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDRAND), ASLRBOOT_ENT_OK);
	EXPECT_EQ(pool.credited_bits, RAND_CPU_CREDIT);
}

/* Transient failures on every other read still make a healthy source. */
static void test_alternating_cf0_is_fine(void)
{
	setup(ALT_CF0, ALT_CF0);
	EXPECT_ERR(collect(NULL, 0, true), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDSEED), ASLRBOOT_ENT_OK);
	EXPECT_EQ(fc.seed.calls, 2 * RAND_CPU_WORDS - 1);
	EXPECT_EQ(fc.drbg.calls, 2 * RAND_CPU_WORDS - 1);
}

/* Degenerate output with CF=1: disabled on the first bad word. */
static void check_unhealthy(enum mode m, uint64_t max_calls)
{
	setup(m, m);
	EXPECT_ERR(collect(NULL, 0, false), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDSEED), ASLRBOOT_ENT_UNHEALTHY);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDRAND), ASLRBOOT_ENT_UNHEALTHY);
	EXPECT(FAILED(ASLRBOOT_SRC_RDSEED) && FAILED(ASLRBOOT_SRC_RDRAND));
	EXPECT(!USED(ASLRBOOT_SRC_RDSEED) && !USED(ASLRBOOT_SRC_RDRAND));
	EXPECT_EQ(pool.credited_bits, 0);
	EXPECT(fc.seed.calls <= max_calls && fc.drbg.calls <= max_calls);
}

static void test_all_ones(void)
{
	check_unhealthy(ONES, 1);
}
static void test_zero_cf1(void)
{
	check_unhealthy(ZERO, 1);
}
static void test_constant(void)
{
	check_unhealthy(CONSTANT, RAND_STARTUP_SAMPLES);
}
static void test_alternating_zero(void)
{
	check_unhealthy(ALT_ZERO, 2);
}
static void test_alternating_two(void)
{
	check_unhealthy(ALT_TWO, 64);
}

/* The health error says which check fired. */
static void test_cpu_collect_errors(void)
{
	setup(ONES, CONSTANT);
	rand_pool_init(&pool);
	EXPECT_ERR(rand_cpu_collect(&pool, &fops, true, false), LDR_E_RNG_STUCK);
	EXPECT_ERR(rand_cpu_collect(&pool, &fops, false, false), LDR_E_RNG_HEALTH); /* start-up */
	setup(ALT_ZERO, REPEAT_LATE);
	rand_pool_init(&pool);
	EXPECT_ERR(rand_cpu_collect(&pool, &fops, true, false), LDR_E_RNG_STUCK);
	EXPECT_ERR(rand_cpu_collect(&pool, &fops, false, false), LDR_E_RNG_REPEAT);
	EXPECT_EQ(fc.drbg.calls, 21);
	setup(ALT_TWO, CF0);
	rand_pool_init(&pool);
	EXPECT_ERR(rand_cpu_collect(&pool, &fops, true, false), LDR_E_RNG_APT);
	EXPECT_ERR(rand_cpu_collect(&pool, &fops, false, false), LDR_E_RNG_FAILED);
}

/* TCG qemu64: neither instruction; jitter only, credited 0 -> WEAK. */
static void test_no_cpu_rng(void)
{
	uint8_t master[32];
	struct aslrboot_rec_seed rec;

	setup(GOOD, GOOD);
	fc.seed.present = fc.drbg.present = false;
	EXPECT_ERR(collect(NULL, 0, false), LDR_OK);
	EXPECT_EQ(fc.seed.calls + fc.drbg.calls, 0);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDSEED), ASLRBOOT_ENT_ABSENT);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDRAND), ASLRBOOT_ENT_ABSENT);
	EXPECT_EQ(pool.sources_failed, 0); /* absent is not failed */
	EXPECT_EQ(pool.sources_used, 1u << ASLRBOOT_SRC_JITTER);
	EXPECT_ERR(rand_pool_finish(&pool, master), LDR_OK);
	EXPECT_ERR(rand_next_seed_file(&pool, master, NULL, 0), LDR_OK);
	EXPECT_ERR(rand_kernel_seed(&pool, master, &rec), LDR_OK);
	EXPECT(rec.flags & ASLRBOOT_SEED_F_WEAK);
	EXPECT_EQ(rec.credited_bits, 0);
	setup(GOOD, GOOD);
	fc.seed.present = fc.drbg.present = false;
	EXPECT_ERR(collect(NULL, 0, true), LDR_E_ENTROPY);
	/* No ops at all (no TSC either). */
	struct rand_collect_cfg cfg = { 0 };
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_JITTER), ASLRBOOT_ENT_ABSENT);
	EXPECT_EQ(pool.sources_used, 0);
}

static uint8_t fw_bytes[32];

static struct rand_input efi(uint32_t status)
{
	struct rand_drbg d;
	uint8_t m[32] = { 5 };

	rand_drbg_init(&d, m, "efi");
	rand_drbg_bytes(&d, fw_bytes, sizeof(fw_bytes));
	rand_drbg_wipe(&d);
	return (struct rand_input){ .source = ASLRBOOT_SRC_EFI_RNG,
				    .status = status,
				    .credit_bits = 256,
				    .data = fw_bytes,
				    .len = 32 };
}

/* Protocol absent / GetRNG EFI_NOT_READY (front end: ABSENT): not fatal,
 * the x86 path carries on.  RAW and default both failing: FAILED. */
static void test_efi_absent_notready_failed(void)
{
	struct rand_input in = efi(ASLRBOOT_ENT_ABSENT);

	setup(GOOD, GOOD);
	EXPECT_ERR(collect(&in, 1, true), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_EFI_RNG), ASLRBOOT_ENT_ABSENT);
	EXPECT(!FAILED(ASLRBOOT_SRC_EFI_RNG) && !USED(ASLRBOOT_SRC_EFI_RNG));
	in.status = ASLRBOOT_ENT_FAILED;
	setup(GOOD, GOOD);
	EXPECT_ERR(collect(&in, 1, true), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_EFI_RNG), ASLRBOOT_ENT_FAILED);
	EXPECT(FAILED(ASLRBOOT_SRC_EFI_RNG) && !USED(ASLRBOOT_SRC_EFI_RNG));
	EXPECT_EQ(pool.credited_bits, 2 * RAND_CPU_CREDIT);
	EXPECT_ERR(rand_fw_add(&pool, &in, false), LDR_E_RNG_FAILED);
}

/* RAW unsupported: the front end retried with the default algorithm and
 * hands over its bytes: credited like any firmware RNG output. */
static void test_efi_default_algorithm(void)
{
	struct rand_input in = efi(ASLRBOOT_ENT_OK);

	setup(GOOD, GOOD);
	fc.seed.present = fc.drbg.present = false;
	EXPECT_ERR(collect(&in, 1, true), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_EFI_RNG), ASLRBOOT_ENT_OK);
	EXPECT_EQ(pool.credited_bits, 256);
	in.credit_bits = 100000; /* claims beyond 8 bits/byte are capped */
	EXPECT_ERR(collect(&in, 1, false), LDR_OK);
	EXPECT_EQ(pool.report[ASLRBOOT_SRC_EFI_RNG].credited_bits, 256);
}

static void test_efi_stuck_bytes(void)
{
	struct rand_input in = efi(ASLRBOOT_ENT_OK);

	memset(fw_bytes, 0xff, sizeof(fw_bytes));
	setup(GOOD, GOOD);
	EXPECT_ERR(collect(&in, 1, false), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_EFI_RNG), ASLRBOOT_ENT_UNHEALTHY);
	EXPECT(!USED(ASLRBOOT_SRC_EFI_RNG));
	in = efi(ASLRBOOT_ENT_OK);
	in.len = 0; /* "success" with nothing */
	EXPECT_ERR(rand_fw_add(&pool, &in, false), LDR_E_RNG_FAILED);
}

/* Confidential VMs: separate knobs; distrusted sources are mixed, not credited. */
static void test_distrust_knobs(void)
{
	struct rand_input in = efi(ASLRBOOT_ENT_OK);
	struct rand_collect_cfg cfg = {
		.cpu = &fops, .inputs = &in, .input_count = 1, .distrust_cpu = true, .strict = true
	};

	setup(GOOD, GOOD);
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_OK);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDSEED), ASLRBOOT_ENT_DISTRUSTED);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RDRAND), ASLRBOOT_ENT_DISTRUSTED);
	EXPECT(USED(ASLRBOOT_SRC_RDSEED) && !FAILED(ASLRBOOT_SRC_RDSEED));
	EXPECT_EQ(pool.credited_bits, 256); /* EFI only */
	cfg.distrust_fw = true;
	setup(GOOD, GOOD);
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_E_ENTROPY);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_EFI_RNG), ASLRBOOT_ENT_DISTRUSTED);
	EXPECT(USED(ASLRBOOT_SRC_EFI_RNG));
	EXPECT_EQ(pool.credited_bits, 0);
}

/* arm64: one source, reported as RNDR.  RNDRRS failing (NZCV.Z set,
 * value 0) is bounded, then RNDR (the DRBG over the same hardware) stands
 * in; RNDR is never queried beside a working RNDRRS, nor after RNDRRS
 * output failed a health test. */
static void test_arm64_rndr(void)
{
	setup(CF0, CF0);
	fops.arm64 = true;
	EXPECT_ERR(collect(NULL, 0, false), LDR_OK);
	EXPECT_EQ(fc.seed.calls, RAND_RDSEED_TRIES);
	EXPECT_EQ(fc.drbg.calls, RAND_RDRAND_TRIES);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RNDR), ASLRBOOT_ENT_FAILED);
	EXPECT_EQ(pool.seen, (1u << ASLRBOOT_SRC_RNDR) | (1u << ASLRBOOT_SRC_JITTER));
	EXPECT_EQ(pool.credited_bits, 0);
	setup(CF0, GOOD);
	fops.arm64 = true;
	EXPECT_ERR(collect(NULL, 0, false), LDR_OK);
	EXPECT_EQ(fc.seed.calls, RAND_RDSEED_TRIES);
	EXPECT_EQ(fc.drbg.calls, RAND_CPU_WORDS);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RNDR), ASLRBOOT_ENT_OK);
	EXPECT_EQ(pool.credited_bits, RAND_CPU_CREDIT);
	setup(CONSTANT, GOOD);
	fops.arm64 = true;
	EXPECT_ERR(collect(NULL, 0, false), LDR_OK);
	EXPECT_EQ(fc.drbg.calls, 0);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RNDR), ASLRBOOT_ENT_UNHEALTHY);
	EXPECT_EQ(pool.credited_bits, 0);
	setup(GOOD, GOOD);
	fops.arm64 = true;
	EXPECT_ERR(collect(NULL, 0, true), LDR_OK);
	EXPECT_EQ(fc.drbg.calls, 0);
	EXPECT_EQ(STATUS(ASLRBOOT_SRC_RNDR), ASLRBOOT_ENT_OK);
	EXPECT_EQ(pool.credited_bits, RAND_CPU_CREDIT);
}

int main(void)
{
	RUN(test_all_good);
	RUN(test_rdrand_cf0);
	RUN(test_rdseed_cf0);
	RUN(test_alternating_cf0_is_fine);
	RUN(test_all_ones);
	RUN(test_zero_cf1);
	RUN(test_constant);
	RUN(test_alternating_zero);
	RUN(test_alternating_two);
	RUN(test_cpu_collect_errors);
	RUN(test_no_cpu_rng);
	RUN(test_efi_absent_notready_failed);
	RUN(test_efi_default_algorithm);
	RUN(test_efi_stuck_bytes);
	RUN(test_distrust_knobs);
	RUN(test_arm64_rndr);
	return harness_done();
}
