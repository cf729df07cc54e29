/* SPDX-License-Identifier: MIT */
/*
 * Layout quality (`make stats`): run the real layout_plan on a
 * kernel for N seeds over a PC-like 4 GiB map and report, per region and
 * address space: distinct values, log2(slots) (the plan's own count), a
 * min-entropy estimate, chi-squared uniformity p-values over 16/256/4096
 * bins, per-bit balance, and pairwise independence between regions.
 * Physical addresses are binned by RAM offset (holes squeezed out) so that
 * uniform-over-slots is uniform-over-bins.  Seeds key the loader's own DRBG
 * (RAND_DOMAIN_LAYOUT), one key per boot.
 * Usage: layoutstats KERNEL.elf N OUTDIR      (writes OUTDIR/stats.csv,
 *        pairs.csv, hist.csv; prints a markdown table)
 * A chi-squared p-value below 1e-4 is flagged "LOW": with ~60 tests per
 * run, the chance of a false flag on a uniform layout is about 0.6%.  A bit
 * whose frequency of ones is off 0.5 by more than 5 sigma (2.5/sqrt(N)) is
 * flagged "BIASED" (false flag: ~6e-7 per bit, ~1e-4 per run).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#define P_FLAG 1e-4
#define HBINS 64

struct series {
	char name[40];
	uint64_t *v;	/* raw addresses */
	double *u;	/* position in [0,1) of the slot space */
	uint32_t mbits; /* plan's 1000*log2(slots) */
};

static struct memmap mm;
static uint32_t n;

/* Offset of pa among the usable bytes of mm (holes squeezed out). */
static double ram_pos(uint64_t pa)
{
	uint64_t below = 0, total = 0;
	for (uint32_t i = 0; i < mm.count; i++) {
		const struct mm_entry *e = &mm.e[i];
		if (e->type != ASLRBOOT_MEM_USABLE)
			continue;
		total += e->len;
		if (pa >= e->base + e->len)
			below += e->len;
		else if (pa > e->base)
			below += pa - e->base;
	}
	return (double)below / (double)total;
}

/* Upper tail of chi-squared with k degrees of freedom (Wilson-Hilferty;
 * accurate to ~1e-3 relative for k >= 15, which all our tests have). */
static double chi2_p(double x, double k)
{
	double z = (cbrt(x / k) - (1 - 2 / (9 * k))) / sqrt(2 / (9 * k));
	return 0.5 * erfc(z / sqrt(2));
}

static double chi2_uniform(const double *u, uint32_t bins)
{
	uint32_t *c = calloc(bins, sizeof(*c));
	double e = (double)n / bins, x = 0;
	if (e < 5) {
		free(c);
		return NAN; /* too few samples for this many bins */
	}
	for (uint32_t i = 0; i < n; i++)
		c[(uint32_t)(u[i] * bins) < bins ? (uint32_t)(u[i] * bins) : bins - 1]++;
	for (uint32_t b = 0; b < bins; b++)
		x += (c[b] - e) * (c[b] - e) / e;
	free(c);
	return chi2_p(x, bins - 1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct values and the largest multiplicity. */
static uint32_t distinct(const uint64_t *v, uint32_t *maxc)
{
	uint64_t *s = malloc(n * sizeof(*s));
	uint32_t d = 0, run = 0;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	*maxc = 0;
	for (uint32_t i = 0; i < n; i++) {
		run = i && s[i] == s[i - 1] ? run + 1 : 1;
		d += run == 1;
		if (run > *maxc)
			*maxc = run;
	}
	free(s);
	return d;
}

/* Largest |P(bit)=1 - 0.5| over the top `bits` bits of the slot position
 * (raw address bits are not balanced where the map has holes). */
static double bit_balance(const double *u, int bits)
{
	double worst = 0;
	for (int b = 0; b < bits; b++) {
		uint32_t ones = 0;
		for (uint32_t i = 0; i < n; i++)
			ones += ((uint64_t)ldexp(u[i], bits) >> b) & 1;
		double dev = fabs((double)ones / n - 0.5);
		if (dev > worst)
			worst = dev;
	}
	return worst;
}

/* Independence of two series: 16x16 contingency chi-squared on their top
 * 4 bits of slot position, and the number of distinct address deltas. */
static void pair(FILE *csv, const struct series *a, const struct series *b)
{
	uint32_t c[16][16] = { { 0 } }, ra[16] = { 0 }, rb[16] = { 0 }, maxc;
	uint64_t *d = malloc(n * sizeof(*d));
	double x = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t p = (uint32_t)(a->u[i] * 16), q = (uint32_t)(b->u[i] * 16);
		p = p > 15 ? 15 : p;
		q = q > 15 ? 15 : q;
		c[p][q]++, ra[p]++, rb[q]++;
		d[i] = b->v[i] - a->v[i];
	}
	for (int p = 0; p < 16; p++)
		for (int q = 0; q < 16; q++) {
			double e = (double)ra[p] * rb[q] / n;
			if (e > 0)
				x += (c[p][q] - e) * (c[p][q] - e) / e;
		}
	uint32_t dd = distinct(d, &maxc);
	double p = n / 256.0 >= 5 ? chi2_p(x, 225) : NAN;
	fprintf(csv, "%s,%s,%u,%u,%.6g\n", a->name, b->name, dd, maxc, p);
	printf("| %s | %s | %u | %u | %.3g%s |\n", a->name, b->name, dd, maxc, p,
	       p < P_FLAG ? " LOW" : "");
	free(d);
}

static void report(FILE *csv, FILE *hist, const struct series *s)
{
	uint32_t maxc, d = distinct(s->v, &maxc);
	double p16 = chi2_uniform(s->u, 16), p256 = chi2_uniform(s->u, 256),
	       p4k = chi2_uniform(s->u, 4096);
	double slots = s->mbits / 1000.0, hmin = -log2((double)maxc / n);
	int bits = slots > 16 ? 16 : (int)slots;
	double bal = bit_balance(s->u, bits);
	uint32_t h[HBINS] = { 0 }, hmax = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = (uint32_t)(s->u[i] * HBINS);
		h[b < HBINS ? b : HBINS - 1]++;
	}
	for (int b = 0; b < HBINS; b++) {
		fprintf(hist, "%s,%d,%u\n", s->name, b, h[b]);
		hmax = h[b] > hmax ? h[b] : hmax;
	}
	/* Min-entropy of the 4096-bin histogram, scaled: a uniform layout
	 * gives 12 bits; the whole-address estimate is capped by log2(N). */
	uint32_t c4[4096] = { 0 }, m4 = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = (uint32_t)(s->u[i] * 4096);
		b = b > 4095 ? 4095 : b;
		m4 = ++c4[b] > m4 ? c4[b] : m4;
	}
	double hbin = -log2((double)m4 / n);
	fprintf(csv, "%s,%u,%u,%.3f,%.3f,%.3f,%.6g,%.6g,%.6g,%d,%.4f\n", s->name, n, d, slots, hmin,
		hbin, p16, p256, p4k, bits, bal);
	printf("| %s | %u | %.3f | %.2f%s | %.2f | %.3g | %.3g | %.3g | %.4f (%d bits) |%s%s\n",
	       s->name, d, slots, hmin, maxc == 1 ? " (=log2 N, all distinct)" : "", hbin, p16,
	       p256, p4k, bal, bits,
	       (p16 < P_FLAG || p256 < P_FLAG || p4k < P_FLAG) ? " LOW p" : "",
	       bal > 2.5 / sqrt(n) ? " BIASED bit" : "");
}

static void add_series(struct series *s, uint32_t *ns, const char *name, const char *space)
{
	struct series *x = &s[(*ns)++];
	snprintf(x->name, sizeof(x->name), "%s.%s", name, space);
	x->v = calloc(n, sizeof(*x->v));
	x->u = calloc(n, sizeof(*x->u));
}

static struct series s[2 * LAYOUT_MAX_REGIONS];
static uint32_t ns;

/* First plan: one series per backed region and address space (the kernel:
 * its first segment; the others share its slide).  idx[i]: series of r[i]. */
static void make_series(const struct layout_plan *plan, int *idx)
{
	for (uint32_t i = 0; i < plan->count; i++) {
		const struct layout_region *r = &plan->r[i];
		idx[i] = -1;
		if (r->kind == ASLRBOOT_RGN_GUARD ||
		    (r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT && r->seg > 0 && r->virt_mbits))
			continue;
		idx[i] = (int)ns;
		const char *nm = r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT ? "kernel" : r->name;
		add_series(s, &ns, nm, "virt");
		s[ns - 1].mbits = r->virt_mbits;
		if (r->phys_mbits) {
			add_series(s, &ns, nm, "phys");
			s[ns - 1].mbits = r->phys_mbits;
		}
	}
}

static void record(const struct layout_plan *plan, const int *idx, uint32_t k)
{
	for (uint32_t i = 0; i < plan->count; i++) {
		const struct layout_region *r = &plan->r[i];
		if (idx[i] < 0)
			continue;
		struct series *v = &s[idx[i]];
		uint64_t va = va_addr(r->virt);
		v->v[k] = va;
		v->u[k] = r->kind == ASLRBOOT_RGN_TRAMPOLINE ?
				  ram_pos(va) :
				  (double)(va - LAYOUT_VWIN_LO) /
					  (double)(LAYOUT_VWIN_HI - LAYOUT_VWIN_LO);
		if (r->phys_mbits) {
			v[1].v[k] = pa_addr(r->phys);
			v[1].u[k] = ram_pos(pa_addr(r->phys));
		}
	}
}

static FILE *open_out(const char *dir, const char *name, const char *header)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fprintf(f, "%s\n", header);
	return f;
}

static void write_reports(const char *dir, const char *kernel)
{
	FILE *csv = open_out(dir, "stats.csv",
			     "series,n,distinct,log2_slots,hmin_est,hmin_4096bins,p16,p256,p4096,"
			     "balance_bits,balance_maxdev");
	FILE *hist = open_out(dir, "hist.csv", "series,bin,count");
	FILE *pcsv =
		open_out(dir, "pairs.csv", "a,b,distinct_deltas,max_delta_repeat,p_indep_16x16");

	printf("N = %u layouts of %s (4 GiB PC map). Flags: chi-squared p < %g (LOW p; ~0.6%% false\n"
	       "flags per run), bit bias > 2.5/sqrt(N) = %.4f (BIASED bit, 5 sigma).\n\n",
	       n, kernel, P_FLAG, 2.5 / sqrt(n));
	printf("| series | distinct | log2 slots | min-entropy est. | 4096-bin min-entropy (max 12) "
	       "| p16 | p256 | p4096 | worst bit bias |\n|---|---|---|---|---|---|---|---|---|\n");
	for (uint32_t i = 0; i < ns; i++)
		report(csv, hist, &s[i]);
	printf("\n| a | b | distinct deltas | max repeat | p (16x16 independence) |\n"
	       "|---|---|---|---|---|\n");
	for (uint32_t i = 0; i < ns; i++)
		for (uint32_t j = i + 1; j < ns; j++)
			if (strstr(s[i].name, ".virt") && strstr(s[j].name, ".virt"))
				pair(pcsv, &s[i], &s[j]);
	fclose(csv);
	fclose(hist);
	fclose(pcsv);
}

int main(int argc, char **argv)
{
	static struct layout_plan plan;
	int idx[LAYOUT_MAX_REGIONS];
	uint32_t nreg = 0;
	struct elf_image img;
	uint64_t size;

	if (argc != 4 || (n = (uint32_t)strtoul(argv[2], NULL, 0)) < 16) {
		fprintf(stderr, "usage: layoutstats KERNEL.elf N(>=16) OUTDIR\n");
		return 2;
	}
	uint8_t *file = bench_load_file(argv[1], &size);
	if (elf_parse(file, size, ELF_MACHINE_X86_64, 0, &img, NULL))
		return 2;
	bench_memmap(&mm);
	for (uint32_t k = 0; k < n; k++) {
		if (bench_plan(&img, &mm, false, k + 1, &plan)) {
			fprintf(stderr, "plan failed for seed %u\n", k + 1);
			return 1;
		}
		if (k == 0) {
			make_series(&plan, idx);
			nreg = plan.count;
		}
		if (plan.count != nreg) {
			fprintf(stderr, "seed %u: %u regions, not %u\n", k + 1, plan.count, nreg);
			return 1;
		}
		record(&plan, idx, k);
	}
	write_reports(argv[3], argv[1]);
	return 0;
}
