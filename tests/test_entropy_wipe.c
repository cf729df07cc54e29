/* SPDX-License-Identifier: MIT */
/*
 * The entropy stage end to end over the fake platform, with front-end
 * inputs as the UEFI front end gives them (EFI_RNG bytes inline, the seed
 * file in a buffer of its own): all seed material in loader memory is
 * wiped before the jump, the seed file's credit rules, and the
 * one-line reports.  The CPU RNG is distrusted throughout, so the credits
 * are exact on any build machine.
 */
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"
#include "fake_platform.h"
#include "harness.h"
#include "loader/handoff/handoff_read.h"
#include "loader/loader.h"
#include "loader/state.h"

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)
#define FILE_LEN 64

const void *loader_debug_state(unsigned long *len);

static struct fake_platform fp;
static struct boot_env env;
static uint8_t rng_copy[64], file[FILE_LEN], file_copy[FILE_LEN];

/* splitmix64: deterministic bytes that pass the health tests. */
static void fill(uint8_t *p, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t z = (x += UINT64_C(0x9e3779b97f4a7c15));
		z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
		z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
		p[i] = (uint8_t)(z ^ (z >> 31));
	}
}

static bool contains(const void *hay, size_t n, const void *needle, size_t m)
{
	const uint8_t *h = hay;
	for (size_t i = 0; i + m <= n; i++)
		if (h[i] == *(const uint8_t *)needle && !memcmp(h + i, needle, m))
			return true;
	return false;
}

/* The boot-info block: the only well-formed one in the arena. */
static const struct aslrboot_info *find_info(void)
{
	for (uint64_t off = 0; off + sizeof(struct aslrboot_info) <= fp.size; off += 8) {
		const struct aslrboot_info *i = (const void *)(fp.mem + off);
		if (i->magic == ASLRBOOT_MAGIC && i->total_size <= fp.size - off &&
		    handoff_check(i, i->total_size, NULL) == LDR_OK)
			return i;
	}
	return NULL;
}

static const struct aslrboot_entropy_entry *entry(const struct aslrboot_info *info, uint32_t src)
{
	const struct aslrboot_rec_entropy *e =
		(const void *)handoff_find(info, ASLRBOOT_REC_ENTROPY, NULL);

	for (uint32_t i = 0; e && i < e->count; i++) {
		const struct aslrboot_entropy_entry *v =
			(const void *)((const uint8_t *)(e + 1) +
				       (uint64_t)i * handoff_entropy_entry_size(e));
		if (v->source == src)
			return v;
	}
	return NULL;
}

/* Boot the default ELF with an EFI_RNG input and a 64-byte seed file. */
static enum ldr_err boot(const struct platform_ops *ops, const struct aslrboot_rec_seed **seed,
			 const struct aslrboot_info **info)
{
	static uint8_t *img;
	static size_t size;
	struct entry_state st;
	enum ldr_err err;

	if (!img)
		img = elfgen_default(&size);
	fake_init(&fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&fp, &env, img, size);
	env.opts.fixed_seed_set = false;
	env.opts.distrust_cpu_rng = true;
	env.entropy[0] = (struct boot_entropy_input){ .source = ASLRBOOT_SRC_EFI_RNG,
						      .status = ASLRBOOT_ENT_OK,
						      .credit_bits = 256,
						      .len = 64 };
	fill(env.entropy[0].bytes, 64, 1);
	memcpy(rng_copy, env.entropy[0].bytes, 64);
	env.entropy[1] = (struct boot_entropy_input){ .source = ASLRBOOT_SRC_SEED_FILE,
						      .status = ASLRBOOT_ENT_OK,
						      .credit_bits = 256,
						      .len = FILE_LEN,
						      .data = file };
	memcpy(file_copy, file, FILE_LEN);
	env.entropy_count = 2;
	err = loader_run(&env, ops ? ops : &fp.ops, &st);
	*info = err ? NULL : find_info();
	*seed = *info ? (const void *)handoff_find(*info, ASLRBOOT_REC_SEED, NULL) : NULL;
	return err;
}

static void test_inputs_and_secrets_wiped(void)
{
	const struct aslrboot_rec_seed *seed;
	const struct aslrboot_info *info;
	unsigned long slen;
	static const uint8_t zero[FILE_LEN];

	fill(file, FILE_LEN, 2);
	REQUIRE(boot(NULL, &seed, &info) == LDR_OK);
	REQUIRE(seed != NULL);
	const uint8_t *state = loader_debug_state(&slen);
	const struct loader_state *s = (const void *)state;
	/* The front end's copies are zero now. */
	EXPECT(memcmp(env.entropy[0].bytes, zero, 64) == 0);
	EXPECT(memcmp(file, zero, FILE_LEN) == 0);
	/* The loader's own secrets too (test_loader checks a fixed-seed boot). */
	EXPECT(memcmp(s->master, zero, sizeof(s->master)) == 0);
	EXPECT(!contains(state, slen, seed->seed, 16));
	/* The next seed file went to store_seed and nowhere else. */
	REQUIRE(fp.stored_seed_len == 32);
	EXPECT(memcmp(fp.stored_seed, file_copy, 32) != 0);
	EXPECT(!contains(fp.mem, fp.size, fp.stored_seed, 16));
	EXPECT(!contains(state, slen, fp.stored_seed, 16));
	/* No raw input reached kernel memory. */
	EXPECT(!contains(fp.mem, fp.size, rng_copy, 16));
	EXPECT(!contains(fp.mem, fp.size, file_copy, 16));
	/* Both inputs credited (CPU distrusted): 512 bits, not WEAK. */
	EXPECT(seed->sources_used & (1u << ASLRBOOT_SRC_EFI_RNG));
	EXPECT(seed->sources_used & (1u << ASLRBOOT_SRC_SEED_FILE));
	EXPECT_EQ(seed->credited_bits, 512);
	EXPECT_EQ(seed->flags, 0);
	EXPECT(strstr(fp.console, "WARNING") == NULL);
	fake_free(&fp);
}

static enum ldr_err store_fails(void *ctx, const uint8_t *seed, size_t len)
{
	(void)ctx, (void)seed, (void)len;
	return LDR_E_SEED_FILE;
}

/* A seed file that cannot be replaced would come back next boot: no credit. */
static void test_store_failure_uncredits_seed_file(void)
{
	const struct aslrboot_rec_seed *seed;
	const struct aslrboot_info *info;
	static struct platform_ops ops;

	fill(file, FILE_LEN, 3);
	fake_init(&fp, ARENA_BASE, ARENA_SIZE); /* for its ops; boot() starts afresh */
	ops = fp.ops;
	ops.store_seed = store_fails;
	fake_free(&fp);
	REQUIRE(boot(&ops, &seed, &info) == LDR_OK);
	REQUIRE(seed != NULL);
	const struct aslrboot_entropy_entry *e = entry(info, ASLRBOOT_SRC_SEED_FILE);
	REQUIRE(e != NULL);
	EXPECT_EQ(e->status, ASLRBOOT_ENT_UNCREDITED);
	EXPECT_EQ(e->credited_bits, 0);
	EXPECT_EQ(e->bytes, FILE_LEN);
	EXPECT_EQ(seed->credited_bits, 256); /* EFI_RNG only */
	EXPECT(strstr(fp.console,
		      "aslrboot: warning: could not store the next seed file; not credited\n"));
	fake_free(&fp);
}

/* A repeating seed file is corrupt: refused by the health test, one line. */
static void test_corrupt_seed_file_reported(void)
{
	const struct aslrboot_rec_seed *seed;
	const struct aslrboot_info *info;
	static const uint8_t zero[FILE_LEN];

	memset(file, 0x55, FILE_LEN);
	REQUIRE(boot(NULL, &seed, &info) == LDR_OK);
	REQUIRE(seed != NULL);
	const struct aslrboot_entropy_entry *e = entry(info, ASLRBOOT_SRC_SEED_FILE);
	REQUIRE(e != NULL);
	EXPECT_EQ(e->status, ASLRBOOT_ENT_UNHEALTHY);
	EXPECT_EQ(e->credited_bits, 0);
	EXPECT(seed->sources_failed & (1u << ASLRBOOT_SRC_SEED_FILE));
	EXPECT_EQ(seed->credited_bits, 256);
	EXPECT(strstr(fp.console,
		      "aslrboot: warning: seed file: failed its health test; not credited\n"));
	EXPECT(memcmp(file, zero, FILE_LEN) == 0); /* wiped even though refused */
	EXPECT_EQ(fp.stored_seed_len, 32);	   /* and replaced */
	fake_free(&fp);
}

int main(void)
{
	RUN(test_inputs_and_secrets_wiped);
	RUN(test_store_failure_uncredits_seed_file);
	RUN(test_corrupt_seed_file_reported);
	return harness_done();
}
