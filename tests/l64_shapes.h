/* SPDX-License-Identifier: MIT */
/*
 * Program-header shapes of self-relocating kernels as their upstream builds
 * ship them (headers and file layout only; the bytes are a pattern), for the
 * linux64 policy and protocol=auto tests.
 */
#ifndef TESTS_L64_SHAPES_H
#define TESTS_L64_SHAPES_H

#include <stddef.h>
#include <stdint.h>

#include "elf/elf64.h"

#define SHAPE_MAX_PHDRS 8

struct shape {
	uint16_t type;
	uint64_t entry;
	uint32_t nph;
	Elf64_Phdr ph[SHAPE_MAX_PHDRS];
	/* One PT_NOTE's content (name, type, 8-byte descriptor), if note_name. */
	const char *note_name;
	uint32_t note_type;
	uint64_t file_size;
};

/* The ELF file for *sh: headers, then a byte pattern; notes written where
 * their PT_NOTE says. */
uint8_t *shape_build(const struct shape *sh, size_t *size);

/* Unikraft's Firecracker PIE build: ET_EXEC, text at 0x100000, read-only
 * data with p_align 0x20 and a p_offset not congruent mod 4 KiB, data with
 * p_align 0x40 and a large BSS, an empty PT_LOAD inside the data, PT_TLS, a
 * zero-size PT_DYNAMIC outside every PT_LOAD. */
void shape_unikraft(struct shape *sh);
/* memtest86+'s ELF: ET_DYN at 0, entry 0x200, one RWE PT_LOAD, PT_DYNAMIC. */
void shape_memtest(struct shape *sh);
/* Nanos: ET_EXEC at `paddr`, page-congruent R-X, R, RW segments, no
 * PT_DYNAMIC, a Xen PVH entry note (not a movability sign). */
void shape_nanos(struct shape *sh, uint64_t paddr);

#endif
