/* SPDX-License-Identifier: MIT */
/*
 * libelf's view of an ELF64 file, for host tools and tests only: the listing
 * in aslrboot-inspect and the reference side of tests/test_elf_diff.c.  It
 * shares no code with elf/ on purpose (a second, independent reader), and it
 * must survive hostile files: every table is fetched through
 * elf_getdata_rawchunk(), which checks it against the file size, and every
 * problem is recorded in `err` instead of aborting.
 */
#ifndef TOOLS_ELFVIEW_H
#define TOOLS_ELFVIEW_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../include/aslrboot.h"

#define EV_MAX_TYPES 64 /* distinct relocation types counted one by one; more in `other` */

/* One relocation table located through the dynamic section. */
struct ev_table {
	bool present; /* the address tag is there */
	uint64_t vaddr, size, entsize;
	uint64_t off;	/* file offset, if located */
	uint64_t count; /* entries (words for RELR) */
	Elf_Data *data; /* NULL if it could not be read */
};

struct ev_phdr {
	uint32_t index, type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

enum ev_which { EV_RELA, EV_JMPREL, EV_RELR, EV_NTABLES };

struct elfview {
	Elf *elf;
	char *copy; /* libelf reads its own copy of the bytes */
	size_t size;
	GElf_Ehdr eh;
	size_t nphdr;
	struct ev_phdr *ph; /* every program header, file order */

	bool has_relro;
	uint64_t relro_vaddr, relro_memsz;
	bool has_dynamic, has_needed, has_textrel, has_rel; /* has_rel: DT_REL */
	uint64_t pltrel;				    /* DT_PLTREL value, 0 if absent */
	struct ev_table tab[EV_NTABLES];
	uint64_t symtab_vaddr; /* DT_SYMTAB, 0 if absent */
	Elf_Data *syms;	       /* dynamic symbols, ELF_T_SYM */
	size_t nsyms;

	/* Relocation counts by r_type over RELA + JMPREL, ascending r_type (the
	 * first EV_MAX_TYPES distinct types; relocations of any further type
	 * in other_types); RELR separately. */
	struct ev_type_count {
		uint32_t type;
		uint64_t n;
	} by_type[EV_MAX_TYPES];
	uint32_t ntypes;
	uint64_t other_types;
	uint64_t relr_addrs; /* addresses the RELR table encodes */

	/* aslrboot note (name "aslrboot", type ASLRBOOT_NOTE_TYPE_PARAMS) */
	bool has_note;
	uint32_t note_descsz;
	struct aslrboot_note_params note; /* valid if note_descsz == sizeof(note) */

	char err[160]; /* first thing libelf could not read; "" if none */
};

/* 0 if libelf read the ELF header and program headers (the rest is best
 * effort: see v->err); -1 otherwise, with v->err set. */
int ev_open(struct elfview *v, const void *buf, size_t size);
void ev_close(struct elfview *v);

/* File offset of [vaddr, vaddr + size) if it lies in one PT_LOAD's file bytes. */
bool ev_v2off(const struct elfview *v, uint64_t vaddr, uint64_t size, uint64_t *off);
/* Entry i of the RELA or JMPREL table. */
bool ev_rela(const struct elfview *v, enum ev_which t, size_t i, GElf_Rela *out);
/* Dynamic symbol i. */
bool ev_sym(const struct elfview *v, uint64_t i, GElf_Sym *out);
/* Call fn for every address the RELR table encodes (gABI RELR encoding);
 * returns the number of addresses.  Stops at a bitmap without an address. */
uint64_t ev_relr_each(const struct elfview *v, void (*fn)(void *, uint64_t), void *ctx);

/* File bytes [off, off + size) as libelf reads them; NULL if out of range. */
const void *ev_bytes(struct elfview *v, uint64_t off, uint64_t size);

/* RELA + JMPREL relocations of r_type `type` (by_type). */
uint64_t ev_type_count(const struct elfview *v, uint32_t type);
/* "RELATIVE" for R_X86_64_RELATIVE or R_AARCH64_RELATIVE: the name of r_type
 * `type` for e_machine `machine` (x86-64 or AArch64) after its prefix, NULL
 * if unknown. */
const char *ev_rtype_name(uint16_t machine, uint32_t type);
/* The full name into buf ("R_X86_64_RELATIVE"), or "type<sep><n>" for an
 * unknown type (sep ' ' for text, '_' for a JSON key); false if unknown. */
bool ev_rtype_label(uint16_t machine, uint32_t type, char sep, char *buf, size_t n);
const char *ev_ptype_name(uint32_t type); /* "LOAD", "GNU_RELRO", NULL if unknown */

/* elfview_sect.c: the name of section `shndx`, NULL if libelf cannot read it. */
const char *ev_section_name(const struct elfview *v, uint32_t shndx);
/* Link-time relocations (SHT_RELA sections applying to an allocatable
 * section): the total, and out[0..*ntypes) counts by ascending r_type (the
 * first `max` distinct types). */
uint64_t ev_link_relocs(const struct elfview *v, struct ev_type_count *out, uint32_t max,
			uint32_t *ntypes);

#endif
