/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked reader for the boot-info block (include/aslrboot.h).
 * Freestanding and dependency-free (no libc, no other loader module), so the
 * test kernel and any kernel that wants it can compile loader/handoff_read.c
 * as is.
 */
#ifndef LDR_HANDOFF_READ_H
#define LDR_HANDOFF_READ_H

#include <stdint.h>

#include "../../include/aslrboot.h"
#include "../../include/ldr_errors.h"

/*
 * Check the header and every record in the first `len` bytes at `info`
 * (8-byte aligned): magic, major version, header_size/total_size, every
 * record's size (>= 8, multiple of 8, inside total_size), END last, and for
 * the record types this version knows, that counts, entry sizes and string
 * lengths fit inside the record (strings NUL-terminated).  After LDR_OK a
 * reader may index every known record's arrays up to `count` and read its
 * strings without further checks.  *diag (may be NULL) gets the offending
 * field and value; diag->index is the record's byte offset in the block.
 */
enum ldr_err handoff_check(const void *info, uint64_t len, struct ldr_diag *diag);

/* The header's machine field (ASLRBOOT_MACHINE_*), or 0 in a 1.0 or 1.1
 * block, whose header ends before it.  For a block that passed
 * handoff_check. */
static inline uint32_t handoff_machine(const struct aslrboot_info *h)
{
	return h->header_size >= __builtin_offsetof(struct aslrboot_info, machine) + 4 ?
		       h->machine :
		       0;
}

/* Bytes per ENTROPY entry: entry_size, or 16 in a 1.0 block (where the
 * field was reserved, 0). */
static inline uint32_t handoff_entropy_entry_size(const struct aslrboot_rec_entropy *e)
{
	return e->entry_size ? e->entry_size : (uint32_t)sizeof(struct aslrboot_entropy_entry);
}

/*
 * Next record of `type` after `prev` (NULL = first), or NULL once END is
 * reached (type ASLRBOOT_REC_END finds the END record itself).  Meant for a
 * block that passed handoff_check; it still never steps outside total_size.
 */
const struct aslrboot_record *handoff_find(const void *info, uint32_t type,
					   const struct aslrboot_record *prev);

/* The UNITS record (protocol 1.3; NULL in an older block), for a block that
 * passed handoff_check: its count entries are in bounds. */
static inline const struct aslrboot_rec_units *handoff_units(const void *info)
{
	return (const struct aslrboot_rec_units *)handoff_find(info, ASLRBOOT_REC_UNITS, NULL);
}

/* Entry i (< count) of a UNITS record, stepped by its entry_size. */
static inline const struct aslrboot_unit *handoff_unit(const struct aslrboot_rec_units *u,
						       uint32_t i)
{
	return (const struct aslrboot_unit *)((const uint8_t *)(u + 1) +
					      (uint64_t)i * u->entry_size);
}

/* The MEASURE record (protocol 1.4, UEFI with a TPM; NULL otherwise), for a
 * block that passed handoff_check: its count entries are in bounds and each
 * description is NUL-terminated. */
static inline const struct aslrboot_rec_measure *handoff_measure(const void *info)
{
	return (const struct aslrboot_rec_measure *)handoff_find(info, ASLRBOOT_REC_MEASURE, NULL);
}

/* Entry i (< count) of a MEASURE record, stepped by its entry_size. */
static inline const struct aslrboot_measurement *
handoff_measurement(const struct aslrboot_rec_measure *m, uint32_t i)
{
	return (const struct aslrboot_measurement *)((const uint8_t *)(m + 1) +
						     (uint64_t)i * m->entry_size);
}

/*
 * The unit of a UNITS record that holds link-time address `link`, or NULL:
 * a binary search, so the units must be sorted by link and not overlap, as
 * the loader writes them (a kernel that does not trust the block checks
 * that first).  Its run-time address is then virt + (link - unit->link).
 */
const struct aslrboot_unit *handoff_unit_at(const struct aslrboot_rec_units *u, uint64_t link);

#endif
