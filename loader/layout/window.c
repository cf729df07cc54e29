// SPDX-License-Identifier: MIT
/*
 * The section window's page bitmap: each unit drawn uniformly among the
 * page-granular slots that overlap no unit placed before.  Rejection
 * sampling over all the candidate slots first (cheap while the window is
 * sparse), then, after a bounded number of misses, an exact count of the
 * free slots and a uniform pick among them: the draw is uniform either way
 * and fails only when no slot is free.
 */
#include "internal.h"

#define WORD_BITS 64u

/* Bits [b, b + n) of bm: all clear (set == false), or set them. */
static bool range_op(uint64_t *bm, uint64_t b, uint64_t n, bool set)
{
	uint64_t e = b + n;

	while (b < e) {
		uint64_t sh = b % WORD_BITS, take = WORD_BITS - sh, mask;
		if (take > e - b)
			take = e - b;
		mask = (take == WORD_BITS ? ~UINT64_C(0) : ((UINT64_C(1) << take) - 1)) << sh;
		if (set)
			bm[b / WORD_BITS] |= mask;
		else if (bm[b / WORD_BITS] & mask)
			return false;
		b += take;
	}
	return true;
}

/* First bit at or after i below n that is set (used) or clear, else n. */
static uint64_t find_bit(const uint64_t *bm, uint64_t n, uint64_t i, bool used)
{
	while (i < n) {
		uint64_t w = used ? bm[i / WORD_BITS] : ~bm[i / WORD_BITS];
		w &= ~UINT64_C(0) << (i % WORD_BITS);
		if (w) {
			i = i - i % WORD_BITS + (uint64_t)__builtin_ctzll(w);
			return i < n ? i : n;
		}
		i = i - i % WORD_BITS + WORD_BITS;
	}
	return n;
}

#define SCAN_COUNT UINT64_MAX

/*
 * Free slots of q at or after `from` (below q->limit), counted over the free
 * runs of the bitmap; with k != SCAN_COUNT, stop at the k-th: *b, true.
 */
static bool scan(const struct wmap *m, const struct wslot *q, uint64_t from, uint64_t k,
		 uint64_t *count, uint64_t *b)
{
	uint64_t total = 0, i = from;

	while (i < q->limit) {
		uint64_t r0 = find_bit(m->bits, q->limit, i, false), r1, first, n;
		if (r0 >= q->limit)
			break;
		r1 = find_bit(m->bits, q->limit, r0, true);
		first = r0 + (q->phase + q->step - r0 % q->step) % q->step;
		if (first < r1 && r1 - first >= q->pages) {
			n = (r1 - first - q->pages) / q->step + 1;
			if (k != SCAN_COUNT && k < total + n) {
				*b = first + (k - total) * q->step;
				return true;
			}
			total += n;
		}
		i = r1;
	}
	*count = total;
	return false;
}

void layout_wmap_clear(struct wmap *m)
{
	for (uint64_t i = 0; i < (m->npages + WORD_BITS - 1) / WORD_BITS; i++)
		m->bits[i] = 0;
	m->used_pages = 0;
	m->used_units = 0;
}

uint64_t layout_wmap_count(const struct wmap *m, const struct wslot *q)
{
	uint64_t n = 0, b;

	scan(m, q, 0, SCAN_COUNT, &n, &b);
	return n;
}

/*
 * Lower bound on the free slots among `cand` candidates: a placed run of P
 * pages blocks the slots starting in the P + pages - 1 positions before its
 * end, at most (P + pages - 1 + step - 1) / step of them.
 */
static uint64_t free_lower_bound(const struct wmap *m, const struct wslot *q, uint64_t cand)
{
	uint64_t blocked = (m->used_pages + m->used_units * (q->pages + q->step - 2)) / q->step;

	return cand > blocked ? cand - blocked : 1;
}

enum ldr_err layout_wmap_choose(struct wmap *m, const struct wslot *q, struct rand_drbg *rng,
				uint64_t *out, uint32_t *mbits)
{
	uint64_t cand, b = 0, n = 0;
	bool found = false;

	if (!q->pages || !is_pow2(q->step) || q->phase >= q->step || q->limit > m->npages)
		return LDR_E_LAYOUT;
	if (q->limit < q->pages || q->limit - q->pages < q->phase)
		return LDR_E_NO_SPACE;
	cand = (q->limit - q->pages - q->phase) / q->step + 1;
	*mbits = 0;
	if (!rng) { /* lowest fit at or after the hint, else the lowest */
		found = scan(m, q, q->hint < q->limit ? q->hint : q->limit, 0, &n, &b) ||
			scan(m, q, 0, 0, &n, &b);
	} else {
		for (uint32_t t = 0; t < LAYOUT_WMAP_TRIES && !found; t++) {
			b = q->phase + rand_uniform(rng, cand) * q->step;
			found = range_op(m->bits, b, q->pages, false);
		}
		if (found) {
			*mbits = layout_mbits(free_lower_bound(m, q, cand));
		} else {
			scan(m, q, 0, SCAN_COUNT, &n, &b);
			if (n) {
				found = scan(m, q, 0, rand_uniform(rng, n), &n, &b);
				*mbits = layout_mbits(n);
			}
		}
	}
	if (!found)
		return LDR_E_NO_SPACE;
	range_op(m->bits, b, q->pages, true);
	m->used_pages += q->pages;
	m->used_units++;
	*out = b;
	return LDR_OK;
}
