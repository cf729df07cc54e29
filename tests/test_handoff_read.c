/* SPDX-License-Identifier: MIT */
/* Boot-info reader on hand-built blocks: unknown records are skipped, newer
 * minor versions are read, and every malformed header or record is refused
 * with its own code and the offending field. */
#include <string.h>

#include "harness.h"
#include "loader/handoff/handoff_read.h"
#include "loader/log.h"

static uint64_t mem[1024]; /* 8 KiB, 8-byte aligned */
static uint32_t top;	   /* next free byte */

static struct aslrboot_info *hdr(void)
{
	return (struct aslrboot_info *)mem;
}

static void begin(void)
{
	memset(mem, 0, sizeof(mem));
	hdr()->magic = ASLRBOOT_MAGIC;
	hdr()->version = ASLRBOOT_VERSION;
	hdr()->header_size = sizeof(struct aslrboot_info);
	top = sizeof(struct aslrboot_info);
}

/* A record of `size` bytes (as declared) with `len` payload bytes after its
 * 8-byte header; the cursor moves by `advance` (normally size). */
static uint32_t rec_raw(uint32_t type, uint32_t size, const void *payload, uint32_t len,
			uint32_t advance)
{
	uint8_t *p = (uint8_t *)mem + top;
	uint32_t at = top;
	struct aslrboot_record r = { type, size };

	memcpy(p, &r, sizeof(r));
	if (len)
		memcpy(p + sizeof(r), payload, len);
	top += advance;
	return at;
}

static uint32_t rec(uint32_t type, uint32_t size, const void *payload, uint32_t len)
{
	return rec_raw(type, size, payload, len, size);
}

static void end(void)
{
	rec(ASLRBOOT_REC_END, 8, NULL, 0);
	hdr()->total_size = top;
}

/* Payload of a record type: the struct without its 8-byte header. */
#define BODY(s) ((const uint8_t *)&(s) + sizeof(struct aslrboot_record))
#define BODYLEN(s) ((uint32_t)sizeof(s) - 8)

static void cmdline(const char *s, uint32_t length)
{
	uint8_t body[64] = { 0 };
	uint32_t n = (uint32_t)strlen(s);

	memcpy(body, &length, 4);
	memcpy(body + 8, s, n);
	rec(ASLRBOOT_REC_CMDLINE, (16 + n + 1 + 7) & ~7u, body, 8 + n);
}

static void test_skips_unknown(void)
{
	struct aslrboot_rec_loader lo = { .name = "aslrboot", .version = "x" };
	uint8_t junk[24];
	struct ldr_diag d;

	memset(junk, 0xee, sizeof(junk));
	begin();
	rec(ASLRBOOT_REC_LOADER, sizeof(lo), BODY(lo), BODYLEN(lo));
	uint32_t unk = rec(0x7777, 32, junk, sizeof(junk));
	uint32_t cl = top;
	cmdline("console=ttyS0", 13);
	end();
	EXPECT_ERR(handoff_check(mem, top, &d), LDR_OK);
	const struct aslrboot_record *r = handoff_find(mem, ASLRBOOT_REC_CMDLINE, NULL);
	REQUIRE(r);
	EXPECT_EQ((const uint8_t *)r - (const uint8_t *)mem, cl);
	EXPECT(strcmp((const char *)r + 16, "console=ttyS0") == 0);
	r = handoff_find(mem, 0x7777, NULL);
	REQUIRE(r);
	EXPECT_EQ((const uint8_t *)r - (const uint8_t *)mem, unk);
	EXPECT(handoff_find(mem, 0x7777, r) == NULL);
	EXPECT(handoff_find(mem, ASLRBOOT_REC_SEED, NULL) == NULL);
	r = handoff_find(mem, ASLRBOOT_REC_END, NULL);
	REQUIRE(r);
	EXPECT_EQ((const uint8_t *)r - (const uint8_t *)mem, top - 8);
}

/* Minor revisions: a larger header and larger table entries still read. */
static void test_newer_minor(void)
{
	uint8_t body[8 + 2 * 32] = { 0 };
	uint32_t count = 2, esz = 32;

	begin();
	hdr()->version = (ASLRBOOT_VERSION_MAJOR << 16) | 7;
	hdr()->header_size = 48;
	top = 48;
	memcpy(body, &count, 4);
	memcpy(body + 4, &esz, 4);
	rec(ASLRBOOT_REC_MEMMAP, 16 + 64, body, sizeof(body));
	end();
	EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
	const struct aslrboot_record *r = handoff_find(mem, ASLRBOOT_REC_MEMMAP, NULL);
	REQUIRE(r);
	EXPECT_EQ((const uint8_t *)r - (const uint8_t *)mem, 48);
}

/* 1.0 and 1.1 blocks have a 32-byte header without `machine`: they read,
 * and handoff_machine says 0 (unknown) rather than reading a record byte. */
static void test_older_minor(void)
{
	static const uint32_t minor[] = { 0, 1 };

	for (size_t i = 0; i < sizeof(minor) / sizeof(minor[0]); i++) {
		begin();
		hdr()->version = (ASLRBOOT_VERSION_MAJOR << 16) | minor[i];
		hdr()->header_size = 32;
		top = 32;
		cmdline("old", 3); /* its first bytes sit where `machine` is in 1.2 */
		end();
		EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
		EXPECT_EQ(handoff_machine(hdr()), 0);
		const struct aslrboot_record *r = handoff_find(mem, ASLRBOOT_REC_CMDLINE, NULL);
		REQUIRE(r);
		EXPECT_EQ((const uint8_t *)r - (const uint8_t *)mem, 32);
	}
	/* 1.2: the machine field is read; a later minor's longer header too. */
	begin();
	hdr()->machine = ASLRBOOT_MACHINE_AARCH64;
	end();
	EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
	EXPECT_EQ(handoff_machine(hdr()), 183);
	begin();
	hdr()->version = (ASLRBOOT_VERSION_MAJOR << 16) | 9;
	hdr()->header_size = 48;
	hdr()->machine = ASLRBOOT_MACHINE_X86_64;
	top = 48;
	end();
	EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
	EXPECT_EQ(handoff_machine(hdr()), 62);
}

static void expect_fail(enum ldr_err want, const char *field, uint64_t len, int line)
{
	struct ldr_diag d = { 0 };
	enum ldr_err got = handoff_check(mem, len, &d);

	if (got != want)
		harness_fail(__FILE__, line, "got %s, want %s", ldr_errname(got),
			     ldr_errname(want));
	else if (!d.field || strcmp(d.field, field) != 0)
		harness_fail(__FILE__, line, "field %s, want %s", d.field ? d.field : "(null)",
			     field);
}
#define FAILS(err, field, len) expect_fail(LDR_##err, field, len, __LINE__)

static void valid(void)
{
	begin();
	cmdline("a", 1);
	end();
}

static void test_bad_header(void)
{
	valid();
	hdr()->magic ^= 1;
	FAILS(E_INFO_MAGIC, "magic", top);
	valid();
	hdr()->version = 2u << 16;
	FAILS(E_INFO_VERSION, "version", top);
	valid();
	hdr()->version = 0;
	FAILS(E_INFO_VERSION, "version", top);
	valid();
	hdr()->header_size = 24;
	FAILS(E_INFO_HEADER, "header_size", top);
	valid();
	hdr()->header_size = 36;
	FAILS(E_INFO_HEADER, "header_size", top);
	valid();
	hdr()->total_size = 16; /* < header_size */
	FAILS(E_INFO_HEADER, "total_size", top);
	valid();
	FAILS(E_INFO_HEADER, "total_size", top - 8); /* total_size > len */
	valid();
	FAILS(E_INFO_HEADER, "len", 31);
	EXPECT_ERR(handoff_check((uint8_t *)mem + 4, top, NULL), LDR_E_INFO_ALIGN);
	EXPECT_ERR(handoff_check(NULL, top, NULL), LDR_E_INFO_ALIGN);
}

static void test_bad_record_size(void)
{
	static const uint32_t sizes[] = { 0, 4, 12, 7 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		begin();
		rec_raw(0x7777, sizes[i], NULL, 0, 16);
		end();
		FAILS(E_INFO_REC_SIZE, "size", top);
	}
	begin();
	rec_raw(0x7777, 64, NULL, 0, 16); /* claims to run past total_size */
	end();
	FAILS(E_INFO_REC_RANGE, "size", top);
	begin();
	end();
	hdr()->total_size = top + 4; /* 4 stray bytes: not even a record header */
	FAILS(E_INFO_END, "total_size", top + 8);
	begin();
	rec(0x7777, 16, NULL, 0);
	hdr()->total_size = top + 4;
	FAILS(E_INFO_REC_RANGE, "total_size", top + 8);
}

static void test_end(void)
{
	begin();
	cmdline("x", 1);
	hdr()->total_size = top; /* no END */
	FAILS(E_INFO_END, "total_size", top);
	begin();
	hdr()->total_size = top; /* nothing at all */
	FAILS(E_INFO_END, "total_size", top);
	begin();
	rec(ASLRBOOT_REC_END, 8, NULL, 0);
	cmdline("x", 1); /* a record after END */
	hdr()->total_size = top;
	FAILS(E_INFO_END, "total_size", top);
}

static void short_fixed(uint32_t type, uint32_t size)
{
	begin();
	rec(type, size, NULL, 0);
	end();
	FAILS(E_INFO_REC_SHORT, "size", top);
}

static void table(uint32_t type, uint32_t fixed, uint32_t count, uint32_t esz, uint32_t room,
		  const char *field, int line)
{
	uint8_t body[256] = { 0 };

	begin();
	memcpy(body, &count, 4);
	memcpy(body + 4, &esz, 4);
	rec(type, fixed + room, body, fixed - 8 + room);
	end();
	expect_fail(LDR_E_INFO_REC_SHORT, field, top, line);
}

static void test_short_records(void)
{
	short_fixed(ASLRBOOT_REC_LOADER, 48);
	short_fixed(ASLRBOOT_REC_SEED, 80);
	short_fixed(ASLRBOOT_REC_MEMMAP, 8);
	short_fixed(ASLRBOOT_REC_LAYOUT, 32);
	short_fixed(ASLRBOOT_REC_CMDLINE, 8);
	short_fixed(ASLRBOOT_REC_MODULE, 32);
	short_fixed(ASLRBOOT_REC_ACPI_RSDP, 16);
	short_fixed(ASLRBOOT_REC_TIMINGS, 16);
	short_fixed(ASLRBOOT_REC_ENTROPY, 8);
	short_fixed(ASLRBOOT_REC_UNITS, 16);
	short_fixed(ASLRBOOT_REC_MEASURE, 40);
	table(ASLRBOOT_REC_MEMMAP, 16, 3, 24, 48, "count", __LINE__);
	table(ASLRBOOT_REC_MEMMAP, 16, 1, 16, 24, "entry_size", __LINE__);
	table(ASLRBOOT_REC_MEMMAP, 16, 1, 28, 32, "entry_size", __LINE__);
	table(ASLRBOOT_REC_LAYOUT, 40, 2, 64, 64, "count", __LINE__);
	table(ASLRBOOT_REC_ENTROPY, 16, 3, 0, 32, "count", __LINE__);  /* 1.0: 16 each */
	table(ASLRBOOT_REC_ENTROPY, 16, 2, 24, 32, "count", __LINE__); /* grown entries */
	table(ASLRBOOT_REC_ENTROPY, 16, 1, 8, 16, "entry_size", __LINE__);
	table(ASLRBOOT_REC_ENTROPY, 16, 1, 20, 24, "entry_size", __LINE__);
	table(ASLRBOOT_REC_UNITS, 24, 2, 48, 88, "count", __LINE__);
	table(ASLRBOOT_REC_UNITS, 24, 1, 40, 48, "entry_size", __LINE__);
	table(ASLRBOOT_REC_UNITS, 24, 1, 52, 56, "entry_size", __LINE__);
	table(ASLRBOOT_REC_UNITS, 24, 0xffffffffu, 48, 48, "count", __LINE__);
	table(ASLRBOOT_REC_MEASURE, 48, 2, 128, 128, "count", __LINE__);
	table(ASLRBOOT_REC_MEASURE, 48, 1, 120, 128, "entry_size", __LINE__);
	table(ASLRBOOT_REC_MEASURE, 48, 1, 132, 136, "entry_size", __LINE__);
	table(ASLRBOOT_REC_TIMINGS, 24, 10, 0, 40, "count", __LINE__);
	table(ASLRBOOT_REC_TIMINGS, 24, 0xffffffffu, 0, 80, "count", __LINE__);
}

/* ENTROPY entries are stepped by entry_size: 0 (a 1.0 block) means 16, and
 * grown entries (a later minor) pass when count of them fit. */
static void test_entropy_entry_size(void)
{
	static const uint32_t cases[][3] = { { 0, 2, 32 }, { 16, 2, 32 }, { 24, 2, 48 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t body[64] = { 0 };
		struct aslrboot_rec_entropy e = { .entry_size = cases[i][0] };

		memcpy(body, &cases[i][1], 4);
		memcpy(body + 4, &cases[i][0], 4);
		begin();
		rec(ASLRBOOT_REC_ENTROPY, 16 + cases[i][2], body, 8 + cases[i][2]);
		end();
		EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
		EXPECT_EQ(handoff_entropy_entry_size(&e), cases[i][0] ? cases[i][0] : 16);
	}
}

static void test_strings_and_names(void)
{
	struct aslrboot_rec_loader lo;
	uint8_t body[64];

	begin();
	cmdline("abcdefg", 7);
	((uint8_t *)mem)[top - 1] = 'z'; /* overwrite the NUL (8 + 8 + 7 = 23 bytes) */
	end();
	FAILS(E_INFO_REC_SHORT, "length", top);
	begin();
	cmdline("abc", 0xffffffffu);
	end();
	FAILS(E_INFO_REC_SHORT, "length", top);
	begin();
	cmdline("abc", 2); /* byte 2 is 'c', not the NUL */
	end();
	FAILS(E_INFO_REC_SHORT, "length", top);

	memset(body, 0, sizeof(body));
	body[24] = 9; /* string_length 9, only 8 bytes of room */
	begin();
	rec(ASLRBOOT_REC_MODULE, 48, body, 40);
	end();
	FAILS(E_INFO_REC_SHORT, "string_length", top);

	memset(&lo, 'a', sizeof(lo));
	begin();
	rec(ASLRBOOT_REC_LOADER, sizeof(lo), BODY(lo), BODYLEN(lo));
	end();
	FAILS(E_INFO_REC_SHORT, "name", top);

	struct aslrboot_rec_layout ly = { .count = 1, .entry_size = 64 };
	struct aslrboot_region g;
	memset(&g, 'n', sizeof(g));
	begin();
	uint32_t at = rec(ASLRBOOT_REC_LAYOUT, 104, BODY(ly), BODYLEN(ly));
	memcpy((uint8_t *)mem + at + 40, &g, sizeof(g));
	end();
	FAILS(E_INFO_REC_SHORT, "region name", top);
}

/* A UNITS record of the given units, entries esz bytes apart (a later minor
 * may grow them); returns its offset in the block. */
static uint32_t units_rec(const struct aslrboot_unit *u, uint32_t n, uint32_t esz)
{
	uint8_t body[16 + 4 * 64] = { 0 };
	uint32_t gran = ASLRBOOT_GRANULARITY_SECTION;

	memcpy(body, &n, 4);
	memcpy(body + 4, &esz, 4);
	memcpy(body + 8, &gran, 4);
	for (uint32_t i = 0; i < n; i++)
		memcpy(body + 16 + i * esz, &u[i], sizeof(u[i]));
	return rec(ASLRBOOT_REC_UNITS, 24 + n * esz, body, 16 + n * esz);
}

/* The units accessor steps by entry_size, and handoff_unit_at finds the
 * unit holding a link address: inside, at the first and last byte, not in
 * the gaps, below the first or past the last unit. */
static void test_units(void)
{
	static const struct aslrboot_unit u[3] = {
		{ .link = 0x1000, .size = 0x10, .virt = 0xffff800000001000, .index = 1 },
		{ .link = 0x1010, .size = 0x2f0, .virt = 0xffff800000345010, .index = 2 },
		{ .link = 0x5000, .size = 0x1001, .virt = 0xffff800000777000, .index = 7 },
	};
	static const struct {
		uint64_t link;
		int unit; /* -1: none */
	} probe[] = {
		{ 0, -1 },     { 0xfff, -1 }, { 0x1000, 0 },  { 0x100f, 0 },
		{ 0x1010, 1 }, { 0x12ff, 1 }, { 0x1300, -1 }, { 0x4fff, -1 },
		{ 0x5000, 2 }, { 0x6000, 2 }, { 0x6001, -1 }, { ~0ull, -1 },
	};

	for (uint32_t esz = 48; esz <= 64; esz += 16) {
		begin();
		cmdline("a", 1);
		uint32_t at = units_rec(u, 3, esz);
		end();
		EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
		const struct aslrboot_rec_units *r = handoff_units(mem);
		REQUIRE(r);
		EXPECT_EQ((const uint8_t *)r - (const uint8_t *)mem, at);
		EXPECT_EQ(r->count, 3);
		EXPECT_EQ(r->granularity, ASLRBOOT_GRANULARITY_SECTION);
		for (uint32_t i = 0; i < 3; i++)
			EXPECT(memcmp(handoff_unit(r, i), &u[i], sizeof(u[i])) == 0);
		for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
			const struct aslrboot_unit *got = handoff_unit_at(r, probe[i].link);
			if (probe[i].unit < 0)
				EXPECT(got == NULL);
			else
				EXPECT(got == handoff_unit(r, (uint32_t)probe[i].unit));
		}
	}
	/* No units at all: nothing holds any address. */
	begin();
	units_rec(u, 0, 48);
	end();
	EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
	REQUIRE(handoff_units(mem));
	EXPECT(handoff_unit_at(handoff_units(mem), 0x1000) == NULL);
	/* A block from before 1.3 has none. */
	valid();
	EXPECT(handoff_units(mem) == NULL);
}

/* A MEASURE record of n entries esz bytes apart; returns its offset. */
static uint32_t measure_rec(const struct aslrboot_measurement *e, uint32_t n, uint32_t esz)
{
	static uint8_t body[40 + 3 * 160];
	uint64_t log = 0x123000;

	memset(body, 0, sizeof(body));
	memcpy(body, &n, 4);
	memcpy(body + 4, &esz, 4);
	memcpy(body + 8, &log, 8);
	for (uint32_t i = 0; i < n; i++)
		memcpy(body + 40 + i * esz, &e[i], sizeof(e[i]));
	return rec(ASLRBOOT_REC_MEASURE, 48 + n * esz, body, 40 + n * esz);
}

/* The measurement accessor steps by entry_size; a description without its
 * NUL is refused (a reader prints them as C strings). */
static void test_measure(void)
{
	static struct aslrboot_measurement e[2] = {
		{ .pcr = 9, .event_type = ASLRBOOT_TCG_EV_IPL, .size = 5, .description = "k" },
		{ .pcr = 12, .event_type = ASLRBOOT_TCG_EV_IPL, .size = 7, .description = "c" },
	};

	for (uint32_t esz = 128; esz <= 160; esz += 32) {
		begin();
		uint32_t at = measure_rec(e, 2, esz);
		end();
		EXPECT_ERR(handoff_check(mem, top, NULL), LDR_OK);
		const struct aslrboot_rec_measure *m = handoff_measure(mem);
		REQUIRE(m);
		EXPECT_EQ((const uint8_t *)m - (const uint8_t *)mem, at);
		EXPECT_EQ(m->event_log, 0x123000);
		for (uint32_t i = 0; i < 2; i++)
			EXPECT(memcmp(handoff_measurement(m, i), &e[i], sizeof(e[i])) == 0);
	}
	memset(e[1].description, 'x', sizeof(e[1].description));
	begin();
	uint32_t at = measure_rec(e, 2, 128);
	end();
	FAILS(E_INFO_REC_SHORT, "description", top);
	struct ldr_diag d;
	EXPECT_ERR(handoff_check(mem, top, &d), LDR_E_INFO_REC_SHORT);
	EXPECT_EQ(d.index, at);
	EXPECT_EQ(d.value, 1); /* the entry's index */
	/* No TPM: no record. */
	valid();
	EXPECT(handoff_measure(mem) == NULL);
}

/* The diagnostic names the record by its byte offset (for hex dumps). */
static void test_diag_line(void)
{
	struct ldr_diag d;
	char line[200];

	begin();
	cmdline("a", 1);
	rec_raw(0x7777, 12, NULL, 0, 16);
	end();
	EXPECT_ERR(handoff_check(mem, top, &d), LDR_E_INFO_REC_SIZE);
	ldr_format_diag(line, sizeof(line), "boot info", &d);
	EXPECT(strcmp(line, "error: boot info: record at offset 64: size = 0xc: boot-info record "
			    "size < 8 or not a multiple of 8 [E_INFO_REC_SIZE]") == 0);
}

int main(void)
{
	RUN(test_skips_unknown);
	RUN(test_newer_minor);
	RUN(test_older_minor);
	RUN(test_bad_header);
	RUN(test_bad_record_size);
	RUN(test_end);
	RUN(test_short_records);
	RUN(test_entropy_entry_size);
	RUN(test_strings_and_names);
	RUN(test_units);
	RUN(test_measure);
	RUN(test_diag_line);
	return harness_done();
}
