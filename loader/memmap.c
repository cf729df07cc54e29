// SPDX-License-Identifier: MIT
/*
 * Memory-map normalization: firmware maps may overlap, wrap or hold empty
 * entries, so they are repaired, never trusted as given.  The raw firmware
 * map is painted onto an empty map in ascending type priority, so wherever
 * entries overlap the most restrictive type wins regardless of input order.
 * Painting splits and merges as it goes, so the map is sorted,
 * non-overlapping and merged after every step; no scratch array is needed.
 */
#include "memmap.h"

#include "addr.h"
#include "libc.h"

/* Higher wins an overlap: anything beats USABLE; RESERVED and BAD beat all. */
static uint32_t type_prio(uint32_t type)
{
	switch (type) {
	case ASLRBOOT_MEM_USABLE: return 1;
	case ASLRBOOT_MEM_LOADER_RECLAIMABLE: return 2;
	case ASLRBOOT_MEM_ACPI_RECLAIMABLE: return 3;
	case ASLRBOOT_MEM_MODULE: return 4;
	case ASLRBOOT_MEM_KERNEL: return 5;
	case ASLRBOOT_MEM_FIRMWARE_RUNTIME: return 6;
	case ASLRBOOT_MEM_ACPI_NVS: return 7;
	case ASLRBOOT_MEM_RESERVED: return 8;
	case ASLRBOOT_MEM_BAD: return 9;
	default: return 0;
	}
}
#define PRIO_MAX 9

static uint64_t ent_end(const struct mm_entry *e)
{
	return e->base + e->len; /* never wraps: the map stores only clipped ranges */
}

/* Index of the first entry ending after `addr` (binary search). */
static uint32_t first_ending_after(const struct memmap *m, uint64_t addr)
{
	uint32_t lo = 0, hi = m->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ent_end(&m->e[mid]) > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * Set [base, end) (base < end) to `type`: entries i..j-1 overlap it and are
 * replaced by up to three pieces (left remnant, the new range, right
 * remnant), which also absorb same-type neighbours that touch them.
 * *covered tells whether an existing entry was overwritten.
 */
static enum ldr_err paint(struct memmap *m, uint64_t base, uint64_t end, uint32_t type,
			  bool *covered)
{
	struct mm_entry p[3];
	uint32_t i, j, n = 0, k;

	i = first_ending_after(m, base);
	for (j = i; j < m->count && m->e[j].base < end; j++)
		;
	*covered = j > i;
	if (j > i && m->e[i].base < base)
		p[n++] = (struct mm_entry){ m->e[i].base, base - m->e[i].base, m->e[i].type };
	p[n++] = (struct mm_entry){ base, end - base, type };
	if (j > i && ent_end(&m->e[j - 1]) > end)
		p[n++] = (struct mm_entry){ end, ent_end(&m->e[j - 1]) - end, m->e[j - 1].type };
	if (i > 0 && ent_end(&m->e[i - 1]) == p[0].base && m->e[i - 1].type == p[0].type) {
		i--;
		p[0].len += p[0].base - m->e[i].base;
		p[0].base = m->e[i].base;
	}
	if (j < m->count && m->e[j].base == ent_end(&p[n - 1]) && m->e[j].type == p[n - 1].type) {
		p[n - 1].len += m->e[j].len;
		j++;
	}
	/* Pieces of one type that touch (e.g. the new range and a remnant). */
	for (k = 1; k < n;) {
		if (p[k].type == p[k - 1].type) {
			p[k - 1].len += p[k].len;
			memmove(&p[k], &p[k + 1], (n - k - 1) * sizeof(p[0]));
			n--;
		} else {
			k++;
		}
	}
	if (m->count - (j - i) + n > MEMMAP_MAX)
		return LDR_E_MEMMAP;
	memmove(&m->e[i + n], &m->e[j], (m->count - j) * sizeof(m->e[0]));
	memcpy(&m->e[i], p, n * sizeof(p[0]));
	m->count = m->count - (j - i) + n;
	return LDR_OK;
}

enum ldr_err memmap_set(struct memmap *m, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t end;
	bool covered;

	if (!type_prio(type))
		return LDR_E_MEMMAP;
	if (!is_aligned(base, PAGE_SIZE) || !is_aligned(len, PAGE_SIZE) ||
	    !range_end(base, len, &end))
		return LDR_E_RANGE;
	if (!len)
		return LDR_OK;
	return paint(m, base, end, type, &covered);
}

/* Drop the partial pages of USABLE entries; drop entries that vanish. */
static void shrink_usable(struct memmap *m)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < m->count; i++) {
		struct mm_entry e = m->e[i];
		if (e.type == ASLRBOOT_MEM_USABLE) {
			uint64_t b, end = align_down(ent_end(&e), PAGE_SIZE);
			if (!align_up_checked(e.base, PAGE_SIZE, &b) || b >= end)
				continue;
			e.base = b;
			e.len = end - b;
		}
		m->e[o++] = e;
	}
	m->count = o;
}

enum ldr_err memmap_normalize(const struct mm_entry *raw, uint32_t n, struct memmap *out,
			      struct ldr_diag *diag)
{
	out->count = 0;
	out->fixups = 0;
	if (n > BOOT_MAX_MMAP)
		return ldr_fail(diag, LDR_E_MEMMAP, "memory map", -1, "count", n);
	if (n && !raw)
		return ldr_fail(diag, LDR_E_MEMMAP, "memory map", -1, "entries", 0);
	for (uint32_t prio = 0; prio <= PRIO_MAX; prio++) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t type = raw[i].type;
			uint64_t end;
			bool covered;
			enum ldr_err err;

			if (!type_prio(type))
				type = ASLRBOOT_MEM_RESERVED; /* unknown: assume the worst */
			if (type_prio(type) != prio)
				continue;
			if (!raw[i].len) {
				out->fixups++;
				continue;
			}
			if (!range_end(raw[i].base, raw[i].len, &end)) {
				end = UINT64_MAX; /* clip at 2^64 (the last byte is lost) */
				out->fixups++;
				if (raw[i].base == end)
					continue;
			}
			err = paint(out, raw[i].base, end, type, &covered);
			if (err)
				return ldr_fail(diag, err, "memory map entry", i, "base",
						raw[i].base);
			out->fixups += covered;
		}
	}
	shrink_usable(out);
	return LDR_OK;
}

uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
	uint64_t sum = 0;

	/* Entries are disjoint inside [0, 2^64 - 1): the sum cannot wrap. */
	for (uint32_t i = 0; i < m->count; i++)
		if (m->e[i].type == type)
			sum += m->e[i].len;
	return sum;
}

uint64_t memmap_ram_top(const struct memmap *m)
{
	for (uint32_t i = m->count; i-- > 0;)
		if (m->e[i].type != ASLRBOOT_MEM_RESERVED && m->e[i].type != ASLRBOOT_MEM_BAD)
			return ent_end(&m->e[i]);
	return 0;
}

/* memmap_set over [base, base+len) rounded out to whole pages. */
enum ldr_err memmap_mark(struct memmap *mm, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t end;
	if (!len || !range_end(base, len, &end) || !align_up_checked(end, PAGE_SIZE, &end))
		return LDR_E_RANGE;
	base = align_down(base, PAGE_SIZE);
	return memmap_set(mm, base, end - base, type);
}

/* Relabel only the USABLE parts of [base, base+len): a range a front end
 * reserved must never turn firmware-reserved memory into something the
 * kernel may reclaim. */
enum ldr_err memmap_mark_usable(struct memmap *mm, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t end, cur;
	if (!len || !range_end(base, len, &end) || !align_up_checked(end, PAGE_SIZE, &end))
		return LDR_E_RANGE;
	cur = align_down(base, PAGE_SIZE);
	while (cur < end) {
		uint64_t lo = 0, hi = 0;
		for (uint32_t i = 0; i < mm->count; i++) {
			const struct mm_entry *e = &mm->e[i];
			if (e->type != ASLRBOOT_MEM_USABLE || e->base + e->len <= cur ||
			    e->base >= end)
				continue;
			lo = e->base > cur ? e->base : cur;
			hi = e->base + e->len < end ? e->base + e->len : end;
			break;
		}
		if (hi <= lo)
			return LDR_OK;
		enum ldr_err err = memmap_set(mm, lo, hi - lo, type);
		if (err)
			return err;
		cur = hi;
	}
	return LDR_OK;
}
