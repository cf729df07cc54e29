/* SPDX-License-Identifier: MIT */
/*
 * The state one boot carries from stage to stage, and the helpers every
 * stage shares (timestamps, messages, the avoid list, the final map, the
 * wipe).  The stages themselves: entropy.c, validate.c, protos/.
 */
#ifndef LDR_STATE_H
#define LDR_STATE_H

#include "../elf/elf.h"
#include "../rand/rand.h"
#include "boot_env.h"
#include "layout/layout.h"
#include "memmap.h"
#include "platform.h"
#include "protos/linux64.h"

/* env->reserved, the modules, the section scratch. */
#define STAGE_MAX_AVOID (BOOT_MAX_RESERVED + BOOT_MAX_MODULES + 1)

struct boot_proto;

struct loader_state {
	struct boot_env *env;
	const struct platform_ops *ops;
	const struct boot_proto *proto; /* chosen by stage_validate */
	struct elf_image img;
	struct memmap mm;
	/* What the planner must not touch: env->reserved, then the modules. */
	struct boot_range avoid[STAGE_MAX_AVOID];
	uint32_t avoid_count;
	struct layout_plan plan; /* native */
	/* Section granularity (stage_validate chose it): the units and every
	 * array sized by their number, in platform pages (LOADER memory, never
	 * released: the static state stays small), carved by native.c. */
	bool sections;
	paddr_t scratch;
	uint64_t scratch_pages;
	struct layout_store store;
	struct elf_sec_unit *su;
	uint32_t *sec_unit;	/* img.sec.shnum entries */
	struct elf_unit *eunit; /* img.sec.nunits entries */
	uint8_t **umem;		/* img.sec.nunits entries */
	uint64_t *sym_val;	/* img.sec.sym_count entries (elf/'s symbol values) */
	struct l64_plan l64;	/* linux64 */
	struct rand_pool pool;
	uint8_t master[32];
	struct rand_drbg layout_rng;
	struct aslrboot_rec_seed seed;
	paddr_t cr3;
	uint64_t info_size;
	uint64_t tsc[ASLRBOOT_PHASE_COUNT];
};

/* A fresh state for one run over env and ops (the front end's timestamps
 * copied in). */
void stage_init(struct loader_state *s, struct boot_env *env, const struct platform_ops *ops);

/* The stages before the protocol's own: entropy.c, validate.c. */
enum ldr_err stage_entropy(struct loader_state *s);
enum ldr_err stage_validate(struct loader_state *s);

/* Record the end of `phase` (when the platform has a timestamp). */
void stage_mark(struct loader_state *s, enum aslrboot_phase phase);
/* The kernel's name, for messages. */
const char *stage_kname(const struct loader_state *s);
/* Log *d under the kernel's name; return err. */
enum ldr_err stage_diag(const struct loader_state *s, enum ldr_err err, const struct ldr_diag *d);
/* One line for an error without a field; return err. */
enum ldr_err stage_fail(const struct loader_state *s, enum ldr_err err, const char *what);
/* s->avoid from env->reserved, the modules and the section scratch, as
 * they are now. */
void stage_avoid(struct loader_state *s);
/* After firmware exit: s->mm = the firmware's final map, with what the
 * loader and the front end hand over on top (loader ranges only where the
 * firmware said USABLE, modules as MODULE). */
enum ldr_err stage_final_map(struct loader_state *s, struct ldr_diag *d);
/* Erase every secret the state holds. */
void stage_wipe(struct loader_state *s);

#endif
