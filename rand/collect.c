/* SPDX-License-Identifier: MIT */
/*
 * The one-call collector: every source in a fixed order, each failure
 * reported in the pool and none fatal; then the policy.  Never rely on one
 * source; hash all sources.
 */
#include "rand.h"

static enum ldr_err check_inputs(const struct rand_collect_cfg *cfg)
{
	uint32_t seen = 0, src;

	if (cfg->input_count > RAND_MAX_INPUTS || (cfg->input_count && !cfg->inputs))
		return LDR_E_RNG_INPUT;
	for (uint32_t i = 0; i < cfg->input_count; i++) {
		src = cfg->inputs[i].source;
		/* One input per source, and never one the loader reads itself. */
		if (src >= ASLRBOOT_SRC_COUNT || (seen & (1u << src)) ||
		    src == ASLRBOOT_SRC_RDSEED || src == ASLRBOOT_SRC_RDRAND ||
		    src == ASLRBOOT_SRC_RNDR || src == ASLRBOOT_SRC_FIXED)
			return LDR_E_RNG_INPUT;
		if (cfg->inputs[i].len && !cfg->inputs[i].data)
			return LDR_E_RNG_INPUT;
		seen |= 1u << src;
	}
	return LDR_OK;
}

static void add_input(struct rand_pool *p, const struct rand_collect_cfg *cfg,
		      const struct rand_input *in)
{
	/* Per-source outcomes live in the pool's report; none is fatal. */
	if (in->source == ASLRBOOT_SRC_SEED_FILE)
		(void)rand_seed_file_add(p, in);
	else
		(void)rand_fw_add(p, in, in->source == ASLRBOOT_SRC_EFI_RNG && cfg->distrust_fw);
}

enum ldr_err rand_collect(const struct rand_collect_cfg *cfg, struct rand_pool *p)
{
	enum ldr_err err;

	rand_pool_init(p);
	if ((err = check_inputs(cfg)))
		return err;
	if (cfg->fixed_seed) {
		/* Debug option: reproducible, so nothing else may go in. */
		rand_pool_add(p, ASLRBOOT_SRC_FIXED, cfg->fixed_seed, 32, 0);
		p->flags |= ASLRBOOT_SEED_F_FIXED;
		return LDR_OK;
	}
	(void)rand_cpu_collect(p, cfg->cpu, true, cfg->distrust_cpu);
	(void)rand_cpu_collect(p, cfg->cpu, false, cfg->distrust_cpu);
	for (uint32_t i = 0; i < cfg->input_count; i++)
		add_input(p, cfg, &cfg->inputs[i]);
	(void)rand_jitter_collect(p, cfg->cpu, cfg->jitter_samples);
	if (cfg->strict && p->credited_bits < RAND_STRONG_BITS)
		return LDR_E_ENTROPY;
	return LDR_OK;
}
