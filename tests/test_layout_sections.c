// SPDX-License-Identifier: MIT
/*
 * layout_plan at section granularity: every unit in the window with its
 * page offset and alignment, no two units on one page, the blocks per
 * permission class, W^X page tables, uniformity of the unit draws
 * (chi-squared), aslr=off, E_NO_SPACE, bad inputs, and the cost of
 * planning thousands of units.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "layout_check.h"
#include "pt_arena.h"
#include "loader/layout/layout.h"
#include "loader/layout/internal.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define MAXU ELF_MAX_SECTION_UNITS

/* A QEMU-like 4 GiB guest (as test_layout). */
static const struct mm_entry map4g[] = {
	{ 0x0, 0x9fc00, ASLRBOOT_MEM_USABLE },
	{ 0x9fc00, 0x400, ASLRBOOT_MEM_RESERVED },
	{ 0xf0000, 0x10000, ASLRBOOT_MEM_RESERVED },
	{ 0x100000, 0xbfee0000, ASLRBOOT_MEM_USABLE },
	{ 0xbffe0000, 0x20000, ASLRBOOT_MEM_ACPI_NVS },
	{ 0xfeffc000, 0x4000, ASLRBOOT_MEM_RESERVED },
	{ 0x100000000, 0x40000000, ASLRBOOT_MEM_USABLE },
};

static struct memmap mm;
static struct elf_image img;
static struct elf_sec_unit su[MAXU];
static struct layout_plan plan, plan2;
static struct layout_store st, st2;
static void *st_mem, *st2_mem;

static uint64_t up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* One unit of class k (0 text, 1 rodata, 2 relro, 3 data) at *at. */
static void add_unit(uint32_t i, uint32_t k, uint64_t size, uint64_t align, uint64_t *at)
{
	static const uint32_t fl[4] = { ELF_PF_R | ELF_PF_X, ELF_PF_R, ELF_PF_R | ELF_PF_W,
					ELF_PF_R | ELF_PF_W };
	*at = up(*at, align);
	su[i] = (struct elf_sec_unit){ .link = *at,
				       .size = size,
				       .align = align,
				       .off = k == 3 ? 0 : *at,
				       .filesz = k == 3 ? 0 : size,
				       .shndx = i + 1,
				       .seg = k < 2 ? k : 2,
				       .flags = fl[k],
				       .relro = k == 2 };
	*at += size;
}

/*
 * n units from link_base: half text, a quarter rodata, an eighth relro, the
 * rest data (classes page-separated as segments are); sizes and alignments
 * vary with `shape` (small sections share link pages).  Segments: text RX,
 * rodata R, data RW with RELRO at its start.
 */
static void make_sections(uint32_t n, uint64_t link_base, uint64_t max_span, uint32_t shape)
{
	uint64_t at = link_base, bound[5];
	uint32_t k = 0, i = 0, cut[4] = { n / 2, n / 2 + n / 4, n / 2 + n / 4 + n / 8, n };

	memset(&img, 0, sizeof(img));
	bound[0] = link_base;
	for (k = 0; k < 4; k++) {
		for (; i < cut[k]; i++) {
			uint64_t size = shape ? 0x40 + (i * UINT64_C(7919)) % 0x3000 : 0x200;
			uint64_t align = !shape	     ? 16 :
					 i % 17 == 0 ? 0x10000 :
					 i % 5 == 0  ? 4096 :
						       16;
			add_unit(i, k, size, align, &at);
		}
		at = up(at, 4096);
		bound[k + 1] = at;
	}
	for (uint32_t s = 0; s < 3; s++) {
		struct elf_seg *g = &img.segs[s];
		static const uint32_t f[3] = { ELF_PF_R | ELF_PF_X, ELF_PF_R, ELF_PF_R | ELF_PF_W };
		g->vaddr = g->page_start = bound[s];
		g->page_end = s < 2 ? bound[s + 1] : bound[4];
		if (g->page_end == g->page_start)
			g->page_end += 4096;
		g->memsz = g->page_end - g->page_start;
		g->flags = f[s];
		g->align = 0x10000;
	}
	/* keep the segments ascending and page-disjoint when a class is empty */
	for (uint32_t s = 1; s < 3; s++)
		if (img.segs[s].page_start < img.segs[s - 1].page_end) {
			img.segs[s].vaddr = img.segs[s].page_start = img.segs[s - 1].page_end;
			if (img.segs[s].page_end <= img.segs[s].page_start)
				img.segs[s].page_end = img.segs[s].page_start + 4096;
			img.segs[s].memsz = img.segs[s].page_end - img.segs[s].page_start;
		}
	img.nsegs = 3;
	img.link_base = link_base;
	img.link_end = img.segs[2].page_end;
	img.max_align = 0x10000;
	img.entry = su[0].link + 0x10;
	img.has_relro = bound[3] > bound[2];
	img.relro_start = bound[2];
	img.relro_end = bound[3];
	img.sec = (struct elf_sections){
		.wanted = true, .usable = true, .nunits = n, .max_span = max_span
	};
}

static void setup(void)
{
	struct ldr_diag d = { 0 };
	uint64_t bytes = layout_store_bytes(MAXU);

	if (memmap_normalize(map4g, sizeof(map4g) / sizeof(map4g[0]), &mm, &d) != LDR_OK)
		abort();
	st_mem = malloc(bytes);
	st2_mem = malloc(bytes);
	if (!st_mem || !st2_mem)
		abort();
	layout_store_init(&st, st_mem, MAXU);
	layout_store_init(&st2, st2_mem, MAXU);
}

static struct layout_request sec_req(const struct layout_store *s)
{
	return (struct layout_request){
		.img = &img, .info_size = 0x40000, .su = su, .nsu = img.sec.nunits, .store = s
	};
}

static enum ldr_err plan_seed(const struct layout_request *req, uint64_t seed,
			      struct layout_plan *p, struct ldr_diag *d)
{
	return lc_plan_seed(req, &mm, seed, p, d);
}

/* Every invariant (layout_check.c) over many seeds and two unit shapes; the
 * page tables built from the plan pass the W^X verifier, pool size exact. */
static void test_invariants(void)
{
	uint32_t minv = UINT32_MAX, minw = UINT32_MAX;
	int32_t worst = INT32_MAX; /* unit mbits less log2(window / its alignment) */

	for (uint32_t shape = 0; shape < 2; shape++) {
		make_sections(300, 0, GIB, shape);
		for (uint64_t seed = 0; seed < 100; seed++) {
			struct layout_request req = sec_req(&st);
			struct ldr_diag d = { 0 };
			const char *why;
			req.allow_1g = seed & 1;
			REQUIRE(plan_seed(&req, seed, &plan, &d) == LDR_OK);
			why = lc_check_plan(&plan, &req, &mm, lc_direct_map_bytes(&mm));
			if (why)
				harness_fail(__FILE__, __LINE__, "shape %u seed %llu: %s", shape,
					     (unsigned long long)seed, why);
			for (uint32_t i = 0; i < plan.nunits; i++) {
				uint64_t a = su[i].align > 4096 ? su[i].align : 4096;
				int32_t lost = (int32_t)plan.unit[i].virt_mbits -
					       (int32_t)layout_mbits(GIB / a);
				minv = plan.unit[i].virt_mbits < minv ? plan.unit[i].virt_mbits :
									minv;
				worst = lost < worst ? lost : worst;
			}
			minw = plan.window_mbits < minw ? plan.window_mbits : minw;
			if (seed < 6) {
				struct arena a;
				struct pt_pool pool;
				paddr_t cr3;
				arena_init(&a, pa_addr(plan.pt_phys), plan.pt_pages);
				pool = arena_pool(&a, req.allow_1g);
				EXPECT_ERR(pt_build(plan.map, plan.map_count, &pool, &cr3, &d),
					   LDR_OK);
				EXPECT_EQ(pool.used, plan.pt_pages);
				EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, plan.map, plan.map_count,
						     NULL, &d),
					   LDR_OK);
				arena_free(&a);
			}
		}
	}
	printf("  300 units, 1 GiB window: window %u.%03u bits, each unit >= %u.%03u bits "
	       "(64 KiB aligned ones), at most %.3f bits below log2(window / alignment)\n",
	       minw / 1000, minw % 1000, minv / 1000, minv % 1000, -worst / 1000.0);
	/* The slots of a unit: the window's at its alignment, less the pages
	 * the others hold and the room kept at the top (under 1/8 here). */
	EXPECT(worst >= -200);
	EXPECT(minv >= 13800);
	EXPECT(minw >= 15000);
}

/*
 * Pearson chi-squared, bins equiprobable; the critical values are the
 * 1 - 1e-6 quantiles (df 255: 377.08, df 11: 48.87): a uniform sampler
 * fails each test with probability 1e-6; the seeds are fixed, so the
 * outcome is reproducible.
 */
static bool chi2_ok(const char *what, const uint32_t *bins, uint32_t nb, uint32_t n, double crit)
{
	double e = (double)n / nb, chi2 = 0;

	for (uint32_t i = 0; i < nb; i++)
		chi2 += (bins[i] - e) * (bins[i] - e) / e;
	printf("  %s: chi2 = %.1f (df %u, reject above %.2f i.e. p < 1e-6)\n", what, chi2, nb - 1,
	       crit);
	return chi2 <= crit;
}

/*
 * Uniformity.  A 2 MiB window (512 pages), unit 0 one page, unit 1 256
 * pages: unit 0 is drawn among the 256 pages below the room kept for unit
 * 1 (rejection sampling, first try).  Then a window where unit 0 takes 500
 * pages and unit 1 (one page) has 12 free pages among 512 candidates: most
 * draws miss, many end in the exact count; its rank among the free pages
 * must still be uniform.
 */
static void test_uniform(void)
{
	uint32_t bins[256] = { 0 }, bins12[12] = { 0 };
	const uint32_t per = 100;
	uint64_t at = 0;

	make_sections(2, 0, 2 * MIB, 0);
	at = 0x123;
	add_unit(0, 0, 0x100, 1, &at);
	at = 0x200000;
	add_unit(1, 3, 256 * 4096, 4096, &at);
	img.entry = su[0].link;
	for (uint32_t s = 0; s < 256 * per; s++) {
		struct layout_request req = sec_req(&st);
		struct ldr_diag d = { 0 };
		uint64_t off;
		REQUIRE(plan_seed(&req, 1000 + s, &plan, &d) == LDR_OK);
		off = va_addr(plan.unit[0].virt) - va_addr(plan.window);
		REQUIRE(off % 4096 == 0x123 && off / 4096 < 256);
		bins[off / 4096]++;
		EXPECT_EQ(plan.unit[0].virt_mbits, 8000);
	}
	EXPECT(chi2_ok("unit 0 page (256 slots)", bins, 256, 256 * per, 377.08));

	at = 0;
	add_unit(0, 0, 500 * 4096, 4096, &at);
	at = 0x400000;
	add_unit(1, 3, 0x10, 16, &at);
	img.entry = su[0].link;
	for (uint32_t s = 0; s < 12 * 1000; s++) {
		struct layout_request req = sec_req(&st);
		struct ldr_diag d = { 0 };
		uint64_t u0, u1, rank;
		REQUIRE(plan_seed(&req, 5000000 + s, &plan, &d) == LDR_OK);
		u0 = (va_addr(plan.unit[0].virt) - va_addr(plan.window)) / 4096;
		u1 = (va_addr(plan.unit[1].virt) - va_addr(plan.window)) / 4096;
		REQUIRE(u0 + 500 <= 511 && (u1 < u0 || u1 >= u0 + 500));
		rank = u1 < u0 ? u1 : u1 - 500;
		bins12[rank]++;
	}
	EXPECT(chi2_ok("unit 1 among 12 free pages", bins12, 12, 12 * 1000, 48.87));
}

/* aslr=off: the same plan whatever the rng, every unit at its link offset
 * in the window (a unit whose link page the one before holds: the next
 * free page), the window at the link base's 2 MiB frame. */
static void test_aslr_off(void)
{
	const uint64_t base = UINT64_C(0xffffffff80200000);
	static uint8_t used[GIB / 4096];
	struct layout_request req;
	struct ldr_diag d = { 0 };
	struct rand_drbg rng;
	uint64_t need = 0;

	make_sections(200, base, GIB, 1);
	req = sec_req(&st);
	req.aslr_off = true;
	REQUIRE(layout_plan(&req, &mm, NULL, &plan, &d) == LDR_OK);
	EXPECT(lc_check_plan(&plan, &req, &mm, lc_direct_map_bytes(&mm)) == NULL);
	req.store = &st2;
	lc_seed_rng(&rng, 7);
	REQUIRE(layout_plan(&req, &mm, &rng, &plan2, &d) == LDR_OK);
	EXPECT(lc_plans_equal(&plan, &plan2));
	EXPECT_EQ(va_addr(plan.window), base);
	EXPECT_EQ(plan.window_mbits, 0);
	/* Reference, page by page: the lowest free slot at or after the link
	 * page (below the room kept for the units after it). */
	memset(used, 0, sizeof(used));
	for (uint32_t i = 0; i < plan.nunits; i++)
		need += (up(su[i].link + su[i].size, 4096) - (su[i].link & ~UINT64_C(4095))) /
				4096 +
			(su[i].align > 4096 ? su[i].align / 4096 : 1) - 1;
	for (uint32_t i = 0, at = 0; i < plan.nunits; i++) {
		uint64_t lp = (su[i].link & ~UINT64_C(4095)) - base, step, pages, b, want;
		pages = (up(su[i].link + su[i].size, 4096) - (su[i].link & ~UINT64_C(4095))) / 4096;
		step = su[i].align > 4096 ? su[i].align / 4096 : 1;
		need -= pages + step - 1;
		for (b = lp / 4096;; b += step) {
			uint64_t p = 0;
			REQUIRE(b + pages <= GIB / 4096 - need);
			while (p < pages && !used[b + p])
				p++;
			if (p == pages)
				break;
		}
		memset(used + b, 1, pages);
		want = base + b * 4096 + su[i].link % 4096;
		at += va_addr(plan.unit[i].virt) == su[i].link;
		if (va_addr(plan.unit[i].virt) != want)
			harness_fail(__FILE__, __LINE__, "unit %u: va %llx, want %llx", i,
				     (unsigned long long)va_addr(plan.unit[i].virt),
				     (unsigned long long)want);
		EXPECT_EQ(plan.unit[i].virt_mbits, 0);
		if (i + 1 == plan.nunits)
			printf("  aslr=off: %u of %u units at their link address\n", at, i + 1);
	}
	/* The blocks keep link order: unit phys ascend within a class. */
	for (uint32_t i = 1; i < plan.nunits; i++)
		if (su[i].flags == su[i - 1].flags && su[i].relro == su[i - 1].relro)
			EXPECT(pa_addr(plan.unit[i].phys) > pa_addr(plan.unit[i - 1].phys));
	/* A link base in the lower half: the fixed kernel base. */
	make_sections(20, 0x400000, GIB, 1);
	req = sec_req(&st);
	req.aslr_off = true;
	REQUIRE(layout_plan(&req, &mm, NULL, &plan, &d) == LDR_OK);
	EXPECT_EQ(va_addr(plan.window), LAYOUT_FIXED_KERNEL_VA);
	/* link offsets from the link base's 2 MiB frame */
	EXPECT_EQ(va_addr(plan.unit[0].virt), LAYOUT_FIXED_KERNEL_VA + su[0].link % (2 * MIB));
}

/* The order of the units in their block is drawn: two seeds differ, and
 * every order keeps the block filled exactly (lc_check_plan). */
static void test_block_shuffle(void)
{
	struct layout_request req;
	struct ldr_diag d = { 0 };
	bool differ = false;

	make_sections(64, 0, GIB, 1);
	req = sec_req(&st);
	REQUIRE(plan_seed(&req, 1, &plan, &d) == LDR_OK);
	req.store = &st2;
	REQUIRE(plan_seed(&req, 2, &plan2, &d) == LDR_OK);
	for (uint32_t i = 0; i + 1 < 32; i++) /* text units: the first half */
		differ |= (pa_addr(plan.unit[i].phys) < pa_addr(plan.unit[i + 1].phys)) !=
			  (pa_addr(plan2.unit[i].phys) < pa_addr(plan2.unit[i + 1].phys));
	EXPECT(differ);
	EXPECT_EQ(plan.nblk, 4);
}

/* A window just large enough: dense draws fall back to the exact count
 * and never fail; the window sits at or above s32_lo. */
static void test_dense_and_s32(void)
{
	uint64_t at = 0;
	uint32_t n = 0;

	make_sections(2, 0, 2 * MIB, 0);
	/* 60 units of 1..10 pages, 9 of them 64 KiB aligned: 330 pages, 465
	 * with the alignment slack, in 512 */
	for (; n < 60; n++)
		add_unit(n, n < 30 ? 0 : 3, (1 + n % 10) * 4096 - 0x80, n % 7 ? 4096 : 0x10000,
			 &at);
	img.sec.nunits = n;
	img.sec.s32_lo = UINT64_C(0xffffffff80000000);
	img.sec.s32_hi = UINT64_C(0xffffffffff000000);
	for (uint64_t seed = 0; seed < 300; seed++) {
		struct layout_request req = sec_req(&st);
		struct ldr_diag d = { 0 };
		const char *why;
		REQUIRE(plan_seed(&req, seed, &plan, &d) == LDR_OK);
		why = lc_check_plan(&plan, &req, &mm, lc_direct_map_bytes(&mm));
		if (why)
			harness_fail(__FILE__, __LINE__, "seed %llu: %s", (unsigned long long)seed,
				     why);
		EXPECT(va_addr(plan.window) >= img.sec.s32_lo);
		EXPECT(va_addr(plan.window) + plan.window_size <= img.sec.s32_hi);
	}
}

static void test_no_space(void)
{
	struct layout_request req;
	struct ldr_diag d = { 0 };
	uint64_t at = 0;

	/* 600 pages do not fit a 2 MiB window (512 pages) */
	make_sections(2, 0, 2 * MIB, 0);
	add_unit(0, 0, 300 * 4096, 4096, &at);
	add_unit(1, 3, 300 * 4096, 4096, &at);
	req = sec_req(&st);
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_NO_SPACE);
	EXPECT(!strcmp(d.what, "kernel sections"));
	EXPECT(!strcmp(d.field, "virtual size"));
	EXPECT_EQ(d.value, 600 * 4096);
	req.aslr_off = true;
	EXPECT_ERR(layout_plan(&req, &mm, NULL, &plan, &d), LDR_E_NO_SPACE);
	/* the alignment slack counts: 511 pages + a 64 KiB-aligned unit */
	at = 0;
	add_unit(0, 0, 500 * 4096, 4096, &at);
	add_unit(1, 3, 4096, 0x10000, &at);
	req.aslr_off = false;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_NO_SPACE);
	/* no span at all */
	img.sec.max_span = 0;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_NO_SPACE);
}

static void test_bad_inputs(void)
{
	struct layout_request req;
	struct ldr_diag d = { 0 };
	struct layout_store small;

	make_sections(40, 0, GIB, 1);
	req = sec_req(&st);
	su[5].link = su[4].link; /* overlaps the one before */
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_LAYOUT);
	make_sections(40, 0, GIB, 1);
	su[7].align = 24;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_ALIGN);
	make_sections(40, 0, GIB, 1);
	su[3].size = 0;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_LAYOUT);
	make_sections(40, 0, GIB, 1);
	layout_store_init(&small, st_mem, 39); /* one unit short */
	req.store = &small;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_CONFIG);
	req.store = NULL;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_CONFIG);
	/* the entry must lie in an executable unit */
	req.store = &st;
	img.entry = su[39].link;
	EXPECT_ERR(plan_seed(&req, 1, &plan, &d), LDR_E_LAYOUT);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The most units an image may have, in a 1 GiB window: the plan holds every
 * invariant but the quadratic checker's, in bounded time; 1000 units cost
 * little (both sanitized: a release build is several times faster). */
static void test_many_units_time(void)
{
	struct layout_request req;
	struct ldr_diag d = { 0 };
	double t0, t1, t2;
	struct arena a;
	struct pt_pool pool;
	paddr_t cr3;

	make_sections(1000, 0, GIB, 0);
	req = sec_req(&st);
	t0 = now();
	REQUIRE(plan_seed(&req, 3, &plan, &d) == LDR_OK);
	t1 = now();
	make_sections(MAXU, 0, GIB, 0);
	req = sec_req(&st);
	REQUIRE(plan_seed(&req, 3, &plan, &d) == LDR_OK);
	t2 = now();
	printf("  plan: 1000 units %.1f ms, %u units %.1f ms (ASan+UBSan build)\n", (t1 - t0) * 1e3,
	       MAXU, (t2 - t1) * 1e3);
	EXPECT(t1 - t0 < 0.5);
	EXPECT(t2 - t1 < 5.0);
	EXPECT_EQ(plan.nunits, MAXU);
	EXPECT_EQ(plan.count, MAXU + 2 + 5 + 4); /* + window guards, stack... */
	/* every unit on its own pages, inside the window, W^X tables */
	for (uint32_t i = 1; i <= MAXU; i++) {
		const struct layout_region *r = &plan.r[i];
		EXPECT(va_addr(r->virt) >= va_addr(plan.window) &&
		       va_addr(r->virt) + r->size <= va_addr(plan.window) + plan.window_size);
	}
	arena_init(&a, pa_addr(plan.pt_phys), plan.pt_pages);
	pool = arena_pool(&a, false);
	EXPECT_ERR(pt_build(plan.map, plan.map_count, &pool, &cr3, &d), LDR_OK);
	EXPECT_EQ(pool.used, plan.pt_pages);
	EXPECT_ERR(wx_verify(cr3, arena_ptr, &a, plan.map, plan.map_count, NULL, &d), LDR_OK);
	printf("  %u units: %llu page-table pages, %u mappings\n", MAXU,
	       (unsigned long long)plan.pt_pages, plan.map_count);
	arena_free(&a);
}

/* The bitmap draw against a brute-force count on random bitmaps; its
 * entropy bound never exceeds the exact count. */
static void test_wmap(void)
{
	static uint64_t bits[64];
	struct wmap m = { bits, 64 * 64, 0, 0 };
	struct rand_drbg rng;

	lc_seed_rng(&rng, 11);
	for (uint32_t t = 0; t < 300; t++) {
		struct wslot q = { .pages = 1 + rand_uniform(&rng, 9),
				   .step = UINT64_C(1) << rand_uniform(&rng, 5) };
		uint64_t brute = 0, b, exact;
		uint32_t mb;
		layout_wmap_clear(&m);
		for (uint32_t k = 0, nk = (uint32_t)rand_uniform(&rng, 60); k < nk; k++) {
			struct wslot o = { .pages = 1 + rand_uniform(&rng, 40),
					   .step = 1,
					   .limit = m.npages };
			if (layout_wmap_choose(&m, &o, &rng, &b, &mb))
				break;
		}
		q.phase = rand_uniform(&rng, q.step);
		q.limit = m.npages - rand_uniform(&rng, 100);
		for (uint64_t s = q.phase; s + q.pages <= q.limit; s += q.step) {
			bool free_ = true;
			for (uint64_t p = s; p < s + q.pages; p++)
				free_ &= !(bits[p / 64] >> (p % 64) & 1);
			brute += free_;
		}
		exact = layout_wmap_count(&m, &q);
		EXPECT_EQ(exact, brute);
		if (!brute) {
			EXPECT_ERR(layout_wmap_choose(&m, &q, &rng, &b, &mb), LDR_E_NO_SPACE);
			continue;
		}
		REQUIRE(layout_wmap_choose(&m, &q, &rng, &b, &mb) == LDR_OK);
		EXPECT(mb <= layout_mbits(exact));
		EXPECT(b % q.step == q.phase && b + q.pages <= q.limit);
	}
}

int main(void)
{
	setup();
	RUN(test_wmap);
	RUN(test_invariants);
	RUN(test_uniform);
	RUN(test_aslr_off);
	RUN(test_block_shuffle);
	RUN(test_dense_and_s32);
	RUN(test_no_space);
	RUN(test_bad_inputs);
	RUN(test_many_units_time);
	free(st_mem);
	free(st2_mem);
	return harness_done();
}
