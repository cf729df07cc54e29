/* SPDX-License-Identifier: MIT */
/*
 * The test kernels' portable checks: the boot-info block and the live page
 * tables (walked with the loader's own walker) against the layout record;
 * and their reports of the layout, entropy sources and memory map.
 * Freestanding: built into the x86-64 and arm64 test kernels and into the
 * host test that feeds them broken blocks and tables.
 */
#include "kcheck.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../loader/libc.h"
#include "../../loader/log.h"

/* A sanity cap on the block: at section granularity it holds a region and a
 * unit entry (64 + 48 bytes) for each of up to 16384 units. */
#define INFO_MAX (UINT64_C(4) << 20)
#define PAGE UINT64_C(4096)

const struct aslrboot_region *find_region(const struct kinfo *k, uint32_t kind, uint64_t va)
{
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if (r->kind == kind && (!va || (va >= r->virt && va - r->virt < r->size)))
			return r;
	}
	return 0;
}

const char *check_info(const struct aslrboot_info *info, uint32_t machine, struct kinfo *k)
{
	const struct aslrboot_record *r;
	const struct aslrboot_region *dm;

	if (!info || (uintptr_t)info % 8 || info->magic != ASLRBOOT_MAGIC)
		return "boot-info magic";
	if (info->version >> 16 != ASLRBOOT_VERSION_MAJOR)
		return "boot-info major version";
	if (info->total_size > INFO_MAX || handoff_check(info, info->total_size, NULL) != LDR_OK)
		return "boot-info records malformed";
	k->info = info;
	if (handoff_machine(info) != machine)
		return "boot-info machine is not this CPU's";
	if (!(r = handoff_find(info, ASLRBOOT_REC_LAYOUT, NULL)))
		return "no layout record";
	k->layout = (const void *)r;
	if (k->layout->entry_size != sizeof(struct aslrboot_region))
		return "layout entry_size";
	k->rgn = (const void *)(k->layout + 1);
	if (!(r = handoff_find(info, ASLRBOOT_REC_SEED, NULL)))
		return "no seed record";
	k->seed = (const void *)r;
	if ((r = handoff_find(info, ASLRBOOT_REC_CMDLINE, NULL)))
		k->cmdline = (const char *)r + sizeof(struct aslrboot_rec_cmdline);
	if (!handoff_find(info, ASLRBOOT_REC_MEMMAP, NULL) ||
	    !handoff_find(info, ASLRBOOT_REC_LOADER, NULL))
		return "memmap or loader record missing";
	if (!(dm = find_region(k, ASLRBOOT_RGN_DIRECT_MAP, 0)) || dm->phys != 0)
		return "no direct map region";
	k->direct_map = dm->virt;
	k->dm_size = dm->size;
	return NULL;
}

struct dm_span {
	uint64_t lo, hi; /* physical, as mapped at direct_map + lo */
};

/* Regions: at section granularity one per kernel section, up to the
 * loader's 16384 units, and the few others. */
#define MAX_REGIONS (16384 + 64)

struct walk {
	const struct kinfo *k;
	uint64_t covered[MAX_REGIONS];
	uint32_t by_virt[MAX_REGIONS]; /* mapped regions, sorted by virt */
	uint32_t nvirt;
	uint32_t ro_by_phys[MAX_REGIONS]; /* read-only kernel and trampoline regions, by phys */
	uint32_t nro;
	struct dm_span dm[128]; /* maximal runs of the direct map */
	uint32_t ndm;
	const char *fail;
};

static bool is_kernel(uint32_t kind)
{
	return kind == ASLRBOOT_RGN_KERNEL_SEGMENT || kind == ASLRBOOT_RGN_KERNEL_SECTION;
}

const struct aslrboot_region *kernel_region(const struct kinfo *k, uint64_t va)
{
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if (is_kernel(r->kind) && va >= r->virt && va - r->virt < r->size)
			return r;
	}
	return 0;
}

void kcheck_sort(uint32_t *idx, uint32_t n, uint64_t (*key)(const void *, uint32_t),
		 const void *ctx)
{
	for (uint32_t end = n, start = n / 2; end > 1;) {
		uint32_t root, t;
		if (start > 0) {
			root = --start;
		} else {
			t = idx[0], idx[0] = idx[--end], idx[end] = t;
			root = 0;
		}
		for (uint32_t child; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && key(ctx, idx[child + 1]) > key(ctx, idx[child]))
				child++;
			if (key(ctx, idx[root]) >= key(ctx, idx[child]))
				break;
			t = idx[root], idx[root] = idx[child], idx[child] = t;
		}
	}
}

uint64_t kcheck_region_virt(const void *k, uint32_t i)
{
	return ((const struct kinfo *)k)->rgn[i].virt;
}

static uint64_t region_phys(const void *k, uint32_t i)
{
	return ((const struct kinfo *)k)->rgn[i].phys;
}

static uint64_t region_key(const struct kinfo *k, uint32_t i, bool phys)
{
	return phys ? region_phys(k, i) : kcheck_region_virt(k, i);
}

/* The last of n sorted regions whose virt (phys) is <= a, or n if none. */
static uint32_t last_at_or_below(const struct kinfo *k, const uint32_t *idx, uint32_t n, uint64_t a,
				 bool phys)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (region_key(k, idx[mid], phys) <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : n;
}

/* Index the regions: mapped ones by virt (they must not overlap: one page
 * maps one frame), the read-only kernel and trampoline ones by phys. */
static const char *index_regions(struct walk *w)
{
	const struct kinfo *k = w->k;

	w->nvirt = w->nro = 0;
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if (r->kind != ASLRBOOT_RGN_GUARD)
			w->by_virt[w->nvirt++] = i;
		if ((is_kernel(r->kind) || r->kind == ASLRBOOT_RGN_TRAMPOLINE) &&
		    !(r->prot & ASLRBOOT_PROT_W))
			w->ro_by_phys[w->nro++] = i;
	}
	kcheck_sort(w->by_virt, w->nvirt, kcheck_region_virt, k);
	kcheck_sort(w->ro_by_phys, w->nro, region_phys, k);
	for (uint32_t j = 1; j < w->nvirt; j++) {
		const struct aslrboot_region *a = &k->rgn[w->by_virt[j - 1]];
		if (a->size > k->rgn[w->by_virt[j]].virt - a->virt)
			return "two mapped regions overlap";
	}
	return NULL;
}

void *kcheck_dm_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	const struct kinfo *k = ctx;
	uint64_t end;

	if (__builtin_add_overflow(pa_addr(pa), len, &end) || end > k->dm_size)
		return NULL;
	return (void *)(uintptr_t)(k->direct_map + pa_addr(pa));
}

/* PROTOCOL.md 5: the direct map aliases read-only frames (kernel text and
 * rodata, the trampoline) read-only.  A large leaf may span several such
 * regions that follow each other physically (the units of a permission
 * class share one physical block at section granularity). */
static bool ro_alias(const struct walk *w, uint64_t pa, uint64_t size)
{
	uint64_t cur = pa, end = pa + size;

	for (uint32_t j = last_at_or_below(w->k, w->ro_by_phys, w->nro, pa, true);
	     j < w->nro && cur < end; j++) {
		const struct aslrboot_region *r = &w->k->rgn[w->ro_by_phys[j]];
		if (r->phys > cur)
			return false; /* a gap: not read-only kernel memory */
		if (cur - r->phys < r->size)
			cur = r->phys + r->size;
	}
	return cur >= end;
}

/* Every leaf: not W+X, inside regions that agree on its prot and frames. */
static bool on_leaf(void *arg, const struct pt_leaf *l)
{
	struct walk *w = arg;
	const struct kinfo *k = w->k;
	uint64_t va = va_addr(l->va), pa = pa_addr(l->pa);
	bool inside = false;

	if ((l->prot & ASLRBOOT_PROT_W) && (l->prot & ASLRBOOT_PROT_X))
		w->fail = "a W+X leaf";
	if (va < PAGE)
		w->fail = "page 0 is mapped";
	if (l->user)
		w->fail = "a user-accessible leaf";
	uint32_t j = last_at_or_below(k, w->by_virt, w->nvirt, va, false);
	uint32_t i = j < w->nvirt ? w->by_virt[j] : 0;
	const struct aslrboot_region *r = j < w->nvirt ? &k->rgn[i] : 0;

	if (!w->fail && r && va - r->virt < r->size && r->size - (va - r->virt) >= l->size) {
		if (l->prot != r->prot &&
		    !(r->kind == ASLRBOOT_RGN_DIRECT_MAP && l->prot == ASLRBOOT_PROT_R &&
		      ro_alias(w, pa, l->size))) {
			static char why[128];
			ldr_snprintf(
				why, sizeof(why),
				"a leaf's protection differs from its region: va 0x%llx pa 0x%llx "
				"prot %u, region %s prot %u",
				(unsigned long long)va, (unsigned long long)pa, l->prot, r->name,
				r->prot);
			w->fail = why;
		} else if (pa != r->phys + (va - r->virt))
			w->fail = "a leaf maps the wrong frames";
		if (r->kind == ASLRBOOT_RGN_DIRECT_MAP && w->ndm && w->dm[w->ndm - 1].hi == pa)
			w->dm[w->ndm - 1].hi += l->size;
		else if (r->kind == ASLRBOOT_RGN_DIRECT_MAP && w->ndm < 128)
			w->dm[w->ndm++] = (struct dm_span){ pa, pa + l->size };
		else if (r->kind == ASLRBOOT_RGN_DIRECT_MAP)
			w->fail = "direct map too fragmented to check";
		w->covered[i] += l->size;
		inside = true;
	}
	if (!inside && !w->fail)
		w->fail = "a leaf outside every region";
	return !w->fail;
}

static bool ram_like(uint32_t type)
{
	return type != ASLRBOOT_MEM_RESERVED && type != ASLRBOOT_MEM_BAD;
}

/* PROTOCOL.md 5: every whole RAM-like page is in the direct map, and
 * nothing outside RAM-like pages (MMIO, holes) is. */
static const char *check_direct_map(const struct kinfo *k, const struct walk *w)
{
	const struct aslrboot_rec_memmap *mm =
		(const void *)handoff_find(k->info, ASLRBOOT_REC_MEMMAP, NULL);
	const uint8_t *ents = (const uint8_t *)(mm + 1);

	for (uint32_t i = 0; i < mm->count; i++) {
		const struct aslrboot_mmap_entry *e = (const void *)(ents + i * mm->entry_size);
		uint64_t lo = (e->base + PAGE - 1) & ~(PAGE - 1);
		uint64_t hi = (e->base + e->length) & ~(PAGE - 1);
		bool in = false;
		if (!ram_like(e->type) || hi > k->dm_size || lo >= hi)
			continue;
		for (uint32_t j = 0; j < w->ndm && !in; j++)
			in = w->dm[j].lo <= lo && hi <= w->dm[j].hi;
		if (!in)
			return "RAM missing from the direct map";
	}
	for (uint32_t j = 0; j < w->ndm; j++) {
		uint64_t cur = w->dm[j].lo;
		for (uint32_t i = 0; i < mm->count && cur < w->dm[j].hi; i++) {
			const struct aslrboot_mmap_entry *e =
				(const void *)(ents + i * mm->entry_size);
			uint64_t lo = e->base & ~(PAGE - 1);
			uint64_t hi = (e->base + e->length + PAGE - 1) & ~(PAGE - 1);
			if (ram_like(e->type) && lo <= cur && cur < hi)
				cur = hi; /* entries are sorted: keep sweeping */
		}
		if (cur < w->dm[j].hi)
			return "the direct map covers a hole or MMIO";
	}
	return NULL;
}

const char *check_page_tables(const struct kinfo *k, uint64_t root, pt_phys_ptr_fn phys_ptr,
			      void *ctx)
{
	static struct walk w;
	const char *why;

	if (k->layout->count > MAX_REGIONS)
		return "too many regions";
	memset(&w, 0, sizeof(w));
	w.k = k;
	if ((why = index_regions(&w)))
		return why;
	if (pt_walk(pa_init(root), phys_ptr, ctx, on_leaf, &w, NULL) != LDR_OK)
		return w.fail ? w.fail : "page-table walk failed";
	if (w.fail)
		return w.fail;
	if ((why = check_direct_map(k, &w)))
		return why;
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if (r->kind != ASLRBOOT_RGN_GUARD && r->kind != ASLRBOOT_RGN_DIRECT_MAP &&
		    w.covered[i] != r->size) {
			static char why[96];
			ldr_snprintf(why, sizeof(why), "region %s: 0x%llx of 0x%llx bytes mapped",
				     r->name, (unsigned long long)w.covered[i],
				     (unsigned long long)r->size);
			return why;
		}
		/* Guards: mapped leaves all lie in non-guard regions, so a
		 * guard is unmapped iff it overlaps none of them. */
		for (uint32_t j = 0; r->kind == ASLRBOOT_RGN_GUARD && j < k->layout->count; j++) {
			const struct aslrboot_region *o = &k->rgn[j];
			if (o->kind != ASLRBOOT_RGN_GUARD && o->virt < r->virt + r->size &&
			    r->virt < o->virt + o->size)
				return "a guard region is mapped";
		}
	}
	return NULL;
}

/* The start of the word after the one at s. */
static const char *next_word(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

/* How many leading bytes of s match `key`. */
static size_t match_len(const char *s, const char *key)
{
	size_t i = 0;

	while (key[i] && s[i] == key[i])
		i++;
	return i;
}

/* The text after `key` where a word of s starts with it (`key` ends in
 * '=' for a key=value word), or NULL if none does. */
const char *word_value(const char *s, const char *key)
{
	for (; s && *s; s = next_word(s)) {
		size_t i = match_len(s, key);
		if (!key[i])
			return s + i;
	}
	return 0;
}

/* Is `w` one of the space-separated words of s? */
bool has_word(const char *s, const char *w)
{
	for (; s && *s; s = next_word(s)) {
		size_t i = match_len(s, w);
		if (!w[i] && (s[i] == ' ' || !s[i]))
			return true;
	}
	return false;
}

void print_layout(const struct kinfo *k)
{
	const struct aslrboot_record *r = handoff_find(k->info, ASLRBOOT_REC_TIMINGS, 0);

	kprintf("aslrboot-test-kernel: %u regions, slide 0x%llx, seed flags 0x%x, %u credited bits\n",
		k->layout->count, (unsigned long long)k->layout->kernel_slide, k->seed->flags,
		k->seed->credited_bits);
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *g = &k->rgn[i];
		kprintf("  %s: virt 0x%016llx phys 0x%010llx size 0x%09llx %c%c%c\n", g->name,
			(unsigned long long)g->virt, (unsigned long long)g->phys,
			(unsigned long long)g->size, g->prot & ASLRBOOT_PROT_R ? 'r' : '-',
			g->prot & ASLRBOOT_PROT_W ? 'w' : '-',
			g->prot & ASLRBOOT_PROT_X ? 'x' : '-');
	}
	if (r) {
		static const char *const phase[ASLRBOOT_PHASE_COUNT] = {
			"entry", "file-read", "entropy",     "validate", "plan",
			"copy",	 "relocate",  "page-tables", "fw-exit",	 "kernel-entry",
		};
		const struct aslrboot_rec_timings *t = (const void *)r;
		uint64_t prev = t->tsc[0], mhz = t->tsc_hz / 1000000;
		/* Raw cycles too: tsc_hz is 0 where it cannot be calibrated
		 * (microvm), and scripts/bench.sh reads the cycles. */
		for (uint32_t i = 1; i < t->count && i < ASLRBOOT_PHASE_COUNT; i++) {
			if (!t->tsc[i])
				continue;
			kprintf("  %s: %llu cycles, %llu us\n", phase[i],
				(unsigned long long)(t->tsc[i] - prev),
				(unsigned long long)(mhz ? (t->tsc[i] - prev) / mhz : 0));
			prev = t->tsc[i];
		}
	}
}

void print_entropy(const struct kinfo *k)
{
	static const char *const src[ASLRBOOT_SRC_COUNT] = { "rdseed",	  "rdrand", "efi-rng",
							     "seed-file", "jitter", "rndr",
							     "fixed",	  "tpm" };
	static const char *const st[] = { "ok",	       "absent",     "failed",
					  "unhealthy", "distrusted", "uncredited" };
	const struct aslrboot_rec_entropy *e =
		(const void *)handoff_find(k->info, ASLRBOOT_REC_ENTROPY, 0);

	for (uint32_t i = 0; e && i < e->count; i++) {
		const struct aslrboot_entropy_entry *v =
			(const void *)((const uint8_t *)(e + 1) +
				       (uint64_t)i * handoff_entropy_entry_size(e));

		kprintf("  entropy %s: %s, %u bytes, %u bits credited\n",
			v->source < ASLRBOOT_SRC_COUNT ? src[v->source] : "?",
			v->status < 6 ? st[v->status] : "?", v->bytes, v->credited_bits);
	}
}

/* The word `memmap`: the MEMMAP record, one line per entry, so a test can
 * see what the loader handed over (e.g. that no range was dropped). */
void print_memmap(const struct kinfo *k)
{
	const struct aslrboot_rec_memmap *mm =
		(const void *)handoff_find(k->info, ASLRBOOT_REC_MEMMAP, NULL);
	const uint8_t *ents = (const uint8_t *)(mm + 1);

	for (uint32_t i = 0; mm && i < mm->count; i++) {
		const struct aslrboot_mmap_entry *e = (const void *)(ents + i * mm->entry_size);
		kprintf("aslrboot-test-kernel: memmap 0x%llx-0x%llx type %u\n",
			(unsigned long long)e->base, (unsigned long long)(e->base + e->length),
			e->type);
	}
}
