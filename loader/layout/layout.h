/* SPDX-License-Identifier: MIT */
/*
 * Randomized placement.  Every region gets its own virtual and physical
 * placement, each chosen by counting the aligned slots that fit and picking
 * one uniformly (rand_uniform: no modulo bias), avoiding firmware-reserved
 * memory, env->reserved ranges, modules, every region placed before it and
 * the space reserved for the regions still to place (so planning never
 * fails by chance when the regions fit).  log2(slots) is recorded per
 * region.  Validate-then-commit: planning writes nothing but *plan.
 */
#ifndef LDR_LAYOUT_H
#define LDR_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "../addr.h"
#include "../arch/arch.h"
#include "../boot_env.h"
#include "../../include/ldr_errors.h"
#include "../memmap.h"
#include "../paging/paging.h"
#include "../../elf/elf.h"
#include "../../rand/rand.h"

/* Virtual window for every randomized region: the architecture's upper
 * half, minus the top page (so no end address wraps). */
#define LAYOUT_VWIN_LO PTE_VA_HIGH_BASE
#define LAYOUT_VWIN_HI UINT64_C(0xfffffffffffff000)
/* aslr=off: fixed virtual addresses, lowest free physical addresses. */
#define LAYOUT_FIXED_KERNEL_VA UINT64_C(0xffffffff80000000)

#define LAYOUT_DEFAULT_STACK (UINT64_C(64) << 10)
#define LAYOUT_DEFAULT_HEAP (UINT64_C(1) << 20)
#define LAYOUT_MAX_STACK (UINT64_C(64) << 20)
#define LAYOUT_MAX_HEAP (UINT64_C(1) << 30)
#define LAYOUT_GUARD_PAGES 4 /* unmapped pages below and above the stack */
#define LAYOUT_MAX_INFO (UINT64_C(16) << 20)
#define LAYOUT_MAX_REGIONS 48
#define LAYOUT_MAX_AVOID 64 /* req->avoid entries */
#define LAYOUT_MAX_UNITS ELF_MAX_UNITS
/* Direct-map pieces (<= one per RAM-like memmap entry, +2 per read-only
 * kernel region or trampoline that splits one) plus one per backed region. */
#define LAYOUT_MAX_MAPPINGS (MEMMAP_MAX + 3 * LAYOUT_MAX_REGIONS)

struct layout_region {
	uint32_t kind; /* ASLRBOOT_RGN_* */
	char name[16];
	uint32_t prot; /* ASLRBOOT_PROT_*; 0 for GUARD */
	vaddr_t virt;
	paddr_t phys;			 /* 0 for GUARD and DIRECT_MAP */
	uint64_t size;			 /* bytes, page multiple */
	uint32_t virt_mbits, phys_mbits; /* 1000 * log2(slots) */
	int32_t seg;			 /* kernel segment index for KERNEL_SEGMENT, else -1 */
	uint32_t flags;			 /* ASLRBOOT_RGN_F_* */
};

/*
 * A placement unit: a piece of the image's link-address space and where it
 * goes.  [link, link + size) runs at virt, its bytes sit at phys (both
 * contiguous); its regions are r[region] and the ones after it that share
 * its seg (a writable segment holding RELRO has three, consecutive in both
 * address spaces).  Units are sorted by link address.  The layout makes one
 * unit per PT_LOAD segment (its page span), all with one offset
 * virt - link: plan->slide.
 */
struct layout_unit {
	uint64_t link, size;
	vaddr_t virt;
	paddr_t phys;
	uint32_t region; /* index of its first region in plan->r */
	uint32_t seg;	 /* index in img->segs */
};

struct layout_request {
	const struct elf_image *img;
	uint64_t stack_size; /* bytes; 0 = note or default */
	uint64_t heap_size;
	uint64_t info_size;  /* boot-info block bound (handoff_size_bound) */
	uint64_t phys_limit; /* 0 = none */
	bool aslr_off;
	bool allow_1g;			/* for page-table sizing */
	const struct boot_range *avoid; /* physical ranges to avoid (loader, modules...) */
	uint32_t avoid_count;
};

struct layout_plan {
	struct layout_region r[LAYOUT_MAX_REGIONS];
	uint32_t count;
	struct layout_unit unit[LAYOUT_MAX_UNITS];
	uint32_t nunits;
	uint64_t slide; /* virt - link, shared by every unit */
	vaddr_t entry;
	vaddr_t stack_top;
	vaddr_t info_virt;
	paddr_t info_phys;
	uint64_t info_size;
	vaddr_t direct_map; /* virt of physical address 0 */
	paddr_t pt_phys;    /* page-table pool */
	uint64_t pt_pages;
	paddr_t trampoline; /* identity-mapped RX page */
	/* Everything the page tables must map, and nothing else. */
	struct pt_mapping map[LAYOUT_MAX_MAPPINGS];
	uint32_t map_count;
	/* Physical placements that the space kept for the other regions cost
	 * at least one bit of entropy (tight memory), and of those the ones
	 * left with a single slot (ASLRBOOT_RGN_F_PACKED); 0 with aslr=off. */
	uint32_t phys_reduced, phys_packed;
};

/*
 * Fill *plan (see layout.c for the placement order).  rng may be NULL only
 * with req->aslr_off.  E_NO_SPACE (diag: region name, "virtual size" or
 * "physical size", the size, and for physical memory diag->short_by) when
 * the regions cannot be placed at all; E_CONFIG for bad sizes or avoid
 * lists; E_LAYOUT for a broken invariant.  Uses ~28 KiB of stack (the
 * free lists).
 */
enum ldr_err layout_plan(const struct layout_request *req, const struct memmap *mm,
			 struct rand_drbg *rng, struct layout_plan *plan, struct ldr_diag *diag);

/* The units as elf/ relocates by them (link range -> runtime address); the
 * segment buffers pl->seg_mem are left to the caller. */
void layout_elf_units(const struct layout_plan *plan, struct elf_placement *pl);

/* Index of the first region of `kind`, or -1. */
int layout_find(const struct layout_plan *plan, uint32_t kind);

/* 1000 * log2(n) for n >= 1 (integer only, exact to +-1 mbit). */
uint32_t layout_mbits(uint64_t n);

#endif
