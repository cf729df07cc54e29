/* SPDX-License-Identifier: MIT */
#ifndef TESTS_ELF_LOADED_H
#define TESTS_ELF_LOADED_H

#include <stddef.h>
#include <stdint.h>

#include "elf/elf.h"

/* An image parsed, copied into its own malloc'd buffer per segment and
 * relocated at pl.slide. */
struct loaded {
	struct elf_image img;
	struct elf_placement pl;
};

/* Parse, then copy every segment into its own buffer (pre-filled with junk so
 * elf_load's zeroing is observable) and relocate. */
enum ldr_err load_at(const uint8_t *f, size_t sz, uint64_t slide, uint32_t pol,
		     struct loaded *l, struct ldr_diag *d);
void unload(struct loaded *l);

#endif
