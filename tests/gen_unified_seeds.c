/* SPDX-License-Identifier: MIT */
/*
 * Seeds for fuzz_unified, written at build time into the directory given:
 * small synthetic unified images (pe_gen.c) with every kind of section, a
 * plain stub, and a few with one field broken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pe_gen.h"

static int write_seed(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char modstr[] = "initrd.img rw\0fw.bin";
	static const struct pe_gen_section full[] = {
		{ ".kernel", "\177ELF", 4, 0 },
		{ ".cmdline", "console=ttyS0", 13, 0 },
		{ ".config", "verbose=1\n", 10, 0 },
		{ ".mod0", "zero", 4, 0 },
		{ ".mod1", "one", 3, 0 },
		{ ".modstr", modstr, sizeof(modstr), 0 },
	};
	static const struct pe_gen_section plain[] = { { ".data", "data", 4, 0xc0000040 } };
	size_t n;
	uint8_t *b;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_unified_seeds DIR\n");
		return 2;
	}
	b = pe_gen(full, 6, &n);
	rc |= write_seed(argv[1], "full.efi", b, n);
	pe_gen_put32(b, pe_gen_section_header(b, ".mod1") + 1, 0x33646f6d); /* ".mod3": a gap */
	rc |= write_seed(argv[1], "gap.efi", b, n);
	free(b);
	b = pe_gen(full, 1, &n);
	rc |= write_seed(argv[1], "kernel-only.efi", b, n);
	free(b);
	b = pe_gen(plain, 1, &n);
	rc |= write_seed(argv[1], "plain.efi", b, n);
	free(b);
	return rc;
}
