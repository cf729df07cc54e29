// SPDX-License-Identifier: MIT
/*
 * Randomize by counting slots (the shape of Linux libstub randomalloc.c):
 * count every aligned address where the block fits, draw k uniformly with
 * rand_uniform (rejection sampling, no modulo bias), walk to the k-th slot,
 * re-validate it, take it out of the free set.
 */
#include "internal.h"

#include "../libc.h"

enum ldr_err layout_fs_append(struct free_set *s, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return LDR_OK;
	if (s->count && s->r[s->count - 1].hi > lo)
		return LDR_E_LAYOUT; /* callers append in ascending order */
	if (s->count == s->cap)
		return LDR_E_LAYOUT;
	s->r[s->count++] = (struct frange){ lo, hi };
	return LDR_OK;
}

static void fs_delete(struct free_set *s, uint32_t i)
{
	memmove(&s->r[i], &s->r[i + 1], (s->count - i - 1) * sizeof(s->r[0]));
	s->count--;
}

enum ldr_err layout_fs_remove(struct free_set *s, uint64_t lo, uint64_t hi)
{
	uint32_t i = 0;

	if (lo >= hi)
		return LDR_OK;
	while (i < s->count && s->r[i].hi <= lo)
		i++;
	while (i < s->count && s->r[i].lo < hi) {
		struct frange *r = &s->r[i];
		if (r->lo < lo && r->hi > hi) { /* split in two */
			if (s->count == s->cap)
				return LDR_E_LAYOUT;
			memmove(&s->r[i + 1], &s->r[i], (s->count - i) * sizeof(s->r[0]));
			s->count++;
			s->r[i].hi = lo;
			s->r[i + 1].lo = hi;
			return LDR_OK;
		}
		if (r->lo < lo) {
			r->hi = lo;
			i++;
		} else if (r->hi > hi) {
			r->lo = hi;
			i++;
		} else {
			fs_delete(s, i);
		}
	}
	return LDR_OK;
}

/*
 * Slots of q in r for addresses >= from: first one in *first.  Every step is
 * checked, so a range at the top of the address space cannot wrap.
 */
static uint64_t range_slots(const struct frange *r, const struct slot_req *q, uint64_t from,
			    uint64_t *first)
{
	uint64_t lo = r->lo > q->lo ? r->lo : q->lo;
	uint64_t hi = r->hi < q->hi ? r->hi : q->hi;
	uint64_t a, tail, last;

	if (lo >= hi || __builtin_add_overflow(lo, q->pre, &lo))
		return 0;
	if (lo < from)
		lo = from;
	if (__builtin_add_overflow(lo, (q->phase - lo) & (q->align - 1), &a))
		return 0;
	if (__builtin_add_overflow(q->size, q->post, &tail) || hi < tail)
		return 0;
	last = hi - tail;
	if (a > last)
		return 0;
	*first = a;
	return (last - a) / q->align + 1;
}

/* The block of a fits in r and in the window, a has the right phase. */
static bool slot_valid(const struct frange *r, const struct slot_req *q, uint64_t a)
{
	uint64_t lo, hi;

	if ((a & (q->align - 1)) != (q->phase & (q->align - 1)) || a < q->pre)
		return false;
	lo = a - q->pre;
	if (__builtin_add_overflow(a, q->size, &hi) || __builtin_add_overflow(hi, q->post, &hi))
		return false;
	return lo >= r->lo && hi <= r->hi && lo >= q->lo && hi <= q->hi;
}

/* aslr=off: lowest slot at or above the hint, else the lowest of all. */
static bool pick_fixed(const struct free_set *s, const struct slot_req *q, uint32_t *ri,
		       uint64_t *a)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < s->count; i++) {
			if (range_slots(&s->r[i], q, pass ? 0 : q->hint, a)) {
				*ri = i;
				return true;
			}
		}
	}
	return false;
}

static bool pick_random(const struct free_set *s, const struct slot_req *q, struct rand_drbg *rng,
			uint64_t total, uint32_t *ri, uint64_t *a)
{
	uint64_t k = rand_uniform(rng, total), first = 0;

	for (uint32_t i = 0; i < s->count; i++) {
		uint64_t n = range_slots(&s->r[i], q, 0, &first);
		if (k < n) {
			*ri = i;
			*a = first + k * q->align;
			return true;
		}
		k -= n;
	}
	return false;
}

enum ldr_err layout_slot_choose(struct free_set *s, const struct slot_req *q, struct rand_drbg *rng,
				uint64_t *addr, uint32_t *mbits)
{
	uint64_t total = 0, first, a = 0;
	uint32_t ri = 0;
	bool found;

	if (!is_pow2(q->align) || q->size == 0)
		return LDR_E_LAYOUT;
	for (uint32_t i = 0; i < s->count; i++)
		if (__builtin_add_overflow(total, range_slots(&s->r[i], q, 0, &first), &total))
			return LDR_E_LAYOUT; /* disjoint slots of >= 1 byte cannot exceed 2^64 */
	if (!total)
		return LDR_E_NO_SPACE;
	found = rng ? pick_random(s, q, rng, total, &ri, &a) : pick_fixed(s, q, &ri, &a);
	if (!found || !slot_valid(&s->r[ri], q, a))
		return LDR_E_LAYOUT;
	*addr = a;
	if (mbits)
		*mbits = rng ? layout_mbits(total) : 0;
	return layout_fs_remove(s, a - q->pre, a + q->size + q->post);
}

uint64_t layout_slot_count(const struct free_set *s, const struct slot_req *q)
{
	uint64_t total = 0, first, n;

	for (uint32_t i = 0; i < s->count; i++) {
		n = range_slots(&s->r[i], q, 0, &first);
		if (__builtin_add_overflow(total, n, &total))
			return UINT64_MAX;
	}
	return total;
}

/*
 * The packing search: items in decreasing size order, each tried in the
 * free ranges from the best fit (least room) up; equal ranges are tried
 * once.  Every item goes to the bottom of its range, so a range stays one
 * interval (h[].lo moves up, or h[].hi down with `top`, and back when the
 * search backtracks).
 */
struct pack_ctx {
	struct frange *h;
	uint32_t nh;
	struct pack_item *it;
	uint32_t n;
	uint32_t tries;	 /* left */
	uint64_t lim;	 /* lowest `hi` of all items: ranges below it are alike for all */
	bool top;	 /* items go to the top of their range (if under their limit) */
	bool first_path; /* no backtrack yet: the best-fit-decreasing path */
	uint32_t fail;
	uint64_t short_by;
};

static uint64_t room_below(const struct frange *h, uint64_t hi)
{
	uint64_t top = h->hi < hi ? h->hi : hi;
	return top > h->lo ? top - h->lo : 0;
}

static bool pack_fail(struct pack_ctx *c, uint32_t k, uint64_t short_by)
{
	if (c->first_path) {
		c->fail = k;
		c->short_by = short_by;
		c->first_path = false;
	}
	return false;
}

/* Next range for item x after (pcap, plo) in (room, address) order; NONE if none. */
#define PACK_NONE UINT32_MAX
static uint32_t pack_next(const struct pack_ctx *c, const struct pack_item *x, uint64_t pcap,
			  uint64_t plo, bool started)
{
	uint32_t best = PACK_NONE;
	uint64_t bcap = 0;

	for (uint32_t i = 0; i < c->nh; i++) {
		uint64_t cap = room_below(&c->h[i], x->hi);
		if (cap < x->size)
			continue;
		if (started && (cap < pcap || (cap == pcap && c->h[i].lo <= plo)))
			continue;
		if (best == PACK_NONE || cap < bcap ||
		    (cap == bcap && c->h[i].lo < c->h[best].lo)) {
			best = i;
			bcap = cap;
		}
	}
	return best;
}

static bool pack_dfs(struct pack_ctx *c, uint32_t k, uint64_t need)
{
	const struct pack_item *x;
	uint64_t room = 0, biggest = 0, pcap = 0, plo = 0, phi = 0;
	bool started = false;

	if (k == c->n)
		return true;
	x = &c->it[k];
	for (uint32_t i = 0; i < c->nh; i++) {
		uint64_t r = room_below(&c->h[i], x->hi);
		room += c->h[i].hi - c->h[i].lo;
		biggest = r > biggest ? r : biggest;
	}
	if (biggest < x->size)
		return pack_fail(c, k, x->size - biggest);
	if (room < need)
		return pack_fail(c, k, need - room);
	for (;;) {
		uint32_t i = pack_next(c, x, pcap, plo, started);
		struct frange *h;
		uint64_t cap;
		bool up;
		if (i == PACK_NONE || !c->tries)
			return false;
		h = &c->h[i];
		cap = room_below(h, x->hi);
		/* A range like one tried already (same room, both below every
		 * item's limit) leads to the same outcome. */
		if (started && cap == pcap && h->hi <= c->lim && phi <= c->lim) {
			plo = h->lo;
			continue;
		}
		c->tries--;
		started = true;
		pcap = cap;
		plo = h->lo;
		phi = h->hi;
		up = c->top && h->hi <= x->hi;
		if (up) {
			h->hi -= x->size;
			c->it[k].at = h->hi;
		} else {
			c->it[k].at = h->lo;
			h->lo += x->size;
		}
		if (pack_dfs(c, k + 1, need - x->size))
			return true;
		if (up)
			h->hi += x->size;
		else
			h->lo -= x->size;
		c->first_path = false;
	}
}

bool layout_pack(const struct free_set *s, struct frange *scratch, struct pack_item *it, uint32_t n,
		 bool top, uint32_t tries, uint32_t *fail, uint64_t *short_by)
{
	struct pack_ctx c = { .h = scratch,
			      .nh = s->count,
			      .it = it,
			      .n = n,
			      .tries = tries,
			      .lim = UINT64_MAX,
			      .top = top,
			      .first_path = true,
			      .fail = 0,
			      .short_by = 0 };
	uint64_t need = 0;

	for (uint32_t k = 0; k < n; k++) {
		if (__builtin_add_overflow(need, it[k].size, &need))
			need = UINT64_MAX;
		c.lim = it[k].hi < c.lim ? it[k].hi : c.lim;
	}
	memcpy(scratch, s->r, s->count * sizeof(s->r[0]));
	if (pack_dfs(&c, 0, need))
		return true;
	*fail = c.fail;
	*short_by = c.short_by;
	return false;
}

/*
 * 1000 * log2(n): integer part from the top bit, 20 fractional bits by
 * repeated squaring of the mantissa (Q1.30), then scaled and rounded.
 */
uint32_t layout_mbits(uint64_t n)
{
	uint32_t ip, frac = 0;
	uint64_t m;

	if (n <= 1)
		return 0;
	ip = 63 - (uint32_t)__builtin_clzll(n);
	m = ip >= 30 ? n >> (ip - 30) : n << (30 - ip); /* [2^30, 2^31) */
	for (int i = 0; i < 20; i++) {
		m = (m * m) >> 30;
		frac <<= 1;
		if (m >= (UINT64_C(1) << 31)) {
			m >>= 1;
			frac |= 1;
		}
	}
	return ip * 1000 + (uint32_t)(((uint64_t)frac * 1000 + (1u << 19)) >> 20);
}
