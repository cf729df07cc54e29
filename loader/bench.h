/* SPDX-License-Identifier: MIT */
/* bench=K: in-guest A/B of the loader's own work (loader/bench.c). */
#ifndef LDR_BENCH_H
#define LDR_BENCH_H

#include "config.h" /* BENCH_MAX_ROUNDS */
#include "stages.h"

/* With opts.bench = K > 0 on the Multiboot path: K throwaway rounds of
 * plan -> load+relocate -> map, aslr off and on in ABBA order, printed per
 * round (addresses + cycles per phase) and as per-phase medians.  Returns
 * LDR_OK at once when K is 0; a failing round's error otherwise. */
enum ldr_err loader_bench(struct loader_state *s);

#endif
