/* SPDX-License-Identifier: MIT */
#ifndef LDR_LOADER_H
#define LDR_LOADER_H

#include <stdnoreturn.h>

#include "boot_env.h"
#include "platform.h"

#define ASLRBOOT_VERSION_STRING "0.1.0"

/* The single core entry: the bench=K rounds when asked for (bench.h), then
 * loader_run, then ops->enter.  Never returns: errors go to ops->halt. */
noreturn void loader_main(struct boot_env *env, const struct platform_ops *ops);

/* The boot story up to (not including) ops->enter: entropy -> validate ->
 * the chosen protocol's plan -> commit -> load -> map -> exit -> handoff.
 * Returns the error instead of halting.  Host tests call this directly. */
enum ldr_err loader_run(struct boot_env *env, const struct platform_ops *ops,
			struct entry_state *st);

#endif
