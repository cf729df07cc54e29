/* SPDX-License-Identifier: MIT */
/* ChaCha20 per RFC 8439 sections 2.1-2.4. */
#include "chacha20.h"

#include "rand.h"

static inline uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define QR(a, b, c, d)                          \
	do {                                    \
		a += b, d ^= a, d = rol(d, 16); \
		c += d, b ^= c, b = rol(b, 12); \
		a += b, d ^= a, d = rol(d, 8);  \
		c += d, b ^= c, b = rol(b, 7);  \
	} while (0)

void rand_chacha20_block(const uint32_t key[8], const uint32_t tail[4], uint8_t out[64])
{
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32,
			    0x6b206574 }; /* "expand 32-byte k" */
	uint32_t x[16];
	int i;

	for (i = 0; i < 8; i++)
		in[4 + i] = key[i];
	for (i = 0; i < 4; i++)
		in[12 + i] = tail[i];
	__builtin_memcpy(x, in, sizeof(x));
	for (i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];

		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	rand_wipe(x, sizeof(x));
	rand_wipe(in, sizeof(in));
}

void rand_chacha20_key(uint32_t key[8], const uint8_t bytes[32])
{
	for (int i = 0; i < 8; i++)
		key[i] = load_le32(bytes + 4 * i);
}

void rand_chacha20_xor(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
		       const uint8_t *in, uint8_t *out, size_t len)
{
	uint32_t k[8], tail[4];
	uint8_t ks[64];
	size_t i, n;

	rand_chacha20_key(k, key);
	tail[0] = counter;
	for (i = 0; i < 3; i++)
		tail[1 + i] = load_le32(nonce + 4 * i);
	while (len) {
		rand_chacha20_block(k, tail, ks);
		tail[0]++; /* RFC 8439 2.4: the caller keeps messages under 256 GiB */
		n = len < 64 ? len : 64;
		for (i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		in += n, out += n, len -= n;
	}
	rand_wipe(k, sizeof(k));
	rand_wipe(ks, sizeof(ks));
}
