/* SPDX-License-Identifier: MIT */
/*
 * The second handoff path: the Linux x86 64-bit boot protocol ("linux64",
 * PROTOCOL.md "Linux 64-bit boot protocol"), for self-relocating kernels
 * (vmlinux, Unikraft's Firecracker builds, memtest86+'s ELF, Nanos).
 * Physical ASLR only, and only for a movable image (ET_DYN, a PT_DYNAMIC, or
 * Linux's own ELF note): one random base for the whole image (4 KiB
 * granularity, or the largest p_align when bigger: 2 MiB for Linux); an
 * image with none of these signs is loaded exactly at its p_paddr.
 * Virtual == physical,
 * identity map of 0..max(4 GiB, top of RAM) (0..1 GiB, stretched to the
 * image and modules, for an image at its link address, as Firecracker maps
 * it) with RWX 2 MiB pages (1 GiB pages above the first GiB where the CPU
 * has them)
 * (the kernels write their own text, so W^X cannot be enforced), RSI =
 * boot_params.  The stages: proto_linux64 (proto.h, linux64_boot.c).
 */
#ifndef LDR_LINUX64_H
#define LDR_LINUX64_H

#include <stdbool.h>
#include <stdint.h>

#include "../../elf/elf.h"
#include "../../rand/rand.h"
#include "../boot_env.h"
#include "../memmap.h"

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
	uint64_t base;			 /* chosen physical base (link_base if fixed) */
	bool fixed;			 /* not movable: at its link address */
	uint64_t entry;			 /* base + (e_entry - link_base) */
	uint64_t map_top;		 /* identity map [0, map_top) */
	uint64_t pt_pages;
	uint64_t scratch, scratch_pages;
	uint32_t mbits; /* 1000 * log2(slots) for the base */
};

/* Pure parts, for host tests. */
enum ldr_err l64_plan_image(const struct elf_image *img, const struct memmap *mm,
			    const struct boot_range *avoid, uint32_t avoid_count,
			    uint64_t phys_limit, uint64_t map_min, bool allow_1g,
			    struct rand_drbg *rng, struct l64_plan *p, struct ldr_diag *diag);
/* Copy PT_LOADs by p_offset/p_filesz to dst (p->span bytes, zeroed first). */
enum ldr_err l64_load(const struct elf_image *img, const struct l64_plan *p, uint8_t *dst,
		      struct ldr_diag *diag);
/* Identity map [0, p->map_top) RWX into the p->pt_pages tables at pt
 * (physical address pt_phys); returns nothing to check. */
void l64_build_tables(const struct l64_plan *p, uint64_t *pt, uint64_t pt_phys, bool allow_1g);

#endif
