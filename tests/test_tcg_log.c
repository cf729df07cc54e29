/* SPDX-License-Identifier: MIT */
/* The TCG event-log walker (loader/tcg_log.c) on logs built here: the
 * header's digest sizes, events with one or two digests, and every
 * truncation and corrupted field refused without reading past the end. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loader/tcg_log.h"

static uint8_t buf[4096];
static size_t len;

static void put32(uint32_t v)
{
	for (int i = 0; i < 4; i++)
		buf[len++] = (uint8_t)(v >> (8 * i));
}

static void put16(uint16_t v)
{
	buf[len++] = (uint8_t)v;
	buf[len++] = (uint8_t)(v >> 8);
}

static void put(const void *p, size_t n)
{
	memcpy(buf + len, p, n);
	len += n;
}

/* The header event: EV_NO_ACTION, SHA-1 digest zero, "Spec ID Event03"
 * naming SHA-1 (20) and SHA-256 (32). */
static size_t header(void)
{
	static const char sig[16] = "Spec ID Event03";
	static const uint8_t zero[20];

	len = 0;
	put32(0);
	put32(TCG_EV_NO_ACTION);
	put(zero, 20);
	put32(16 + 4 + 4 + 4 + 2 * 4 + 1);
	put(sig, 16);
	put32(0);	    /* platform class */
	put("\0\2\0\2", 4); /* versions, errata, uintn size */
	put32(2);	    /* algorithms */
	put16(TCG_ALG_SHA1);
	put16(20);
	put16(TCG_ALG_SHA256);
	put16(32);
	buf[len++] = 0; /* vendor info size */
	return len;
}

/* An event with both digests (or SHA-1 only) and `data` as its data. */
static size_t event(uint32_t pcr, uint32_t type, bool sha256, const char *data)
{
	size_t start = len;
	uint8_t d1[20], d2[32];

	memset(d1, 0x11, sizeof(d1));
	memset(d2, 0x22, sizeof(d2));
	put32(pcr);
	put32(type);
	put32(sha256 ? 2 : 1);
	put16(TCG_ALG_SHA1);
	put(d1, 20);
	if (sha256) {
		put16(TCG_ALG_SHA256);
		put(d2, 32);
	}
	put32((uint32_t)strlen(data));
	put(data, strlen(data));
	return len - start;
}

static void test_walk(void)
{
	struct tcg_log l;
	struct tcg_event e;
	size_t first = header(), size1, size2, off;

	size1 = event(9, 13, true, "aslrboot kernel x");
	size2 = event(4, 0x80000003, false, "");
	REQUIRE(tcg_log_open(&l, buf, len));
	EXPECT_EQ(l.first, first);
	EXPECT_EQ(l.nalg, 2);
	EXPECT_EQ(l.alg[1].id, TCG_ALG_SHA256);
	EXPECT_EQ(l.alg[1].size, 32);
	REQUIRE(tcg_log_event(&l, buf + first, len - first, &e));
	EXPECT_EQ(e.pcr, 9);
	EXPECT_EQ(e.type, 13);
	EXPECT_EQ(e.size, size1);
	REQUIRE(e.sha256);
	EXPECT_EQ(e.sha256[0], 0x22);
	EXPECT_EQ(e.data_size, 17);
	EXPECT(memcmp(e.data, "aslrboot kernel x", 17) == 0);
	off = first + e.size;
	REQUIRE(tcg_log_event(&l, buf + off, len - off, &e));
	EXPECT_EQ(e.size, size2);
	EXPECT(e.sha256 == NULL);
	EXPECT_EQ(e.data_size, 0);
	EXPECT_EQ(off + e.size, len);
	/* Every truncation of an event is refused. */
	for (size_t n = 0; n < size1; n++)
		EXPECT(!tcg_log_event(&l, buf + first, n, &e));
}

/* Headers that are not a crypto-agile log, and events the header does not
 * describe: refused.  Each truncated copy lives in its own exact-size
 * allocation, so ASan catches any read past the end. */
static void test_refused(void)
{
	struct tcg_log l;
	struct tcg_event e;
	size_t first = header();
	uint8_t *p;

	event(9, 13, true, "x");
	for (size_t n = 0; n < first; n++) {
		p = malloc(n ? n : 1);
		memcpy(p, buf, n);
		EXPECT(!tcg_log_open(&l, p, n));
		free(p);
	}
	for (size_t n = first; n < len; n++) {
		p = malloc(n);
		memcpy(p, buf, n);
		REQUIRE(tcg_log_open(&l, p, n));
		EXPECT(!tcg_log_event(&l, p + first, n - first, &e));
		free(p);
	}
	REQUIRE(tcg_log_open(&l, buf, len));
	buf[first + 8] = 3; /* three digests: the header names two algorithms */
	EXPECT(!tcg_log_event(&l, buf + first, len - first, &e));
	buf[first + 8] = 2;
	buf[first + 12] = 0x0c; /* SHA-384: not in the header */
	EXPECT(!tcg_log_event(&l, buf + first, len - first, &e));
	buf[first + 12] = 0x04;
	EXPECT(tcg_log_event(&l, buf + first, len - first, &e));
	buf[8 + 20 + 4 + 3] = 'X'; /* the signature */
	EXPECT(!tcg_log_open(&l, buf, len));
	header();
	buf[32 + 24] = 0; /* no algorithms */
	EXPECT(!tcg_log_open(&l, buf, len));
	header();
	buf[32 + 24] = 9; /* more than fit the header event */
	EXPECT(!tcg_log_open(&l, buf, len));
	header();
	buf[32 + 28 + 2] = 65; /* a 65-byte SHA-1 */
	EXPECT(!tcg_log_open(&l, buf, len));
	header();
	buf[4] = 1; /* not EV_NO_ACTION */
	EXPECT(!tcg_log_open(&l, buf, len));
}

int main(void)
{
	RUN(test_walk);
	RUN(test_refused);
	return harness_done();
}
