/* SPDX-License-Identifier: MIT */
/*
 * The boot story, and nothing else:
 *   entropy -> validate -> plan -> commit -> load+relocate -> map+verify ->
 *   exit firmware -> handoff -> enter.
 * Every step returns an error code; only loader_main turns one into a halt.
 * Nothing is written to target memory before the plan is complete
 * (validate-then-commit: a malformed input has no side effect).
 */
#include "loader.h"
#include "libc.h"
#include "log.h"
#include "protos/linux64.h"
#include "stages.h"
#include "bench.h"

static struct loader_state state;

enum ldr_err loader_run(struct boot_env *env, const struct platform_ops *ops, struct entry_state *st)
{
	struct loader_state *s = &state;
	struct l64_plan l64;
	bool linux64 = false;
	enum ldr_err err;

	memset(s, 0, sizeof(*s));
	s->env = env;
	s->ops = ops;
	memcpy(s->tsc, env->tsc, sizeof(s->tsc));
	log_init(ops);

	if ((err = stage_entropy(s)) || (err = linux64_validate(s, &linux64))) {
		stage_wipe(s);
		return err;
	}
	/* The Linux 64-bit boot protocol: a path of its own (linux64.h). */
	if (linux64) {
		err = linux64_run(s, &l64, st);
		stage_wipe(s);
		return err;
	}
	if ((err = loader_bench(s)) || (err = stage_plan(s)) || (err = stage_commit(s)) ||
	    (err = stage_load(s)) || (err = stage_map(s)) || (err = stage_exit(s)) ||
	    (err = stage_handoff(s))) {
		stage_wipe(s);
		return err;
	}

	st->cr3 = s->cr3;
	st->entry = s->plan.entry;
	st->stack_top = s->plan.stack_top;
	st->info = s->plan.info_virt;
	st->trampoline = s->plan.trampoline;
	st->rsi = 0;
	stage_wipe(s);
	return LDR_OK;
}

noreturn void loader_main(struct boot_env *env, const struct platform_ops *ops)
{
	struct entry_state st;
	enum ldr_err err = loader_run(env, ops, &st);

	if (err)
		ops->halt(ops->ctx, err);
	ops->enter(ops->ctx, &st);
	__builtin_unreachable();
}

#ifdef LDR_HOST_TEST
/* For the wipe test: the loader's private state after loader_run. */
const void *loader_debug_state(unsigned long *len)
{
	*len = sizeof(state);
	return &state;
}
#endif
