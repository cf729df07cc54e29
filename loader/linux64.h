/* SPDX-License-Identifier: MIT */
/*
 * The second handoff path: the Linux x86 64-bit boot protocol ("linux64",
 * PROTOCOL.md "Linux 64-bit boot protocol"), for self-relocating kernels
 * (vmlinux, Unikraft's Firecracker builds, memtest86+'s ELF).  Physical ASLR
 * only: one random base for the whole image (4 KiB granularity, or the
 * largest p_align when bigger: 2 MiB for Linux), virtual == physical,
 * identity map of 0..max(4 GiB, top of RAM) with RWX 2 MiB / 1 GiB pages
 * (the kernels write their own text, so W^X cannot be enforced), RSI =
 * boot_params.  Facts: ../shared/spec/real-kernels.md.
 */
#ifndef LDR_LINUX64_H
#define LDR_LINUX64_H

#include <stdbool.h>

#include "stages.h"

/* Identity map limit: one PML4 entry (512 GiB).  RAM above it is still in
 * the e820 table, the kernel maps it itself. */
#define L64_MAP_MAX (UINT64_C(512) << 30)
#define L64_MAX_ALIGN (UINT64_C(1) << 30)
#define L64_STACK_PAGES 4

/* Scratch block (below 4 GiB, placed at random): page offsets. */
#define L64_PG_BOOTPARAMS 0
#define L64_PG_SETUP 1
#define L64_PG_CMDLINE 2 /* two pages: BOOT_MAX_CMDLINE + the seed argument */
#define L64_PG_TRAMP 4
#define L64_PG_STACK 5
#define L64_PG_TABLES (L64_PG_STACK + L64_STACK_PAGES)

struct l64_plan {
	uint64_t link_base, span, align; /* by p_paddr, page-aligned span */
	uint64_t base;                   /* chosen physical base */
	uint64_t entry;                  /* base + (e_entry - link_base) */
	uint64_t map_top;                /* identity map [0, map_top) */
	uint64_t pt_pages;
	uint64_t scratch, scratch_pages;
	uint32_t mbits;                  /* 1000 * log2(slots) for the base */
};

/*
 * Replace stage_validate: parse the kernel for the chosen protocol into
 * s->img.  protocol=auto takes linux64 only for a note-less ET_EXEC that
 * the native validator refuses even without ASLR but ELF_POL_LINUX64
 * accepts; the one log line says why.  On error the native diag is logged.
 */
enum ldr_err linux64_validate(struct loader_state *s, bool *use_linux64);

/* Plan, claim, load, map, exit firmware, build boot_params: fill *st. */
enum ldr_err linux64_run(struct loader_state *s, struct l64_plan *p, struct entry_state *st);

/* Pure parts, for host tests. */
enum ldr_err l64_plan_image(const struct elf_image *img, const struct memmap *mm,
			    const struct boot_range *avoid, uint32_t avoid_count,
			    uint64_t phys_limit, bool allow_1g, struct rand_drbg *rng,
			    struct l64_plan *p, struct ldr_diag *diag);
/* Copy PT_LOADs by p_offset/p_filesz to dst (p->span bytes, zeroed first). */
enum ldr_err l64_load(const struct elf_image *img, const struct l64_plan *p, uint8_t *dst,
		      struct ldr_diag *diag);
/* Identity map [0, p->map_top) RWX into the p->pt_pages tables at pt
 * (physical address pt_phys); returns nothing to check. */
void l64_build_tables(const struct l64_plan *p, uint64_t *pt, uint64_t pt_phys, bool allow_1g);

#endif
