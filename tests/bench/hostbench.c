/* SPDX-License-Identifier: MIT */
/*
 * Host microbenchmarks of the core, built -O2 without sanitizers:
 * validate, copy, relocate (RELA/RELR, 100k and 1M), plan (ASLR on/off) and
 * page tables for a 64 MiB image, against an unchecked tight loop, memcpy,
 * and glibc's ld.so relocating a PIE with the same table (exec -> exit of
 * pie-N minus pie-0, interleaved, minimum of each arm).  Memory is pre-faulted everywhere except
 * in the ld.so runs (which pay copy-on-write faults: that is its real cost).
 * Usage: hostbench GEN_DIR OUT.csv [REPS]
 * CSV: bench,case,n,median_ns,per_item_ns,ref_per_item_ns,ratio
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench_common.h"
#include "tests/elf_place.h"
#include "loader/libc.h"

extern char **environ;

static const char *gen;
static FILE *csv;
static int reps = 15;

struct kimg {
	const char *name;
	uint8_t *file;
	uint64_t size;
	struct elf_image img;
	struct elf_placement pl;
	uint64_t slide;
	uint64_t span;
};

static void out(const char *bench, const char *c, uint64_t n, uint64_t med, double ref)
{
	double per = n ? (double)med / (double)n : 0;
	fprintf(csv, "%s,%s,%llu,%llu,%.3f,%.3f,%.3f\n", bench, c, (unsigned long long)n,
		(unsigned long long)med, per, ref, ref > 0 ? per / ref : 0);
	printf("%-10s %-14s n=%-8llu median %10.3f ms  %8.3f ns/item", bench, c,
	       (unsigned long long)n, med / 1e6, per);
	if (ref > 0)
		printf("  ref %7.3f  ratio %.3f", ref, per / ref);
	printf("\n");
	fflush(stdout);
}

static void kimg_open(struct kimg *k, const char *name)
{
	char path[512];
	struct ldr_diag d = { 0 };

	snprintf(path, sizeof(path), "%s/%s.elf", gen, name);
	k->name = name;
	k->file = bench_load_file(path, &k->size);
	if (elf_parse(k->file, k->size, ELF_MACHINE_X86_64, 0, &k->img, &d)) {
		fprintf(stderr, "%s: elf_parse: %s\n", path, d.what ? d.what : "?");
		exit(2);
	}
	k->slide = UINT64_C(0xffffd9b3a2131000) - k->img.link_base;
	place_slide(&k->img, k->slide, &k->pl);
	k->span = 0;
	for (uint32_t i = 0; i < k->img.nsegs; i++) {
		uint64_t n = k->img.segs[i].page_end - k->img.segs[i].page_start;
		k->pl.seg_mem[i] = aligned_alloc(4096, n);
		memset(k->pl.seg_mem[i], 1, n); /* pre-fault */
		k->span += n;
	}
}

static void bench_validate(struct kimg *k)
{
	uint64_t t[64];
	struct elf_image img;

	for (int r = 0; r < reps; r++) {
		uint64_t t0 = bench_now_ns();
		if (elf_parse(k->file, k->size, ELF_MACHINE_X86_64, 0, &img, NULL))
			exit(3);
		t[r] = bench_now_ns() - t0;
	}
	out("validate", k->name, k->size, bench_median(t, reps), 0);
}

/* elf_load's bandwidth against memcpy over the same span (both pre-faulted). */
static void bench_copy(struct kimg *k)
{
	uint64_t t[64], m[64];
	uint8_t *dst = aligned_alloc(4096, k->span), *src = malloc(k->span);

	memset(dst, 1, k->span);
	memset(src, 2, k->span);
	for (int r = 0; r < reps; r++) {
		uint64_t t0 = bench_now_ns();
		if (elf_load(&k->img, &k->pl))
			exit(3);
		t[r] = bench_now_ns() - t0;
		t0 = bench_now_ns();
		memcpy(dst, src, k->span);
		__asm__ __volatile__("" : : "r"(dst) : "memory");
		m[r] = bench_now_ns() - t0;
	}
	uint64_t mm = bench_median(m, reps);
	out("copy", k->name, k->span, bench_median(t, reps), (double)mm / (double)k->span);
	free(dst);
	free(src);
}

/* The limit: the same table applied with no checks at all. */
static void tight_loop(const struct kimg *k)
{
	const struct elf_image *im = &k->img;
	uint32_t w = 0;
	while (w + 1 < im->nsegs && !(im->segs[w].flags & ELF_PF_W))
		w++; /* the generated tables live in the one writable segment */
	uint8_t *base = k->pl.seg_mem[w] - im->segs[w].page_start;
	uint64_t slide = k->slide;

	if (im->rela_count) {
		const uint64_t *r = (const uint64_t *)(im->file + im->rela_off);
		for (uint64_t i = 0; i < im->rela_count; i++, r += 3)
			*(uint64_t *)(base + r[0]) = r[2] + slide;
	}
	if (im->relr_count) {
		const uint64_t *w = (const uint64_t *)(im->file + im->relr_off);
		uint64_t *where = 0;
		for (uint64_t i = 0; i < im->relr_count; i++) {
			if (!(w[i] & 1)) {
				where = (uint64_t *)(base + w[i]);
				*where++ += slide;
			} else {
				uint64_t bits = w[i] >> 1;
				for (int j = 0; bits; j++, bits >>= 1)
					if (bits & 1)
						where[j] += slide;
				where += 63;
			}
		}
	}
}

static void bench_reloc(struct kimg *k, const char *label, double *core_ns)
{
	uint64_t t[64], u[64];
	uint64_t n = k->img.rela_count + k->img.stats.relr_relocs;

	for (int r = 0; r < reps; r++) {
		elf_load(&k->img, &k->pl);
		uint64_t t0 = bench_now_ns();
		if (elf_relocate(&k->img, &k->pl, NULL))
			exit(3);
		t[r] = bench_now_ns() - t0;
		elf_load(&k->img, &k->pl);
		t0 = bench_now_ns();
		tight_loop(k);
		__asm__ __volatile__("" : : : "memory");
		u[r] = bench_now_ns() - t0;
	}
	double tight = (double)bench_median(u, reps) / (double)n;
	char c[64];
	snprintf(c, sizeof(c), "%s-tight", label);
	out("reloc", c, n, (uint64_t)(tight * n), 0);
	*core_ns = (double)bench_median(t, reps) / (double)n;
	out("reloc", label, n, bench_median(t, reps), tight);
}

static uint64_t spawn_ns(const char *name)
{
	char path[512];
	char *argv[] = { path, NULL };
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "%s/%s", gen, name);
	uint64_t t0 = bench_now_ns();
	if (posix_spawn(&pid, path, NULL, NULL, argv, environ) || waitpid(pid, &st, 0) != pid ||
	    !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "cannot run %s\n", path);
		exit(2);
	}
	return bench_now_ns() - t0;
}

static uint64_t min_of(const uint64_t *v, int n)
{
	uint64_t m = v[0];
	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* glibc ld.so end to end, interleaved with the empty PIE (ABBA); the
 * minimum of each arm (the run least disturbed by other load) is the
 * estimate.  Returns ns/reloc, or -1 when the difference is below noise. */
static double bench_ldso(const char *name, uint64_t n, double core)
{
	uint64_t a[64] = { 0 }, b[64] = { 0 };
	int r2 = reps * 2 > 64 ? 64 : reps * 2;

	for (int r = 0; r < r2; r++) {
		if (r % 2)
			a[r] = spawn_ns(name);
		b[r] = spawn_ns("pie-0");
		if (!(r % 2))
			a[r] = spawn_ns(name);
	}
	uint64_t ma = min_of(a, r2), mb = min_of(b, r2);
	double per = ma > mb ? (double)(ma - mb) / (double)n : -1;
	out("ldso", name, n, ma > mb ? ma - mb : 0, 0);
	printf("%-10s %-14s core/ld.so = %.3f\n", "ratio", name, per > 0 ? core / per : -1);
	fprintf(csv, "ratio,core/ldso-%s,%llu,0,%.3f,%.3f,%.3f\n", name, (unsigned long long)n,
		core, per, per > 0 ? core / per : -1);
	return per;
}

/* pt_build + wx_verify of one plan, medians; returns the table pages. */
static uint64_t map_cost(const struct layout_plan *plan, uint64_t *build, uint64_t *verify)
{
	uint64_t b[64], v[64];
	struct bench_pool pc = { .base = pa_addr(plan->pt_phys), .size = plan->pt_pages * 4096 };

	pc.mem = aligned_alloc(4096, pc.size);
	for (int r = 0; r < reps; r++) {
		struct pt_pool pool = { .base = plan->pt_phys,
					.pages = plan->pt_pages,
					.phys_ptr = bench_pool_ptr,
					.ctx = &pc,
					.allow_1g = true };
		paddr_t cr3;
		memset(pc.mem, 0, pc.size);
		uint64_t t0 = bench_now_ns();
		if (pt_build(plan->map, plan->map_count, &pool, &cr3, NULL))
			exit(3);
		b[r] = bench_now_ns() - t0;
		t0 = bench_now_ns();
		if (wx_verify(cr3, bench_pool_ptr, &pc, plan->map, plan->map_count, NULL, NULL))
			exit(3);
		v[r] = bench_now_ns() - t0;
	}
	*build = bench_median(b, reps);
	*verify = bench_median(v, reps);
	free(pc.mem);
	return plan->pt_pages;
}

/* layout_plan, pt_build and wx_verify of one image (kernel, stack, heap,
 * info, direct map of the 4 GiB map...), ASLR off vs on. */
static void bench_plan_map(struct kimg *k)
{
	static struct memmap mm;
	static struct layout_plan plan;
	uint64_t on[64], off[64], b[2], v[2], pages[2];
	char c[96];

	bench_memmap(&mm);
	for (int r = 0; r < reps; r++) {
		uint64_t t0 = bench_now_ns();
		if (bench_plan(&k->img, &mm, false, (uint64_t)r + 1, &plan))
			exit(3);
		on[r] = bench_now_ns() - t0;
		t0 = bench_now_ns();
		if (bench_plan(&k->img, &mm, true, 0, &plan))
			exit(3);
		off[r] = bench_now_ns() - t0;
	}
	double moff = (double)bench_median(off, reps);
	snprintf(c, sizeof(c), "%s-aslr-off", k->name);
	out("plan", c, 1, (uint64_t)moff, 0);
	snprintf(c, sizeof(c), "%s-aslr-on", k->name);
	out("plan", c, 1, bench_median(on, reps), moff);
	for (int on_ = 0; on_ < 2; on_++) {
		bench_plan(&k->img, &mm, !on_, 7, &plan);
		pages[on_] = map_cost(&plan, &b[on_], &v[on_]);
	}
	for (int on_ = 0; on_ < 2; on_++) {
		snprintf(c, sizeof(c), "%s-aslr-%s-%llupages", k->name, on_ ? "on" : "off",
			 (unsigned long long)pages[on_]);
		out("pt_build", c, 1, b[on_], on_ ? (double)b[0] : 0);
		out("wx_verify", c, 1, v[on_], on_ ? (double)v[0] : 0);
	}
}

int main(int argc, char **argv)
{
	static struct kimg k[6];
	static const char *const names[] = { "k-small",	    "k-2m",	  "k-100k-rela",
					     "k-100k-relr", "k-64m-rela", "k-64m-relr" };
	double core[6] = { 0 };

	if (argc < 3) {
		fprintf(stderr, "usage: hostbench GEN_DIR OUT.csv [REPS]\n");
		return 2;
	}
	gen = argv[1];
	if (argc > 3)
		reps = atoi(argv[3]) < 1 ? 1 : atoi(argv[3]) > 32 ? 32 : atoi(argv[3]);
	csv = fopen(argv[2], "w");
	if (!csv)
		return 2;
	fprintf(csv, "bench,case,n,median_ns,per_item_ns,ref_per_item_ns,ratio\n");
	for (int i = 0; i < 6; i++)
		kimg_open(&k[i], names[i]);
	for (int i = 0; i < 6; i++)
		bench_validate(&k[i]);
	for (int i = 0; i < 6; i++)
		bench_copy(&k[i]);
	for (int i = 2; i < 6; i++)
		bench_reloc(&k[i], names[i], &core[i]);
	bench_ldso("pie-100k-rela", k[2].img.rela_count, core[2]);
	bench_ldso("pie-100k-relr", k[3].img.stats.relr_relocs, core[3]);
	bench_ldso("pie-1m-rela", k[4].img.rela_count, core[4]);
	bench_ldso("pie-1m-relr", k[5].img.stats.relr_relocs, core[5]);
	bench_plan_map(&k[0]);
	bench_plan_map(&k[4]);
	fclose(csv);
	return 0;
}
