/* SPDX-License-Identifier: MIT */
/*
 * Unbiased bounded integers: Lemire, "Fast Random Integer Generation in an
 * Interval" (ACM TOMACS 2019), multiply-shift with rejection.  x * bound is
 * a 128-bit product; its high half is the result.  The low half is < t =
 * 2^64 mod bound for exactly those x that would make some results one
 * count more likely, and those x are redrawn.
 */
#include "rand.h"

uint64_t rand_uniform(struct rand_drbg *d, uint64_t bound)
{
	unsigned __int128 m;
	uint64_t lo, t;

	if (bound == 0)
		return 0;
	m = (unsigned __int128)rand_u64(d) * bound;
	lo = (uint64_t)m;
	if (lo < bound) {
		t = -bound % bound; /* 2^64 mod bound */
		while (lo < t) {
			/* Each retry succeeds with probability > 1/2. */
			m = (unsigned __int128)rand_u64(d) * bound;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}
