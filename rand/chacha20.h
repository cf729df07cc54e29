/* SPDX-License-Identifier: MIT */
/* ChaCha20 block function and stream cipher (RFC 8439 section 2.3, 2.4). */
#ifndef RAND_CHACHA20_H
#define RAND_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define RAND_CHACHA20_BLOCK 64

/*
 * One block.  `key` is the 256-bit key as 8 little-endian words; `tail` is
 * state words 12..15: RFC 8439 puts a 32-bit counter in word 12 and the
 * 96-bit nonce in 13..15; the DRBG uses 12..13 as a 64-bit counter.
 */
void rand_chacha20_block(const uint32_t key[8], const uint32_t tail[4], uint8_t out[64]);

/* Load 8 little-endian key words from 32 bytes. */
void rand_chacha20_key(uint32_t key[8], const uint8_t bytes[32]);

/* RFC 8439 2.4 encryption: out = in XOR keystream(key, counter, nonce). */
void rand_chacha20_xor(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
		       const uint8_t *in, uint8_t *out, size_t len);

#endif
