/* SPDX-License-Identifier: MIT */
/* The Multiboot 2 tag list (spec 2.0 section 3.6); mb2_walk bounds every tag. */
#include "mbi_int.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MMAP_ENTRY_MIN 24u

/* A NUL inside [p, p+len): the string tags carry their own bound. */
static enum ldr_err tag_string(const uint8_t *p, uint32_t len, const char **out, const char *what,
			       int64_t idx, struct ldr_diag *d)
{
	for (uint32_t i = 0; i < len && i <= MB_MAX_STRING; i++) {
		if (!p[i]) {
			*out = (const char *)p;
			return LDR_OK;
		}
	}
	return ldr_fail(d, LDR_E_CMDLINE, what, idx, "size", len);
}

static enum ldr_err mb2_mmap(struct mb_info *out, const uint8_t *t, uint32_t size, uint32_t idx,
			     struct ldr_diag *d)
{
	uint32_t esz;
	enum ldr_err err;

	if (size < 16)
		return ldr_fail(d, LDR_E_MBI_TAG_SIZE, "multiboot2 tag", idx, "size", size);
	esz = rd_le32(t + 8);
	if (esz < MB2_MMAP_ENTRY_MIN || esz % 8)
		return ldr_fail(d, LDR_E_MMAP_ENTRY_SIZE, "memory-map tag", idx, "entry_size", esz);
	/* A trailing partial entry is an error, not something to round away. */
	if ((size - 16) % esz)
		return ldr_fail(d, LDR_E_MMAP_ENTRY_RANGE, "memory-map tag", idx, "size", size);
	for (uint32_t off = 16; off < size; off += esz) {
		const uint8_t *e = t + off;
		if ((err = mbi_mm_add(out, rd_le64(e), rd_le64(e + 8), rd_le32(e + 16), d)))
			return err;
	}
	return LDR_OK;
}

static void mb2_acpi(struct mb_info *out, uint64_t pa, const uint8_t *t, uint32_t size)
{
	int rev = mb_rsdp_check(t + 8, size - 8);
	/* A valid ACPI 2.0+ copy beats a 1.0 one; a bad checksum is ignored
	 * (the BIOS scan may still find the original). */
	if (rev >= 0 && (!out->rsdp || (uint32_t)rev > out->rsdp_rev)) {
		out->rsdp = pa + 8;
		out->rsdp_rev = (uint32_t)rev;
	}
}

static enum ldr_err mb2_module(struct mb_info *out, mb_access_fn acc, void *ctx, const uint8_t *t,
			       uint32_t size, uint32_t idx, struct ldr_diag *d)
{
	enum ldr_err err;

	if (size < 17) /* type, size, mod_start, mod_end, at least the NUL */
		return ldr_fail(d, LDR_E_MBI_TAG_SIZE, "multiboot2 tag", idx, "size", size);
	if ((err = mbi_mod_add(out, rd_le32(t + 8), rd_le32(t + 12), acc, ctx, d)))
		return err;
	return tag_string(t + 16, size - 16, &out->mods[out->mod_count - 1].string, "module",
			  out->mod_count, d);
}

/* One tag at offset `off` of the block `b` (its bounds already checked). */
static enum ldr_err mb2_tag(struct mb_info *out, uint64_t pa, const uint8_t *t, uint32_t type,
			    uint32_t size, uint32_t idx, mb_access_fn acc, void *ctx,
			    uint32_t *seen, struct ldr_diag *d)
{
	if (type == MB2_TAG_CMDLINE || type == MB2_TAG_LOADER_NAME || type == MB2_TAG_MMAP ||
	    type == MB2_TAG_MEMINFO) {
		if (*seen & (1u << type))
			return ldr_fail(d, LDR_E_MBI_TAG_DUP, "multiboot2 tag", idx, "type", type);
		*seen |= 1u << type;
	}
	switch (type) {
	case MB2_TAG_CMDLINE: return tag_string(t + 8, size - 8, &out->cmdline, "cmdline", -1, d);
	case MB2_TAG_LOADER_NAME:
		return tag_string(t + 8, size - 8, &out->loader_name, "boot_loader_name", -1, d);
	case MB2_TAG_MODULE: return mb2_module(out, acc, ctx, t, size, idx, d);
	case MB2_TAG_MMAP: return mb2_mmap(out, t, size, idx, d);
	case MB2_TAG_MEMINFO:
		if (size < 16)
			return ldr_fail(d, LDR_E_MBI_TAG_SIZE, "multiboot2 tag", idx, "size", size);
		return LDR_OK; /* only used when there is no mmap tag, below */
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW: mb2_acpi(out, pa, t, size); return LDR_OK;
	default: return LDR_OK; /* unknown tags are skipped (spec 3.6.1) */
	}
}

/* total_size within [16, cap], every tag >= 8 bytes, 8-aligned, inside
 * total_size, and an END tag before the block ends. */
static enum ldr_err mb2_walk(struct mb_info *out, uint64_t mbi_pa, const uint8_t *b, uint32_t total,
			     mb_access_fn acc, void *ctx, const uint8_t **meminfo,
			     struct ldr_diag *d)
{
	uint32_t off = 8, seen = 0;
	enum ldr_err err;

	for (uint32_t i = 0;; i++) {
		uint32_t type, size;
		if (total - off < 8)
			return ldr_fail(d, LDR_E_MBI_NO_END, "multiboot2 tag", i, "offset", off);
		type = rd_le32(b + off);
		size = rd_le32(b + off + 4);
		if (size < 8)
			return ldr_fail(d, LDR_E_MBI_TAG_SIZE, "multiboot2 tag", i, "size", size);
		if (size > total - off)
			return ldr_fail(d, LDR_E_MBI_TAG_RANGE, "multiboot2 tag", i, "size", size);
		if (type == MB2_TAG_END)
			return LDR_OK;
		if (type == MB2_TAG_MEMINFO)
			*meminfo = b + off;
		err = mb2_tag(out, mbi_pa + off, b + off, type, size, i, acc, ctx, &seen, d);
		if (err)
			return err;
		/* Next tag at the 8-byte boundary; off + size <= total <= cap. */
		off += (size + 7) & ~7u;
		if (off > total)
			return ldr_fail(d, LDR_E_MBI_NO_END, "multiboot2 tag", i + 1, "offset",
					off);
	}
}

enum ldr_err mb2_parse(uint64_t mbi_pa, mb_access_fn acc, void *ctx, struct mb_info *out,
		       struct ldr_diag *d)
{
	const uint8_t *b, *meminfo_tag = NULL;
	uint32_t total;
	enum ldr_err err;

	mbi_info_init(out, 2);
	if (mbi_pa & 7)
		return ldr_fail(d, LDR_E_MBI_ALIGN, "multiboot information", -1, "address", mbi_pa);
	b = acc(ctx, mbi_pa, 8);
	if (!b)
		return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "address", mbi_pa);
	total = rd_le32(b);
	if (total < 16 || total > MB2_MAX_TOTAL)
		return ldr_fail(d, LDR_E_MBI_TOTAL, "multiboot information", -1, "total_size",
				total);
	b = acc(ctx, mbi_pa, total);
	if (!b)
		return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "total_size", total);
	mbi_span_add(out, mbi_pa, total);
	if ((err = mb2_walk(out, mbi_pa, b, total, acc, ctx, &meminfo_tag, d)))
		return err;
	if (!out->mmap_count && meminfo_tag)
		err = mbi_meminfo(out, rd_le32(meminfo_tag + 8), rd_le32(meminfo_tag + 12), d);
	if (!err && !out->mmap_count)
		return ldr_fail(d, LDR_E_MMAP_ABSENT, "multiboot information", -1, NULL, 0);
	return err;
}
