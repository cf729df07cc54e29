/* SPDX-License-Identifier: MIT */
/*
 * elfgen: builds small, valid x86-64 (or AArch64) PIEs in memory for tests, and a table
 * of malformed variants (one per check of elf_parse, each with the exact
 * error elf_parse must return under the strict native policy).
 *
 * Fixed link layout, relative to spec->base (file offset in brackets):
 *   0x1000 text   RX  one page [0x1000], entry at ELFGEN_TEXT
 *   0x2000 RELRO  RW  _DYNAMIC at +0, GOT at ELFGEN_GOT       [0x2000]
 *   0x3000 data   RW  one file-backed page of ELFGEN_PATTERN  [0x3000]
 *   0x4000 bss    RW  one zero-filled page (same PT_LOAD as RELRO/data)
 *   0x5000 ro     R   notes, RELA, JMPREL, RELR, dynsym, hash [0x4000]
 * then (optionally) a section header table at the end of the file.
 */
#ifndef TESTS_ELFGEN_H
#define TESTS_ELFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/elf.h"
#include "elf/elf64.h"
#include "include/aslrboot.h"
#include "include/ldr_errors.h"

#define ELFGEN_TEXT 0x1000u
#define ELFGEN_RELRO 0x2000u
#define ELFGEN_GOT 0x2800u
#define ELFGEN_DATA 0x3000u
#define ELFGEN_BSS 0x4000u
#define ELFGEN_RO 0x5000u
#define ELFGEN_RO_OFF 0x4000u

/* Initial byte at link offset ELFGEN_DATA + i. */
#define ELFGEN_PATTERN(i) ((uint8_t)((i)*131u + 7u))

/* Program header indices in a built image. */
enum {
	ELFGEN_PH_TEXT,
	ELFGEN_PH_DATA,
	ELFGEN_PH_RO,
	ELFGEN_PH_DYN,
	ELFGEN_PH_RELRO,
	ELFGEN_PH_STACK,
	ELFGEN_PH_NOTE,
	ELFGEN_NPH
};

enum elfgen_hash { ELFGEN_HASH_SYSV, ELFGEN_HASH_GNU, ELFGEN_HASH_NONE };

/* Offsets are relative to spec->base: elfgen adds base to r_offset, RELR
 * address words, RELATIVE addends and defined non-ABS symbol values. */
struct elfgen_rela {
	uint64_t off;
	uint32_t type, sym;
	int64_t addend;
};

/* Symbol k of `syms` gets index k + 1 (index 0 is STN_UNDEF). */
struct elfgen_sym {
	uint64_t value;
	uint16_t shndx; /* SHN_UNDEF, SHN_ABS or any other = defined */
	uint8_t bind;	/* STB_* */
};

struct elfgen_dyn {
	int64_t tag;
	uint64_t val;
};

struct elfgen_spec {
	uint16_t machine; /* e_machine: EM_X86_64 (also for 0) or EM_AARCH64 */
	uint16_t type;	  /* ET_DYN or ET_EXEC */
	uint64_t base;	  /* link base */
	const struct elfgen_rela *rela, *jmprel;
	size_t nrela, njmprel;
	const uint64_t *relr;
	size_t nrelr;
	const struct elfgen_sym *syms;
	size_t nsyms;
	enum elfgen_hash hash;
	bool note; /* aslrboot note with note_params */
	struct aslrboot_note_params note_params;
	bool shdrs;	    /* a 2-entry section header table (never read by elf/) */
	bool no_dynamic;    /* PT_DYNAMIC becomes PT_NULL */
	size_t extra_phdrs; /* PT_NULL slots after the standard ones */
	const struct elfgen_dyn *extra_dyn; /* inserted before DT_NULL */
	size_t nextra_dyn;
};

/* The default image: 4 RELA (RELATIVE x2, 64, GLOB_DAT on a weak undefined
 * symbol), 1 JUMP_SLOT, RELR (3 addresses), 3 symbols, SysV hash, an aslrboot
 * note (stack 128 KiB, heap 2 MiB) and section headers; base 0, ET_DYN. */
void elfgen_spec_default(struct elfgen_spec *sp);

/* The default image for `machine` (EM_X86_64: elfgen_spec_default; EM_AARCH64:
 * the same with R_AARCH64_RELATIVE, ABS64, GLOB_DAT and JUMP_SLOT). */
void elfgen_spec_for(struct elfgen_spec *sp, uint16_t machine);

/* The default relocations and symbols, for tests that check values. */
extern const struct elfgen_rela elfgen_default_rela[4], elfgen_default_jmprel[1];
extern const struct elfgen_rela elfgen_aarch64_rela[4], elfgen_aarch64_jmprel[1];
extern const uint64_t elfgen_default_relr[2];
extern const struct elfgen_sym elfgen_default_syms[3];

/* malloc'd image (abort()s on OOM); free() it. */
uint8_t *elfgen_build(const struct elfgen_spec *sp, size_t *size);
/* elfgen_build(default spec). */
uint8_t *elfgen_default(size_t *size);
/* The little-endian word of ELFGEN_PATTERN bytes at data offset off. */
uint64_t elfgen_pattern_word(uint64_t off);

/* Accessors into a built image (which is malloc-aligned). */
Elf64_Ehdr *elfgen_ehdr(uint8_t *img);
Elf64_Phdr *elfgen_phdr(uint8_t *img, unsigned idx);
/* First dynamic entry with `tag` (DT_NULL finds the terminator), or NULL. */
Elf64_Dyn *elfgen_dyn(uint8_t *img, int64_t tag);
/* Entry i of the RELA (jmprel = false) or JMPREL table. */
Elf64_Rela *elfgen_rela(uint8_t *img, bool jmprel, unsigned i);
/* Pointer to the bytes at link offset `off` (relative to base) in the file. */
uint8_t *elfgen_at(uint8_t *img, uint64_t off);

/* The malformed-input table. */
struct elfgen_case {
	const char *name; /* e.g. "C2-filesz", unique, usable as a file name */
	const char *row;  /* check id, e.g. "C2": A ELF header, B phdr table, C segments,
			      D dynamic section and relocations, E entry, sections, notes */
	enum ldr_err err; /* what elf_parse(policy 0) must return */
	uint8_t *(*build)(size_t *size); /* malloc'd image; free() it */
};
size_t elfgen_bad_cases(const struct elfgen_case **out);

#endif
