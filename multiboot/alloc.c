/* SPDX-License-Identifier: MIT */
#include "alloc.h"

#include "../loader/addr.h"

void mb_alloc_init(struct mb_alloc *a, const struct boot_env *env)
{
	__builtin_memset(a, 0, sizeof(*a));
	a->env = env;
}

/* [pa, end) is covered by the union of USABLE entries (adjacent entries may
 * split one RAM range) and touches no other entry: the raw map may overlap,
 * and the more restrictive type wins, as in memmap_normalize(). */
static bool usable(const struct boot_env *env, uint64_t pa, uint64_t end)
{
	uint64_t cur = pa;
	bool progress = true;

	for (uint32_t i = 0; i < env->mmap_count; i++) {
		const struct mm_entry *e = &env->mmap[i];
		uint64_t eend;
		if (!range_end(e->base, e->len, &eend))
			eend = UINT64_MAX;
		if (e->type != ASLRBOOT_MEM_USABLE &&
		    ranges_overlap(pa, end - pa, e->base, eend - e->base))
			return false;
	}
	while (cur < end && progress) {
		progress = false;
		for (uint32_t i = 0; i < env->mmap_count; i++) {
			const struct mm_entry *e = &env->mmap[i];
			uint64_t eend;
			if (e->type != ASLRBOOT_MEM_USABLE || !range_end(e->base, e->len, &eend))
				continue;
			if (e->base <= cur && cur < eend) {
				cur = eend;
				progress = true;
			}
		}
	}
	return cur >= end;
}

bool mb_range_free(const struct mb_alloc *a, uint64_t pa, uint64_t len)
{
	const struct boot_env *env = a->env;
	uint64_t end;

	if (!len || !range_end(pa, len, &end))
		return false;
	if (env->phys_limit && end > env->phys_limit)
		return false;
	for (uint32_t i = 0; i < env->reserved_count; i++)
		if (ranges_overlap(pa, len, env->reserved[i].base, env->reserved[i].len))
			return false;
	for (uint32_t i = 0; i < env->module_count; i++)
		if (ranges_overlap(pa, len, env->modules[i].phys, env->modules[i].size))
			return false;
	for (uint32_t i = 0; i < a->count; i++)
		if (ranges_overlap(pa, len, a->used[i].base, a->used[i].len))
			return false;
	return usable(env, pa, end);
}

enum ldr_err mb_alloc_at(struct mb_alloc *a, uint64_t pa, uint64_t pages)
{
	uint64_t len;

	if (!pages || !is_aligned(pa, PAGE_SIZE) || __builtin_mul_overflow(pages, PAGE_SIZE, &len))
		return LDR_E_RANGE;
	if (a->count == MB_MAX_ALLOCS || !mb_range_free(a, pa, len))
		return LDR_E_NOMEM;
	a->used[a->count++] = (struct boot_range){ pa, len };
	return LDR_OK;
}

/* Try `cand` rounded up to a page; keep the lowest that fits. */
static void consider(const struct mb_alloc *a, uint64_t cand, uint64_t len, uint64_t *best)
{
	if (cand < MB_ALLOC_ANY_MIN)
		cand = MB_ALLOC_ANY_MIN;
	if (!align_up_checked(cand, PAGE_SIZE, &cand) || cand >= *best)
		return;
	if (mb_range_free(a, cand, len))
		*best = cand;
}

/* The lowest fit starts at MB_ALLOC_ANY_MIN, at a USABLE entry's base, or
 * right after something that blocked an earlier candidate. */
enum ldr_err mb_alloc_any(struct mb_alloc *a, uint64_t pages, uint64_t *out)
{
	const struct boot_env *env = a->env;
	uint64_t len, best = UINT64_MAX, end;

	if (!pages || __builtin_mul_overflow(pages, PAGE_SIZE, &len))
		return LDR_E_RANGE;
	consider(a, MB_ALLOC_ANY_MIN, len, &best);
	for (uint32_t i = 0; i < env->mmap_count; i++) {
		consider(a, env->mmap[i].base, len, &best);
		if (range_end(env->mmap[i].base, env->mmap[i].len, &end))
			consider(a, end, len, &best);
	}
	for (uint32_t i = 0; i < env->reserved_count; i++)
		if (range_end(env->reserved[i].base, env->reserved[i].len, &end))
			consider(a, end, len, &best);
	for (uint32_t i = 0; i < env->module_count; i++)
		if (range_end(env->modules[i].phys, env->modules[i].size, &end))
			consider(a, end, len, &best);
	for (uint32_t i = 0; i < a->count; i++)
		consider(a, a->used[i].base + a->used[i].len, len, &best);
	if (best == UINT64_MAX)
		return LDR_E_NOMEM;
	*out = best;
	return mb_alloc_at(a, best, pages);
}
