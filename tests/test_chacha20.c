/* SPDX-License-Identifier: MIT */
/* ChaCha20 known answers from RFC 8439 (sections 2.3.2, 2.4.2, A.1, A.2). */
#include <string.h>

#include "harness.h"
#include "rand/chacha20.h"
#include "rand/rand.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void seq_key(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

/* RFC 8439 2.3.2: key 00..1f, counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00. */
static void test_block_2_3_2(void)
{
	uint8_t kb[32], out[64], want[64];
	uint32_t key[8];
	const uint32_t tail[4] = { 1, 0x09000000, 0x4a000000, 0 };

	seq_key(kb);
	rand_chacha20_key(key, kb);
	EXPECT_EQ(key[0], 0x03020100);
	rand_chacha20_block(key, tail, out);
	hex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
	    want, 64);
	EXPECT(memcmp(out, want, 64) == 0);
}

static const char sunscreen[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
	"the future, sunscreen would be it.";

/* RFC 8439 2.4.2: 114-byte message, two blocks, partial second block. */
static void test_encrypt_2_4_2(void)
{
	uint8_t key[32], nonce[12], out[114], want[114], back[114];

	REQUIRE(sizeof(sunscreen) - 1 == 114);
	seq_key(key);
	hex("000000000000004a00000000", nonce, 12);
	rand_chacha20_xor(key, 1, nonce, (const uint8_t *)sunscreen, out, 114);
	hex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
	    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
	    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
	    "5af90bbf74a35be6b40b8eedf2785e42874d",
	    want, 114);
	EXPECT(memcmp(out, want, 114) == 0);
	rand_chacha20_xor(key, 1, nonce, out, back, 114);
	EXPECT(memcmp(back, sunscreen, 114) == 0);
}

/* RFC 8439 A.1 test vectors #1 and #2: all-zero key and nonce, counters 0 and 1. */
static void test_block_a1(void)
{
	uint32_t key[8] = { 0 };
	uint32_t tail[4] = { 0, 0, 0, 0 };
	uint8_t out[64], want[64];

	rand_chacha20_block(key, tail, out);
	hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
	    want, 64);
	EXPECT(memcmp(out, want, 64) == 0);
	tail[0] = 1;
	rand_chacha20_block(key, tail, out);
	hex("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
	    "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
	    want, 64);
	EXPECT(memcmp(out, want, 64) == 0);
}

/* RFC 8439 A.2 test vector #1: zero key/nonce/counter encrypting 64 zero bytes. */
static void test_encrypt_a2_1(void)
{
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, in[64] = { 0 }, out[64], want[64];

	rand_chacha20_xor(key, 0, nonce, in, out, 64);
	hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
	    want, 64);
	EXPECT(memcmp(out, want, 64) == 0);
}

int main(void)
{
	RUN(test_block_2_3_2);
	RUN(test_encrypt_2_4_2);
	RUN(test_block_a1);
	RUN(test_encrypt_a2_1);
	return harness_done();
}
