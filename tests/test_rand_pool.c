/* SPDX-License-Identifier: MIT */
/*
 * Pool accounting, the seed-file rules and the output order, plus a
 * known-answer test of the whole fixed-seed path (pool -> master -> next
 * seed file -> kernel seed), expected values from an independent Python
 * model (hashlib + cryptography's ChaCha20).
 */
#include <string.h>

#include "harness.h"
#include "rand/rand.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static struct rand_pool pool;

/* A CPU that must not be touched. */
static int cpu_calls;
static bool never_has(void *c)
{
	(void)c;
	cpu_calls++;
	return true;
}
static bool never_read(void *c, uint64_t *o)
{
	(void)c;
	cpu_calls++;
	*o = 1;
	return true;
}
static uint64_t never_tsc(void *c)
{
	(void)c;
	cpu_calls++;
	return 1;
}
static const struct rand_cpu_ops untouchable = { .has_seed = never_has,
						 .has_drbg = never_has,
						 .seed64 = never_read,
						 .drbg64 = never_read,
						 .tsc = never_tsc };

static void test_fixed_seed_kat(void)
{
	uint8_t seed[32], master[32], want[64], next[32];
	struct aslrboot_rec_seed rec;
	struct rand_collect_cfg cfg = { .cpu = &untouchable, .fixed_seed = seed, .strict = true };

	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(0xa5 ^ i);
	cpu_calls = 0;
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_OK); /* explicit debug request */
	EXPECT_EQ(cpu_calls, 0);
	EXPECT_ERR(rand_pool_finish(&pool, master), LDR_OK);
	hex("007a57273f42e94763baf8ab0f4fb222155b24efb7c55b2b41ce58e7f231b501", want, 32);
	EXPECT(memcmp(master, want, 32) == 0);
	EXPECT_ERR(rand_next_seed_file(&pool, master, next, sizeof(next)), LDR_OK);
	hex("8e12cd16087a873aac553203baede5157ef17567cda6a64e49546114b6fa34bb", want, 32);
	EXPECT(memcmp(next, want, 32) == 0);
	EXPECT_ERR(rand_kernel_seed(&pool, master, &rec), LDR_OK);
	hex("2875d68c8edee8b392a64c379fd7be2c229145500597ddafef5798c8294d2184"
	    "4095e7171a54e84a1d61ffc28f0fbebbedcbdc5d7e85656dfcdaf07296248e8d",
	    want, 64);
	EXPECT(memcmp(rec.seed, want, 64) == 0);
	EXPECT_EQ(rec.hdr.type, ASLRBOOT_REC_SEED);
	EXPECT_EQ(rec.hdr.size, sizeof(rec));
	EXPECT_EQ(rec.flags, ASLRBOOT_SEED_F_FIXED | ASLRBOOT_SEED_F_WEAK);
	EXPECT_EQ(rec.sources_used, 1u << ASLRBOOT_SRC_FIXED);
	EXPECT_EQ(rec.credited_bits, 0);
}

/* systemd-boot order, enforced: next seed file, then kernel seed, once. */
static void test_output_order(void)
{
	uint8_t master[32], next[32];
	struct aslrboot_rec_seed rec;

	memset(&rec, 0x5a, sizeof(rec));
	rand_pool_init(&pool);
	rand_pool_add(&pool, ASLRBOOT_SRC_EFI_RNG, "0123456789abcdef0123456789abcdef", 32, 256);
	EXPECT_ERR(rand_next_seed_file(&pool, master, next, 32), LDR_E_RAND_ORDER);
	EXPECT_ERR(rand_pool_finish(&pool, master), LDR_OK);
	EXPECT_ERR(rand_kernel_seed(&pool, master, &rec), LDR_E_RAND_ORDER);
	EXPECT_EQ(rec.hdr.type, 0x5a5a5a5a); /* untouched */
	EXPECT_ERR(rand_pool_finish(&pool, next), LDR_E_RAND_ORDER);
	EXPECT_EQ(next[0] | next[31], 0); /* a refused finish gives no key */
	EXPECT_ERR(rand_next_seed_file(&pool, master, next, 32), LDR_OK);
	EXPECT_ERR(rand_next_seed_file(&pool, master, next, 32), LDR_E_RAND_ORDER);
	EXPECT_ERR(rand_kernel_seed(&pool, master, &rec), LDR_OK);
	EXPECT_ERR(rand_kernel_seed(&pool, master, &rec), LDR_E_RAND_ORDER);
	EXPECT(memcmp(rec.seed, next, 32) != 0);
	EXPECT_EQ(rec.flags, 0); /* 256 credited: not weak */
}

static void test_finish_wipes_hash(void)
{
	uint8_t master[32];
	struct rand_sha256 zero;

	memset(&zero, 0, sizeof(zero));
	rand_pool_init(&pool);
	rand_pool_add(&pool, ASLRBOOT_SRC_RDSEED, "secret material.", 16, 128);
	rand_pool_finish(&pool, master);
	EXPECT(memcmp(&pool.hash, &zero, sizeof(zero)) == 0);
	rand_pool_add(&pool, ASLRBOOT_SRC_RDRAND, "late", 4, 32); /* ignored */
	EXPECT_EQ(pool.credited_bits, 128);
	EXPECT(!(pool.sources_used & (1u << ASLRBOOT_SRC_RDRAND)));
}

static void master_of(const char *a, size_t la, uint32_t sa, const char *b, size_t lb,
		      uint8_t out[32])
{
	rand_pool_init(&pool);
	rand_pool_add(&pool, sa, a, la, 0);
	rand_pool_add(&pool, ASLRBOOT_SRC_JITTER, b, lb, 0);
	rand_pool_finish(&pool, out);
}

/* Length prefixes and source labels keep inputs apart. */
static void test_encoding_is_injective(void)
{
	uint8_t m1[32], m2[32], m3[32];

	master_of("ab", 2, ASLRBOOT_SRC_EFI_RNG, "c", 1, m1);
	master_of("a", 1, ASLRBOOT_SRC_EFI_RNG, "bc", 2, m2);
	master_of("ab", 2, ASLRBOOT_SRC_SEED_FILE, "c", 1, m3);
	EXPECT(memcmp(m1, m2, 32) != 0);
	EXPECT(memcmp(m1, m3, 32) != 0);
	master_of("ab", 2, ASLRBOOT_SRC_EFI_RNG, "c", 1, m2);
	EXPECT(memcmp(m1, m2, 32) == 0);
}

static void test_credit_accounting(void)
{
	uint8_t b[64] = { 1 }, master[32];
	struct aslrboot_entropy_entry e[ASLRBOOT_SRC_COUNT];
	struct aslrboot_rec_seed rec;

	rand_pool_init(&pool);
	rand_pool_add(&pool, ASLRBOOT_SRC_EFI_RNG, b, 4, 1000); /* capped at 32 */
	EXPECT_EQ(pool.credited_bits, 32);
	rand_pool_note(&pool, ASLRBOOT_SRC_EFI_RNG, ASLRBOOT_ENT_UNHEALTHY);
	EXPECT_EQ(pool.credited_bits, 0); /* withdrawn */
	rand_pool_add(&pool, ASLRBOOT_SRC_EFI_RNG, b, 4, 32);
	EXPECT_EQ(pool.credited_bits, 0); /* a failed source earns nothing more */
	rand_pool_note(&pool, ASLRBOOT_SRC_EFI_RNG, ASLRBOOT_ENT_OK);
	EXPECT_EQ(pool.report[ASLRBOOT_SRC_EFI_RNG].status, ASLRBOOT_ENT_UNHEALTHY); /* final */
	rand_pool_add(&pool, ASLRBOOT_SRC_RDSEED, b, 64, 512);
	rand_pool_add(&pool, ASLRBOOT_SRC_RDRAND, b, 64, 512);
	rand_pool_add(&pool, ASLRBOOT_SRC_SEED_FILE, b, 32, 256);
	rand_pool_note(&pool, ASLRBOOT_SRC_RNDR, ASLRBOOT_ENT_ABSENT);
	rand_pool_note(&pool, 99, ASLRBOOT_ENT_FAILED); /* out of range: ignored */
	EXPECT_EQ(pool.credited_bits, 1280);
	rand_pool_note(&pool, ASLRBOOT_SRC_RDRAND, ASLRBOOT_ENT_DISTRUSTED);
	EXPECT_EQ(pool.credited_bits, 768);
	EXPECT_EQ(pool.sources_failed, 1u << ASLRBOOT_SRC_EFI_RNG);
	EXPECT_EQ(rand_pool_report(&pool, e, ASLRBOOT_SRC_COUNT), 5);
	EXPECT_EQ(e[0].source, ASLRBOOT_SRC_RDSEED);
	EXPECT_EQ(e[1].status, ASLRBOOT_ENT_DISTRUSTED);
	EXPECT_EQ(e[2].status, ASLRBOOT_ENT_UNHEALTHY);
	EXPECT_EQ(e[2].bytes, 8);
	EXPECT_EQ(e[4].source, ASLRBOOT_SRC_RNDR);
	EXPECT_EQ(rand_pool_report(&pool, e, 2), 2);
	rand_pool_finish(&pool, master);
	rand_next_seed_file(&pool, master, NULL, 0);
	EXPECT_ERR(rand_kernel_seed(&pool, master, &rec), LDR_OK);
	EXPECT_EQ(rec.credited_bits, 512); /* ABI cap */
	EXPECT_EQ(rec.flags, 0);
}

static void test_bad_descriptors(void)
{
	uint8_t b[32] = { 1 };
	struct rand_input in[2] = {
		{ .source = ASLRBOOT_SRC_EFI_RNG, .data = b, .len = 32 },
		{ .source = ASLRBOOT_SRC_EFI_RNG, .data = b, .len = 32 },
	};
	struct rand_collect_cfg cfg = { .inputs = in, .input_count = 2 };

	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_E_RNG_INPUT); /* duplicate */
	in[1].source = ASLRBOOT_SRC_RDRAND;
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_E_RNG_INPUT); /* loader's own source */
	in[1].source = ASLRBOOT_SRC_COUNT;
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_E_RNG_INPUT);
	in[1].source = ASLRBOOT_SRC_SEED_FILE;
	in[1].data = NULL;
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_E_RNG_INPUT);
	cfg.input_count = RAND_MAX_INPUTS + 1;
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_E_RNG_INPUT);
	cfg.input_count = 1;
	EXPECT_ERR(rand_collect(&cfg, &pool), LDR_OK);
}

/* ---- seed file: missing / unreadable / short / oversize / corrupt / read-only ---- */
static uint8_t file[RAND_SEED_FILE_MAX + 1];

static enum ldr_err collect_file(uint32_t status, size_t len, bool ro, bool strict,
				 uint8_t master[32])
{
	struct rand_input in = { .source = ASLRBOOT_SRC_SEED_FILE,
				 .status = status,
				 .credit_bits = 256,
				 .read_only = ro,
				 .data = file,
				 .len = len };
	struct rand_collect_cfg cfg = { .inputs = &in, .input_count = 1, .strict = strict };
	enum ldr_err err = rand_collect(&cfg, &pool);

	rand_pool_finish(&pool, master);
	return err;
}

#define FILE_STATUS (pool.report[ASLRBOOT_SRC_SEED_FILE].status)
#define FILE_FAILED (!!(pool.sources_failed & (1u << ASLRBOOT_SRC_SEED_FILE)))
#define FILE_USED (!!(pool.sources_used & (1u << ASLRBOOT_SRC_SEED_FILE)))

static void test_seed_file_rules(void)
{
	uint8_t m0[32] = { 0 }, m[32];
	struct rand_drbg d;
	struct rand_input in = { .source = ASLRBOOT_SRC_SEED_FILE, .data = file };

	rand_drbg_init(&d, m0, "file"); /* content: last boot's DRBG output */
	rand_drbg_bytes(&d, file, sizeof(file));
	rand_drbg_wipe(&d);
	struct rand_collect_cfg none = { 0 };
	rand_collect(&none, &pool);
	rand_pool_finish(&pool, m0); /* baseline: nothing mixed but the label */

	EXPECT_ERR(collect_file(ASLRBOOT_ENT_ABSENT, 0, false, false, m), LDR_OK); /* missing */
	EXPECT(FILE_STATUS == ASLRBOOT_ENT_ABSENT && !FILE_FAILED && !memcmp(m, m0, 32));
	EXPECT_ERR(collect_file(ASLRBOOT_ENT_FAILED, 0, false, false, m), LDR_OK); /* read error */
	EXPECT(FILE_STATUS == ASLRBOOT_ENT_FAILED && FILE_FAILED && !memcmp(m, m0, 32));
	const size_t bad[] = { 0, 1, RAND_SEED_FILE_MIN - 1, RAND_SEED_FILE_MAX + 1 };
	for (size_t i = 0; i < 4; i++) {
		EXPECT_ERR(collect_file(ASLRBOOT_ENT_OK, bad[i], false, false, m), LDR_OK);
		EXPECT(FILE_STATUS == ASLRBOOT_ENT_FAILED && FILE_FAILED && !FILE_USED);
		EXPECT(!memcmp(m, m0, 32) && pool.credited_bits == 0);
	}
	EXPECT_ERR(collect_file(ASLRBOOT_ENT_OK, RAND_SEED_FILE_MIN, false, true, m), LDR_OK);
	EXPECT(FILE_STATUS == ASLRBOOT_ENT_OK && pool.credited_bits == 256 && memcmp(m, m0, 32));
	EXPECT_ERR(collect_file(ASLRBOOT_ENT_OK, RAND_SEED_FILE_MAX, false, true, m), LDR_OK);
	EXPECT_EQ(pool.report[ASLRBOOT_SRC_SEED_FILE].bytes, RAND_SEED_FILE_MAX);
	/* Read-only ESP: mixed, not credited, so strict refuses. */
	EXPECT_ERR(collect_file(ASLRBOOT_ENT_OK, 64, true, true, m), LDR_E_ENTROPY);
	EXPECT(FILE_STATUS == ASLRBOOT_ENT_UNCREDITED && FILE_USED && !FILE_FAILED);
	EXPECT(memcmp(m, m0, 32) != 0 && pool.credited_bits == 0);

	/* The per-call errors name the reason. */
	rand_pool_init(&pool);
	in.status = ASLRBOOT_ENT_ABSENT;
	EXPECT_ERR(rand_seed_file_add(&pool, &in), LDR_E_RNG_ABSENT);
	in.status = ASLRBOOT_ENT_FAILED;
	EXPECT_ERR(rand_seed_file_add(&pool, &in), LDR_E_SEED_FILE);
	in.status = ASLRBOOT_ENT_OK;
	in.len = 31;
	EXPECT_ERR(rand_seed_file_add(&pool, &in), LDR_E_SEED_TOO_SMALL);
	in.len = RAND_SEED_FILE_MAX + 1;
	EXPECT_ERR(rand_seed_file_add(&pool, &in), LDR_E_SEED_TOO_BIG);
	in.len = 64;
	in.read_only = true;
	EXPECT_ERR(rand_seed_file_add(&pool, &in), LDR_E_SEED_READ_ONLY);
	memset(file, 0, 64); /* zero-filled: corrupt */
	in.read_only = false;
	rand_pool_init(&pool);
	EXPECT_ERR(rand_seed_file_add(&pool, &in), LDR_E_RNG_STUCK);
	EXPECT(FILE_STATUS == ASLRBOOT_ENT_UNHEALTHY && !FILE_USED);
}

int main(void)
{
	RUN(test_fixed_seed_kat);
	RUN(test_output_order);
	RUN(test_finish_wipes_hash);
	RUN(test_encoding_is_injective);
	RUN(test_credit_accounting);
	RUN(test_bad_descriptors);
	RUN(test_seed_file_rules);
	return harness_done();
}
