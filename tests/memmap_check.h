/* SPDX-License-Identifier: MIT */
/* Output invariants of memmap_normalize / memmap_set, shared by the unit
 * test and the fuzzer. */
#ifndef TESTS_MEMMAP_CHECK_H
#define TESTS_MEMMAP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/memmap.h"

/* NULL if *m is sorted, non-overlapping, merged, with valid types and
 * page-aligned USABLE entries; else what is wrong. */
static inline const char *memmap_invariant_error(const struct memmap *m)
{
	if (m->count > MEMMAP_MAX)
		return "count > MEMMAP_MAX";
	for (uint32_t i = 0; i < m->count; i++) {
		const struct mm_entry *e = &m->e[i];
		uint64_t end;
		if (!e->len)
			return "zero-length entry";
		if (__builtin_add_overflow(e->base, e->len, &end))
			return "entry wraps";
		if (e->type < ASLRBOOT_MEM_USABLE || e->type > ASLRBOOT_MEM_FIRMWARE_RUNTIME)
			return "unknown type";
		if (e->type == ASLRBOOT_MEM_USABLE && ((e->base | e->len) & 0xfff))
			return "USABLE entry not page aligned";
		if (i + 1 < m->count) {
			if (end > m->e[i + 1].base)
				return "entries overlap or are unsorted";
			if (end == m->e[i + 1].base && e->type == m->e[i + 1].type)
				return "adjacent entries of one type not merged";
		}
	}
	return 0;
}

#endif
