/* SPDX-License-Identifier: MIT */
/*
 * bench=K: the loader's own cost of ASLR, measured inside one boot
 * (scripts/bench.sh), before the boot itself (loader_main).  Each round
 * plans, loads, relocates and maps the same validated kernel through the
 * native protocol's stages, aslr=off and aslr=on alternating in ABBA order
 * so that drift (TCG translation-cache warm-up) hits both arms alike.
 * Rounds are throwaway and claim nothing: on the Multiboot path the planner
 * already avoids every byte the front end holds (env->reserved, modules),
 * and the boot that follows starts from scratch, with its own entropy and
 * validation.  UEFI: refused (firmware allocations made after the
 * memory-map snapshot are only protected by alloc_at, which a throwaway
 * round must not call).
 */
#include "bench.h"

#include "log.h"
#include "protos/proto.h"
#include "state.h"

enum { B_PLAN, B_COPY, B_RELOC, B_MAP, B_TOTAL, B_N };
static const char *const bname[B_N] = { "plan", "copy", "relocate", "page-tables", "total" };
static uint64_t samples[2][B_N][BENCH_MAX_ROUNDS];

static uint64_t median(uint64_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) /* insertion sort: n <= 64 */
		for (uint32_t j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[n / 2] : 0;
}

static enum ldr_err round_once(struct loader_state *s, uint32_t i, bool off, uint32_t slot)
{
	uint64_t t0 = s->ops->timestamp(s->ops->ctx), *t = s->tsc, d[B_N];
	enum ldr_err err;
	int k;

	s->env->opts.aslr_off = off;
	if ((err = proto_native.plan(s)) || (err = proto_native.load(s)) ||
	    (err = proto_native.map(s)))
		return err;
	d[B_PLAN] = t[ASLRBOOT_PHASE_PLAN] - t0;
	d[B_COPY] = t[ASLRBOOT_PHASE_COPY] - t[ASLRBOOT_PHASE_PLAN];
	d[B_RELOC] = t[ASLRBOOT_PHASE_RELOCATE] - t[ASLRBOOT_PHASE_COPY];
	d[B_MAP] = t[ASLRBOOT_PHASE_PAGE_TABLES] - t[ASLRBOOT_PHASE_RELOCATE];
	d[B_TOTAL] = t[ASLRBOOT_PHASE_PAGE_TABLES] - t0;
	for (int p = 0; p < B_N; p++)
		samples[off][p][slot] = d[p];
	/* The addresses next to the timing: copy speed depends on them under
	 * TCG (a copy whose ends are exactly 32 MiB apart is ~10x slower). */
	k = layout_find(&s->plan, ASLRBOOT_RGN_KERNEL_SEGMENT);
	log_printf("bench: round %u aslr=%s virt=0x%llx phys=0x%llx pt-pages=%llu cycles "
		   "plan=%llu copy=%llu relocate=%llu page-tables=%llu total=%llu\n",
		   i, off ? "off" : "on",
		   k < 0 ? 0ull : (unsigned long long)va_addr(s->plan.r[k].virt),
		   k < 0 ? 0ull : (unsigned long long)pa_addr(s->plan.r[k].phys),
		   (unsigned long long)s->plan.pt_pages, (unsigned long long)d[B_PLAN],
		   (unsigned long long)d[B_COPY], (unsigned long long)d[B_RELOC],
		   (unsigned long long)d[B_MAP], (unsigned long long)d[B_TOTAL]);
	return LDR_OK;
}

static void summary(uint32_t n_off, uint32_t n_on)
{
	log_printf("bench: medians over %u off / %u on rounds (cycles; ratio = on/off)\n", n_off,
		   n_on);
	for (int p = 0; p < B_N; p++) {
		uint64_t off = median(samples[1][p], n_off), on = median(samples[0][p], n_on);
		uint64_t r = off ? on * 1000 / off : 0;
		log_printf("bench: median %s off=%llu on=%llu ratio=%llu.%03llu\n", bname[p],
			   (unsigned long long)off, (unsigned long long)on,
			   (unsigned long long)(r / 1000), (unsigned long long)(r % 1000));
	}
}

/* The rounds over a validated kernel in s; the options restored after. */
static enum ldr_err rounds(struct loader_state *s)
{
	struct boot_options *o = &s->env->opts;
	bool aslr_off = o->aslr_off, verbose = o->verbose;
	uint32_t n[2] = { 0, 0 };
	enum ldr_err err = LDR_OK;

	o->verbose = false;
	for (uint32_t i = 0; i < o->bench && i < BENCH_MAX_ROUNDS && !err; i++) {
		bool off = ((i / 2) % 2 == 0) == (i % 2 == 0); /* off on on off ... */
		err = round_once(s, i, off, n[off]);
		n[off]++;
	}
	o->aslr_off = aslr_off;
	o->verbose = verbose;
	if (err)
		return err;
	summary(n[1], n[0]);
	return LDR_OK;
}

enum ldr_err loader_bench(struct boot_env *env, const struct platform_ops *ops)
{
	static struct loader_state state;
	struct loader_state *s = &state;
	enum ldr_err err;

	if (!env->opts.bench)
		return LDR_OK;
	log_init(ops);
	if (!(env->info_flags & ASLRBOOT_INFO_F_MULTIBOOT) || !ops->timestamp) {
		log_printf("bench: ignored (Multiboot path with a timestamp only)\n");
		return LDR_OK;
	}
	/* Entropy and validation of its own, silent: the boot that follows
	 * repeats them and reports their warnings and errors, once.  (This
	 * path has no front-end entropy inputs or seed file that the first
	 * collection could use up.)  No rounds for a kernel the native
	 * protocol does not boot. */
	stage_init(s, env, ops);
	log_init(NULL);
	err = stage_entropy(s);
	if (!err)
		err = stage_validate(s);
	log_init(ops);
	if (!err && s->proto == &proto_native)
		err = rounds(s);
	else
		err = LDR_OK;
	stage_wipe(s);
	return err;
}
