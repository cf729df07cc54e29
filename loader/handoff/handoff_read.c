/* SPDX-License-Identifier: MIT */
/*
 * Boot-info reader.  Freestanding, no libc: the test kernel compiles this
 * file as is.  The block is untrusted here (a kernel cannot know who wrote
 * it), so every size is checked before it is used, and for the record types
 * this version knows, every count and string too: after handoff_check a
 * reader indexes arrays and reads strings without further checks.
 * Rules: PROTOCOL.md "Reading the block".
 */
#include <stdbool.h>
#include <stddef.h>

#include "handoff_read.h"

#define REC_WHAT "record at offset"

/* Bytes a known record type needs before its variable part. */
static uint64_t fixed_size(uint32_t type)
{
	switch (type) {
	case ASLRBOOT_REC_LOADER: return sizeof(struct aslrboot_rec_loader);
	case ASLRBOOT_REC_SEED: return sizeof(struct aslrboot_rec_seed);
	case ASLRBOOT_REC_MEMMAP: return sizeof(struct aslrboot_rec_memmap);
	case ASLRBOOT_REC_LAYOUT: return sizeof(struct aslrboot_rec_layout);
	case ASLRBOOT_REC_CMDLINE: return sizeof(struct aslrboot_rec_cmdline);
	case ASLRBOOT_REC_MODULE: return sizeof(struct aslrboot_rec_module);
	case ASLRBOOT_REC_ACPI_RSDP: return sizeof(struct aslrboot_rec_acpi);
	case ASLRBOOT_REC_TIMINGS: return offsetof(struct aslrboot_rec_timings, tsc);
	case ASLRBOOT_REC_ENTROPY: return sizeof(struct aslrboot_rec_entropy);
	case ASLRBOOT_REC_UNITS: return sizeof(struct aslrboot_rec_units);
	case ASLRBOOT_REC_MEASURE: return sizeof(struct aslrboot_rec_measure);
	default: return sizeof(struct aslrboot_record);
	}
}

static enum ldr_err short_rec(struct ldr_diag *d, uint64_t off, const char *field, uint64_t v)
{
	return ldr_fail(d, LDR_E_INFO_REC_SHORT, REC_WHAT, (int64_t)off, field, v);
}

/* `count` entries of `entry` bytes fit after the `fixed` part. */
static bool array_fits(const struct aslrboot_record *r, uint64_t fixed, uint32_t count,
		       uint64_t entry)
{
	return count <= (r->size - fixed) / entry;
}

/* Tables that carry their own entry_size: at least what this version knows,
 * a multiple of 8 so entries stay aligned, and count of them fit. */
static enum ldr_err check_table(const struct aslrboot_record *r, uint64_t off, uint32_t count,
				uint32_t entry_size, uint64_t known, struct ldr_diag *d)
{
	if (entry_size < known || entry_size % 8)
		return short_rec(d, off, "entry_size", entry_size);
	if (!array_fits(r, fixed_size(r->type), count, entry_size))
		return short_rec(d, off, "count", count);
	return LDR_OK;
}

/* `len` bytes and their NUL right after the fixed part. */
static enum ldr_err check_string(const struct aslrboot_record *r, uint64_t off, uint32_t len,
				 const char *field, struct ldr_diag *d)
{
	uint64_t fixed = fixed_size(r->type);
	const char *s = (const char *)r + fixed;

	if (len >= r->size - fixed || s[len] != '\0')
		return short_rec(d, off, field, len);
	return LDR_OK;
}

static enum ldr_err check_layout(const struct aslrboot_rec_layout *l, uint64_t off,
				 struct ldr_diag *d)
{
	enum ldr_err err = check_table(&l->hdr, off, l->count, l->entry_size,
				       sizeof(struct aslrboot_region), d);
	const uint8_t *p = (const uint8_t *)(l + 1);

	for (uint32_t i = 0; !err && i < l->count; i++, p += l->entry_size) {
		const struct aslrboot_region *g = (const struct aslrboot_region *)p;
		if (g->name[sizeof(g->name) - 1] != '\0')
			err = short_rec(d, off, "region name", i);
	}
	return err;
}

static enum ldr_err check_measure(const struct aslrboot_rec_measure *m, uint64_t off,
				  struct ldr_diag *d)
{
	enum ldr_err err = check_table(&m->hdr, off, m->count, m->entry_size,
				       sizeof(struct aslrboot_measurement), d);

	for (uint32_t i = 0; !err && i < m->count; i++) {
		const struct aslrboot_measurement *e = handoff_measurement(m, i);
		if (e->description[sizeof(e->description) - 1] != '\0')
			err = short_rec(d, off, "description", i);
	}
	return err;
}

/* Contents of the record types this version knows; unknown types pass. */
static enum ldr_err check_record(const struct aslrboot_record *r, uint64_t off, struct ldr_diag *d)
{
	const struct aslrboot_rec_loader *lo = (const void *)r;
	const struct aslrboot_rec_entropy *en = (const void *)r;
	const struct aslrboot_rec_memmap *mm = (const void *)r;
	const struct aslrboot_rec_cmdline *cl = (const void *)r;
	const struct aslrboot_rec_module *mo = (const void *)r;
	const struct aslrboot_rec_timings *ti = (const void *)r;
	const struct aslrboot_rec_units *un = (const void *)r;

	if (r->size < fixed_size(r->type))
		return short_rec(d, off, "size", r->size);
	switch (r->type) {
	case ASLRBOOT_REC_LOADER:
		if (lo->name[sizeof(lo->name) - 1] || lo->version[sizeof(lo->version) - 1])
			return short_rec(d, off, "name", 0);
		return LDR_OK;
	case ASLRBOOT_REC_ENTROPY:
		return check_table(r, off, en->count, handoff_entropy_entry_size(en),
				   sizeof(struct aslrboot_entropy_entry), d);
	case ASLRBOOT_REC_MEMMAP:
		return check_table(r, off, mm->count, mm->entry_size,
				   sizeof(struct aslrboot_mmap_entry), d);
	case ASLRBOOT_REC_LAYOUT:
		return check_layout((const struct aslrboot_rec_layout *)r, off, d);
	case ASLRBOOT_REC_CMDLINE: return check_string(r, off, cl->length, "length", d);
	case ASLRBOOT_REC_MODULE:
		return check_string(r, off, mo->string_length, "string_length", d);
	case ASLRBOOT_REC_TIMINGS:
		/* tsc[] holds `count` values; a reader uses min(count, its own). */
		if (!array_fits(r, fixed_size(r->type), ti->count, sizeof(uint64_t)))
			return short_rec(d, off, "count", ti->count);
		return LDR_OK;
	case ASLRBOOT_REC_UNITS:
		return check_table(r, off, un->count, un->entry_size, sizeof(struct aslrboot_unit),
				   d);
	case ASLRBOOT_REC_MEASURE:
		return check_measure((const struct aslrboot_rec_measure *)r, off, d);
	default: return LDR_OK;
	}
}

static enum ldr_err check_header(const struct aslrboot_info *h, uint64_t len, struct ldr_diag *d)
{
	if (!h || ((uintptr_t)h & 7))
		return ldr_fail(d, LDR_E_INFO_ALIGN, NULL, -1, "address", (uintptr_t)h);
	/* Only the 1.0 fields are read here: a 1.0 or 1.1 header is 32 bytes. */
	if (len < ASLRBOOT_INFO_SIZE_1_0)
		return ldr_fail(d, LDR_E_INFO_HEADER, NULL, -1, "len", len);
	if (h->magic != ASLRBOOT_MAGIC)
		return ldr_fail(d, LDR_E_INFO_MAGIC, NULL, -1, "magic", h->magic);
	if (h->version >> 16 != ASLRBOOT_VERSION_MAJOR)
		return ldr_fail(d, LDR_E_INFO_VERSION, NULL, -1, "version", h->version);
	if (h->header_size < ASLRBOOT_INFO_SIZE_1_0 || h->header_size % 8)
		return ldr_fail(d, LDR_E_INFO_HEADER, NULL, -1, "header_size", h->header_size);
	if (h->total_size < h->header_size || h->total_size > len)
		return ldr_fail(d, LDR_E_INFO_HEADER, NULL, -1, "total_size", h->total_size);
	return LDR_OK;
}

enum ldr_err handoff_check(const void *info, uint64_t len, struct ldr_diag *diag)
{
	const struct aslrboot_info *h = info;
	enum ldr_err err = check_header(h, len, diag);
	uint64_t off;

	if (err)
		return err;
	for (off = h->header_size; off < h->total_size;) {
		const struct aslrboot_record *r = (const void *)((const uint8_t *)info + off);
		uint64_t left = h->total_size - off;

		if (left < sizeof(*r))
			return ldr_fail(diag, LDR_E_INFO_REC_RANGE, REC_WHAT, (int64_t)off,
					"total_size", h->total_size);
		if (r->size < sizeof(*r) || r->size % 8)
			return ldr_fail(diag, LDR_E_INFO_REC_SIZE, REC_WHAT, (int64_t)off, "size",
					r->size);
		if (r->size > left)
			return ldr_fail(diag, LDR_E_INFO_REC_RANGE, REC_WHAT, (int64_t)off, "size",
					r->size);
		if ((err = check_record(r, off, diag)))
			return err;
		if (r->type == ASLRBOOT_REC_END) {
			if (r->size != left) /* END is last: total_size ends with it */
				return ldr_fail(diag, LDR_E_INFO_END, REC_WHAT, (int64_t)off,
						"total_size", h->total_size);
			return LDR_OK;
		}
		off += r->size;
	}
	return ldr_fail(diag, LDR_E_INFO_END, NULL, -1, "total_size", h->total_size);
}

const struct aslrboot_record *handoff_find(const void *info, uint32_t type,
					   const struct aslrboot_record *prev)
{
	const struct aslrboot_info *h = info;
	const uint8_t *base = info;
	uint64_t off =
		prev ? (uint64_t)((const uint8_t *)prev - base) + prev->size : h->header_size;

	while (off < h->total_size && h->total_size - off >= sizeof(struct aslrboot_record)) {
		const struct aslrboot_record *r = (const void *)(base + off);

		if (r->size < sizeof(*r) || r->size % 8 || r->size > h->total_size - off)
			return NULL;
		if (r->type == type)
			return r;
		if (r->type == ASLRBOOT_REC_END)
			return NULL;
		off += r->size;
	}
	return NULL;
}

const struct aslrboot_unit *handoff_unit_at(const struct aslrboot_rec_units *u, uint64_t link)
{
	uint32_t lo = 0, hi = u->count;

	/* The last unit whose link is <= link, then whether link is inside it. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (handoff_unit(u, mid)->link <= link)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct aslrboot_unit *e = handoff_unit(u, lo - 1);
	return link - e->link < e->size ? e : NULL;
}
