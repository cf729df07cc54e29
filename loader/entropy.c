/* SPDX-License-Identifier: MIT */
/*
 * The entropy stage: every source into one pool (rand_collect), then the
 * outputs in systemd-boot's order -- the next seed file is stored before the
 * kernel's seed is derived -- and the layout stream, each from its own
 * domain so the kernel's seed reveals nothing about the layout.
 */
#include "libc.h"
#include "log.h"
#include "state.h"

static uint32_t inputs(const struct boot_env *env, struct rand_input *in)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < env->entropy_count && n < RAND_MAX_INPUTS; i++) {
		const struct boot_entropy_input *e = &env->entropy[i];
		in[n++] = (struct rand_input){
			.source = e->source,
			.status = e->status,
			.credit_bits = e->credit_bits,
			.read_only = e->read_only,
			.data = e->data ? e->data : e->bytes,
			.len = e->data ? e->len : (e->len > sizeof(e->bytes) ? 0 : e->len),
		};
	}
	return n;
}

/*
 * The front ends' copies of seed material (EFI_RNG bytes, the seed file's
 * buffer) are in the pool now: wipe them, so that before the jump only the
 * kernel's seed record holds secrets (Linux libstub wipes its copies the
 * same way).
 */
static void wipe_inputs(struct boot_env *env, struct rand_input *in, uint32_t n)
{
	const uint32_t cap = sizeof(env->entropy) / sizeof(env->entropy[0]);

	for (uint32_t i = 0; i < env->entropy_count && i < cap; i++) {
		struct boot_entropy_input *e = &env->entropy[i];
		if (e->data)
			rand_wipe((void *)(uintptr_t)e->data, e->len);
		rand_wipe(e->bytes, sizeof(e->bytes));
	}
	rand_wipe(in, n * sizeof(*in));
}

/* A front-end source that delivered bytes the pool then refused (a zeroed
 * or repeating seed file, stuck firmware RNG output): say so, once. */
static void report_refused(const struct rand_pool *p, const struct rand_input *in, uint32_t n)
{
	static const char *const name[ASLRBOOT_SRC_COUNT] = {
		"rdseed", "rdrand", "EFI RNG", "seed file", "jitter", "rndr", "fixed", "TPM",
	};
	for (uint32_t i = 0; i < n; i++)
		if (in[i].status == ASLRBOOT_ENT_OK && in[i].source < ASLRBOOT_SRC_COUNT &&
		    (p->sources_failed & (1u << in[i].source)))
			log_printf("warning: %s: failed its health test; not credited\n",
				   name[in[i].source]);
}

static void warn(const struct aslrboot_rec_seed *seed)
{
	if (seed->flags & ASLRBOOT_SEED_F_FIXED)
		log_printf("WARNING: fixed seed: the layout is NOT random (debug option)\n");
	else if (seed->flags & ASLRBOOT_SEED_F_WEAK)
		log_printf(
			"WARNING: weak entropy: %u of 256 bits credited; layout and seed may be predictable\n",
			seed->credited_bits);
}

static enum ldr_err store_next_seed(struct loader_state *s)
{
	uint8_t next[32];
	enum ldr_err err;

	if (!s->ops->store_seed || s->env->opts.fixed_seed_set)
		return rand_next_seed_file(&s->pool, s->master, NULL, 0);
	err = rand_next_seed_file(&s->pool, s->master, next, sizeof(next));
	if (!err && s->ops->store_seed(s->ops->ctx, next, sizeof(next))) {
		/* Next boot would read the same bytes again: no credit. */
		rand_pool_uncredit(&s->pool, ASLRBOOT_SRC_SEED_FILE);
		log_printf("warning: could not store the next seed file; not credited\n");
	}
	rand_wipe(next, sizeof(next));
	return err;
}

enum ldr_err stage_entropy(struct loader_state *s)
{
	static struct rand_input in[RAND_MAX_INPUTS];
	const struct boot_env *env = s->env;
	struct rand_collect_cfg cfg = {
		.cpu = rand_hw_ops(),
		.inputs = in,
		.input_count = inputs(env, in),
		.distrust_cpu = env->opts.distrust_cpu_rng,
		.distrust_fw = env->opts.distrust_fw_rng,
		.strict = env->opts.entropy_policy == BOOT_ENTROPY_STRICT,
		.fixed_seed = env->opts.fixed_seed_set ? env->opts.fixed_seed : NULL,
	};
	enum ldr_err err;

	err = rand_collect(&cfg, &s->pool);
	report_refused(&s->pool, in, cfg.input_count);
	wipe_inputs(s->env, in, cfg.input_count);
	if (err == LDR_E_ENTROPY) {
		struct ldr_diag d = {
			err, "entropy", -1, "credited_bits", s->pool.credited_bits, 0
		};
		log_diag("entropy=strict", &d);
	}
	if (err)
		return err;
	rand_pool_finish(&s->pool, s->master);
	if ((err = store_next_seed(s)) || (err = rand_kernel_seed(&s->pool, s->master, &s->seed)))
		return err;
	warn(&s->seed);
	rand_drbg_init(&s->layout_rng, s->master, RAND_DOMAIN_LAYOUT);
	stage_mark(s, ASLRBOOT_PHASE_ENTROPY);
	return LDR_OK;
}
