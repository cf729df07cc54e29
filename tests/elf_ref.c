// SPDX-License-Identifier: MIT
/* Reference loader: see elf_ref.h.  Trusts its (test-built) input. */
#include "elf_ref.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#ifndef SHT_RELR
#define SHT_RELR 19
#endif

/* An unaligned value covers parts of two words; the moving ones are listed
 * (nunaligned past the cap makes elf_ref_load fail). */
static void put(struct elf_ref *r, uint64_t at, uint64_t val, int kind)
{
	uint64_t w = (at - r->lo) / 8;

	memcpy(r->flat + (at - r->lo), &val, 8);
	r->nrelocs++;
	if (at % 8 == 0) {
		r->kind[w] = (uint8_t)kind;
		return;
	}
	r->kind[w] = r->kind[w + 1] = REF_SPLIT;
	if (kind == REF_MOVES && r->nunaligned++ < ELF_REF_MAX_UNALIGNED)
		r->unaligned[r->nunaligned - 1] = at;
}

/* AArch64 (AAELF64): RELATIVE is B + A, the symbol types S + A. */
static int aarch64_rela(struct elf_ref *r, const Elf64_Rela *e, uint64_t S, int moves,
			uint64_t slide)
{
	switch (ELF64_R_TYPE(e->r_info)) {
	case R_AARCH64_RELATIVE:
		put(r, e->r_offset, slide + (uint64_t)e->r_addend, REF_MOVES);
		break;
	case R_AARCH64_ABS64:
	case R_AARCH64_GLOB_DAT:
	case R_AARCH64_JUMP_SLOT:
		put(r, e->r_offset, S + (uint64_t)e->r_addend, moves ? REF_MOVES : REF_FIXED);
		break;
	default: return -1;
	}
	return 0;
}

static int do_rela(struct elf_ref *r, const uint8_t *f, uint16_t machine, const Elf64_Shdr *sh,
		   const Elf64_Shdr *symsh, uint64_t slide)
{
	for (uint64_t i = 0; i < sh->sh_size / sizeof(Elf64_Rela); i++) {
		Elf64_Rela e;
		Elf64_Sym s = { 0 };
		uint32_t type, sym;
		uint64_t S;
		int moves;

		memcpy(&e, f + sh->sh_offset + i * sizeof(e), sizeof(e));
		type = ELF64_R_TYPE(e.r_info);
		sym = ELF64_R_SYM(e.r_info);
		if (sym)
			memcpy(&s, f + symsh->sh_offset + sym * sizeof(s), sizeof(s));
		moves = sym && s.st_shndx != SHN_UNDEF && s.st_shndx != SHN_ABS;
		S = s.st_value + (moves ? slide : 0);
		if (machine == EM_AARCH64) {
			if (aarch64_rela(r, &e, S, moves, slide))
				return -1;
			continue;
		}
		switch (type) {
		case R_X86_64_RELATIVE:
			put(r, e.r_offset, slide + (uint64_t)e.r_addend, REF_MOVES);
			break;
		case R_X86_64_64:
			put(r, e.r_offset, S + (uint64_t)e.r_addend, moves ? REF_MOVES : REF_FIXED);
			break;
		case R_X86_64_GLOB_DAT:
		case R_X86_64_JUMP_SLOT:
			put(r, e.r_offset, S, moves ? REF_MOVES : REF_FIXED);
			break;
		default: return -1;
		}
	}
	return 0;
}

static void add_slide(struct elf_ref *r, uint64_t at, uint64_t slide)
{
	uint64_t v;

	memcpy(&v, r->flat + (at - r->lo), 8);
	put(r, at, v + slide, REF_MOVES);
}

/* RELR as specified in the gABI proposal (and lld's writer). */
static void do_relr(struct elf_ref *r, const uint8_t *f, const Elf64_Shdr *sh, uint64_t slide)
{
	uint64_t base = 0;

	for (uint64_t i = 0; i < sh->sh_size / 8; i++) {
		uint64_t w;

		memcpy(&w, f + sh->sh_offset + i * 8, 8);
		if (!(w & 1)) {
			add_slide(r, w, slide);
			base = w + 8;
			continue;
		}
		for (int k = 0; k < 63; k++)
			if (w >> (k + 1) & 1)
				add_slide(r, base + (uint64_t)k * 8, slide);
		base += 63 * 8;
	}
}

int elf_ref_load(const uint8_t *f, size_t size, uint64_t slide, struct elf_ref *r)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + eh->e_phoff);
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);

	memset(r, 0, sizeof(*r));
	r->lo = UINT64_MAX;
	if (size < sizeof(*eh) || eh->e_shoff == 0)
		return -1;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_vaddr / 4096 * 4096 < r->lo)
			r->lo = ph[i].p_vaddr / 4096 * 4096;
		if ((ph[i].p_vaddr + ph[i].p_memsz + 4095) / 4096 * 4096 > r->hi)
			r->hi = (ph[i].p_vaddr + ph[i].p_memsz + 4095) / 4096 * 4096;
	}
	r->flat = calloc(1, r->hi - r->lo);
	r->kind = calloc(1, (r->hi - r->lo) / 8);
	if (!r->flat || !r->kind)
		return -1;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz)
			memcpy(r->flat + (ph[i].p_vaddr - r->lo), f + ph[i].p_offset,
			       ph[i].p_filesz);
	/* All RELA sections first, then RELR: the order glibc and elf/ use. */
	for (int i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_RELA && (sh[i].sh_flags & SHF_ALLOC) &&
		    do_rela(r, f, eh->e_machine, &sh[i], &sh[sh[i].sh_link], slide))
			return -1;
	for (int i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_RELR)
			do_relr(r, f, &sh[i], slide);
	return r->nunaligned <= ELF_REF_MAX_UNALIGNED ? 0 : -1;
}

void elf_ref_free(struct elf_ref *r)
{
	free(r->flat);
	free(r->kind);
	memset(r, 0, sizeof(*r));
}
