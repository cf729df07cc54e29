/* SPDX-License-Identifier: MIT */
#ifndef TESTS_ELF_LOADED_H
#define TESTS_ELF_LOADED_H

#include <stddef.h>
#include <stdint.h>

#include "elf/elf.h"

/* An image parsed, copied into its own malloc'd buffer per segment and
 * relocated. */
struct loaded {
	struct elf_image img;
	struct elf_placement pl;
};

/* Parse as an image for `machine` (ELF_MACHINE_*), then copy every segment
 * into its own buffer (pre-filled with junk so elf_load's zeroing is
 * observable) and relocate, segment i's page span running at its link
 * address + off[i] (one unit per segment). */
enum ldr_err load_units_for(uint16_t machine, const uint8_t *f, size_t sz, const uint64_t *off,
			    uint32_t pol, struct loaded *l, struct ldr_diag *d);
/* load_units_for with every segment at one slide. */
enum ldr_err load_at_for(uint16_t machine, const uint8_t *f, size_t sz, uint64_t slide,
			 uint32_t pol, struct loaded *l, struct ldr_diag *d);
/* The same for x86-64 images. */
enum ldr_err load_units(const uint8_t *f, size_t sz, const uint64_t *off, uint32_t pol,
			struct loaded *l, struct ldr_diag *d);
enum ldr_err load_at(const uint8_t *f, size_t sz, uint64_t slide, uint32_t pol, struct loaded *l,
		     struct ldr_diag *d);
void unload(struct loaded *l);
/* The loaded 8-byte word at link address v (a test failure if no segment
 * holds it). */
uint64_t loaded_word(const struct loaded *l, uint64_t v);
/* The words every machine's default elfgen image holds once loaded at
 * `slide` (link base `base`; sym1 = its relocated symbol 1): RELATIVE, in
 * RELRO, the absolute symbol (S + A), GLOB_DAT of a weak undefined,
 * JUMP_SLOT, four RELR words, the zeroed BSS (elf_loaded_default.c). */
void loaded_expect_default(const struct loaded *l, uint64_t base, uint64_t slide, uint64_t sym1);

#endif
