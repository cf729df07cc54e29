/* SPDX-License-Identifier: MIT */
/*
 * aslrboot's randomness: sources -> health tests -> SHA-256 pool -> ChaCha20
 * DRBG with fast key erasure, with domain-separated streams.  Leaf library:
 * includes only <stdint.h>, <stddef.h>, <stdbool.h>, its own headers,
 * include/aslrboot.h (source ids) and include/ldr_errors.h.
 *
 * How the loader core uses it (stage_entropy), in this order:
 *
 *   struct rand_input in[RAND_MAX_INPUTS];  // one per env->entropy[i]:
 *           // { .source, .status, .credit_bits, .data = bytes, .len,
 *           //   .read_only (seed file on a read-only volume) }
 *   struct rand_collect_cfg cfg = {
 *           .cpu = rand_hw_ops(),           // NULL if the architecture has no port
 *           .inputs = in, .input_count = n, // at most one input per source
 *           .distrust_cpu = opts.distrust_cpu_rng,
 *           .distrust_fw = opts.distrust_fw_rng,
 *           .strict = opts.entropy_policy == BOOT_ENTROPY_STRICT,
 *           .fixed_seed = opts.fixed_seed_set ? opts.fixed_seed : NULL,
 *   };
 *   err = rand_collect(&cfg, &pool);        // LDR_E_ENTROPY: strict, < 256 bits
 *   rand_pool_finish(&pool, master);
 *   rand_next_seed_file(&pool, master, next, 32);  // then store `next` at once;
 *           // (&pool, master, NULL, 0) when no seed file is kept
 *   rand_kernel_seed(&pool, master, &rec_seed);    // LDR_E_RAND_ORDER if skipped
 *   rand_drbg_init(&layout_rng, master, RAND_DOMAIN_LAYOUT);
 *   n = rand_pool_report(&pool, entries, ASLRBOOT_SRC_COUNT); // handoff + log
 *   ... before the jump: rand_wipe(master), rand_drbg_wipe(&layout_rng),
 *   rand_wipe(&pool), rand_wipe(next).
 *
 * Nothing here prints or spins: every source read is bounded and every
 * failure comes back as a value and a report entry.
 */
#ifndef RAND_RAND_H
#define RAND_RAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/aslrboot.h"
#include "../include/ldr_errors.h"
#include "sha256.h"

/* ---- Conditioning pool: SHA-256 over labelled, length-prefixed inputs ---- */
enum rand_pool_phase {
	RAND_POOL_COLLECTING = 0, /* rand_pool_init .. rand_pool_finish */
	RAND_POOL_FINISHED,	  /* master key out; next seed file not yet derived */
	RAND_POOL_SEED_FILE_DONE, /* next seed file derived (or declared none) */
	RAND_POOL_DONE,		  /* kernel seed derived */
};

struct rand_pool {
	struct rand_sha256 hash; /* wiped by rand_pool_finish */
	uint32_t phase;		 /* enum rand_pool_phase */
	uint32_t flags;		 /* ASLRBOOT_SEED_F_FIXED if a fixed seed went in */
	uint32_t seen;		 /* 1 << ASLRBOOT_SRC_*: has a report entry */
	uint32_t sources_used;	 /* 1 << ASLRBOOT_SRC_*: bytes mixed in */
	uint32_t sources_failed; /* present but FAILED / UNHEALTHY */
	uint32_t credited_bits;	 /* sum of report[].credited_bits */
	struct aslrboot_entropy_entry report[ASLRBOOT_SRC_COUNT];
};

void rand_pool_init(struct rand_pool *p);
/*
 * Mix `len` bytes from `source` in, as one labelled, length-prefixed record.
 * Credits min(credit_bits, 8 * len) to the source (0 for jitter).  The status
 * becomes OK (credit > 0) or UNCREDITED unless a note already set one.
 * Ignored after rand_pool_finish.
 */
void rand_pool_add(struct rand_pool *p, uint32_t source, const void *data, size_t len,
		   uint32_t credit_bits);
/*
 * Record a source status (ASLRBOOT_ENT_*).  FAILED / UNHEALTHY mark it failed
 * and withdraw any credit it had, for good (later notes cannot clear it);
 * DISTRUSTED / UNCREDITED / ABSENT withdraw credit.
 */
void rand_pool_note(struct rand_pool *p, uint32_t source, uint32_t status);
/*
 * Withdraw a source's credit (status OK becomes UNCREDITED) at any phase
 * before the kernel's seed exists: a seed file whose replacement could not
 * be stored is as good as read-only.  Nothing is un-mixed.
 */
void rand_pool_uncredit(struct rand_pool *p, uint32_t source);
/* Finish: 32-byte master key; wipes the hash state.  LDR_E_RAND_ORDER (and a
 * zero key) if the pool is not collecting. */
enum ldr_err rand_pool_finish(struct rand_pool *p, uint8_t key[32]);
/* Copy the report entries of every source seen, in source order; returns
 * how many were written (at most `max`). */
uint32_t rand_pool_report(const struct rand_pool *p, struct aslrboot_entropy_entry *out,
			  uint32_t max);

/* ---- DRBG: ChaCha20, fast key erasure ---- */
#define RAND_DRBG_BLOCKS 4

struct rand_drbg {
	uint32_t key[8];
	uint8_t buf[64 * RAND_DRBG_BLOCKS]; /* unread output at the end; read bytes are zeroed */
	uint32_t avail;			    /* unread bytes in buf */
	uint64_t counter;		    /* refills (= key replacements) so far */
};

/* Derive an independent stream: key' = SHA-256("aslrboot/" domain || master). */
void rand_drbg_init(struct rand_drbg *d, const uint8_t master[32], const char *domain);
/* Output n bytes, then replace the key, so the state after the call cannot
 * reproduce anything this call returned. */
void rand_drbg_bytes(struct rand_drbg *d, void *out, size_t n);
/* 8 bytes from the buffer (refilled, with a new key, when short). */
uint64_t rand_u64(struct rand_drbg *d);
/* Uniform integer in [0, bound) without modulo bias (Lemire's multiply-shift
 * with rejection); bound 0 returns 0. */
uint64_t rand_uniform(struct rand_drbg *d, uint64_t bound);
void rand_drbg_wipe(struct rand_drbg *d);

/* Domain names (kernel seed, layout stream, next seed file). */
#define RAND_DOMAIN_LAYOUT "layout"
#define RAND_DOMAIN_KERNEL_SEED "kernel-seed"
#define RAND_DOMAIN_SEED_FILE "seed-file"

/* ---- Derived outputs, in the only allowed order ---- */
/*
 * Next seed-file content from the "seed-file" domain (systemd-boot order:
 * store it before the kernel's seed exists).  out = NULL, len = 0 declares
 * that no seed file is kept.  LDR_E_RAND_ORDER unless right after finish.
 */
enum ldr_err rand_next_seed_file(struct rand_pool *p, const uint8_t master[32], void *out,
				 size_t len);
/*
 * Fill the kernel's seed record: header, 64 bytes from the "kernel-seed"
 * domain, sources, credits (capped at 512), WEAK / FIXED flags.
 * LDR_E_RAND_ORDER unless rand_next_seed_file ran first.
 */
enum ldr_err rand_kernel_seed(struct rand_pool *p, const uint8_t master[32],
			      struct aslrboot_rec_seed *rec);

/* Wipe memory so the compiler cannot elide it. */
void rand_wipe(void *p, size_t n);

#include "collect.h"

#endif
