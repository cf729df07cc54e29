/* SPDX-License-Identifier: MIT */
/*
 * Synthetic PE32+ EFI applications for the unified-image tests and fuzz
 * seeds: a small stub (.text) plus any sections, laid out as aslrboot-unify
 * lays them out, and the loaded view of such a file.
 */
#ifndef TESTS_PE_GEN_H
#define TESTS_PE_GEN_H

#include <stddef.h>
#include <stdint.h>

#define PE_GEN_LFANEW 0x40
#define PE_GEN_OPT (PE_GEN_LFANEW + 24) /* the optional header */
#define PE_GEN_SECT (PE_GEN_OPT + 240)	/* the section table */
#define PE_GEN_HEADERS 0x800		/* SizeOfHeaders */
#define PE_GEN_FILE_ALIGN 0x200
#define PE_GEN_SECT_ALIGN 0x1000

struct pe_gen_section {
	const char *name; /* up to 8 characters */
	const void *data;
	size_t size;
	uint32_t flags; /* 0: read-only initialized data */
};

/* The file: .text (0x200 bytes of code) then sections s[0..n); *size bytes,
 * malloc'd. */
uint8_t *pe_gen(const struct pe_gen_section *s, unsigned n, size_t *size);

/* The image a PE loader makes of file[0..size): SizeOfImage bytes, headers
 * at 0 and each section's raw data at its VirtualAddress; malloc'd. */
uint8_t *pe_gen_load(const uint8_t *file, size_t size, size_t *image_size);

/* Offset of the header of the section called name, or 0. */
uint32_t pe_gen_section_header(const uint8_t *file, const char *name);

void pe_gen_put16(uint8_t *p, uint32_t off, uint16_t v);
void pe_gen_put32(uint8_t *p, uint32_t off, uint32_t v);

#endif
