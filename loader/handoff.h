/* SPDX-License-Identifier: MIT */
/*
 * The boot-info block (include/aslrboot.h): one serializer run twice,
 * measure (buf == NULL) then write, and a bounds-checked reader.
 */
#ifndef LDR_HANDOFF_H
#define LDR_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include "../include/aslrboot.h"
#include "boot_env.h"
#include "errors.h"
#include "layout.h"
#include "memmap.h"

struct handoff_input {
	const struct boot_env *env;        /* cmdline, modules, ACPI, flags */
	const struct layout_plan *plan;
	const struct memmap *mm;           /* final map, allocations already marked */
	const struct aslrboot_rec_seed *seed;
	const struct aslrboot_entropy_entry *entropy;
	uint32_t entropy_count;
	const uint64_t *tsc;               /* ASLRBOOT_PHASE_COUNT values */
	uint64_t tsc_hz;
	uint64_t cr3;
	const char *loader_version;
};

/* buf == NULL: only compute *size.  E_HANDOFF if the block exceeds cap. */
enum ldr_err handoff_write(const struct handoff_input *in, void *buf, uint64_t cap, uint64_t *size);

/* Upper bound on the block size before the final map is known: the map may
 * grow by `extra_mm` entries (allocations split entries, firmware changes). */
uint64_t handoff_size_bound(const struct boot_env *env, uint32_t nregions, uint32_t mm_entries,
			    uint32_t extra_mm);

/* Reader: check header and every record header fit in len; E_HANDOFF if not. */
enum ldr_err handoff_check(const void *info, uint64_t len);
/* Next record of `type` after `prev` (NULL = first); NULL at END. Assumes
 * handoff_check passed. */
const struct aslrboot_record *handoff_find(const void *info, uint32_t type,
					   const struct aslrboot_record *prev);

#endif
