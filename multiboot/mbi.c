/* SPDX-License-Identifier: MIT */
/*
 * Multiboot 1 (spec 0.6.96 section 3.3) and Multiboot 2 (spec 2.0 section
 * 3.6) information walkers.  Every field is read with memcpy (no alignment
 * is assumed), every size is checked against its container with overflow-
 * safe arithmetic, and every pointer goes through the accessor.
 */
#include "mbi.h"

#include "../loader/addr.h"

#define MB1_F_MEM (1u << 0)
#define MB1_F_CMDLINE (1u << 2)
#define MB1_F_MODS (1u << 3)
#define MB1_F_MMAP (1u << 6)
#define MB1_INFO_READ 52u         /* flags .. mmap_addr: the fields we read */
#define MB1_MMAP_ENTRY_MIN 20u    /* size field excluded: base, length, type */
#define MB1_MMAP_MAX_LEN (64u << 10)
#define MB1_MOD_SIZE 16u

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MMAP_ENTRY_MIN 24u

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t mem_type(uint32_t mb_type)
{
	switch (mb_type) {
	case 1: return ASLRBOOT_MEM_USABLE;
	case 3: return ASLRBOOT_MEM_ACPI_RECLAIMABLE;
	case 4: return ASLRBOOT_MEM_ACPI_NVS;
	case 5: return ASLRBOOT_MEM_BAD;
	default: return ASLRBOOT_MEM_RESERVED;
	}
}

/* F2: a zero-length entry says nothing; a wrapping USABLE entry is garbage
 * and is dropped (never trusted for placement); a wrapping reserved entry is
 * clipped at 2^64 - 1, which only reserves more. */
static enum ldr_err mm_add(struct mb_info *out, uint64_t base, uint64_t len, uint32_t mb_type,
			   struct ldr_diag *d)
{
	uint32_t type = mem_type(mb_type);
	uint64_t end;

	if (!range_end(base, len, &end))
		len = type == ASLRBOOT_MEM_USABLE ? 0 : UINT64_MAX - base;
	if (!len) {
		out->mmap_dropped++;
		return LDR_OK;
	}
	if (out->mmap_count == BOOT_MAX_MMAP)
		return ldr_fail(d, LDR_E_MMAP_TOO_MANY, "memory map", out->mmap_count, "entries",
				out->mmap_count + 1);
	out->mmap[out->mmap_count++] = (struct mm_entry){ base, len, type };
	return LDR_OK;
}

enum ldr_err mb_string(uint64_t pa, uint32_t max, mb_access_fn acc, void *ctx, const char **out,
		       uint32_t *len)
{
	const char *start = NULL;
	uint64_t n = 0;

	/* Page by page: the accessor only answers for whole ranges. */
	while (n <= max) {
		uint64_t a, chunk;
		const char *p;
		if (__builtin_add_overflow(pa, n, &a))
			return LDR_E_STR_RANGE;
		chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		if (chunk > (uint64_t)max + 1 - n)
			chunk = (uint64_t)max + 1 - n;
		p = acc(ctx, a, chunk);
		while (!p && chunk > 1) /* memory may end just after the NUL */
			p = acc(ctx, a, chunk /= 2);
		if (!p)
			return LDR_E_STR_RANGE;
		if (!start)
			start = p;
		else if (p != start + n) /* not contiguous in our view */
			return LDR_E_STR_RANGE;
		for (uint64_t i = 0; i < chunk; i++) {
			if (!p[i]) {
				*out = start;
				*len = (uint32_t)(n + i);
				return LDR_OK;
			}
		}
		n += chunk;
	}
	return LDR_E_CMDLINE;
}

static enum ldr_err string_at(uint64_t pa, mb_access_fn acc, void *ctx, const char **out,
			      const char *what, int64_t idx, struct ldr_diag *d)
{
	uint32_t len;
	enum ldr_err err = mb_string(pa, MB_MAX_STRING, acc, ctx, out, &len);
	return err ? ldr_fail(d, err, what, idx, "string", pa) : LDR_OK;
}

/* F4: [start, end) must be non-empty, below the cap and readable. */
static enum ldr_err mod_add(struct mb_info *out, uint64_t start, uint64_t end, mb_access_fn acc,
			    void *ctx, struct ldr_diag *d)
{
	int64_t i = out->mod_count;
	struct mb_module *m;

	if (out->mod_count == MB_MAX_MODS)
		return ldr_fail(d, LDR_E_MOD_COUNT, "modules", -1, "count", out->mod_count + 1);
	if (end < start)
		return ldr_fail(d, LDR_E_MOD_ORDER, "module", i, "mod_end", end);
	if (end == start)
		return ldr_fail(d, LDR_E_MOD_EMPTY, "module", i, "mod_end", end);
	if (end - start > MB_MAX_MODULE_SIZE)
		return ldr_fail(d, LDR_E_MOD_TOO_BIG, "module", i, "size", end - start);
	if (!acc(ctx, start, end - start))
		return ldr_fail(d, LDR_E_MOD_RANGE, "module", i, "mod_start", start);
	m = &out->mods[out->mod_count++];
	m->start = start;
	m->size = end - start;
	m->string = "";
	return LDR_OK;
}

static void span_add(struct mb_info *out, uint64_t base, uint64_t len)
{
	if (out->span_count < MB_MAX_SPANS && len)
		out->spans[out->span_count++] = (struct boot_range){ base, len };
}

static void info_init(struct mb_info *out, uint32_t proto)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->proto = proto;
}

/* ---- Multiboot 1 ---- */

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
	span_add(out, pa, len);
	/* Each entry is {size, base, length, type}; step by size + 4 (spec 3.3). */
	for (uint32_t off = 0, i = 0; off < len; i++) {
		uint32_t size;
		if (len - off < 4)
			return ldr_fail(d, LDR_E_MMAP_ENTRY_RANGE, "memory-map entry", i, "offset", off);
		size = rd32(buf + off);
		if (size < MB1_MMAP_ENTRY_MIN)
			return ldr_fail(d, LDR_E_MMAP_ENTRY_SIZE, "memory-map entry", i, "size", size);
		if (size > len - off - 4)
			return ldr_fail(d, LDR_E_MMAP_ENTRY_RANGE, "memory-map entry", i, "size", size);
		err = mm_add(out, rd64(buf + off + 4), rd64(buf + off + 12), rd32(buf + off + 20), d);
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
	span_add(out, pa, (uint64_t)count * MB1_MOD_SIZE);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = arr + i * MB1_MOD_SIZE;
		uint32_t str = rd32(e + 8);
		if ((err = mod_add(out, rd32(e), rd32(e + 4), acc, ctx, d)))
			return err;
		if (str && (err = string_at(str, acc, ctx, &out->mods[i].string, "module", i, d)))
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

	info_init(out, 1);
	if (!m)
		return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "address", mbi_pa);
	span_add(out, mbi_pa, MB1_INFO_READ);
	flags = rd32(m);
	if (flags & MB1_F_MMAP) {
		err = mb1_mmap(out, rd32(m + 48), rd32(m + 44), acc, ctx, d);
	} else if (flags & MB1_F_MEM) {
		/* mem_lower from 0, mem_upper from 1 MiB, both in KiB (spec 3.3). */
		out->mmap_from_meminfo = true;
		err = mm_add(out, 0, (uint64_t)rd32(m + 4) << 10, 1, d);
		if (!err)
			err = mm_add(out, 1 << 20, (uint64_t)rd32(m + 8) << 10, 1, d);
	} else {
		return ldr_fail(d, LDR_E_MMAP_ABSENT, "multiboot information", -1, "flags", flags);
	}
	if (!err && (flags & MB1_F_CMDLINE))
		err = string_at(rd32(m + 16), acc, ctx, &out->cmdline, "cmdline", -1, d);
	if (!err && (flags & MB1_F_MODS))
		err = mb1_mods(out, rd32(m + 24), rd32(m + 20), acc, ctx, d);
	return err;
}

/* ---- Multiboot 2 ---- */

/* A NUL inside [p, p+len): the string tags carry their own bound (F5). */
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
	esz = rd32(t + 8);
	if (esz < MB2_MMAP_ENTRY_MIN || esz % 8)
		return ldr_fail(d, LDR_E_MMAP_ENTRY_SIZE, "memory-map tag", idx, "entry_size", esz);
	/* A trailing partial entry is an error, not something to round away. */
	if ((size - 16) % esz)
		return ldr_fail(d, LDR_E_MMAP_ENTRY_RANGE, "memory-map tag", idx, "size", size);
	for (uint32_t off = 16; off < size; off += esz) {
		const uint8_t *e = t + off;
		if ((err = mm_add(out, rd64(e), rd64(e + 8), rd32(e + 16), d)))
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

static enum ldr_err mb2_module(struct mb_info *out, mb_access_fn acc, void *ctx,
			       const uint8_t *t, uint32_t size, uint32_t idx, struct ldr_diag *d)
{
	enum ldr_err err;

	if (size < 17) /* type, size, mod_start, mod_end, at least the NUL */
		return ldr_fail(d, LDR_E_MBI_TAG_SIZE, "multiboot2 tag", idx, "size", size);
	if ((err = mod_add(out, rd32(t + 8), rd32(t + 12), acc, ctx, d)))
		return err;
	return tag_string(t + 16, size - 16, &out->mods[out->mod_count - 1].string, "module",
			  out->mod_count - 1, d);
}

/* One tag at offset `off` of the block `b` (its bounds already checked). */
static enum ldr_err mb2_tag(struct mb_info *out, uint64_t pa, const uint8_t *t, uint32_t type,
			    uint32_t size, uint32_t idx, mb_access_fn acc, void *ctx, uint32_t *seen,
			    struct ldr_diag *d)
{
	if (type < 32 && (type == MB2_TAG_CMDLINE || type == MB2_TAG_MMAP ||
			  type == MB2_TAG_MEMINFO)) {
		if (*seen & (1u << type))
			return ldr_fail(d, LDR_E_MBI_TAG_DUP, "multiboot2 tag", idx, "type", type);
		*seen |= 1u << type;
	}
	switch (type) {
	case MB2_TAG_CMDLINE:
		return tag_string(t + 8, size - 8, &out->cmdline, "cmdline", -1, d);
	case MB2_TAG_MODULE:
		return mb2_module(out, acc, ctx, t, size, idx, d);
	case MB2_TAG_MMAP:
		return mb2_mmap(out, t, size, idx, d);
	case MB2_TAG_MEMINFO:
		if (size < 16)
			return ldr_fail(d, LDR_E_MBI_TAG_SIZE, "multiboot2 tag", idx, "size", size);
		return LDR_OK; /* only used when there is no mmap tag, below */
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_acpi(out, pa, t, size);
		return LDR_OK;
	default:
		return LDR_OK; /* unknown tags are skipped (spec 3.6.1) */
	}
}

/* F1: total_size within [16, cap], every tag >= 8 bytes, 8-aligned, inside
 * total_size, and an END tag before the block ends. */
static enum ldr_err mb2_walk(struct mb_info *out, uint64_t mbi_pa, const uint8_t *b,
			     uint32_t total, mb_access_fn acc, void *ctx, const uint8_t **meminfo,
			     struct ldr_diag *d)
{
	uint32_t off = 8, seen = 0;
	enum ldr_err err;

	for (uint32_t i = 0;; i++) {
		uint32_t type, size;
		if (total - off < 8)
			return ldr_fail(d, LDR_E_MBI_NO_END, "multiboot2 tag", i, "offset", off);
		type = rd32(b + off);
		size = rd32(b + off + 4);
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
			return ldr_fail(d, LDR_E_MBI_NO_END, "multiboot2 tag", i + 1, "offset", off);
	}
}

enum ldr_err mb2_parse(uint64_t mbi_pa, mb_access_fn acc, void *ctx, struct mb_info *out,
		       struct ldr_diag *d)
{
	const uint8_t *b, *meminfo = NULL;
	uint32_t total;
	enum ldr_err err;

	info_init(out, 2);
	if (mbi_pa & 7)
		return ldr_fail(d, LDR_E_MBI_ALIGN, "multiboot information", -1, "address", mbi_pa);
	b = acc(ctx, mbi_pa, 8);
	if (!b)
		return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "address", mbi_pa);
	total = rd32(b);
	if (total < 16 || total > MB2_MAX_TOTAL)
		return ldr_fail(d, LDR_E_MBI_TOTAL, "multiboot information", -1, "total_size", total);
	b = acc(ctx, mbi_pa, total);
	if (!b)
		return ldr_fail(d, LDR_E_MBI, "multiboot information", -1, "total_size", total);
	span_add(out, mbi_pa, total);
	if ((err = mb2_walk(out, mbi_pa, b, total, acc, ctx, &meminfo, d)))
		return err;
	if (!out->mmap_count && !out->mmap_dropped && meminfo) {
		out->mmap_from_meminfo = true;
		err = mm_add(out, 0, (uint64_t)rd32(meminfo + 8) << 10, 1, d);
		if (!err)
			err = mm_add(out, 1 << 20, (uint64_t)rd32(meminfo + 12) << 10, 1, d);
		return err;
	}
	if (!out->mmap_count && !out->mmap_dropped)
		return ldr_fail(d, LDR_E_MMAP_ABSENT, "multiboot information", -1, NULL, 0);
	return LDR_OK;
}

enum ldr_err mb_parse(uint32_t magic, uint64_t mbi_pa, mb_access_fn acc, void *ctx,
		      struct mb_info *out, struct ldr_diag *d)
{
	if (magic == MB1_BOOT_MAGIC)
		return mb1_parse(mbi_pa, acc, ctx, out, d);
	if (magic == MB2_BOOT_MAGIC)
		return mb2_parse(mbi_pa, acc, ctx, out, d);
	info_init(out, 0);
	return ldr_fail(d, LDR_E_MBI_MAGIC, "boot loader", -1, "eax", magic);
}
