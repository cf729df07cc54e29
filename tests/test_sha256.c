/* SPDX-License-Identifier: MIT */
/* SHA-256 known answers: FIPS 180-4 examples / NIST CAVP short messages. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rand/rand.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void expect_hash(const void *msg, size_t len, const char *want_hex)
{
	uint8_t got[32], want[32];

	hex(want_hex, want, 32);
	rand_sha256(msg, len, got);
	EXPECT(memcmp(got, want, 32) == 0);
}

static void test_empty(void)
{
	expect_hash("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void)
{
	expect_hash("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448_bits(void)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	expect_hash(m, strlen(m),
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bits(void)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	expect_hash(m, strlen(m),
		    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a', fed in odd-sized chunks through the streaming API. */
static void test_million_a(void)
{
	static uint8_t buf[1000];
	struct rand_sha256 c;
	uint8_t got[32], want[32];
	size_t left = 1000000, n, step = 1;

	memset(buf, 'a', sizeof(buf));
	rand_sha256_init(&c);
	while (left) {
		n = step < left ? step : left;
		rand_sha256_update(&c, buf, n);
		left -= n;
		step = step % 983 + 13; /* stays <= sizeof(buf) */
	}
	rand_sha256_final(&c, got);
	hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want, 32);
	EXPECT(memcmp(got, want, 32) == 0);
}

/*
 * Every padding boundary: hash of the concatenated digests of messages of
 * length 0..299 (byte i = 7i mod 251).  Expected value from Python hashlib.
 */
static void test_all_lengths(void)
{
	uint8_t msg[300], d[32], got[32], want[32];
	struct rand_sha256 outer;

	for (int i = 0; i < 300; i++)
		msg[i] = (uint8_t)(i * 7 % 251);
	rand_sha256_init(&outer);
	for (int n = 0; n < 300; n++) {
		rand_sha256(msg, (size_t)n, d);
		rand_sha256_update(&outer, d, 32);
	}
	rand_sha256_final(&outer, got);
	hex("35c6b5439515e743ab02715b54e01009ca52b6e596d342fd26c560cf4719bffd", want, 32);
	EXPECT(memcmp(got, want, 32) == 0);
}

/* Any split of the input gives the one-shot digest. */
static void test_split_equals_oneshot(void)
{
	uint8_t msg[200], a[32], b[32];
	struct rand_sha256 c;

	for (int i = 0; i < 200; i++)
		msg[i] = (uint8_t)(i * 31 + 5);
	rand_sha256(msg, sizeof(msg), a);
	for (size_t cut = 0; cut <= sizeof(msg); cut++) {
		rand_sha256_init(&c);
		rand_sha256_update(&c, msg, cut);
		rand_sha256_update(&c, msg + cut, sizeof(msg) - cut);
		rand_sha256_final(&c, b);
		EXPECT(memcmp(a, b, 32) == 0);
	}
}

static void test_final_wipes_context(void)
{
	struct rand_sha256 c, zero;
	uint8_t d[32];

	memset(&zero, 0, sizeof(zero));
	rand_sha256_init(&c);
	rand_sha256_update(&c, "secret", 6);
	rand_sha256_final(&c, d);
	EXPECT(memcmp(&c, &zero, sizeof(c)) == 0);
}

int main(void)
{
	RUN(test_empty);
	RUN(test_abc);
	RUN(test_448_bits);
	RUN(test_896_bits);
	RUN(test_million_a);
	RUN(test_all_lengths);
	RUN(test_split_equals_oneshot);
	RUN(test_final_wipes_context);
	return harness_done();
}
