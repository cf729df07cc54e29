/* SPDX-License-Identifier: MIT */
/* The Multiboot 1 information structure (spec 0.6.96 section 3.3). */
#include "mbi_int.h"

#define MB1_F_MEM (1u << 0)
#define MB1_F_CMDLINE (1u << 2)
#define MB1_F_MODS (1u << 3)
#define MB1_F_MMAP (1u << 6)
#define MB1_F_LOADER_NAME (1u << 9)
#define MB1_INFO_READ 52u      /* flags .. mmap_addr: the fields we always read */
#define MB1_INFO_NAME 68u      /* .. boot_loader_name, if flags bit 9 */
#define MB1_MMAP_ENTRY_MIN 20u /* size field excluded: base, length, type */
#define MB1_MMAP_MAX_LEN (64u << 10)
#define MB1_MOD_SIZE 16u

static enum ldr_err mb1_mmap(struct mb_info *out, uint64_t pa, uint32_t len, mb_access_fn acc,
			     void *ctx, struct ldr_diag *d)
{
	const uint8_t *buf;
	enum ldr_err err;

	if (len > MB1_MMAP_MAX_LEN)
		return ldr_fail(d, LDR_E_MMAP_LENGTH, "memory map", -1, "mmap_length", len);
	buf = acc(ctx, pa, len);
	if (!buf)
		return ldr_fail(d, LDR_E_MBI, "memory map", -1, "mmap_addr", pa);
	mbi_span_add(out, pa, len);
	/* Each entry is {size, base, length, type}; step by size + 4 (spec 3.3). */
	for (uint32_t off = 0, i = 0; off < len; i++) {
		uint32_t size;
		if (len - off < 4)
			return ldr_fail(d, LDR_E_MMAP_ENTRY_RANGE, "memory-map entry", i, "offset",
					off);
		size = rd_le32(buf + off);
		if (size < MB1_MMAP_ENTRY_MIN)
			return ldr_fail(d, LDR_E_MMAP_ENTRY_SIZE, "memory-map entry", i, "size",
					size);
		if (size > len - off - 4)
			return ldr_fail(d, LDR_E_MMAP_ENTRY_RANGE, "memory-map entry", i, "size",
					size);
		err = mbi_mm_add(out, rd_le64(buf + off + 4), rd_le64(buf + off + 12),
				 rd_le32(buf + off + 20), d);
		if (err)
			return err;
		off += 4 + size;
	}
	return LDR_OK;
}

static enum ldr_err mb1_mods(struct mb_info *out, uint64_t pa, uint32_t count, mb_access_fn acc,
			     void *ctx, struct ldr_diag *d)
{
	const uint8_t *arr;
	enum ldr_err err;

	if (count > MB_MAX_MODS)
		return ldr_fail(d, LDR_E_MOD_COUNT, "modules", -1, "mods_count", count);
	if (!count)
		return LDR_OK;
	arr = acc(ctx, pa, (uint64_t)count * MB1_MOD_SIZE);
	if (!arr)
		return ldr_fail(d, LDR_E_MBI, "modules", -1, "mods_addr", pa);
	mbi_span_add(out, pa, (uint64_t)count * MB1_MOD_SIZE);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = arr + i * MB1_MOD_SIZE;
		uint32_t str = rd_le32(e + 8);
		if ((err = mbi_mod_add(out, rd_le32(e), rd_le32(e + 4), acc, ctx, d)))
			return err;
		if (str &&
		    (err = mbi_string_at(str, acc, ctx, &out->mods[i].string, "module", i + 1, d)))
			return err;
	}
	return LDR_OK;
}

enum ldr_err mb1_parse(uint64_t mbi_pa, mb_access_fn acc, void *ctx, struct mb_info *out,
		       struct ldr_diag *d)
{
	const uint8_t *m = acc(ctx, mbi_pa, MB1_INFO_READ);
	enum ldr_err err = LDR_OK;
	uint32_t flags;

	mbi_info_init(out, 1);
	if (!m)
		return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "address", mbi_pa);
	mbi_span_add(out, mbi_pa, MB1_INFO_READ);
	flags = rd_le32(m);
	if (flags & MB1_F_MMAP)
		err = mb1_mmap(out, rd_le32(m + 48), rd_le32(m + 44), acc, ctx, d);
	if (!err && !out->mmap_count && (flags & MB1_F_MEM))
		err = mbi_meminfo(out, rd_le32(m + 4), rd_le32(m + 8), d);
	if (!err && !out->mmap_count)
		return ldr_fail(d, LDR_E_MMAP_ABSENT, "multiboot information", -1, "flags", flags);
	if (!err && (flags & MB1_F_CMDLINE))
		err = mbi_string_at(rd_le32(m + 16), acc, ctx, &out->cmdline, "cmdline", -1, d);
	if (!err && (flags & MB1_F_MODS))
		err = mb1_mods(out, rd_le32(m + 24), rd_le32(m + 20), acc, ctx, d);
	if (!err && (flags & MB1_F_LOADER_NAME)) {
		m = acc(ctx, mbi_pa, MB1_INFO_NAME);
		if (!m)
			return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "flags", flags);
		err = mbi_string_at(rd_le32(m + 64), acc, ctx, &out->loader_name,
				    "boot_loader_name", -1, d);
	}
	return err;
}
