/* SPDX-License-Identifier: MIT */
/*
 * Randomized placement.  Every region gets its own virtual and physical
 * placement, each chosen by counting the aligned slots that fit and picking
 * one uniformly (rand_uniform: no modulo bias), avoiding firmware-reserved
 * memory, env->reserved ranges, modules, every region placed before it and
 * the space reserved for the regions still to place (so planning never
  * fails by chance when the regions fit).  log2(slots) is recorded per
 * region.  Validate-then-commit: planning writes nothing but *plan (and, at
 * section granularity, the request's store).  The kernel is placed by
 * segment (one slide) or, when the request carries section units, one
 * allocatable section at a time inside one window (layout.c).
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
/* Section granularity: one physical block per permission class (text,
 * rodata, relro, data), and the largest virtual window. */
#define LAYOUT_MAX_BLOCKS 4
#define LAYOUT_MAX_WINDOW (UINT64_C(1) << 30)

struct layout_region {
	uint32_t kind; /* ASLRBOOT_RGN_* */
	char name[16];
	uint32_t prot; /* ASLRBOOT_PROT_*; 0 for GUARD */
	vaddr_t virt;
	paddr_t phys;			 /* 0 for GUARD and DIRECT_MAP */
	uint64_t size;			 /* bytes, page multiple */
	uint32_t virt_mbits, phys_mbits; /* 1000 * log2(slots) */
	int32_t seg;	/* segment index (KERNEL_SEGMENT), unit index (KERNEL_SECTION), else -1 */
	uint32_t flags; /* ASLRBOOT_RGN_F_* */
};

/*
 * A placement unit: a piece of the image's link-address space and where it
 * goes.  [link, link + size) runs at virt, its bytes sit at phys (both
 * contiguous); its regions are r[region] and the ones after it that share
 * its seg (a writable segment holding RELRO has three, consecutive in both
 * address spaces).  Units are sorted by link address.  At segment
 * granularity the layout makes one unit per PT_LOAD segment (its page
 * span), all with one offset virt - link: plan->slide.  At section
 * granularity a unit is one allocatable section ([sh_addr, + sh_size),
 * va % 4096 == link % 4096), with its own offset and one region (its page
 * span).
 */
struct layout_unit {
	uint64_t link, size;
	vaddr_t virt;
	paddr_t phys;
	uint32_t region; /* index of its first region in plan->r */
	uint32_t seg;	 /* index in img->segs */
			 /* For the UNITS record: the bytes it holds (p_vaddr, p_memsz or
	 * sh_addr, sh_size), the segment or section header index, the
	 * protection (a segment's p_flags; its RELRO part is mapped read-only,
	 * see its regions) and the entropy of its virtual address: the kernel
	 * span's draw, or at section granularity its own draw in the window
	 * (the window's draw, plan->window_mbits, comes on top). */
	uint64_t rec_link, rec_size;
	uint32_t index, prot, virt_mbits;
};

/* Section granularity: the physical block of one permission class. */
struct layout_block {
	paddr_t phys;
	uint64_t size; /* bytes, page multiple */
	uint32_t prot; /* ASLRBOOT_PROT_* of its units as mapped */
};

/*
 * Storage for a section-granularity plan, whose sizes grow with the number
 * of units (up to ELF_MAX_SECTION_UNITS): carved by layout_store_init from
 * layout_store_bytes(n) bytes the caller provides (the loader asks the
 * platform for them), so that the loader's static image does not grow.
 */
struct layout_store {
	struct layout_region *r;
	uint32_t r_cap;
	struct layout_unit *unit;
	uint32_t unit_cap;
	struct pt_mapping *map;
	uint32_t map_cap;
	int8_t *rgn_item;  /* r_cap entries (planner scratch) */
	uint64_t *rgn_off; /* r_cap entries (planner scratch) */
	uint64_t *bitmap;  /* LAYOUT_MAX_WINDOW / 4 KiB bits: the window's used pages */
	uint32_t *order;   /* unit_cap entries: each block's units, in their order */
	uint32_t *map_idx; /* map_cap entries: wx_verify's scratch for map[] */
};

/* Bytes layout_store_init carves for n units (8-byte aligned pieces). */
uint64_t layout_store_bytes(uint32_t n);
/* Carve st's arrays out of mem (layout_store_bytes(n) bytes, 8-byte aligned). */
void layout_store_init(struct layout_store *st, void *mem, uint32_t n);

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
	/* Section granularity: the units (elf_section_units, nsu ==
	 * img->sec.nunits) and the storage for them (layout_store_init with
	 * at least nsu units); su == NULL places by segment. */
	const struct elf_sec_unit *su;
	uint32_t nsu;
	const struct layout_store *store;
};

struct layout_plan {
	/* r, unit and map point at the arrays at the end of the plan
	 * (segment granularity) or at the request's store (section). */
	struct layout_region *r;
	uint32_t count, r_cap;
	struct layout_unit *unit;
	uint32_t nunits, unit_cap;
	uint32_t granularity; /* ASLRBOOT_GRANULARITY_* */
	/* virt - link: shared by every unit at segment granularity; at section
	 * granularity, that of the unit holding the entry point. */
	uint64_t slide;
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
	struct pt_mapping *map;
	uint32_t map_count, map_cap;
	/* Physical placements that the space kept for the other regions cost
	 * at least one bit of entropy (tight memory), and of those the ones
	 * left with a single slot (ASLRBOOT_RGN_F_PACKED); 0 with aslr=off. */
	uint32_t phys_reduced, phys_packed;
	/* Section granularity: the window every unit lies in (guard pages
	 * around it), its draw, and the physical blocks. */
	vaddr_t window;
	uint64_t window_size;
	uint32_t window_mbits;
	struct layout_block blk[LAYOUT_MAX_BLOCKS];
	uint32_t nblk;
	struct layout_region r_fixed[LAYOUT_MAX_REGIONS];
	struct layout_unit unit_fixed[LAYOUT_MAX_UNITS];
	struct pt_mapping map_fixed[LAYOUT_MAX_MAPPINGS];
};

/* An empty plan over its own fixed arrays (segment granularity). */
void layout_plan_init(struct layout_plan *plan);

/*
 * Fill *plan (see layout.c for the placement order).  rng may be NULL only
 * with req->aslr_off.  E_NO_SPACE (diag: region name, "virtual size" or
  * "physical size", the size, and for physical memory diag->short_by) when
 * the regions cannot be placed at all ("kernel sections": the units and
 * their alignment slack exceed the window); E_CONFIG for bad sizes, avoid
 * lists or a store too small for the units; E_LAYOUT (E_ALIGN) for a broken
 * invariant.  Uses ~28 KiB of stack (the
 * free lists).
 */
enum ldr_err layout_plan(const struct layout_request *req, const struct memmap *mm,
			 struct rand_drbg *rng, struct layout_plan *plan, struct ldr_diag *diag);

/* The units as elf/ relocates by them (link range -> runtime address); the
 * segment buffers pl->seg_mem are left to the caller.  Segment granularity
 * only (section: the plan's units are the elf_sec_placement's). */
void layout_elf_units(const struct layout_plan *plan, struct elf_placement *pl);

/* Index of the first region of `kind`, or -1. */
int layout_find(const struct layout_plan *plan, uint32_t kind);

/* 1000 * log2(n) for n >= 1 (integer only, exact to +-1 mbit). */
uint32_t layout_mbits(uint64_t n);

#endif
