/* SPDX-License-Identifier: MIT */
/*
 * The boot-info block (include/aslrboot.h, PROTOCOL.md): one serializer run
 * twice, measure (buf == NULL) then write, and a bounds-checked reader
 * (handoff_read.h).
 */
#ifndef LDR_HANDOFF_H
#define LDR_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include "../../include/aslrboot.h"
#include "../../elf/elf.h"
#include "../boot_env.h"
#include "../../include/ldr_errors.h"
#include "handoff_read.h"
#include "../layout/layout.h"
#include "../memmap.h"

/* Regions and units: a section-granularity plan has one of each per unit. */
#define HANDOFF_MAX_UNITS ELF_MAX_SECTION_UNITS
#define HANDOFF_MAX_REGIONS (LAYOUT_MAX_REGIONS + ELF_MAX_SECTION_UNITS)
#define HANDOFF_MAX_ENTROPY 16 /* entropy entries accepted (rand_pool reports ASLRBOOT_SRC_COUNT) */
#define HANDOFF_MAX_STRING \
	BOOT_MAX_CMDLINE /* cmdline / module strings are cut to this many bytes */

/* The header's machine field: the architecture this loader is built for,
 * the one machine its ELF validator accepts. */
#define HANDOFF_MACHINE ELF_MACHINE_NATIVE
_Static_assert(ELF_MACHINE_X86_64 == ASLRBOOT_MACHINE_X86_64 &&
		       ELF_MACHINE_AARCH64 == ASLRBOOT_MACHINE_AARCH64,
	       "the boot-info machine is the ELF e_machine");

struct handoff_input {
	const struct boot_env *env;	      /* cmdline, modules, ACPI, flags, options */
	const struct layout_plan *plan;	      /* regions, slide, direct map, info_phys */
	const struct memmap *mm;	      /* final map, allocations already marked */
	const struct aslrboot_rec_seed *seed; /* hdr ignored; the rest copied as is */
	const struct aslrboot_entropy_entry *entropy;
	uint32_t entropy_count; /* <= HANDOFF_MAX_ENTROPY */
	const uint64_t *tsc;	/* ASLRBOOT_PHASE_COUNT values; NULL = none */
	uint64_t tsc_hz;
	uint64_t cr3;
	uint64_t kernel_link_base;  /* elf_image.link_base (lowest PT_LOAD page) */
	const char *loader_version; /* NULL = ASLRBOOT_VERSION_STRING */
};

/*
 * Serialize the block.  buf == NULL: only compute *size (cap ignored).
 * Otherwise write exactly *size bytes to buf, or nothing at all if the block
 * would exceed cap (E_HANDOFF; *size still tells the size needed).  size may
 * be NULL.  E_HANDOFF_INPUT for a missing pointer, a count above its cap
 * (the plan's own array sizes, HANDOFF_MAX_*) or a module whose direct-map
 * address wraps.
 * Records: LOADER, SEED, ENTROPY, MEMMAP, LAYOUT, UNITS, CMDLINE, MODULE...,
 * ACPI_RSDP (if env->acpi_rsdp), TIMINGS, MEASURE (if env->measure_present),
 * END; each 8-byte aligned, padding zeroed.  E_HANDOFF_INPUT also for
 * env->measure_count above BOOT_MAX_MEASURE.
 */
enum ldr_err handoff_write(const struct handoff_input *in, void *buf, uint64_t cap, uint64_t *size);

/* Upper bound on the block size before the final map is known: the map may
 * grow by `extra_mm` entries (allocations split entries, firmware changes).
 * True for any input handoff_write accepts with plan->count <= nregions,
 * plan->nunits <= nunits and mm->count <= mm_entries + extra_mm. */
uint64_t handoff_size_bound(const struct boot_env *env, uint32_t nregions, uint32_t nunits,
			    uint32_t mm_entries, uint32_t extra_mm);

#endif
