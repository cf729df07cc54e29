/* SPDX-License-Identifier: MIT */
/*
 * The ACPI RSDP: validate a candidate (ACPI 6.5 section 5.2.5.3) and find
 * one the BIOS way (section 5.2.5.1) when the boot loader gave no copy.
 */
#include "mbi.h"

#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u
#define RSDP_MAX_LEN 4096u /* sanity cap on the 2.0 `length` field */
#define EBDA_LO 0x80000u
#define EBDA_HI 0xa0000u
#define BIOS_LO 0xe0000u
#define BIOS_HI 0x100000u

static uint8_t sum8(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

int mb_rsdp_check(const uint8_t *p, uint64_t avail)
{
	uint32_t len;

	if (avail < RSDP_V1_LEN || __builtin_memcmp(p, "RSD PTR ", 8) || sum8(p, RSDP_V1_LEN))
		return -1;
	if (p[15] < 2)
		return 0;
	if (avail < RSDP_V2_LEN)
		return -1;
	__builtin_memcpy(&len, p + 20, sizeof(len));
	if (len < RSDP_V2_LEN || len > RSDP_MAX_LEN || len > avail || sum8(p, len))
		return -1;
	return p[15];
}

static uint64_t scan(uint64_t base, uint64_t len, mb_access_fn acc, void *ctx, uint32_t *rev)
{
	const uint8_t *p = acc(ctx, base, len);

	if (!p)
		return 0;
	for (uint64_t off = 0; off + RSDP_V1_LEN <= len; off += 16) {
		int r = mb_rsdp_check(p + off, len - off);
		if (r >= 0) {
			*rev = (uint32_t)r;
			return base + off;
		}
	}
	return 0;
}

uint64_t mb_rsdp_scan(uint64_t ebda, mb_access_fn acc, void *ctx, uint32_t *rev)
{
	uint64_t r = 0;

	if (ebda >= EBDA_LO && ebda < EBDA_HI && !(ebda & 15))
		r = scan(ebda, ebda + 1024 <= EBDA_HI ? 1024 : EBDA_HI - ebda, acc, ctx, rev);
	if (!r)
		r = scan(BIOS_LO, BIOS_HI - BIOS_LO, acc, ctx, rev);
	return r;
}
