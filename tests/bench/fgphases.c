/* SPDX-License-Identifier: MIT */
/*
 * The loader's phases at section granularity on the host, one run each, for
 * an instruction profiler (valgrind --tool=callgrind): layout_plan with the
 * units, elf_load_sections, pt_build and wx_verify of the plan, each in its
 * own function.  Usage: fgphases KERNEL [segment] (segment: plan by segment,
 * no copy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "elf/elf.h"
#include "loader/paging/paging.h"
#include "rand/rand.h"

static __attribute__((noinline)) enum ldr_err
phase_plan(struct layout_request *req, const struct memmap *mm, struct layout_plan *plan)
{
	uint8_t master[32] = { 7 };
	struct rand_drbg rng;
	struct ldr_diag d = { 0 };

	rand_drbg_init(&rng, master, RAND_DOMAIN_LAYOUT);
	return layout_plan(req, mm, &rng, plan, &d);
}

static __attribute__((noinline)) enum ldr_err phase_copy(const struct elf_image *img,
							 const struct elf_sec_placement *pl)
{
	return elf_load_sections(img, pl);
}

static __attribute__((noinline)) enum ldr_err phase_tables(const struct layout_plan *plan,
							   struct bench_pool *pc, uint32_t *idx)
{
	struct pt_pool pool = { .base = plan->pt_phys,
				.pages = plan->pt_pages,
				.phys_ptr = bench_pool_ptr,
				.ctx = pc,
				.allow_1g = true };
	paddr_t cr3;
	enum ldr_err err = pt_build(plan->map, plan->map_count, &pool, &cr3, NULL);

	return err ? err :
		     wx_verify(cr3, bench_pool_ptr, pc, plan->map, plan->map_count, idx, NULL);
}

int main(int argc, char **argv)
{
	static struct elf_image img;
	static struct layout_plan plan;
	static struct memmap mm;
	struct layout_store st;
	struct layout_request req = { .img = &img, .info_size = 0x2000, .allow_1g = true };
	struct ldr_diag d = { 0 };
	uint64_t size;
	uint8_t *file;
	bool seg = argc > 2 && !strcmp(argv[2], "segment");

	if (argc < 2) {
		fprintf(stderr, "usage: fgphases KERNEL [segment]\n");
		return 2;
	}
	file = bench_load_file(argv[1], &size);
	if (elf_parse(file, size, ELF_MACHINE_X86_64, 0, &img, &d) || !img.sec.usable) {
		fprintf(stderr, "%s: not a section-granularity kernel\n", argv[1]);
		return 2;
	}
	bench_memmap(&mm);
	uint32_t n = img.sec.nunits;
	void *mem = aligned_alloc(4096, (layout_store_bytes(n) + 4095) & ~UINT64_C(4095));
	struct elf_sec_unit *su = calloc(n, sizeof(*su));
	uint32_t *sec_unit = calloc(img.sec.shnum, sizeof(*sec_unit));
	struct elf_unit *eu = calloc(n, sizeof(*eu));
	uint8_t **umem = calloc(n, sizeof(*umem));

	layout_store_init(&st, mem, n);
	elf_section_units(&img, su);
	elf_section_index(&img, sec_unit);
	if (!seg) {
		req.su = su;
		req.nsu = n;
		req.store = &st;
	}
	if (phase_plan(&req, &mm, &plan)) {
		fprintf(stderr, "layout_plan failed\n");
		return 3;
	}
	if (!seg) {
		for (uint32_t i = 0; i < plan.nunits; i++) {
			const struct layout_unit *u = &plan.unit[i];
			uint64_t sz = plan.r[u->region].size;

			eu[i] = (struct elf_unit){ u->link, u->size, va_addr(u->virt) };
			umem[i] = aligned_alloc(4096, sz);
			memset(umem[i], 0xa5, sz); /* not zeroed: the loader zeroes */
		}
		struct elf_sec_placement pl = { .su = su,
						.unit = eu,
						.mem = umem,
						.sec_unit = sec_unit,
						.nunits = plan.nunits };
		if (phase_copy(&img, &pl)) {
			fprintf(stderr, "elf_load_sections failed\n");
			return 3;
		}
	}
	struct bench_pool pc = { .base = pa_addr(plan.pt_phys), .size = plan.pt_pages * 4096 };
	pc.mem = calloc(1, pc.size);
	if (phase_tables(&plan, &pc, seg ? NULL : st.map_idx)) {
		fprintf(stderr, "page tables failed\n");
		return 3;
	}
	/* FNV-1a over the mappings and units: equal plans, equal hashes. */
	uint64_t h = 0xcbf29ce484222325u;
	for (uint32_t i = 0; i < plan.map_count; i++) {
		const uint64_t v[4] = { va_addr(plan.map[i].va), pa_addr(plan.map[i].pa),
					plan.map[i].len, plan.map[i].prot };
		for (int k = 0; k < 4; k++)
			h = (h ^ v[k]) * 0x100000001b3u;
	}
	for (uint32_t i = 0; i < plan.nunits; i++) {
		const uint64_t v[3] = { va_addr(plan.unit[i].virt), pa_addr(plan.unit[i].phys),
					plan.unit[i].virt_mbits };
		for (int k = 0; k < 3; k++)
			h = (h ^ v[k]) * 0x100000001b3u;
	}
	printf("%s: %u units, %u mappings, %llu table pages, plan hash %016llx\n", argv[1],
	       plan.nunits, plan.map_count, (unsigned long long)plan.pt_pages,
	       (unsigned long long)h);
	return 0;
}
