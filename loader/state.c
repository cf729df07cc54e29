/* SPDX-License-Identifier: MIT */
/* The helpers every stage shares (state.h). */
#include "state.h"

#include "libc.h"
#include "log.h"

void stage_init(struct loader_state *s, struct boot_env *env, const struct platform_ops *ops)
{
	memset(s, 0, sizeof(*s));
	s->env = env;
	s->ops = ops;
	memcpy(s->tsc, env->tsc, sizeof(s->tsc));
}

void stage_mark(struct loader_state *s, enum aslrboot_phase phase)
{
	if (s->ops->timestamp)
		s->tsc[phase] = s->ops->timestamp(s->ops->ctx);
}

const char *stage_kname(const struct loader_state *s)
{
	return s->env->kernel_name ? s->env->kernel_name : "kernel";
}

enum ldr_err stage_diag(const struct loader_state *s, enum ldr_err err, const struct ldr_diag *d)
{
	log_diag(stage_kname(s), d);
	return err;
}

enum ldr_err stage_fail(const struct loader_state *s, enum ldr_err err, const char *what)
{
	struct ldr_diag d = { .err = err, .what = what, .index = -1 };

	return stage_diag(s, err, &d);
}

void stage_avoid(struct loader_state *s)
{
	const struct boot_env *env = s->env;
	uint32_t n = 0;

	for (uint32_t i = 0; i < env->reserved_count && i < BOOT_MAX_RESERVED; i++)
		s->avoid[n++] = env->reserved[i];
	for (uint32_t i = 0; i < env->module_count && i < BOOT_MAX_MODULES; i++)
		s->avoid[n++] = (struct boot_range){ env->modules[i].phys, env->modules[i].size };
	if (s->scratch_pages)
		s->avoid[n++] =
			(struct boot_range){ pa_addr(s->scratch), s->scratch_pages * PAGE_SIZE };
	s->avoid_count = n;
}

enum ldr_err stage_final_map(struct loader_state *s, struct ldr_diag *d)
{
	struct boot_env *env = s->env;
	enum ldr_err err = memmap_normalize(env->mmap, env->mmap_count, &s->mm, d);

	for (uint32_t i = 0; !err && i < env->reserved_count; i++)
		err = memmap_mark_usable(&s->mm, env->reserved[i].base, env->reserved[i].len,
					 ASLRBOOT_MEM_LOADER_RECLAIMABLE);
	for (uint32_t i = 0; !err && i < env->module_count; i++)
		err = memmap_mark(&s->mm, env->modules[i].phys, env->modules[i].size,
				  ASLRBOOT_MEM_MODULE);
	return err;
}

void stage_wipe(struct loader_state *s)
{
	rand_wipe(s->master, sizeof(s->master));
	rand_drbg_wipe(&s->layout_rng);
	rand_wipe(&s->pool, sizeof(s->pool));
	rand_wipe(&s->seed, sizeof(s->seed));
}
