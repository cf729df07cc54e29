/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), freestanding.  Used by the pool and DRBG key derivation. */
#ifndef RAND_SHA256_H
#define RAND_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define RAND_SHA256_BYTES 32

struct rand_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t buf[64];
	uint32_t fill; /* bytes in buf */
};

void rand_sha256_init(struct rand_sha256 *c);
void rand_sha256_update(struct rand_sha256 *c, const void *data, size_t len);
/* Writes the digest and wipes the context. */
void rand_sha256_final(struct rand_sha256 *c, uint8_t out[RAND_SHA256_BYTES]);
void rand_sha256(const void *data, size_t len, uint8_t out[RAND_SHA256_BYTES]);

#endif
