/* SPDX-License-Identifier: MIT */
#ifndef LDR_LOADER_H
#define LDR_LOADER_H

#include <stdnoreturn.h>

#include "boot_env.h"
#include "platform.h"

#define ASLRBOOT_VERSION_STRING "0.1.0"

/* The single core entry: validate -> plan -> load -> relocate -> map ->
 * verify W^X -> handoff -> enter.  Never returns: errors go to ops->halt. */
noreturn void loader_main(struct boot_env *env, const struct platform_ops *ops);

/* Everything loader_main does up to (not including) ops->enter; returns the
 * error instead of halting.  Host tests call this directly. */
enum ldr_err loader_run(struct boot_env *env, const struct platform_ops *ops, struct entry_state *st);

#endif
