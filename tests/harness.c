/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>

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

uint8_t *harness_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*size = buf ? (size_t)n : 0;
	fclose(f);
	return buf;
}
