/* SPDX-License-Identifier: MIT */
/* Internal to the walkers (mbi.c, mb1.c, mb2.c). */
#ifndef MB_MBI_INT_H
#define MB_MBI_INT_H

#include "../include/ldr_unaligned.h"
#include "mbi.h"

void mbi_info_init(struct mb_info *out, uint32_t proto);
/* One raw map entry, its Multiboot type translated; empty or wrapping
 * entries are repaired or dropped (mbi.c). */
enum ldr_err mbi_mm_add(struct mb_info *out, uint64_t base, uint64_t len, uint32_t mb_type,
			struct ldr_diag *d);
/* mem_lower / mem_upper (KiB) as two USABLE entries, when there is no map. */
enum ldr_err mbi_meminfo(struct mb_info *out, uint32_t lower, uint32_t upper, struct ldr_diag *d);
/* Append the module [start, end) once it passed every check (non-empty,
 * under the cap, readable). */
enum ldr_err mbi_mod_add(struct mb_info *out, uint64_t start, uint64_t end, mb_access_fn acc,
			 void *ctx, struct ldr_diag *d);
/* A string at pa, NUL-terminated within the cap; the diag names what / idx. */
enum ldr_err mbi_string_at(uint64_t pa, mb_access_fn acc, void *ctx, const char **out,
			   const char *what, int64_t idx, struct ldr_diag *d);
void mbi_span_add(struct mb_info *out, uint64_t base, uint64_t len);

#endif
