/* SPDX-License-Identifier: MIT */
/* Whole-file reads for the host tools (aslrboot-inspect, aslrboot-unify). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

uint8_t *tool_read_file(const char *tool, const char *path, uint64_t max, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n = -1;

	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && (uint64_t)n <= max &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(n ? (size_t)n : 1)) &&
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	if (!buf && n >= 0 && (uint64_t)n > max)
		fprintf(stderr, "%s: %s: file larger than %llu GiB\n", tool, path,
			(unsigned long long)(max >> 30));
	else if (!buf)
		fprintf(stderr, "%s: %s: %s\n", tool, path, strerror(errno ? errno : EIO));
	*size = buf ? (size_t)n : 0;
	return buf;
}
