/* SPDX-License-Identifier: MIT */
/* The loader's byte movers (elf_copy8, elf_zero8) against memcpy / memset at
 * every alignment of source and destination, short and page-sized lengths:
 * exactly the bytes asked for are written, nothing around them. */
#include <string.h>

#include "harness.h"
#include "elf/elf_int.h"

#define GUARD 24
#define MAXN (4096 + 40)

static uint8_t buf[MAXN + 2 * GUARD + 16], ref[sizeof(buf)], src[MAXN + 16];

static const uint64_t lens[] = { 0, 1, 7, 8, 9, 15, 16, 17, 63, 100, 4095, 4096, 4097, MAXN };

static void test_copy8(void)
{
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 131 + 7);
	for (unsigned d = 0; d < 16; d++)
		for (unsigned s = 0; s < 16; s++)
			for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
				uint64_t n = lens[k];

				memset(buf, 0xa5, sizeof(buf));
				memset(ref, 0xa5, sizeof(ref));
				elf_copy8(buf + GUARD + d, src + s, n);
				memcpy(ref + GUARD + d, src + s, n);
				EXPECT(!memcmp(buf, ref, sizeof(buf)));
				if (harness_case_failed) {
					printf("  dst +%u src +%u n %llu\n", d, s,
					       (unsigned long long)n);
					return;
				}
			}
}

static void test_zero8(void)
{
	for (unsigned d = 0; d < 16; d++)
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			uint64_t n = lens[k];

			memset(buf, 0xa5, sizeof(buf));
			memset(ref, 0xa5, sizeof(ref));
			elf_zero8(buf + GUARD + d, n);
			memset(ref + GUARD + d, 0, n);
			EXPECT(!memcmp(buf, ref, sizeof(buf)));
			if (harness_case_failed) {
				printf("  dst +%u n %llu\n", d, (unsigned long long)n);
				return;
			}
		}
}

int main(void)
{
	RUN(test_copy8);
	RUN(test_zero8);
	return harness_done();
}
