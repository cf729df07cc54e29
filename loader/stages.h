/* SPDX-License-Identifier: MIT */
/* The boot story's steps, each returning an error code (main.c runs them). */
#ifndef LDR_STAGES_H
#define LDR_STAGES_H

#include "../elf/elf.h"
#include "../rand/rand.h"
#include "boot_env.h"
#include "layout/layout.h"
#include "memmap.h"
#include "platform.h"

struct loader_state {
	struct boot_env *env;
	const struct platform_ops *ops;
	struct elf_image img;
	struct memmap mm;
	struct layout_plan plan;
	struct rand_pool pool;
	uint8_t master[32];
	struct rand_drbg layout_rng;
	struct aslrboot_rec_seed seed;
	paddr_t cr3;
	uint64_t info_size;
	uint64_t tsc[ASLRBOOT_PHASE_COUNT];
};

enum ldr_err stage_entropy(struct loader_state *s);
enum ldr_err stage_plan(struct loader_state *s);
enum ldr_err stage_commit(struct loader_state *s);
enum ldr_err stage_load(struct loader_state *s);
enum ldr_err stage_map(struct loader_state *s);
enum ldr_err stage_exit(struct loader_state *s);
enum ldr_err stage_final_map(struct loader_state *s, struct ldr_diag *d);
enum ldr_err stage_handoff(struct loader_state *s);
void stage_wipe(struct loader_state *s);
void stage_mark(struct loader_state *s, enum aslrboot_phase phase);
void stage_print_layout(const struct loader_state *s);

#endif
