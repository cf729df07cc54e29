/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <stdarg.h>

int harness_case_failed;
static int n_passed, n_failed;
static const char *current;

void harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	if (harness_case_failed < 10) {
		printf("FAIL %s: %s:%d: ", current ? current : "?", file, line);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	harness_case_failed++;
}

void harness_run(const char *name, void (*fn)(void))
{
	current = name;
	harness_case_failed = 0;
	fn();
	if (harness_case_failed) {
		n_failed++;
	} else {
		n_passed++;
		printf("ok %s\n", name);
	}
	fflush(stdout);
	current = NULL;
}

int harness_done(void)
{
	printf("RESULT passed=%d failed=%d\n", n_passed, n_failed);
	return n_failed ? 1 : 0;
}
