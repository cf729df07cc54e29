/* SPDX-License-Identifier: MIT */
/*
 * Tiny test harness.  A test file defines `static void test_x(void)` functions
 * and a main() that calls RUN(test_x) for each, then returns harness_done().
 * Each RUN prints "ok name" or "FAIL name: file:line: message"; harness_done()
 * prints "RESULT passed=N failed=M" for scripts/run-tests.sh.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

extern int harness_case_failed;

void harness_run(const char *name, void (*fn)(void));
int harness_done(void);
void harness_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define RUN(fn) harness_run(#fn, fn)

/* The whole file at path in a malloc'd buffer (*size bytes); NULL if it
 * cannot be read or is empty. */
uint8_t *harness_read_file(const char *path, size_t *size);

#define EXPECT(cond)                                                            \
	do {                                                                    \
		if (!(cond))                                                    \
			harness_fail(__FILE__, __LINE__, "expected %s", #cond); \
	} while (0)

#define EXPECT_EQ(a, b)                                                                           \
	do {                                                                                      \
		uint64_t ea_ = (uint64_t)(a), eb_ = (uint64_t)(b);                                \
		if (ea_ != eb_)                                                                   \
			harness_fail(__FILE__, __LINE__, "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, \
				     #a, #b, ea_, eb_);                                           \
	} while (0)

/* Compare enum ldr_err values and print both names. */
#define EXPECT_ERR(got, want)                                                         \
	do {                                                                          \
		int eg_ = (int)(got), ew_ = (int)(want);                              \
		if (eg_ != ew_)                                                       \
			harness_fail(__FILE__, __LINE__, "%s: got %s, want %s", #got, \
				     ldr_errname((enum ldr_err)eg_),                  \
				     ldr_errname((enum ldr_err)ew_));                 \
	} while (0)

/* Abort the current test case (after a failed EXPECT) */
#define REQUIRE(cond)                                                           \
	do {                                                                    \
		if (!(cond)) {                                                  \
			harness_fail(__FILE__, __LINE__, "required %s", #cond); \
			return;                                                 \
		}                                                               \
	} while (0)

/* Little-endian fields of a byte image at any alignment (no UB). */
static inline uint32_t g32(const uint8_t *p, uint32_t off)
{
	uint32_t v;
	__builtin_memcpy(&v, p + off, 4);
	return v;
}

static inline uint64_t g64(const uint8_t *p, uint32_t off)
{
	uint64_t v;
	__builtin_memcpy(&v, p + off, 8);
	return v;
}

#endif
