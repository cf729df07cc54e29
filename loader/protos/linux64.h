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
 * boot_params.
 */
#ifndef LDR_LINUX64_H
#define LDR_LINUX64_H

#include <stdbool.h>

#include "../stages.h"

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
	uint64_t base;                   /* chosen physical base (link_base if fixed) */
	bool fixed;                      /* not movable: at its link address */
	uint64_t entry;                  /* base + (e_entry - link_base) */
	uint64_t map_top;                /* identity map [0, map_top) */
	uint64_t pt_pages;
	uint64_t scratch, scratch_pages;
	uint32_t mbits;                  /* 1000 * log2(slots) for the base */
};

/* What the protocol option decides for one kernel file (l64_decide). */
struct l64_verdict {
	bool linux64;        /* boot through the Linux 64-bit protocol */
	const char *hint;    /* auto refused an image linux64 could boot: L64_HINT_* */
	bool aslr_off;
	uint32_t proto;      /* enum boot_protocol */
	enum ldr_err native; /* auto: the native refusal that led to linux64 */
};

/* Printed as "aslrboot: hint: ..." after the error line when v.hint. */
#define L64_HINT_WX "protocol=linux64 boots it as a self-relocating kernel without W^X"
#define L64_HINT_FIXED                                                                   \
	"not relocatable and no boot-protocol note (PVH or Linux): link it with -pie, or " \
	"protocol=linux64 enters it at its link address through the Linux 64-bit protocol"

/*
 * Parse buf into *img for protocol `proto` (the loader and aslrboot-inspect
 * share this).  native: the native validator.  linux64: ELF_POL_LINUX64.
 * auto:
 *   1. the native validator accepts it: native;
 *   2. it refuses, and the image carries an aslrboot note: that error;
 *   3. ELF_POL_LINUX64 refuses it too: the native error;
 *   4. the image is W^X-incompatible (elf_wx_scan over all program headers)
 *      and has no Linux ELF note: that W^X error, v->hint = L64_HINT_WX;
 *   5. it is not movable and declares no boot protocol (no PVH or Linux
 *      note): most likely a native kernel linked without -pie, so the
 *      native error, v->hint = L64_HINT_FIXED;
 *   6. otherwise linux64, v->native = the native error.
 * With aslr=off the native validator also takes an ET_EXEC without
 * relocations; under auto one with a boot-protocol note and no aslrboot note
 * still goes to step 2, so the choice of protocol never depends on aslr=.
 * On error *d holds the diag to print (the native one, or the W^X one).
 */
enum ldr_err l64_decide(const void *buf, uint64_t size, uint32_t proto, bool aslr_off,
			struct elf_image *img, struct l64_verdict *v, struct ldr_diag *d);
/* The reason text of the linux64 log line (v->linux64): which option or
 * native refusal chose the protocol, and whether the image is placed at
 * random or at its link address. */
void l64_why(const struct l64_verdict *v, const struct elf_image *img, char *buf, size_t n);

/*
 * Validate the kernel for either protocol: l64_decide into s->img; log the
 * diag (and the hint) on error (E_NO_KERNEL without a kernel), or the one
 * "linux64: <why>" line when linux64 is taken.
 */
enum ldr_err linux64_validate(struct loader_state *s, bool *use_linux64);

/* Plan, claim, load, map, exit firmware, build boot_params: fill *st. */
enum ldr_err linux64_run(struct loader_state *s, struct l64_plan *p, struct entry_state *st);

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
