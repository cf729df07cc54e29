/* SPDX-License-Identifier: MIT */
/*
 * Distinct types for physical and virtual addresses (Hafnium's inc/hf/addr.h
 * idea): a paddr_t cannot be passed where a vaddr_t is expected by accident.
 */
#ifndef LDR_ADDR_H
#define LDR_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE UINT64_C(4096)
#define PAGE_SHIFT 12
#define SIZE_2M (UINT64_C(1) << 21)
#define SIZE_1G (UINT64_C(1) << 30)

typedef struct { uint64_t pa; } paddr_t;
typedef struct { uint64_t va; } vaddr_t;

static inline paddr_t pa_init(uint64_t a) { return (paddr_t){ a }; }
static inline vaddr_t va_init(uint64_t a) { return (vaddr_t){ a }; }
static inline uint64_t pa_addr(paddr_t p) { return p.pa; }
static inline uint64_t va_addr(vaddr_t v) { return v.va; }
static inline paddr_t pa_add(paddr_t p, uint64_t n) { return (paddr_t){ p.pa + n }; }
static inline vaddr_t va_add(vaddr_t v, uint64_t n) { return (vaddr_t){ v.va + n }; }

static inline bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }
static inline bool is_aligned(uint64_t x, uint64_t a) { return (x & (a - 1)) == 0; }
static inline uint64_t align_down(uint64_t x, uint64_t a) { return x & ~(a - 1); }

/* Round x up to a (a power of two); false on overflow. */
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
