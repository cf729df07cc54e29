/* SPDX-License-Identifier: MIT */
/*
 * ChaCha20 DRBG with fast key erasure (Bernstein, "Fast-key-erasure random
 * number generators", 2017; Linux CRNG, OpenBSD arc4random): each refill
 * runs RAND_DRBG_BLOCKS blocks under the current key, keeps the first 32
 * bytes as the next key and buffers the rest.  Read bytes are zeroed, so a
 * later state compromise cannot recover earlier output.
 */
#include "chacha20.h"
#include "rand.h"

#define KEY_BYTES 32

static void refill(struct rand_drbg *d)
{
	uint32_t tail[4] = { 0, 0, 0, 0 };

	/* A fresh key per refill: the block counter restarts at 0. */
	for (uint32_t i = 0; i < RAND_DRBG_BLOCKS; i++) {
		tail[0] = i;
		rand_chacha20_block(d->key, tail, d->buf + 64 * i);
	}
	rand_chacha20_key(d->key, d->buf);
	rand_wipe(d->buf, KEY_BYTES);
	d->avail = sizeof(d->buf) - KEY_BYTES;
	d->counter++;
}

static size_t take(struct rand_drbg *d, uint8_t *out, size_t n)
{
	uint8_t *src = d->buf + sizeof(d->buf) - d->avail;

	if (n > d->avail)
		n = d->avail;
	__builtin_memcpy(out, src, n);
	rand_wipe(src, n);
	d->avail -= (uint32_t)n;
	return n;
}

void rand_drbg_init(struct rand_drbg *d, const uint8_t master[32], const char *domain)
{
	static const char prefix[] = "aslrboot/";
	struct rand_sha256 h;
	uint8_t key[32];
	size_t len = 0;

	if (!domain)
		domain = "";
	while (domain[len])
		len++;
	/* The master key has a fixed length at the end, so the encoding is
	 * injective without a separator. */
	rand_sha256_init(&h);
	rand_sha256_update(&h, prefix, sizeof(prefix) - 1);
	rand_sha256_update(&h, domain, len);
	rand_sha256_update(&h, master, 32);
	rand_sha256_final(&h, key);
	rand_wipe(d, sizeof(*d));
	rand_chacha20_key(d->key, key);
	rand_wipe(key, sizeof(key));
}

void rand_drbg_bytes(struct rand_drbg *d, void *out, size_t n)
{
	uint8_t *p = out;
	size_t got;

	while (n) {
		if (!d->avail)
			refill(d);
		got = take(d, p, n);
		p += got, n -= got;
	}
	/* Per-call backtracking resistance: drop the buffer and the key that
	 * produced it. */
	refill(d);
}

uint64_t rand_u64(struct rand_drbg *d)
{
	uint8_t b[8];
	uint64_t v = 0;

	if (d->avail < sizeof(b)) {
		rand_wipe(d->buf, sizeof(d->buf));
		refill(d);
	}
	take(d, b, sizeof(b));
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	rand_wipe(b, sizeof(b));
	return v;
}

void rand_drbg_wipe(struct rand_drbg *d)
{
	rand_wipe(d, sizeof(*d));
}
