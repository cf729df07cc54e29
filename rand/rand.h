/* SPDX-License-Identifier: MIT */
/*
 * aslrboot's randomness: sources -> health tests -> SHA-256 pool -> ChaCha20
 * DRBG with fast key erasure, with domain-separated streams.  Leaf library:
 * includes only <stdint.h>, <stddef.h>, <stdbool.h>, its own headers,
 * include/aslrboot.h (source ids) and loader/errors.h.
 */
#ifndef RAND_RAND_H
#define RAND_RAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/aslrboot.h"
#include "../loader/errors.h"

/* ---- Conditioning pool: SHA-256 over labelled, length-prefixed inputs ---- */
struct rand_pool {
	uint8_t state[112]; /* opaque SHA-256 context */
	uint32_t sources_used;   /* 1 << ASLRBOOT_SRC_* */
	uint32_t sources_failed;
	uint32_t credited_bits;
	struct aslrboot_entropy_entry report[ASLRBOOT_SRC_COUNT];
};

void rand_pool_init(struct rand_pool *p);
/* Mix `len` bytes from `source` in; credit `credit_bits` (0 for jitter). */
void rand_pool_add(struct rand_pool *p, uint32_t source, const void *data, size_t len,
		   uint32_t credit_bits);
/* Record a source that was absent/failed/unhealthy (status ASLRBOOT_ENT_*). */
void rand_pool_note(struct rand_pool *p, uint32_t source, uint32_t status);
/* Finish: 32-byte master key; wipes the pool state. */
void rand_pool_finish(struct rand_pool *p, uint8_t key[32]);

/* ---- DRBG: ChaCha20, fast key erasure ---- */
struct rand_drbg {
	uint32_t key[8];
	uint8_t buf[64 * 4]; /* opaque */
	uint32_t avail;
	uint64_t counter;
};

/* Derive an independent stream: key' = SHA-256("aslrboot/" domain || master). */
void rand_drbg_init(struct rand_drbg *d, const uint8_t master[32], const char *domain);
void rand_drbg_bytes(struct rand_drbg *d, void *out, size_t n);
uint64_t rand_u64(struct rand_drbg *d);
/* Uniform integer in [0, bound) without modulo bias; bound must be > 0. */
uint64_t rand_uniform(struct rand_drbg *d, uint64_t bound);
void rand_drbg_wipe(struct rand_drbg *d);

/* Domain names (kernel seed, layout stream, next seed file). */
#define RAND_DOMAIN_LAYOUT "layout"
#define RAND_DOMAIN_KERNEL_SEED "kernel-seed"
#define RAND_DOMAIN_SEED_FILE "seed-file"

/* Wipe memory so the compiler cannot elide it. */
void rand_wipe(void *p, size_t n);

#endif
