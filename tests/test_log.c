/* SPDX-License-Identifier: MIT */
/* log.c: every conversion, width/flags, literal unknowns, truncation, the
 * exact diagnostic line, and the console prefix rules. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "loader/log.h"
#include "loader/platform.h"

static char out[512];

/* No format attribute: lets the tests pass conversions -Wformat rejects. */
static size_t fmt(size_t n, const char *f, ...)
{
	va_list ap;
	size_t r;

	va_start(ap, f);
	r = ldr_vsnprintf(out, n, f, ap);
	va_end(ap);
	return r;
}

#define FMT(want, ...)                                                                             \
	do {                                                                                       \
		size_t r_ = fmt(sizeof(out), __VA_ARGS__);                                         \
		if (strcmp(out, want) != 0 || r_ != strlen(want))                                  \
			harness_fail(__FILE__, __LINE__, "got \"%s\" (%zu), want \"%s\"", out, r_, \
				     want);                                                        \
	} while (0)

static void test_integers(void)
{
	FMT("42 -5 0", "%d %d %d", 42, -5, 0);
	FMT("-2147483648 2147483647", "%d %i", INT_MIN, INT_MAX);
	FMT("4294967295", "%u", UINT_MAX);
	FMT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	FMT("ffffffffffffffff", "%lx", ULONG_MAX);
	FMT("ffffffffffffffff", "%llx", ULLONG_MAX);
	FMT("18446744073709551615", "%lu", ULONG_MAX);
	FMT("18446744073709551615", "%llu", ULLONG_MAX);
	FMT("-9223372036854775808", "%ld", LONG_MIN);
	FMT("-9223372036854775808 9223372036854775807", "%lld %lld", LLONG_MIN, LLONG_MAX);
	FMT("18446744073709551615 -3", "%zu %zd", SIZE_MAX, (ptrdiff_t)-3);
	FMT("1f", "%zx", (size_t)31);
}

static void test_width_flags(void)
{
	FMT("      42|", "%8d|", 42);
	FMT("00000042|", "%08d|", 42);
	FMT("-0000042|", "%08d|", -42);
	FMT("     -42|", "%8d|", -42);
	FMT("42      |", "%-8d|", 42);
	FMT("0000000000001000", "%016llx", 0x1000ull);
	FMT("12345", "%3d", 12345); /* width never truncates */
	FMT("   ab|ab   |", "%5s|%-5s|", "ab", "ab");
	FMT("0x00001000", "%010p", (void *)0x1000);
}

static void test_chars_strings_pointers(void)
{
	char want[64];

	FMT("x=A", "x=%c", 'A');
	FMT("hello", "%s", "hello");
	FMT("(null)", "%s", (const char *)NULL);
	FMT("100%", "100%%");
	FMT("0x0", "%p", (void *)NULL);
	snprintf(want, sizeof(want), "0x%lx", (unsigned long)(uintptr_t)out);
	FMT(want, "%p", (void *)out);
	/* untrusted text cannot move the cursor or start a line */
	FMT("a?[2Jb?c?", "%s", "a\x1b[2Jb\nc\x7f");
	FMT("caf\xc3\xa9", "%s", "caf\xc3\xa9"); /* UTF-8 passes */
}

/* Unknown conversions are printed as written and consume no argument. */
static void test_unknown_literal(void)
{
	FMT("%q 7", "%q %d", 7);
	FMT("%08w 7", "%08w %d", 7);
	FMT("%f 7", "%f %d", 7);
	FMT("%hd 7", "%hd %d", 7);
	FMT("end %", "end %");
	FMT("end %5", "end %5");
	FMT("end %ll", "end %ll");
	FMT("%lll", "%lll");
}

static void test_width_cap(void)
{
	size_t r = fmt(sizeof(out), "%0100d", 1);

	EXPECT_EQ(r, 64);
	EXPECT_EQ(strlen(out), 64);
	EXPECT_EQ(out[63], '1');
	EXPECT_EQ(out[0], '0');
}

static void test_truncation(void)
{
	memset(out, '#', sizeof(out));
	EXPECT_EQ(fmt(5, "hello %s", "world"), 11);
	EXPECT(strcmp(out, "hell") == 0);
	EXPECT_EQ(out[5], '#');
	memset(out, '#', sizeof(out));
	EXPECT_EQ(fmt(1, "%d", 12345), 5);
	EXPECT_EQ(out[0], '\0');
	EXPECT_EQ(out[1], '#');
	memset(out, '#', sizeof(out));
	EXPECT_EQ(fmt(0, "abc"), 3);
	EXPECT_EQ(out[0], '#');
	EXPECT_EQ(ldr_snprintf(NULL, 0, "%s", "abcd"), 4);
	memset(out, '#', sizeof(out));
	EXPECT_EQ(fmt(7, "%016llx", 0xabcull), 16);
	EXPECT(strcmp(out, "000000") == 0);
}

static void diag_is(const char *file, struct ldr_diag d, const char *want, int line)
{
	char buf[256];
	size_t r = ldr_format_diag(buf, sizeof(buf), file, &d);

	if (strcmp(buf, want) != 0 || r != strlen(want))
		harness_fail(__FILE__, line, "got \"%s\", want \"%s\"", buf, want);
}
#define DIAG(file, want, ...) diag_is(file, (struct ldr_diag){ __VA_ARGS__, 0 }, want, __LINE__)

static void test_format_diag(void)
{
	DIAG("kernel.elf",
	     "error: kernel.elf: program header 3: p_filesz = 0x2000: p_filesz > p_memsz [E_FILESZ]",
	     LDR_E_FILESZ, "program header", 3, "p_filesz", 0x2000);
	DIAG("kernel.elf", "error: kernel.elf: e_ident = 0x464c457f: bad ELF magic [E_NOT_ELF]",
	     LDR_E_NOT_ELF, NULL, -1, "e_ident", 0x464c457f);
	DIAG("kernel.elf", "error: kernel.elf: e_ident = 0x0: bad ELF magic [E_NOT_ELF]",
	     LDR_E_NOT_ELF, NULL, 5, "e_ident", 0);
	DIAG("k", "error: k: segment: no loadable segment [E_NO_LOAD]", LDR_E_NO_LOAD, "segment",
	     -1, NULL, 0);
	DIAG("k", "error: k: file shorter than an ELF64 header [E_TRUNCATED]", LDR_E_TRUNCATED,
	     NULL, -1, NULL, 7);
	DIAG(NULL,
	     "error: relocation 0: r_type = 0xffffffffffffffff: unsupported relocation type [E_RELOC_TYPE]",
	     LDR_E_RELOC_TYPE, "relocation", 0, "r_type", 0xffffffffffffffffull);
	DIAG("k", "error: k: unknown error [E_UNKNOWN]", (enum ldr_err)9999, NULL, -1, NULL, 0);
	DIAG("a\nb", "error: a?b: out of memory [E_NOMEM]", LDR_E_NOMEM, NULL, -1, NULL, 0);
	/* E_NO_SPACE with a known shortfall says how much is missing. */
	diag_is("k",
		(struct ldr_diag){ .err = LDR_E_NO_SPACE,
				   .what = "heap",
				   .index = -1,
				   .field = "physical size",
				   .value = 0x8000000,
				   .short_by = 0x1234000 },
		"error: k: heap: physical size = 0x8000000: no room: 0x1234000 bytes short [E_NO_SPACE]",
		__LINE__);

	char small[20];
	struct ldr_diag d = { LDR_E_FILESZ, "program header", 3, "p_filesz", 0x2000, 0 };
	EXPECT_EQ(
		ldr_format_diag(small, sizeof(small), "kernel.elf", &d),
		strlen("error: kernel.elf: program header 3: p_filesz = 0x2000: p_filesz > p_memsz [E_FILESZ]"));
	EXPECT(strcmp(small, "error: kernel.elf: ") == 0);
}

/* ---- console ---- */
static char con[4096];
static size_t con_len;
static unsigned con_calls;

static void capture(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n <= sizeof(con) - 1 - con_len) {
		memcpy(con + con_len, s, n);
		con_len += n;
		con[con_len] = '\0';
	}
	con_calls++;
}

static struct platform_ops ops = { .console_write = capture };

static void con_reset(void)
{
	log_init(&ops);
	con_len = 0;
	con[0] = '\0';
	con_calls = 0;
}

#define CON(want)                                                                            \
	do {                                                                                 \
		if (strcmp(con, want) != 0)                                                  \
			harness_fail(__FILE__, __LINE__, "console \"%s\", want \"%s\"", con, \
				     want);                                                  \
		con_reset();                                                                 \
	} while (0)

static void test_console_prefix(void)
{
	con_reset();
	log_printf("hello %d\n", 1);
	CON("aslrboot: hello 1\n");
	log_printf("a\nb\n");
	CON("aslrboot: a\naslrboot: b\n");
	log_printf("abc");
	log_printf("def\n");
	CON("aslrboot: abcdef\n");
	log_printf("aslrboot: already\n"); /* callers that spell the prefix get one */
	CON("aslrboot: already\n");
	log_printf("aslr");
	log_printf("aslx\n");
	CON("aslrboot: aslraslx\n"); /* a partial prefix is settled at the end of the call */
	log_printf("aslrx\n");
	CON("aslrboot: aslrx\n");
	log_printf("\n");
	CON("aslrboot: \n");
	log_printf("%s\n", "x\naslrboot: forged"); /* one line, not two */
	CON("aslrboot: x?aslrboot: forged\n");
}

static void test_console_long_and_diag(void)
{
	char want[1024];
	char line[400];

	con_reset();
	memset(line, 'z', 300);
	line[300] = '\0';
	log_printf("%s%s\n", line, line);
	snprintf(want, sizeof(want), "aslrboot: %s%s\n", line, line);
	EXPECT(con_calls >= 5); /* 128-byte chunks */
	CON(want);

	struct ldr_diag d = { LDR_E_FILESZ, "program header", 3, "p_filesz", 0x2000, 0 };
	log_diag("kernel.elf", &d);
	CON("aslrboot: error: kernel.elf: program header 3: p_filesz = 0x2000: p_filesz > p_memsz [E_FILESZ]\n");
	log_printf("loading...");
	log_diag("k", &(struct ldr_diag){ LDR_E_NOMEM, NULL, -1, NULL, 0, 0 });
	CON("aslrboot: loading...\naslrboot: error: k: out of memory [E_NOMEM]\n");
	log_diag("k", NULL);
	CON("aslrboot: error: k: ok [OK]\n");
}

static void test_console_absent(void)
{
	struct platform_ops none = { 0 };

	log_init(NULL);
	log_printf("dropped %d\n", 1);
	log_diag("k", NULL);
	log_init(&none);
	log_printf("dropped\n");
	EXPECT_EQ(con_len, 0);
	EXPECT_EQ(con_calls, 0);
}

int main(void)
{
	RUN(test_integers);
	RUN(test_width_flags);
	RUN(test_chars_strings_pointers);
	RUN(test_unknown_literal);
	RUN(test_width_cap);
	RUN(test_truncation);
	RUN(test_format_diag);
	RUN(test_console_prefix);
	RUN(test_console_long_and_diag);
	RUN(test_console_absent);
	return harness_done();
}
