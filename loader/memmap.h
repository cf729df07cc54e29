/* SPDX-License-Identifier: MIT */
#ifndef LDR_MEMMAP_H
#define LDR_MEMMAP_H

#include <stdint.h>

#include "boot_env.h"
#include "../include/ldr_errors.h"

#define MEMMAP_MAX (BOOT_MAX_MMAP + 128)

/* Sorted by base, non-overlapping, adjacent entries of one type merged. */
struct memmap {
	struct mm_entry e[MEMMAP_MAX];
	uint32_t count;
	/* Raw entries that were zero-length, wrapped or overlapped another
	 * (repaired here, logged by the caller). */
	uint32_t fixups;
};

/*
 * Normalize a raw firmware map: drop zero-length entries, clip ranges
 * that wrap at 2^64 (to end at 2^64 - 1), resolve overlaps in favour of the
 * more restrictive type (anything beats USABLE; RESERVED/BAD beat
 * everything; memmap.c type_prio() orders the rest, so the result does not
 * depend on input order), treat unknown types as RESERVED, shrink USABLE
 * entries to whole pages, sort and merge.  E_MEMMAP if n > BOOT_MAX_MMAP or
 * the result needs more than MEMMAP_MAX entries.
 */
enum ldr_err memmap_normalize(const struct mm_entry *raw, uint32_t n, struct memmap *out,
			      struct ldr_diag *diag);

/* Set [base, base+len) to `type`, splitting entries; keeps the invariants.
 * Only page-aligned ranges; E_RANGE on wrap or misalignment, E_MEMMAP for an
 * unknown type or if out of entries (the map is then unchanged). */
enum ldr_err memmap_set(struct memmap *m, uint64_t base, uint64_t len, uint32_t type);

/* memmap_set over [base, base+len) rounded out to whole pages. */
enum ldr_err memmap_mark(struct memmap *m, uint64_t base, uint64_t len, uint32_t type);
/* The same, only over the parts that are USABLE now: a range a front end
 * reserved never turns firmware-reserved memory into reclaimable memory. */
enum ldr_err memmap_mark_usable(struct memmap *m, uint64_t base, uint64_t len, uint32_t type);

/* Sum of lengths of entries of `type`. */
uint64_t memmap_total(const struct memmap *m, uint32_t type);

/* One past the last byte of the highest entry whose type is RAM-like
 * (anything but RESERVED and BAD). */
uint64_t memmap_ram_top(const struct memmap *m);

#endif
