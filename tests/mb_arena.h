/* SPDX-License-Identifier: MIT */
/*
 * A malloc'd "physical memory" window for the Multiboot walker tests and
 * fuzzers: the accessor answers only for ranges inside it, so ASan catches
 * any read the walkers make past what they were allowed to see.
 */
#ifndef TESTS_MB_ARENA_H
#define TESTS_MB_ARENA_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct mb_arena {
	uint8_t *mem;
	uint64_t base, size;
};

static inline const void *mb_arena_acc(void *ctx, uint64_t pa, uint64_t len)
{
	const struct mb_arena *a = ctx;
	if (pa < a->base || len > a->size || pa - a->base > a->size - len)
		return NULL;
	return a->mem + (pa - a->base);
}

static inline void mb_arena_init(struct mb_arena *a, uint64_t base, uint64_t size)
{
	a->mem = calloc(1, size ? size : 1);
	a->base = base;
	a->size = size;
}

static inline void mb_arena_free(struct mb_arena *a)
{
	free(a->mem);
	a->mem = NULL;
}

/* Little-endian stores at physical addresses inside the arena. */
static inline void put32(struct mb_arena *a, uint64_t pa, uint32_t v)
{
	memcpy(a->mem + (pa - a->base), &v, 4);
}

static inline void put64(struct mb_arena *a, uint64_t pa, uint64_t v)
{
	memcpy(a->mem + (pa - a->base), &v, 8);
}

static inline void putstr(struct mb_arena *a, uint64_t pa, const char *s)
{
	memcpy(a->mem + (pa - a->base), s, strlen(s) + 1);
}

/* Invariants of a successful parse, for the fuzzers: everything the walker
 * hands out lies inside the arena and is well-formed. */
#ifdef MB_MBI_H
static inline int mb_info_ok(const struct mb_info *in, struct mb_arena *a)
{
	if (in->mmap_count > BOOT_MAX_MMAP || in->mod_count > MB_MAX_MODS ||
	    in->span_count > MB_MAX_SPANS)
		return 0;
	for (uint32_t i = 0; i < in->mmap_count; i++) {
		uint64_t end;
		if (!in->mmap[i].len ||
		    __builtin_add_overflow(in->mmap[i].base, in->mmap[i].len, &end))
			return 0;
	}
	for (uint32_t i = 0; i < in->mod_count; i++) {
		const struct mb_module *m = &in->mods[i];
		if (!m->size || m->size > MB_MAX_MODULE_SIZE ||
		    !mb_arena_acc(a, m->start, m->size) || !m->string ||
		    strlen(m->string) > MB_MAX_STRING)
			return 0;
	}
	for (uint32_t i = 0; i < in->span_count; i++)
		if (!mb_arena_acc(a, in->spans[i].base, in->spans[i].len))
			return 0;
	if (in->cmdline && strlen(in->cmdline) > MB_MAX_STRING)
		return 0;
	if (in->rsdp) {
		const uint8_t *p = mb_arena_acc(a, in->rsdp, 20);
		if (!p || mb_rsdp_check(p, a->size - (in->rsdp - a->base)) != (int)in->rsdp_rev)
			return 0;
	}
	return 1;
}
#endif

#endif
