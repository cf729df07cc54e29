/* SPDX-License-Identifier: MIT */
/* bench=K: in-guest A/B of the loader's own work (loader/bench.c). */
#ifndef LDR_BENCH_H
#define LDR_BENCH_H

#include "boot_env.h"
#include "config.h" /* BENCH_MAX_ROUNDS */
#include "platform.h"

/* With env->opts.bench = K > 0 on the Multiboot path, before the boot: K
 * throwaway rounds of plan -> load+relocate -> map over the validated
 * kernel (native protocol only), aslr off and on in ABBA order, printed per
 * round (addresses + cycles per phase) and as per-phase medians; nothing is
 * claimed.  Returns LDR_OK at once when K is 0 (after a one-line notice
 * off the Multiboot path); a failing round's error otherwise. */
enum ldr_err loader_bench(struct boot_env *env, const struct platform_ops *ops);

#endif
