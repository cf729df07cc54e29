/* SPDX-License-Identifier: MIT */
/*
 * The boot story, and nothing else (loader_run):
 *   entropy -> validate (chooses the protocol) -> plan -> commit -> load ->
 *   map -> exit firmware -> handoff, then loader_main enters the kernel.
 * The protocols side by side: protos/native.c, protos/linux64_boot.c.
 * Every step returns an error code; only loader_main turns one into a halt.
 * The bench=K rounds (bench.c) run before the story, not inside it.
 * Nothing is written to target memory before the plan is complete
 * (validate-then-commit: a malformed input has no side effect).
 */
#include "bench.h"
#include "loader.h"
#include "log.h"
#include "protos/proto.h"
#include "state.h"

static struct loader_state state;

static enum ldr_err story(struct loader_state *s, struct entry_state *st)
{
	const struct boot_proto *p;
	enum ldr_err err;

	if ((err = stage_entropy(s)) || (err = stage_validate(s)))
		return err;
	p = s->proto; /* native or linux64 (protos/) */
	if ((err = p->plan(s)) || (err = p->commit(s)) || (err = p->load(s)) || (err = p->map(s)) ||
	    (err = p->exit(s)))
		return err;
	return p->handoff(s, st);
}

enum ldr_err loader_run(struct boot_env *env, const struct platform_ops *ops,
			struct entry_state *st)
{
	enum ldr_err err;

	stage_init(&state, env, ops);
	log_init(ops);
	err = story(&state, st);
	stage_wipe(&state);
	return err;
}

noreturn void loader_main(struct boot_env *env, const struct platform_ops *ops)
{
	struct entry_state st;
	enum ldr_err err = LDR_OK;

	if (env->opts.bench)
		err = loader_bench(env, ops);
	if (!err)
		err = loader_run(env, ops, &st);
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
