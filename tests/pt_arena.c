/* SPDX-License-Identifier: MIT */
#include "pt_arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/aslrboot.h"
#include "raw_pte.h"

#define R ASLRBOOT_PROT_R
#define W ASLRBOOT_PROT_W
#define X ASLRBOOT_PROT_X

void arena_init(struct arena *a, uint64_t base, uint64_t pages)
{
	a->size = pages * 4096;
	a->base = base;
	a->mem = aligned_alloc(4096, a->size);
	if (!a->mem)
		abort();
	memset(a->mem, ARENA_PATTERN, a->size);
	a->lookups_failed = 0;
}

void arena_free(struct arena *a)
{
	free(a->mem);
	a->mem = NULL;
}

void *arena_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	struct arena *a = ctx;
	uint64_t p = pa_addr(pa);

	if (p < a->base || len > a->size || p - a->base > a->size - len) {
		a->lookups_failed++;
		return NULL;
	}
	return a->mem + (p - a->base);
}

struct pt_pool arena_pool(struct arena *a, bool allow_1g)
{
	return (struct pt_pool){ .base = pa_init(a->base),
				 .pages = a->size / 4096,
				 .phys_ptr = arena_ptr,
				 .ctx = a,
				 .allow_1g = allow_1g };
}

bool arena_untouched(const struct arena *a)
{
	for (uint64_t i = 0; i < a->size; i++)
		if (a->mem[i] != ARENA_PATTERN)
			return false;
	return true;
}

static uint64_t *table_at(struct arena *a, uint64_t pa)
{
	return arena_ptr(a, pa_init(pa & RAW_ADDR), 4096);
}

static unsigned idx(uint64_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

uint64_t *arena_entry(struct arena *a, paddr_t cr3, uint64_t va, int level)
{
	uint64_t *t = table_at(a, pa_addr(cr3));

	for (int l = 4; t; l--) {
		uint64_t *e = &t[idx(va, l)];

		if (l == level)
			return e;
		if (!raw_is_table(*e, l))
			return NULL;
		t = table_at(a, *e);
	}
	return NULL;
}

static uint64_t count_from(struct arena *a, uint64_t pa, int level, uint8_t *seen)
{
	uint64_t *t = table_at(a, pa), n;
	uint64_t page = ((pa & RAW_ADDR) - a->base) / 4096;

	if (!t || seen[page])
		return 0;
	seen[page] = 1;
	n = 1;
	for (int i = 0; level > 1 && i < 512; i++)
		if (raw_is_table(t[i], level))
			n += count_from(a, t[i], level - 1, seen);
	return n;
}

uint64_t arena_count_tables(struct arena *a, paddr_t cr3)
{
	uint8_t *seen = calloc(a->size / 4096, 1);
	uint64_t n = count_from(a, pa_addr(cr3), 4, seen);

	free(seen);
	return n;
}

static bool collect(void *arg, const struct pt_leaf *l)
{
	struct leaf_list *ll = arg;

	if (ll->n == ll->cap) {
		ll->cap = ll->cap ? ll->cap * 2 : 256;
		ll->l = realloc(ll->l, ll->cap * sizeof(*ll->l));
		if (!ll->l)
			abort();
	}
	ll->l[ll->n++] = *l;
	return true;
}

void leaves_free(struct leaf_list *ll)
{
	free(ll->l);
	*ll = (struct leaf_list){ 0 };
}

enum ldr_err leaves_walk(struct arena *a, paddr_t cr3, struct leaf_list *ll)
{
	struct ldr_diag d;

	return pt_walk(cr3, arena_ptr, a, collect, ll, &d);
}

static int by_va(const void *x, const void *y)
{
	uint64_t a = va_addr(((const struct pt_leaf *)x)->va);
	uint64_t b = va_addr(((const struct pt_leaf *)y)->va);

	return a < b ? -1 : a > b;
}

void leaves_expected(const struct pt_mapping *m, size_t n, bool allow_1g, struct leaf_list *ll)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t va = va_addr(m[i].va), pa = pa_addr(m[i].pa), left = m[i].len;

		while (left) {
			int level = 1;

			for (int l = allow_1g ? 3 : 2; l > 1 && level == 1; l--) {
				uint64_t s = UINT64_C(1) << (12 + 9 * (l - 1));

				if (va % s == 0 && pa % s == 0 && left >= s)
					level = l;
			}
			struct pt_leaf lf = { .va = va_init(va),
					      .pa = pa_init(pa),
					      .size = UINT64_C(1) << (12 + 9 * (level - 1)),
					      .prot = m[i].prot,
					      .level = level };
			collect(ll, &lf);
			va += lf.size;
			pa += lf.size;
			left -= lf.size;
		}
	}
	if (ll->n)
		qsort(ll->l, ll->n, sizeof(*ll->l), by_va);
}

static int by_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

uint64_t leaves_table_count(const struct leaf_list *ll)
{
	uint64_t *keys = malloc((3 * ll->n + 1) * sizeof(*keys)), n = 0, distinct = 0;

	for (size_t i = 0; i < ll->n; i++) {
		/* A table at level L covers 2^(12 + 9L) bytes; key = (L, region). */
		for (int L = ll->l[i].level; L <= 3; L++) {
			uint64_t va = va_addr(ll->l[i].va) & ((UINT64_C(1) << 48) - 1);

			keys[n++] = ((uint64_t)L << 60) | (va >> (12 + 9 * L));
		}
	}
	qsort(keys, n, sizeof(*keys), by_u64);
	for (uint64_t i = 0; i < n; i++)
		distinct += i == 0 || keys[i] != keys[i - 1];
	free(keys);
	return distinct + 1;
}

bool leaves_equal(const struct leaf_list *a, const struct leaf_list *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const struct pt_leaf *x = &a->l[i], *y = &b->l[i];

		if (va_addr(x->va) != va_addr(y->va) || pa_addr(x->pa) != pa_addr(y->pa) ||
		    x->size != y->size || x->prot != y->prot || x->level != y->level) {
			printf("  leaf %zu: va %#llx/%#llx pa %#llx/%#llx size %#llx/%#llx prot %u/%u\n",
			       i, (unsigned long long)va_addr(x->va),
			       (unsigned long long)va_addr(y->va),
			       (unsigned long long)pa_addr(x->pa),
			       (unsigned long long)pa_addr(y->pa), (unsigned long long)x->size,
			       (unsigned long long)y->size, x->prot, y->prot);
			return false;
		}
	}
	if (a->n != b->n)
		printf("  leaf count %zu != %zu\n", a->n, b->n);
	return a->n == b->n;
}

size_t plan_realistic(struct pt_mapping *m)
{
	/* Executable frames (text above 4 GiB, the trampoline below the direct
	 * map's start) have no writable alias (wx_verify's alias rule). */
	m[PLAN_TEXT] =
		(struct pt_mapping){ va_init(PLAN_KERNEL), pa_init(0x102000000), 0x203000, R | X };
	m[PLAN_RODATA] = (struct pt_mapping){ va_init(PLAN_KERNEL + 0x203000), pa_init(0x2203000),
					      0x5000, R };
	m[PLAN_DATA] = (struct pt_mapping){ va_init(PLAN_KERNEL + 0x208000), pa_init(0x2208000),
					    0x9000, R | W };
	m[PLAN_STACK_I] = (struct pt_mapping){ va_init(PLAN_STACK), pa_init(0x3000000),
					       PLAN_STACK_LEN, R | W };
	m[PLAN_INFO_I] = (struct pt_mapping){ va_init(PLAN_INFO), pa_init(0x3100000), 0x2000, R };
	/* 4 GiB of physical memory minus the first pages (page 0 and the
	 * trampoline's frame): 4K, 2M and 1G pages. */
	m[PLAN_DIRECT_I] = (struct pt_mapping){ va_init(PLAN_DIRECT + 0x9000), pa_init(0x9000),
						(UINT64_C(4) << 30) - 0x9000, R | W };
	m[PLAN_TRAMP_I] =
		(struct pt_mapping){ va_init(PLAN_TRAMP), pa_init(PLAN_TRAMP), 0x1000, R | X };
	return PLAN_COUNT;
}

uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void mappings_sort_va(struct pt_mapping *m, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j && va_addr(m[j - 1].va) > va_addr(m[j].va); j--) {
			struct pt_mapping t = m[j];

			m[j] = m[j - 1];
			m[j - 1] = t;
		}
}
