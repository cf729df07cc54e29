// SPDX-License-Identifier: MIT
/*
 * Host tool: gen_fixtures <dir> writes the elfgen images as files for tests
 * that take a path (aslrboot-inspect, QEMU negative boots, fuzz seeds):
 *   bad-<case>.elf + bad.list    "<file> <E_CODE>" per malformed case
 *   good-<name>.elf + good.list  "<file>" per image elf_parse(policy 0) accepts
 *                                (for its own machine: x86-64, one AArch64)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"

static int write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

static FILE *open_list(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")))
		perror(path);
	return f;
}

static int write_bad(const char *dir)
{
	const struct elfgen_case *cs;
	size_t n = elfgen_bad_cases(&cs), sz;
	FILE *list = open_list(dir, "bad.list");
	char name[128];

	if (!list)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = cs[i].build(&sz);

		snprintf(name, sizeof(name), "bad-%s.elf", cs[i].name);
		if (write_file(dir, name, p, sz))
			return -1;
		fprintf(list, "%s %s\n", name, ldr_errname(cs[i].err));
		free(p);
	}
	return fclose(list);
}

static int write_good(const char *dir)
{
	static const struct {
		const char *name;
		uint16_t machine, type;
		uint64_t base;
		enum elfgen_hash hash;
	} good[] = {
		{ "good-elfgen-default.elf", EM_X86_64, ET_DYN, 0, ELFGEN_HASH_SYSV },
		{ "good-elfgen-gnuhash.elf", EM_X86_64, ET_DYN, 0, ELFGEN_HASH_GNU },
		{ "good-elfgen-exec.elf", EM_X86_64, ET_EXEC, 0x400000, ELFGEN_HASH_SYSV },
		{ "good-elfgen-aarch64.elf", EM_AARCH64, ET_DYN, 0, ELFGEN_HASH_SYSV },
	};
	FILE *list = open_list(dir, "good.list");
	struct elfgen_spec sp;
	size_t sz;

	if (!list)
		return -1;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint8_t *p;

		elfgen_spec_for(&sp, good[i].machine);
		sp.type = good[i].type;
		sp.base = good[i].base;
		sp.hash = good[i].hash;
		p = elfgen_build(&sp, &sz);
		if (write_file(dir, good[i].name, p, sz))
			return -1;
		fprintf(list, "%s\n", good[i].name);
		free(p);
	}
	return fclose(list);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <dir>\n", argv[0]);
		return 2;
	}
	if (write_bad(argv[1]) || write_good(argv[1]))
		return 1;
	return 0;
}
