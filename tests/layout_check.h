/* SPDX-License-Identifier: MIT */
#ifndef TESTS_LAYOUT_CHECK_H
#define TESTS_LAYOUT_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/layout/layout.h"

/* GUARD and DIRECT_MAP regions have no frames of their own. */
bool lc_backed(const struct layout_region *r);
/* Bytes the direct map must cover: RAM-like entries rounded out to pages. */
uint64_t lc_direct_map_bytes(const struct memmap *mm);
/* NULL if the plan holds every invariant; else the first one broken. */
const char *lc_check_plan(const struct layout_plan *p, const struct layout_request *q,
			  const struct memmap *mm, uint64_t dm_bytes);
/* A layout DRBG keyed by `seed` (its 8 bytes, the rest of the key 0). */
void lc_seed_rng(struct rand_drbg *rng, uint64_t seed);
/* layout_plan over mm with a DRBG from lc_seed_rng(seed). */
enum ldr_err lc_plan_seed(const struct layout_request *req, const struct memmap *mm, uint64_t seed,
			  struct layout_plan *p, struct ldr_diag *d);
/* Field by field (struct padding is unspecified). */
bool lc_plans_equal(const struct layout_plan *a, const struct layout_plan *b);

#endif
