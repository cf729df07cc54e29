/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot front end's physical allocator: there is no firmware left
 * to ask, so "free" means inside USABLE memory of the boot loader's map, in
 * no non-USABLE entry, outside env->reserved[] and the modules, below
 * env->phys_limit, and not handed out before.  Pure C: host-tested by
 * tests/test_mb_alloc.c.
 */
#ifndef MB_ALLOC_H
#define MB_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "../loader/boot_env.h"
#include "../include/ldr_errors.h"

#define MB_MAX_ALLOCS 128
#define MB_ALLOC_ANY_MIN (UINT64_C(1) << 20) /* alloc_any stays above 1 MiB */

struct mb_alloc {
	const struct boot_env *env;
	struct boot_range used[MB_MAX_ALLOCS];
	uint32_t count;
};

void mb_alloc_init(struct mb_alloc *a, const struct boot_env *env);
/* [pa, pa+len) may be claimed now (see above). */
bool mb_range_free(const struct mb_alloc *a, uint64_t pa, uint64_t len);
/* Claim exactly [pa, pa + pages*4K): E_RANGE if unaligned or wrapping,
 * E_NOMEM if not free or out of slots. */
enum ldr_err mb_alloc_at(struct mb_alloc *a, uint64_t pa, uint64_t pages);
/* Claim the lowest free page-aligned range of `pages` pages at or above
 * MB_ALLOC_ANY_MIN. */
enum ldr_err mb_alloc_any(struct mb_alloc *a, uint64_t pages, uint64_t *out);

#endif
