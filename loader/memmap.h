/* SPDX-License-Identifier: MIT */
#ifndef LDR_MEMMAP_H
#define LDR_MEMMAP_H

#include <stdint.h>

#include "boot_env.h"
#include "errors.h"

#define MEMMAP_MAX (BOOT_MAX_MMAP + 128)

/* Sorted by base, non-overlapping, adjacent entries of one type merged. */
struct memmap {
	struct mm_entry e[MEMMAP_MAX];
	uint32_t count;
};

/*
 * Normalize a raw firmware map (F2): drop zero-length entries, clip ranges
 * that wrap at 2^64, resolve overlaps in favour of the more restrictive type
 * (anything beats USABLE; RESERVED/BAD beat everything), shrink USABLE
 * entries to whole pages, sort and merge.  E_MEMMAP if count > BOOT_MAX_MMAP.
 */
enum ldr_err memmap_normalize(const struct mm_entry *raw, uint32_t n, struct memmap *out,
			      struct ldr_diag *diag);

/* Set [base, base+len) to `type`, splitting entries; keeps the invariants.
 * Only page-aligned ranges; E_RANGE on wrap, E_MEMMAP if out of entries. */
enum ldr_err memmap_set(struct memmap *m, uint64_t base, uint64_t len, uint32_t type);

/* Sum of lengths of entries of `type`. */
uint64_t memmap_total(const struct memmap *m, uint32_t type);

/* One past the last byte of the highest entry whose type is RAM-like
 * (anything but RESERVED and BAD). */
uint64_t memmap_ram_top(const struct memmap *m);

#endif
