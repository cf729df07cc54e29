/* SPDX-License-Identifier: MIT */
/*
 * Entropy collection: CPU RNG instructions behind an ops table (so tests can
 * inject every failure: absent, failing, stuck or degenerate output),
 * inputs the front ends read (EFI_RNG bytes, the seed file), policy, and the
 * one-call collector.
 * Included by rand.h; not for use on its own.
 */
#ifndef RAND_COLLECT_H
#define RAND_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bounded retries: RDRAND/RNDR are DRBG outputs and fail only
 * transiently (Intel DRNG guide: 10 tries); RDSEED/RNDRRS underflow under
 * load, so they get more tries with PAUSE in between.
 */
#define RAND_RDRAND_TRIES 10
#define RAND_RDSEED_TRIES 128
/* Words drawn per CPU source: 8 start-up samples plus enough for one full
 * Adaptive Proportion window (64 words = 512 bytes). */
#define RAND_CPU_WORDS 64
/* Credit per CPU source, at most (Linux trust_cpu credits CPU output fully;
 * two sources can then reach the 512-bit cap of the seed record). */
#define RAND_CPU_CREDIT 256
#define RAND_JITTER_SAMPLES 64
#define RAND_SEED_FILE_MIN 32 /* systemd-boot's bounds */
#define RAND_SEED_FILE_MAX (32 * 1024)
#define RAND_STRONG_BITS 256
#define RAND_MAX_INPUTS 16

/*
 * The CPU's RNG.  One try per call: `seed64` / `drbg64` return false when
 * the instruction reported failure (CF=0 on x86, NZCV.Z set on arm64).
 * Any pointer may be NULL (treated as absent / no TSC / no pause).
 *   x86-64: seed = RDSEED, drbg = RDRAND (64-bit forms only: CVE-2025-62626)
 *   arm64:  seed = RNDRRS, drbg = RNDR (used only when RNDRRS fails: the
 *           same hardware); both reported as ASLRBOOT_SRC_RNDR
 */
struct rand_cpu_ops {
	void *ctx;
	bool arm64; /* report the seed source as ASLRBOOT_SRC_RNDR */
	bool (*has_seed)(void *ctx);
	bool (*has_drbg)(void *ctx);
	bool (*seed64)(void *ctx, uint64_t *out);
	bool (*drbg64)(void *ctx, uint64_t *out);
	uint64_t (*tsc)(void *ctx);
	void (*pause)(void *ctx);
};

/* The real instructions (rand/hw_<arch>.c: hw_x86_64.c, hw_arm64.c); NULL
 * on an architecture without a port. */
const struct rand_cpu_ops *rand_hw_ops(void);

/* One 64-bit word with bounded retries: LDR_E_RNG_ABSENT / LDR_E_RNG_FAILED. */
enum ldr_err rand_cpu_seed64(const struct rand_cpu_ops *ops, uint64_t *out);
enum ldr_err rand_cpu_drbg64(const struct rand_cpu_ops *ops, uint64_t *out);

/*
 * Draw RAND_CPU_WORDS from the seed (`seed` true) or DRBG instruction, run
 * the start-up and continuous health tests, and mix the words in crediting
 * up to RAND_CPU_CREDIT bits (0 and status DISTRUSTED if `distrust`).  On
 * failure the source is noted ABSENT / FAILED / UNHEALTHY, nothing of it is
 * mixed, and the error says which check fired.
 */
enum ldr_err rand_cpu_collect(struct rand_pool *p, const struct rand_cpu_ops *ops, bool seed,
			      bool distrust);
/* Mix `samples` TSC readings, credited 0 (status UNCREDITED). */
enum ldr_err rand_jitter_collect(struct rand_pool *p, const struct rand_cpu_ops *ops,
				 uint32_t samples);

/* Bytes a front end read from a source only it can reach. */
struct rand_input {
	uint32_t source;      /* ASLRBOOT_SRC_EFI_RNG, _SEED_FILE, ... */
	uint32_t status;      /* ASLRBOOT_ENT_OK if data is valid; ABSENT (not offered,
			       * EFI_NOT_READY, no file) or FAILED (read error) otherwise */
	uint32_t credit_bits; /* what the front end believes it is worth */
	bool read_only;	      /* seed file: cannot be replaced -> mixed, not credited */
	const void *data;
	size_t len;
};

/*
 * Health-test firmware RNG bytes (stuck words, repetition, adaptive
 * proportion) and mix them in, crediting min(credit_bits, 8*len), or 0
 * (DISTRUSTED) if `distrust`.  Non-OK inputs are noted, not mixed.
 */
enum ldr_err rand_fw_add(struct rand_pool *p, const struct rand_input *in, bool distrust);
/*
 * A seed file (systemd-boot rules): 32 B..32 KiB or it is neither mixed nor
 * credited (LDR_E_SEED_TOO_SMALL / _TOO_BIG, status FAILED); a read-only one
 * is mixed but not credited (LDR_E_SEED_READ_ONLY, status UNCREDITED), since
 * the same bytes would come back next boot.
 */
enum ldr_err rand_seed_file_add(struct rand_pool *p, const struct rand_input *in);

struct rand_collect_cfg {
	const struct rand_cpu_ops *cpu;	 /* NULL: no CPU RNG, no TSC */
	const struct rand_input *inputs; /* front-end sources, at most RAND_MAX_INPUTS */
	uint32_t input_count;
	bool distrust_cpu;	   /* mix RDSEED/RDRAND/RNDR in, credit 0 */
	bool distrust_fw;	   /* mix EFI_RNG in, credit 0 */
	bool strict;		   /* < RAND_STRONG_BITS credited -> LDR_E_ENTROPY */
	const uint8_t *fixed_seed; /* 32 bytes, debug only: replaces every source */
	uint32_t jitter_samples;   /* 0: RAND_JITTER_SAMPLES */
};

/*
 * rand_pool_init + every source + policy.  Individual source failures are
 * reported in the pool, not returned.  Returns LDR_E_RNG_INPUT for a bad
 * descriptor, LDR_E_ENTROPY if `strict` and fewer than 256 bits were
 * credited.  A fixed seed is an explicit debug request: it replaces every
 * source, credits 0, sets ASLRBOOT_SEED_F_FIXED and is not refused by
 * `strict`.  The pool is usable (and must still be wiped) either way.
 */
enum ldr_err rand_collect(const struct rand_collect_cfg *cfg, struct rand_pool *p);

#endif
