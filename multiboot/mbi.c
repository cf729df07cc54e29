/* SPDX-License-Identifier: MIT */
/*
 * Multiboot 1 (spec 0.6.96 section 3.3) and Multiboot 2 (spec 2.0 section
 * 3.6) information walkers: the pieces both use.  Every field is read with
 * memcpy (no alignment is assumed), every size is checked against its
 * container with overflow-safe arithmetic, and every pointer goes through
 * the accessor.  mb1.c and mb2.c walk the two formats.
 */
#include "mbi_int.h"

#include "../loader/addr.h"

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

static enum ldr_err mm_push(struct mb_info *out, uint64_t base, uint64_t len, uint32_t type,
			    struct ldr_diag *d)
{
	if (out->mmap_count == BOOT_MAX_MMAP)
		return ldr_fail(d, LDR_E_MMAP_TOO_MANY, "memory map", out->mmap_count, "entries",
				out->mmap_count + 1);
	out->mmap[out->mmap_count++] = (struct mm_entry){ base, len, type };
	return LDR_OK;
}

/* A zero-length entry says nothing; a wrapping USABLE entry is garbage
 * and is dropped (never trusted for placement); a wrapping reserved entry is
 * clipped at 2^64 - 1, which only reserves more.  The map is handed on in
 * whole pages: the partial pages at the ends of a USABLE entry (the BIOS's
 * 0x9f000-0x9fc00 below the EBDA) are listed as RESERVED, so they are
 * neither used nor lost from the map. */
enum ldr_err mbi_mm_add(struct mb_info *out, uint64_t base, uint64_t len, uint32_t mb_type,
			struct ldr_diag *d)
{
	uint32_t type = mem_type(mb_type);
	uint64_t end, head, tail;
	enum ldr_err err;

	if (!len) {
		out->mmap_empty++;
		return LDR_OK;
	}
	if (!range_end(base, len, &end))
		len = type == ASLRBOOT_MEM_USABLE ? 0 : UINT64_MAX - base;
	if (!len) { /* wrapping USABLE, or reserved at 2^64 - 1 */
		out->mmap_dropped++;
		return LDR_OK;
	}
	if (type != ASLRBOOT_MEM_USABLE)
		return mm_push(out, base, len, type, d);
	end = base + len;
	head = (base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	tail = end & ~(uint64_t)(PAGE_SIZE - 1);
	if (head < base || head >= tail) /* no whole page in it */
		return mm_push(out, base, len, ASLRBOOT_MEM_RESERVED, d);
	/* The edges only where there is room: a full map keeps its usable part. */
	if (head > base && out->mmap_count + 1 < BOOT_MAX_MMAP)
		mm_push(out, base, head - base, ASLRBOOT_MEM_RESERVED, d);
	if ((err = mm_push(out, head, tail - head, type, d)))
		return err;
	if (tail < end && out->mmap_count < BOOT_MAX_MMAP)
		mm_push(out, tail, end - tail, ASLRBOOT_MEM_RESERVED, d);
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

enum ldr_err mbi_string_at(uint64_t pa, mb_access_fn acc, void *ctx, const char **out,
			   const char *what, int64_t idx, struct ldr_diag *d)
{
	uint32_t len;
	enum ldr_err err = mb_string(pa, MB_MAX_STRING, acc, ctx, out, &len);
	/* Too long: its length is what is wrong; out of bounds: its address. */
	if (err == LDR_E_CMDLINE)
		return ldr_fail(d, err, what, idx, "length", (uint64_t)MB_MAX_STRING + 1);
	return err ? ldr_fail(d, err, what, idx, "string", pa) : LDR_OK;
}

/* A module [start, end) must be non-empty, below the cap and readable.  Messages
 * number modules from 1 (the kernel), as every other message does. */
enum ldr_err mbi_mod_add(struct mb_info *out, uint64_t start, uint64_t end, mb_access_fn acc,
			 void *ctx, struct ldr_diag *d)
{
	int64_t i = out->mod_count + 1;
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

static bool has_prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

bool mb_path_first(const struct mb_info *in)
{
	return !in->loader_name || !has_prefix(in->loader_name, "GRUB 2");
}

const char *mb_options(const struct mb_info *in)
{
	const char *s = in->cmdline, *w;

	if (!s)
		return "";
	while (*s == ' ' || *s == '\t')
		s++;
	if (!mb_path_first(in))
		return s;
	for (w = s; *w && *w != ' ' && *w != '\t'; w++)
		if (*w == '=')
			return s; /* an option: this loader did not prepend its path */
	while (*w == ' ' || *w == '\t')
		w++;
	return w;
}

void mbi_span_add(struct mb_info *out, uint64_t base, uint64_t len)
{
	if (out->span_count < MB_MAX_SPANS && len)
		out->spans[out->span_count++] = (struct boot_range){ base, len };
}

void mbi_info_init(struct mb_info *out, uint32_t proto)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->proto = proto;
}

/* mem_lower from 0, mem_upper from 1 MiB, both in KiB (MB1 spec 3.3, MB2
 * spec 3.6.8): only used when there is no memory map. */
enum ldr_err mbi_meminfo(struct mb_info *out, uint32_t lower, uint32_t upper, struct ldr_diag *d)
{
	enum ldr_err err = mbi_mm_add(out, 0, (uint64_t)lower << 10, 1, d);

	out->mmap_from_meminfo = true;
	return err ? err : mbi_mm_add(out, 1 << 20, (uint64_t)upper << 10, 1, d);
}

enum ldr_err mb_parse(uint32_t magic, uint64_t mbi_pa, mb_access_fn acc, void *ctx,
		      struct mb_info *out, struct ldr_diag *d)
{
	if (magic == MB1_BOOT_MAGIC)
		return mb1_parse(mbi_pa, acc, ctx, out, d);
	if (magic == MB2_BOOT_MAGIC)
		return mb2_parse(mbi_pa, acc, ctx, out, d);
	mbi_info_init(out, 0);
	return ldr_fail(d, LDR_E_MBI_MAGIC, "boot loader", -1, "eax", magic);
}
