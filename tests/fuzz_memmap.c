// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: memmap_normalize over arbitrary raw entries, then a
 * series of memmap_set calls.  Never crashes; the output is always sorted,
 * non-overlapping, merged, with page-aligned USABLE entries; a failing
 * memmap_set leaves the map unchanged.  Then (flags bit 0, maps of <= 48
 * entries) layout_plan on the final map: any map may give E_NO_SPACE, but
 * never E_LAYOUT (a broken invariant or an undersized internal array), a
 * crash, or a page-table pool that is not the exact count.
 *
 * Input: [count byte] [flags byte: 0 layout, 1 aslr_off, 2 allow_1g] then
 * count * 3 (capped) entries of 17 bytes (base, len, type byte; type bit 7
 * squeezes base/len into a small range so entries overlap often), then
 * 8-byte memmap_set operations (page index u32, page count u16, shift of
 * the page index, type byte).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memmap_check.h"
#include "loader/layout/layout.h"
#include "loader/memmap.h"

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void check(const struct memmap *m)
{
	if (memmap_invariant_error(m))
		abort();
}

/* A small PIE kernel: text, rodata, data with RELRO. */
static void fuzz_layout(const struct memmap *mm, const uint8_t key[32], uint8_t flags)
{
	static struct layout_plan plan;
	static const struct boot_range avoid[] = { { 0x100000, 0x200000 } };
	struct elf_image img = {
		.nsegs = 3,
		.link_end = 0x6000,
		.max_align = 0x1000,
		.entry = 0x10,
		.has_relro = true,
		.relro_start = 0x4000,
		.relro_end = 0x5000,
		.segs = { { .page_start = 0, .page_end = 0x2000, .flags = ELF_PF_R | ELF_PF_X },
			  { .page_start = 0x2000, .page_end = 0x4000, .flags = ELF_PF_R },
			  { .page_start = 0x4000,
			    .page_end = 0x6000,
			    .flags = ELF_PF_R | ELF_PF_W } },
	};
	struct layout_request req = { .img = &img,
				      .info_size = 0x3000,
				      .aslr_off = flags & 2,
				      .allow_1g = flags & 4,
				      .avoid = avoid,
				      .avoid_count = 1 };
	struct rand_drbg rng;
	struct ldr_diag d;
	enum ldr_err err;

	rand_drbg_init(&rng, key, RAND_DOMAIN_LAYOUT);
	err = layout_plan(&req, mm, &rng, &plan, &d);
	if (err != LDR_OK && err != LDR_E_NO_SPACE)
		abort();
	if (!err && plan.pt_pages != pt_count_tables(plan.map, plan.map_count, req.allow_1g))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mm_entry raw[BOOT_MAX_MMAP + 1];
	static struct memmap mm, before;
	struct ldr_diag d;
	uint32_t n = 0;

	uint8_t flags, key[32] = { 0 };

	if (size < 2)
		return 0;
	n = data[0] * 3u; /* up to 765: exercises the count check too */
	flags = data[1];
	memcpy(key, data, size < 32 ? size : 32);
	data += 2, size -= 2;
	if (n > (BOOT_MAX_MMAP + 1))
		n = BOOT_MAX_MMAP + 1;
	if (n > size / 17)
		n = (uint32_t)(size / 17);
	for (uint32_t i = 0; i < n; i++, data += 17, size -= 17) {
		uint8_t t = data[16];
		raw[i] = (struct mm_entry){ get64(data), get64(data + 8), t & 0x7f };
		if (t & 0x80) {
			raw[i].base &= 0xfffff;
			raw[i].len &= 0x3ffff;
		}
	}
	if (memmap_normalize(raw, n, &mm, &d) != LDR_OK) {
		if (d.err != LDR_E_MEMMAP)
			abort();
		return 0;
	}
	check(&mm);
	if (memmap_total(&mm, ASLRBOOT_MEM_USABLE) & 0xfff)
		abort();
	for (; size >= 8; data += 8, size -= 8) {
		uint64_t page = (uint64_t)get32(data) << (data[6] & 0x3f); /* may wrap */
		uint64_t base = page << 12, len = (uint64_t)(data[4] | data[5] << 8) << 12;
		uint32_t type = data[7] % 12u;
		bool found = false;
		enum ldr_err err;

		before = mm;
		err = memmap_set(&mm, base, len, type);
		check(&mm);
		if (err && memcmp(&before, &mm, sizeof(mm)))
			abort();
		if (err || !len)
			continue;
		for (uint32_t i = 0; i < mm.count; i++) /* the range now has that type */
			if (mm.e[i].base <= base && base - mm.e[i].base < mm.e[i].len)
				found = mm.e[i].type == type;
		if (!found)
			abort();
	}
	if (flags & 1)
		fuzz_layout(&mm, key, flags);
	return 0;
}
