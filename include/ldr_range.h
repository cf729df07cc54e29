/* SPDX-License-Identifier: MIT */
/*
 * Checked range and alignment arithmetic on 64-bit addresses and sizes.
 * Ground floor: header-only and including only C headers, so the ELF
 * validator, the core and the front ends share one copy.  Alignments are
 * powers of two.
 */
#ifndef LDR_RANGE_H
#define LDR_RANGE_H

#include <stdbool.h>
#include <stdint.h>

/* clang-format off */
static inline bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }
static inline bool is_aligned(uint64_t x, uint64_t a) { return (x & (a - 1)) == 0; }
static inline uint64_t align_down(uint64_t x, uint64_t a) { return x & ~(a - 1); }
/* clang-format on */

/* Round x up to a; false on overflow. */
static inline bool align_up_checked(uint64_t x, uint64_t a, uint64_t *out)
{
	uint64_t t;
	if (__builtin_add_overflow(x, a - 1, &t))
		return false;
	*out = t & ~(a - 1);
	return true;
}

/* [base, base+len) as [base, end): false if it wraps past 2^64. */
static inline bool range_end(uint64_t base, uint64_t len, uint64_t *end)
{
	return !__builtin_add_overflow(base, len, end);
}

/* Half-open ranges [a, a+alen) and [b, b+blen) overlap (ends must not wrap). */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

#endif
