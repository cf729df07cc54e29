/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for loader/bootparams.c: the kernel command line (from
 * an untrusted config file) through bp_cmdline with and without the seed
 * argument, into a buffer of a fuzzed size; and a fuzzed raw memory map
 * through memmap_normalize + bp_e820_from_memmap + bp_build.  Invariants:
 * no out-of-bounds access (ASan), the result is NUL-terminated at *len
 * inside the buffer, the seed argument follows argv[0], e820 stays sorted
 * and within its cap.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/protos/bootparams.h"

static void fuzz_cmdline(const uint8_t *data, size_t size)
{
	static const uint32_t words[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t cap = size >= 2 ? (size_t)(data[0] | data[1] << 8) % 600 + 1 : 1, len = 0;
	char *out = malloc(cap);
	const char *cl = size >= 2 ? (const char *)data + 2 : NULL;
	size_t n = size >= 2 ? size - 2 : 0;

	for (int seed = 0; seed < 2; seed++) {
		if (bp_cmdline(out, cap, cl, n, seed ? words : NULL, &len, NULL) == LDR_OK) {
			if (len >= cap || out[len] || strlen(out) != len)
				abort();
			if (seed && !strstr(out, " random.seed=[0x00000001 "))
				abort();
		}
	}
	free(out);
}

static void fuzz_e820(const uint8_t *data, size_t size)
{
	static struct mm_entry raw[BOOT_MAX_MMAP];
	static struct memmap mm;
	static struct bp_e820 e[BP_E820_MAX];
	static uint8_t page[BP_SIZE];
	uint32_t n = 0, count = 0;

	for (size_t off = 0; off + 17 <= size && n < BOOT_MAX_MMAP; off += 17, n++) {
		memcpy(&raw[n].base, data + off, 8);
		memcpy(&raw[n].len, data + off + 8, 8);
		raw[n].type = data[off + 16] % 12;
	}
	if (memmap_normalize(raw, n, &mm, NULL) ||
	    bp_e820_from_memmap(&mm, e, BP_E820_MAX, &count, NULL))
		return;
	for (uint32_t i = 1; i < count; i++)
		if (e[i].addr < e[i - 1].addr + e[i - 1].size &&
		    e[i - 1].addr + e[i - 1].size > e[i - 1].addr)
			abort();
	struct bp_input in = {
		.cmdline = 0x1000, .cmdline_size = 1, .e820 = e, .e820_count = count
	};
	if (bp_build(page, sizeof(page), &in, NULL) || page[BP_E820_ENTRIES] != count)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] & 1)
		fuzz_e820(data + 1, size - 1);
	else
		fuzz_cmdline(data, size);
	return 0;
}
