/* SPDX-License-Identifier: MIT */
/*
 * Relocation cost per entry at section granularity (host, core built -O2,
 * no sanitizers): elf_relocate_sections on kernels linked with
 * --emit-relocs, each unit at its own shuffled address, against
 * elf_relocate's RELATIVE loop on a kernel with the same number of
 * RELATIVE entries.  Memory is pre-faulted; medians of REPS runs.
 * Usage: lrelocbench OUT.csv REPS RELATIVE.elf [LABEL=]KERNEL.elf...
 * CSV (appended to hostbench's): bench,case,n,median_ns,per_item_ns,
 * ref_per_item_ns,ratio; ref = the RELATIVE loop's ns per entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "tests/elf_place.h"

static int reps = 15;

static void parse(const char *path, uint8_t **file, struct elf_image *img)
{
	uint64_t size;
	struct ldr_diag d = { 0 };

	*file = bench_load_file(path, &size);
	if (elf_parse(*file, size, ELF_MACHINE_X86_64, 0, img, &d)) {
		fprintf(stderr, "%s: elf_parse: %s\n", path, d.what ? d.what : "?");
		exit(2);
	}
}

static void row(FILE *csv, const char *bench, const char *c, uint64_t n, uint64_t med, double ref)
{
	double per = n ? (double)med / (double)n : 0;

	fprintf(csv, "%s,%s,%llu,%llu,%.3f,%.3f,%.3f\n", bench, c, (unsigned long long)n,
		(unsigned long long)med, per, ref, ref > 0 ? per / ref : 0);
	printf("%-10s %-22s n=%-8llu median %10.3f ms  %8.3f ns/entry", bench, c,
	       (unsigned long long)n, med / 1e6, per);
	if (ref > 0)
		printf("  RELATIVE %7.3f  ratio %.3f", ref, per / ref);
	printf("\n");
	fflush(stdout);
}

/* elf_relocate on a RELATIVE-only kernel: ns per entry. */
static double relative_loop(FILE *csv, const char *path)
{
	uint8_t *file;
	static struct elf_image img;
	struct elf_placement pl;
	uint64_t t[64], n;

	parse(path, &file, &img);
	place_slide(&img, UINT64_C(0xffffd9b3a2131000) - img.link_base, &pl);
	for (uint32_t i = 0; i < img.nsegs; i++) {
		uint64_t sz = img.segs[i].page_end - img.segs[i].page_start;
		pl.seg_mem[i] = aligned_alloc(4096, sz);
		memset(pl.seg_mem[i], 1, sz);
	}
	n = img.rela_count + img.stats.relr_relocs;
	for (int r = 0; r < reps; r++) {
		elf_load(&img, &pl);
		uint64_t t0 = bench_now_ns();
		if (elf_relocate(&img, &pl, NULL))
			exit(3);
		t[r] = bench_now_ns() - t0;
	}
	uint64_t med = bench_median(t, reps);
	row(csv, "lreloc", "relative-loop", n, med, 0);
	return (double)med / (double)n;
}

static uint64_t page_down(uint64_t x)
{
	return x & ~UINT64_C(4095);
}

static uint64_t page_up(uint64_t x)
{
	return (x + 4095) & ~UINT64_C(4095);
}

/*
 * Units one after another in a shuffled order (a fixed xorshift stream),
 * one free page between neighbours, each keeping its page phase and
 * alignment, from the bottom of the top 2 GiB (where R_X86_64_32S fields
 * fit): every PC-relative field changes, as at boot.
 */
static void place(const struct elf_image *img, const struct elf_sec_unit *su, struct elf_unit *u)
{
	uint32_t n = img->sec.nunits, *order = malloc(n * sizeof(*order));
	uint64_t x = 0x9e3779b97f4a7c15, va = UINT64_C(0xffffffff80200000);

	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	for (uint32_t i = n; i > 1; i--) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint32_t j = (uint32_t)(x % i), t = order[i - 1];
		order[i - 1] = order[j], order[j] = t;
	}
	for (uint32_t k = 0; k < n; k++) {
		const struct elf_sec_unit *s = &su[order[k]];
		uint64_t a = s->align > 4096 ? s->align : 4096;
		uint64_t v = (va & ~(a - 1)) + (s->link & (a - 1));

		if (v < va)
			v += a;
		u[order[k]] = (struct elf_unit){ .link = s->link, .size = s->size, .va = v };
		va = page_up(v + s->size) + 4096;
	}
	free(order);
}

/* elf_relocate_sections on one kernel: ns per entry (dynamic + link-time). */
static void section_loop(FILE *csv, const char *arg, double rel)
{
	uint8_t *file;
	static struct elf_image img;
	uint64_t t[64], n;
	const char *path = strchr(arg, '=') ? strchr(arg, '=') + 1 : arg;
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)(path > arg ? path - arg - 1 : 0), arg);
	if (!name[0])
		snprintf(name, sizeof(name), "%s",
			 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	parse(path, &file, &img);
	if (!img.sec.usable) {
		fprintf(stderr, "%s: no section granularity (note flag, --emit-relocs)\n", path);
		exit(2);
	}
	uint32_t nu = img.sec.nunits;
	struct elf_sec_unit *su = calloc(nu, sizeof(*su));
	struct elf_unit *u = calloc(nu, sizeof(*u));
	uint8_t **mem = calloc(nu, sizeof(*mem));
	uint32_t *idx = calloc(img.sec.shnum, sizeof(*idx));
	uint64_t *val = calloc(img.sec.sym_count, sizeof(*val)); /* as the loader gives it */

	elf_section_units(&img, su);
	elf_section_index(&img, idx);
	place(&img, su, u);
	for (uint32_t i = 0; i < nu; i++) {
		uint64_t sz = page_up(su[i].link + su[i].size) - page_down(su[i].link);
		mem[i] = aligned_alloc(4096, sz);
		memset(mem[i], 1, sz);
	}
	struct elf_sec_placement pl = {
		.su = su, .unit = u, .mem = mem, .sec_unit = idx, .nunits = nu, .sym_val = val
	};
	n = img.rela_count + img.stats.relr_relocs + img.sec.nrelocs;
	for (int r = 0; r < reps; r++) {
		struct ldr_diag d = { 0 };
		if (elf_load_sections(&img, &pl))
			exit(3);
		uint64_t t0 = bench_now_ns();
		if (elf_relocate_sections(&img, &pl, &d)) {
			fprintf(stderr, "%s: elf_relocate_sections: %s\n", path,
				d.what ? d.what : "?");
			exit(3);
		}
		t[r] = bench_now_ns() - t0;
	}
	char c[96];
	snprintf(c, sizeof(c), "%s-%uunits", name, nu);
	for (char *p = c; *p; p++)
		*p = *p == ',' ? '_' : *p; /* a CSV field */
	row(csv, "lreloc", c, n, bench_median(t, reps), rel);
	for (uint32_t i = 0; i < nu; i++)
		free(mem[i]);
	free(su), free(u), free(mem), free(idx), free(val), free(file);
}

int main(int argc, char **argv)
{
	FILE *csv;

	if (argc < 5) {
		fprintf(stderr,
			"usage: lrelocbench OUT.csv REPS RELATIVE.elf [LABEL=]KERNEL.elf...\n");
		return 2;
	}
	reps = atoi(argv[2]) < 1 ? 1 : atoi(argv[2]) > 64 ? 64 : atoi(argv[2]);
	csv = fopen(argv[1], "a");
	if (!csv)
		return 2;
	double rel = relative_loop(csv, argv[3]);
	for (int i = 4; i < argc; i++)
		section_loop(csv, argv[i], rel);
	fclose(csv);
	return 0;
}
