// SPDX-License-Identifier: MIT
/* In-memory ELF64 PIE builder for tests (layout: see elfgen.h). */
#include "elfgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 0x1000u
#define MAX_DYN 64

const struct elfgen_rela elfgen_default_rela[4] = {
	{ ELFGEN_DATA + 0x00, R_X86_64_RELATIVE, 0, ELFGEN_TEXT + 0x20 },
	{ ELFGEN_GOT + 0x00, R_X86_64_RELATIVE, 0, ELFGEN_DATA + 0x40 },
	{ ELFGEN_DATA + 0x08, R_X86_64_64, 1, 0x10 },
	{ ELFGEN_GOT + 0x08, R_X86_64_GLOB_DAT, 2, 0 },
};
const struct elfgen_rela elfgen_default_jmprel[1] = {
	{ ELFGEN_GOT + 0x10, R_X86_64_JUMP_SLOT, 1, 0 },
};
const struct elfgen_rela elfgen_aarch64_rela[4] = {
	{ ELFGEN_DATA + 0x00, R_AARCH64_RELATIVE, 0, ELFGEN_TEXT + 0x20 },
	{ ELFGEN_GOT + 0x00, R_AARCH64_RELATIVE, 0, ELFGEN_DATA + 0x40 },
	{ ELFGEN_DATA + 0x08, R_AARCH64_ABS64, 1, 0x10 },
	{ ELFGEN_GOT + 0x08, R_AARCH64_GLOB_DAT, 2, 0 },
};
const struct elfgen_rela elfgen_aarch64_jmprel[1] = {
	{ ELFGEN_GOT + 0x10, R_AARCH64_JUMP_SLOT, 1, 0 },
};
/* Address word DATA+0x100, then a bitmap for +0x108 and +0x118. */
const uint64_t elfgen_default_relr[2] = { ELFGEN_DATA + 0x100, (0x5u << 1) | 1 };
const struct elfgen_sym elfgen_default_syms[3] = {
	{ ELFGEN_TEXT + 0x40, 7, STB_GLOBAL },
	{ 0, SHN_UNDEF, STB_WEAK },
	{ 0x1234, SHN_ABS, STB_GLOBAL },
};

void elfgen_spec_default(struct elfgen_spec *sp)
{
	*sp = (struct elfgen_spec){
		.machine = EM_X86_64,
		.type = ET_DYN,
		.rela = elfgen_default_rela,
		.nrela = 4,
		.jmprel = elfgen_default_jmprel,
		.njmprel = 1,
		.relr = elfgen_default_relr,
		.nrelr = 2,
		.syms = elfgen_default_syms,
		.nsyms = 3,
		.hash = ELFGEN_HASH_SYSV,
		.note = true,
		.note_params = { .version = 1, .stack_size = 128 << 10, .heap_size = 2 << 20 },
		.shdrs = true,
	};
}

void elfgen_spec_for(struct elfgen_spec *sp, uint16_t machine)
{
	elfgen_spec_default(sp);
	sp->machine = machine;
	if (machine == EM_AARCH64) {
		sp->rela = elfgen_aarch64_rela;
		sp->jmprel = elfgen_aarch64_jmprel;
	}
}

static uint16_t machine_of(const struct elfgen_spec *sp)
{
	return sp->machine ? sp->machine : EM_X86_64;
}

/* Where each table sits inside the ro segment (offsets from its start). */
struct ro_layout {
	size_t notes, rela, jmprel, relr, sym, hash, size;
};

static size_t up8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

static size_t notes_size(const struct elfgen_spec *sp)
{
	return 36 + (sp->note ? 12 + 12 + sizeof(struct aslrboot_note_params) : 0);
}

static size_t hash_size(const struct elfgen_spec *sp)
{
	size_t n = sp->nsyms + 1;

	if (sp->hash == ELFGEN_HASH_SYSV)
		return (2 + 1 + n) * 4;
	if (sp->hash == ELFGEN_HASH_GNU)
		return 16 + 8 + 4 + sp->nsyms * 4;
	return 0;
}

static struct ro_layout ro_layout(const struct elfgen_spec *sp)
{
	struct ro_layout l = { 0 };

	l.rela = up8(notes_size(sp));
	l.jmprel = l.rela + sp->nrela * sizeof(Elf64_Rela);
	l.relr = l.jmprel + sp->njmprel * sizeof(Elf64_Rela);
	l.sym = l.relr + sp->nrelr * 8;
	l.hash = l.sym + (sp->nsyms + 1) * sizeof(Elf64_Sym);
	l.size = up8(l.hash + hash_size(sp));
	return l;
}

static void put_note(uint8_t *p, uint32_t namesz, const char *name, uint32_t type, const void *desc,
		     uint32_t descsz)
{
	Elf64_Nhdr nh = { namesz, descsz, type };

	memcpy(p, &nh, sizeof(nh));
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + ((namesz + 3) & ~3u), desc, descsz);
}

static void put_notes(uint8_t *ro, const struct elfgen_spec *sp)
{
	static const uint8_t build_id[20] = { 0xa5, 1, 2, 3 };

	put_note(ro, 4, "GNU", 3 /* NT_GNU_BUILD_ID */, build_id, sizeof(build_id));
	if (sp->note)
		put_note(ro + 36, sizeof(ASLRBOOT_NOTE_NAME), ASLRBOOT_NOTE_NAME,
			 ASLRBOOT_NOTE_TYPE_PARAMS, &sp->note_params, sizeof(sp->note_params));
}

static void put_rela(uint8_t *p, const struct elfgen_rela *r, size_t n,
		     const struct elfgen_spec *sp)
{
	uint32_t relative = machine_of(sp) == EM_AARCH64 ? R_AARCH64_RELATIVE : R_X86_64_RELATIVE;

	for (size_t i = 0; i < n; i++) {
		Elf64_Rela e = {
			.r_offset = r[i].off + sp->base,
			.r_info = ELF64_R_INFO(r[i].sym, r[i].type),
			.r_addend = r[i].addend + (r[i].type == relative ? (int64_t)sp->base : 0),
		};
		memcpy(p + i * sizeof(e), &e, sizeof(e));
	}
}

static void put_syms_hash(uint8_t *ro, const struct ro_layout *l, const struct elfgen_spec *sp)
{
	uint32_t *h = (uint32_t *)(ro + l->hash);

	for (size_t i = 0; i < sp->nsyms; i++) {
		const struct elfgen_sym *s = &sp->syms[i];
		Elf64_Sym e = {
			.st_info = ELF64_ST_INFO(s->bind, 0),
			.st_shndx = s->shndx,
			.st_value = s->value +
				    (s->shndx != SHN_UNDEF && s->shndx != SHN_ABS ? sp->base : 0),
		};
		memcpy(ro + l->sym + (i + 1) * sizeof(e), &e, sizeof(e));
	}
	if (sp->hash == ELFGEN_HASH_SYSV) {
		h[0] = 1;			/* nbucket */
		h[1] = (uint32_t)sp->nsyms + 1; /* nchain */
	} else if (sp->hash == ELFGEN_HASH_GNU) {
		uint64_t bloom = ~UINT64_C(0);

		h[0] = 1; /* nbuckets */
		h[1] = 1; /* symoffset */
		h[2] = 1; /* bloom_size */
		h[3] = 6; /* bloom_shift */
		memcpy(&h[4], &bloom, 8);
		h[6] = sp->nsyms ? 1 : 0; /* bucket 0 */
		for (size_t i = 0; i < sp->nsyms; i++)
			h[7 + i] = (uint32_t)(i * 2 + 2) |
				   (i + 1 == sp->nsyms); /* low bit ends the chain */
	}
}

static size_t put_dynamic(uint8_t *buf, const struct elfgen_spec *sp, const struct ro_layout *l)
{
	Elf64_Dyn d[MAX_DYN];
	size_t n = 0;
	uint64_t ro = sp->base + ELFGEN_RO;

#define DYN(t, v) (d[n++] = (Elf64_Dyn){ (t), (v) })
	if (sp->nrela) {
		DYN(DT_RELA, ro + l->rela);
		DYN(DT_RELASZ, sp->nrela * sizeof(Elf64_Rela));
		DYN(DT_RELAENT, sizeof(Elf64_Rela));
	}
	if (sp->njmprel) {
		DYN(DT_JMPREL, ro + l->jmprel);
		DYN(DT_PLTRELSZ, sp->njmprel * sizeof(Elf64_Rela));
		DYN(DT_PLTREL, DT_RELA);
	}
	if (sp->nrelr) {
		DYN(DT_RELR, ro + l->relr);
		DYN(DT_RELRSZ, sp->nrelr * 8);
		DYN(DT_RELRENT, 8);
	}
	if (sp->nsyms) {
		DYN(DT_SYMTAB, ro + l->sym);
		DYN(DT_SYMENT, sizeof(Elf64_Sym));
		if (sp->hash == ELFGEN_HASH_SYSV)
			DYN(DT_HASH, ro + l->hash);
		else if (sp->hash == ELFGEN_HASH_GNU)
			DYN(DT_GNU_HASH, ro + l->hash);
	}
	for (size_t i = 0; i < sp->nextra_dyn && n < MAX_DYN - 1; i++)
		DYN(sp->extra_dyn[i].tag, sp->extra_dyn[i].val);
	DYN(DT_NULL, 0);
#undef DYN
	memcpy(buf + ELFGEN_RELRO, d, n * sizeof(d[0]));
	return n * sizeof(d[0]);
}

static void put_phdrs(uint8_t *buf, const struct elfgen_spec *sp, size_t dynsz, size_t rosz)
{
	uint64_t b = sp->base;
	Elf64_Phdr ph[ELFGEN_NPH] = {
		[ELFGEN_PH_TEXT] = { PT_LOAD, PF_R | PF_X, ELFGEN_TEXT, b + ELFGEN_TEXT,
				     b + ELFGEN_TEXT, PAGE, PAGE, PAGE },
		[ELFGEN_PH_DATA] = { PT_LOAD, PF_R | PF_W, ELFGEN_RELRO, b + ELFGEN_RELRO,
				     b + ELFGEN_RELRO, 2 * PAGE, 3 * PAGE, PAGE },
		[ELFGEN_PH_RO] = { PT_LOAD, PF_R, ELFGEN_RO_OFF, b + ELFGEN_RO, b + ELFGEN_RO, rosz,
				   rosz, PAGE },
		[ELFGEN_PH_DYN] = { PT_DYNAMIC, PF_R | PF_W, ELFGEN_RELRO, b + ELFGEN_RELRO,
				    b + ELFGEN_RELRO, dynsz, dynsz, 8 },
		[ELFGEN_PH_RELRO] = { PT_GNU_RELRO, PF_R, ELFGEN_RELRO, b + ELFGEN_RELRO,
				      b + ELFGEN_RELRO, PAGE, PAGE, 1 },
		[ELFGEN_PH_STACK] = { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 },
		[ELFGEN_PH_NOTE] = { PT_NOTE, PF_R, ELFGEN_RO_OFF, b + ELFGEN_RO, b + ELFGEN_RO,
				     notes_size(sp), notes_size(sp), 4 },
	};

	if (sp->no_dynamic)
		ph[ELFGEN_PH_DYN].p_type = PT_NULL;
	memcpy(buf + sizeof(Elf64_Ehdr), ph, sizeof(ph));
}

uint8_t *elfgen_build(const struct elfgen_spec *sp, size_t *size)
{
	struct ro_layout l = ro_layout(sp);
	size_t shoff = ELFGEN_RO_OFF + l.size, total = shoff + (sp->shdrs ? 2 * 64 : 0);
	size_t nph = ELFGEN_NPH + sp->extra_phdrs;
	uint8_t *buf = calloc(1, total), *ro = buf + ELFGEN_RO_OFF;
	Elf64_Ehdr eh = {
		.e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
		.e_type = sp->type,
		.e_machine = machine_of(sp),
		.e_version = EV_CURRENT,
		.e_entry = sp->base + ELFGEN_TEXT,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_shoff = sp->shdrs ? shoff : 0,
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = (uint16_t)nph,
		.e_shentsize = sp->shdrs ? 64 : 0,
		.e_shnum = sp->shdrs ? 2 : 0,
		.e_shstrndx = sp->shdrs ? 1 : 0,
	};

	if (!buf || sizeof(eh) + nph * sizeof(Elf64_Phdr) > ELFGEN_TEXT) {
		fprintf(stderr, "elfgen: out of memory or too many phdrs\n");
		abort();
	}
	memcpy(buf, &eh, sizeof(eh));
	memset(buf + ELFGEN_TEXT, 0xcc, PAGE);
	for (unsigned i = 0; i < PAGE; i++)
		buf[ELFGEN_DATA + i] = ELFGEN_PATTERN(i);
	put_notes(ro, sp);
	put_rela(ro + l.rela, sp->rela, sp->nrela, sp);
	put_rela(ro + l.jmprel, sp->jmprel, sp->njmprel, sp);
	for (size_t i = 0; i < sp->nrelr; i++) {
		uint64_t w = sp->relr[i] + (sp->relr[i] & 1 ? 0 : sp->base);
		memcpy(ro + l.relr + i * 8, &w, 8);
	}
	put_syms_hash(ro, &l, sp);
	put_phdrs(buf, sp, put_dynamic(buf, sp, &l), l.size);
	*size = total;
	return buf;
}

uint8_t *elfgen_default(size_t *size)
{
	struct elfgen_spec sp;

	elfgen_spec_default(&sp);
	return elfgen_build(&sp, size);
}

Elf64_Ehdr *elfgen_ehdr(uint8_t *img)
{
	return (Elf64_Ehdr *)img;
}

Elf64_Phdr *elfgen_phdr(uint8_t *img, unsigned idx)
{
	return (Elf64_Phdr *)(img + elfgen_ehdr(img)->e_phoff) + idx;
}

Elf64_Dyn *elfgen_dyn(uint8_t *img, int64_t tag)
{
	Elf64_Dyn *d = (Elf64_Dyn *)(img + ELFGEN_RELRO);

	for (unsigned i = 0; i < MAX_DYN; i++) {
		if (d[i].d_tag == tag)
			return &d[i];
		if (d[i].d_tag == DT_NULL)
			break;
	}
	return NULL;
}

uint8_t *elfgen_at(uint8_t *img, uint64_t off)
{
	if (off >= ELFGEN_RO)
		return img + off - ELFGEN_RO + ELFGEN_RO_OFF;
	return img + off;
}

Elf64_Rela *elfgen_rela(uint8_t *img, bool jmprel, unsigned i)
{
	uint64_t base = elfgen_phdr(img, ELFGEN_PH_TEXT)->p_vaddr - ELFGEN_TEXT;
	Elf64_Dyn *d = elfgen_dyn(img, jmprel ? DT_JMPREL : DT_RELA);

	if (!d)
		return NULL;
	return (Elf64_Rela *)elfgen_at(img, d->d_val - base) + i;
}

uint64_t elfgen_pattern_word(uint64_t off)
{
	uint64_t w = 0;

	for (int i = 7; i >= 0; i--)
		w = w << 8 | ELFGEN_PATTERN(off + (uint64_t)i);
	return w;
}
