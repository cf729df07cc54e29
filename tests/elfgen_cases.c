// SPDX-License-Identifier: MIT
/*
 * One malformed image per check elf_parse makes (or variant), each built by
 * mutating one thing in the default elfgen image.  Not here: a misaligned
 * program header table, zero-size PT_LOADs and OS/processor-specific
 * segment types (accepted, tested in test_elf_parse.c), unaligned
 * relocation targets (accepted and written with memcpy, tested in
 * test_elf_reloc.c), an image that fits nowhere (placement: the layout's
 * job) and a file re-read after validation (by design: elf_image keeps the
 * validated copy).
 */
#include "elfgen.h"

#include <string.h>

/* The cases are a table: one mutation per line, fenced from the formatter. */
/* clang-format off */
#define EH(p) elfgen_ehdr(p)
#define PH(p, n) elfgen_phdr(p, ELFGEN_PH_##n)
#define DYNV(p, tag) (elfgen_dyn(p, tag)->d_val)
#define RELA(p, i) elfgen_rela(p, false, i)

/* A case that patches the default image. */
#define MUT(fn, ...)                                                                   \
	static uint8_t *fn(size_t *sz)                                                 \
	{                                                                              \
		uint8_t *p = elfgen_default(sz);                                       \
		__VA_ARGS__;                                                           \
		return p;                                                              \
	}
/* A case that changes the spec before building. */
#define SPEC(fn, ...)                                                                  \
	static uint8_t *fn(size_t *sz)                                                 \
	{                                                                              \
		struct elfgen_spec sp;                                                 \
		elfgen_spec_default(&sp);                                              \
		__VA_ARGS__;                                                           \
		return elfgen_build(&sp, sz);                                          \
	}
#define EXTRA_DYN(...)                                                                 \
	static const struct elfgen_dyn xd[] = { __VA_ARGS__ };                         \
	sp.extra_dyn = xd;                                                             \
	sp.nextra_dyn = sizeof(xd) / sizeof(xd[0])
#define ONE_RELA(o, t, s, a)                                                           \
	static const struct elfgen_rela r1[] = { { (o), (t), (s), (a) } };             \
	sp.rela = r1;                                                                  \
	sp.nrela = 1
#define RELR(...)                                                                      \
	static const uint64_t rr[] = { __VA_ARGS__ };                                  \
	sp.relr = rr;                                                                  \
	sp.nrelr = sizeof(rr) / sizeof(rr[0])

/* A. file and ELF header */
MUT(a1, *sz = sizeof(Elf64_Ehdr) - 1)
MUT(a2, EH(p)->e_ident[1] = 'e')
MUT(a3, EH(p)->e_ident[EI_CLASS] = 1)
MUT(a4, EH(p)->e_ident[EI_DATA] = 2)
MUT(a5_ident, EH(p)->e_ident[EI_VERSION] = 0)
MUT(a5_version, EH(p)->e_version = 2)
MUT(a6, EH(p)->e_machine = EM_AARCH64)
MUT(a7_rel, EH(p)->e_type = ET_REL)
MUT(a7_core, EH(p)->e_type = ET_CORE)
SPEC(a7_exec, sp.type = ET_EXEC; sp.base = 0x400000; sp.nrela = sp.njmprel = sp.nrelr = 0)
SPEC(a7_exec_nodyn, sp.type = ET_EXEC; sp.base = 0x400000; sp.no_dynamic = true)
MUT(a8, EH(p)->e_ehsize = 52)

/* B. program header table */
MUT(b1, EH(p)->e_phnum = 0)
MUT(b2, EH(p)->e_phnum = PN_XNUM)
MUT(b3, EH(p)->e_phentsize = 32)
MUT(b4, EH(p)->e_phoff = UINT64_MAX - 8)
MUT(b5, EH(p)->e_phoff = *sz - sizeof(Elf64_Phdr))
MUT(b6, EH(p)->e_phnum = ELF_MAX_PHDRS + 1)

/* C. segments */
MUT(c1, for (int i = ELFGEN_PH_TEXT; i <= ELFGEN_PH_RO; i++) elfgen_phdr(p, i)->p_type = PT_NULL)
MUT(c1_memsz0, for (int i = ELFGEN_PH_TEXT; i <= ELFGEN_PH_RO; i++)
	elfgen_phdr(p, i)->p_memsz = elfgen_phdr(p, i)->p_filesz = 0)
MUT(c2, PH(p, DATA)->p_filesz = PH(p, DATA)->p_memsz + 1)
MUT(c3, PH(p, RO)->p_filesz = PH(p, RO)->p_memsz = *sz - ELFGEN_RO_OFF + 1)
MUT(c3_wrap, PH(p, TEXT)->p_offset = UINT64_MAX - 0x800)
MUT(c4, PH(p, RO)->p_vaddr = UINT64_MAX - 0xfff; PH(p, RO)->p_memsz = 0x2000)
MUT(c4_page, PH(p, RO)->p_vaddr = UINT64_MAX - 0xfff; PH(p, RO)->p_memsz = PH(p, RO)->p_filesz = 0x10)
MUT(c5, PH(p, RO)->p_memsz = ELF_MAX_SEG_SIZE + 0x1000)
MUT(c6, PH(p, RO)->p_vaddr += ELF_MAX_IMAGE_SPAN)
MUT(c7, PH(p, DATA)->p_align = 0x3000)
MUT(c8, PH(p, DATA)->p_align = ELF_MAX_ALIGN * 2)
MUT(c9, PH(p, TEXT)->p_offset += 8)
MUT(c10, PH(p, DATA)->p_align = 0x200)
MUT(c10_zero, PH(p, DATA)->p_align = 0)
MUT(c11, PH(p, DATA)->p_memsz += 0x800)
/* text [0x1000,0x1800) and data from 0x1800: no byte overlap, one shared page. */
MUT(c12, PH(p, TEXT)->p_filesz = PH(p, TEXT)->p_memsz = 0x800;
    PH(p, DATA)->p_vaddr = PH(p, DATA)->p_paddr = 0x1800; PH(p, DATA)->p_offset = 0x1800)
MUT(c12_same, PH(p, TEXT)->p_filesz = PH(p, TEXT)->p_memsz = 0x800;
    PH(p, TEXT)->p_flags = PF_R | PF_W;
    PH(p, DATA)->p_vaddr = PH(p, DATA)->p_paddr = 0x1800; PH(p, DATA)->p_offset = 0x1800)
static uint8_t *c13(size_t *sz)
{
	uint8_t *p = elfgen_default(sz);
	Elf64_Phdr t = *PH(p, TEXT);

	*PH(p, TEXT) = *PH(p, DATA);
	*PH(p, DATA) = t;
	return p;
}
MUT(c14, PH(p, DATA)->p_flags = PF_R | PF_W | PF_X)
MUT(c16, PH(p, STACK)->p_type = PT_INTERP)
MUT(c17, PH(p, STACK)->p_type = PT_TLS)
MUT(c18, PH(p, STACK)->p_flags = PF_R | PF_W | PF_X)
MUT(c19_ro, PH(p, RELRO)->p_vaddr = ELFGEN_TEXT)
MUT(c19_out, PH(p, RELRO)->p_memsz = 0x4000)
MUT(c19_none, PH(p, RELRO)->p_vaddr = 0x100000)
MUT(c21, PH(p, STACK)->p_type = 8)
MUT(c21_shlib, PH(p, STACK)->p_type = PT_SHLIB)
MUT(c21_user, PH(p, STACK)->p_type = 0x80000000u)
MUT(dup_dynamic, *PH(p, STACK) = *PH(p, DYN))
MUT(dup_relro, *PH(p, STACK) = *PH(p, RELRO))
static uint8_t *too_many_loads(size_t *sz)
{
	struct elfgen_spec sp;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.extra_phdrs = ELF_MAX_LOAD;
	p = elfgen_build(&sp, sz);
	for (unsigned i = 0; i < ELF_MAX_LOAD; i++)
		*elfgen_phdr(p, ELFGEN_NPH + i) = (Elf64_Phdr){
			PT_LOAD, PF_R, 0, 0x100000 + i * 0x1000, 0, 0, 0x1000, 0x1000 };
	return p;
}

/* D. dynamic section and relocations */
SPEC(d1, sp.no_dynamic = true)
MUT(d2_zero, PH(p, DYN)->p_filesz = 0)
MUT(d2_odd, PH(p, DYN)->p_filesz = 8)
MUT(d3_bss, PH(p, DYN)->p_vaddr = ELFGEN_BSS; PH(p, DYN)->p_offset = ELFGEN_BSS)
MUT(d3_offset, PH(p, DYN)->p_offset = ELFGEN_DATA)
MUT(d4, elfgen_dyn(p, DT_NULL)->d_tag = 21 /* DT_DEBUG */)
SPEC(d5, EXTRA_DYN({ DT_RELASZ, 24 }))
MUT(d6_rela, elfgen_dyn(p, DT_RELASZ)->d_tag = 21)
MUT(d6_jmprel, elfgen_dyn(p, DT_PLTREL)->d_tag = 21)
MUT(d6_relr, elfgen_dyn(p, DT_RELRENT)->d_tag = 21)
MUT(d7_rela, DYNV(p, DT_RELAENT) = 16)
MUT(d7_relr, DYNV(p, DT_RELRENT) = 4)
MUT(d7_sym, DYNV(p, DT_SYMENT) = 16)
MUT(d8_rela, DYNV(p, DT_RELASZ) = 40)
MUT(d8_plt, DYNV(p, DT_PLTRELSZ) = 25)
MUT(d8_relr, DYNV(p, DT_RELRSZ) = 12)
MUT(d9_bss, DYNV(p, DT_RELA) = ELFGEN_BSS)
MUT(d9_wrap, DYNV(p, DT_RELA) = UINT64_MAX - 16)
MUT(d9_size, DYNV(p, DT_RELASZ) = 24 * 1000)
MUT(d9_relr, DYNV(p, DT_RELR) = ELFGEN_BSS + 0x800)
SPEC(d10, EXTRA_DYN({ DT_REL, ELFGEN_RO }))
MUT(d11, DYNV(p, DT_PLTREL) = DT_REL)
SPEC(d12, EXTRA_DYN({ DT_NEEDED, 1 }))
SPEC(d13, EXTRA_DYN({ DT_TEXTREL, 0 }))
SPEC(d13_flags, EXTRA_DYN({ DT_FLAGS, DF_TEXTREL }))
MUT(d14, RELA(p, 0)->r_offset = 0x100000)
MUT(d14_gap, RELA(p, 0)->r_offset = 0x800)
static uint8_t *d14_straddle(size_t *sz)
{
	uint8_t *p = elfgen_default(sz);

	PH(p, DATA)->p_memsz = 0x2ffc; /* data ends at 0x4ffc */
	RELA(p, 0)->r_offset = 0x4ff8;
	return p;
}
MUT(d15_text, RELA(p, 0)->r_offset = ELFGEN_TEXT + 8)
MUT(d15_ro, RELA(p, 0)->r_offset = ELFGEN_RO)
MUT(d17_copy, RELA(p, 0)->r_info = ELF64_R_INFO(0, 5 /* R_X86_64_COPY */))
MUT(d17_irel, RELA(p, 0)->r_info = ELF64_R_INFO(0, 37 /* R_X86_64_IRELATIVE */))
MUT(d17_jmprel, elfgen_rela(p, true, 0)->r_info = ELF64_R_INFO(1, 16 /* DTPMOD64 */))
MUT(d21_32, RELA(p, 0)->r_info = ELF64_R_INFO(0, R_X86_64_32))
MUT(d21_pc32, RELA(p, 0)->r_info = ELF64_R_INFO(1, R_X86_64_PC32))
MUT(d18_range, RELA(p, 2)->r_info = ELF64_R_INFO(4, R_X86_64_64))
SPEC(d18_nohash, sp.hash = ELFGEN_HASH_NONE)
static uint8_t *d18_undef(size_t *sz)
{
	uint8_t *p = elfgen_default(sz);
	uint64_t symtab = DYNV(p, DT_SYMTAB);

	((Elf64_Sym *)elfgen_at(p, symtab))[2].st_info = ELF64_ST_INFO(STB_GLOBAL, 0);
	return p;
}
SPEC(d19_bitmap_first, RELR(3, ELFGEN_DATA))
SPEC(d19_unaligned, RELR(ELFGEN_DATA + 4))
SPEC(d19_outside, RELR(0x100000))
/* bits for 0x4f08 and 0x50f8: the run crosses the end of the data segment */
SPEC(d19_bitmap_out, RELR(ELFGEN_BSS + 0xf00, (UINT64_C(1) << 63) | 3))
SPEC(d19_ro, RELR(ELFGEN_TEXT))
MUT(d20, DYNV(p, DT_RELASZ) = (ELF_MAX_RELOCS + 1) * sizeof(Elf64_Rela))
MUT(hash_addr, DYNV(p, DT_HASH) = ELFGEN_BSS)
MUT(hash_nchain, ((uint32_t *)elfgen_at(p, DYNV(p, DT_HASH)))[1] = 0x10000000)
static uint8_t *gnu_hash(size_t *sz, unsigned word, uint32_t val)
{
	struct elfgen_spec sp;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.hash = ELFGEN_HASH_GNU;
	p = elfgen_build(&sp, sz);
	((uint32_t *)elfgen_at(p, DYNV(p, DT_GNU_HASH)))[word] = val;
	return p;
}
/* Words: 0 nbuckets, 1 symoffset, 2 bloom_size, 3 shift, 4-5 bloom, 6 bucket, 7.. chain. */
static uint8_t *gnu_hash_empty(size_t *sz)
{
	return gnu_hash(sz, 6, 0); /* only symbol 0 then: r_sym 1 is out of range */
}
static uint8_t *gnu_hash_bucket(size_t *sz)
{
	return gnu_hash(sz, 1, 3); /* bucket 1 < symoffset 3 */
}
static uint8_t *gnu_hash_chain(size_t *sz)
{
	return gnu_hash(sz, 7 + 2, 6); /* the last chain word loses its end bit */
}
static uint8_t *gnu_hash_buckets(size_t *sz)
{
	return gnu_hash(sz, 0, 0x01000000); /* buckets past the table */
}
MUT(symtab_range, DYNV(p, DT_SYMTAB) = ELFGEN_RO + PH(p, RO)->p_filesz - 24)

/* E. entry, notes, sections */
MUT(e1_data, EH(p)->e_entry = ELFGEN_DATA)
MUT(e1_none, EH(p)->e_entry = 0x100000)
MUT(e2, PH(p, TEXT)->p_filesz = 0x800; EH(p)->e_entry = ELFGEN_TEXT + 0x800)
MUT(e3_entsize, EH(p)->e_shentsize = 40)
MUT(e3_range, EH(p)->e_shoff = *sz - 64)
MUT(e3_strndx, EH(p)->e_shstrndx = 2)
MUT(e4_namesz, ((Elf64_Nhdr *)elfgen_at(p, ELFGEN_RO))->n_namesz = 0xffffffffu)
MUT(e4_descsz, ((Elf64_Nhdr *)elfgen_at(p, ELFGEN_RO))->n_descsz = 0xfffffff0u)
MUT(e4_short, PH(p, NOTE)->p_filesz = 36 + 5)
MUT(e4_align, PH(p, NOTE)->p_align = 2)
MUT(e4_offset, PH(p, NOTE)->p_offset += 2)
MUT(e4_range, PH(p, NOTE)->p_filesz = *sz)
SPEC(note_version, sp.note_params.version = 2)
SPEC(note_flags, sp.note_params.flags = 2) /* a bit the note does not define */
SPEC(note_stack, sp.note_params.stack_size = (64u << 20) + 4096)
SPEC(note_stack_align, sp.note_params.stack_size = 4097)
SPEC(note_heap, sp.note_params.heap_size = (UINT64_C(1) << 30) + 4096)
MUT(note_descsz, ((Elf64_Nhdr *)elfgen_at(p, ELFGEN_RO + 36))->n_descsz = 16)
static uint8_t *note_dup(size_t *sz)
{
	uint8_t *p = elfgen_default(sz);
	Elf64_Phdr *n2 = PH(p, STACK);

	*n2 = *PH(p, NOTE); /* the same notes again, through a second PT_NOTE */
	return p;
}

#define C(n, r, e) { #n, r, LDR_##e, n }
static const struct elfgen_case cases[] = {
	C(a1, "A1", E_TRUNCATED), C(a2, "A2", E_NOT_ELF), C(a3, "A3", E_CLASS),
	C(a4, "A4", E_ENDIAN), C(a5_ident, "A5", E_VERSION), C(a5_version, "A5", E_VERSION),
	C(a6, "A6", E_MACHINE), C(a7_rel, "A7", E_TYPE), C(a7_core, "A7", E_TYPE),
	C(a7_exec, "A7", E_TYPE), C(a7_exec_nodyn, "A7", E_TYPE), C(a8, "A8", E_EHSIZE),
	C(b1, "B1", E_NO_PHDRS), C(b2, "B2", E_PHNUM_XNUM), C(b3, "B3", E_PHENTSIZE),
	C(b4, "B4", E_PHDR_RANGE), C(b5, "B5", E_PHDR_RANGE), C(b6, "B6", E_TOO_MANY_PHDRS),
	C(c1, "C1", E_NO_LOAD), C(c1_memsz0, "C1", E_NO_LOAD), C(c2, "C2", E_FILESZ),
	C(c3, "C3", E_SEG_FILE_RANGE), C(c3_wrap, "C3", E_SEG_FILE_RANGE),
	C(c4, "C4", E_SEG_VADDR_RANGE), C(c4_page, "C4", E_SEG_VADDR_RANGE),
	C(c5, "C5", E_SEG_TOO_BIG), C(c6, "C6", E_IMAGE_TOO_BIG), C(c7, "C7", E_ALIGN),
	C(c8, "C8", E_ALIGN_TOO_BIG), C(c9, "C9", E_ALIGN_CONGRUENCE),
	C(c10, "C10", E_ALIGN_SMALL), C(c10_zero, "C10", E_ALIGN_SMALL),
	C(c11, "C11", E_OVERLAP), C(c12, "C12", E_PERM_SHARE), C(c12_same, "C12", E_PERM_SHARE),
	C(c13, "C13", E_ORDER), C(c14, "C14", E_WX), C(c16, "C16", E_INTERP),
	C(c17, "C17", E_TLS), C(c18, "C18", E_STACK_EXEC), C(c19_ro, "C19", E_RELRO),
	C(c19_out, "C19", E_RELRO), C(c19_none, "C19", E_RELRO), C(c21, "C21", E_PHDR_TYPE),
	C(c21_shlib, "C21", E_PHDR_TYPE), C(c21_user, "C21", E_PHDR_TYPE),
	C(dup_dynamic, "C-dup", E_PHDR_DUP), C(dup_relro, "C-dup", E_PHDR_DUP),
	C(too_many_loads, "C-cap", E_TOO_MANY_LOADS),
	C(d1, "D1", E_NO_DYNAMIC), C(d2_zero, "D2", E_DYN_SIZE), C(d2_odd, "D2", E_DYN_SIZE),
	C(d3_bss, "D3", E_DYN_RANGE), C(d3_offset, "D3", E_DYN_RANGE),
	C(d4, "D4", E_DYN_UNTERMINATED), C(d5, "D5", E_DYN_DUP),
	C(d6_rela, "D6", E_DYN_INCOMPLETE), C(d6_jmprel, "D6", E_DYN_INCOMPLETE),
	C(d6_relr, "D6", E_DYN_INCOMPLETE), C(d7_rela, "D7", E_DYN_ENTSIZE),
	C(d7_relr, "D7", E_DYN_ENTSIZE), C(d7_sym, "D7", E_DYN_ENTSIZE),
	C(d8_rela, "D8", E_DYN_SIZE), C(d8_plt, "D8", E_DYN_SIZE), C(d8_relr, "D8", E_DYN_SIZE),
	C(d9_bss, "D9", E_RELTAB_RANGE), C(d9_wrap, "D9", E_RELTAB_RANGE),
	C(d9_size, "D9", E_RELTAB_RANGE), C(d9_relr, "D9", E_RELTAB_RANGE),
	C(d10, "D10", E_REL_UNSUPPORTED), C(d11, "D11", E_PLTREL), C(d12, "D12", E_NEEDED),
	C(d13, "D13", E_TEXTREL), C(d13_flags, "D13", E_TEXTREL),
	C(d14, "D14", E_RELOC_RANGE), C(d14_gap, "D14", E_RELOC_RANGE),
	C(d14_straddle, "D14", E_RELOC_RANGE), C(d15_text, "D15", E_RELOC_RO),
	C(d15_ro, "D15", E_RELOC_RO),
	C(d17_copy, "D17", E_RELOC_TYPE), C(d17_irel, "D17", E_RELOC_TYPE),
	C(d17_jmprel, "D17", E_RELOC_TYPE), C(d21_32, "D21", E_RELOC_TYPE),
	C(d21_pc32, "D21", E_RELOC_TYPE), C(d18_range, "D18", E_SYM_RANGE),
	C(d18_nohash, "D18", E_SYM_RANGE), C(d18_undef, "D18", E_SYM_UNDEF),
	C(d19_bitmap_first, "D19", E_RELR), C(d19_unaligned, "D19", E_RELR),
	C(d19_outside, "D19", E_RELR), C(d19_bitmap_out, "D19", E_RELR),
	C(d19_ro, "D19", E_RELOC_RO),
	C(d20, "D20", E_TOO_MANY_RELOCS), C(hash_addr, "D18", E_HASH),
	C(hash_nchain, "D18", E_HASH), C(gnu_hash_empty, "D18", E_SYM_RANGE),
	C(gnu_hash_bucket, "D18", E_HASH), C(gnu_hash_buckets, "D18", E_HASH),
	C(gnu_hash_chain, "D18", E_HASH), C(symtab_range, "D18", E_SYMTAB_RANGE),
	C(e1_data, "E1", E_ENTRY), C(e1_none, "E1", E_ENTRY), C(e2, "E2", E_ENTRY_BSS),
	C(e3_entsize, "E3", E_SHDR_RANGE), C(e3_range, "E3", E_SHDR_RANGE),
	C(e3_strndx, "E3", E_SHDR_RANGE), C(e4_namesz, "E4", E_NOTE),
	C(e4_descsz, "E4", E_NOTE), C(e4_short, "E4", E_NOTE), C(e4_align, "E4", E_NOTE),
	C(e4_offset, "E4", E_NOTE), C(e4_range, "E4", E_NOTE),
	C(note_version, "E4", E_NOTE_PARAMS), C(note_flags, "E4", E_NOTE_PARAMS),
	C(note_stack, "E4", E_NOTE_PARAMS), C(note_stack_align, "E4", E_NOTE_PARAMS),
	C(note_heap, "E4", E_NOTE_PARAMS), C(note_descsz, "E4", E_NOTE_PARAMS),
	C(note_dup, "E4", E_NOTE_PARAMS),
};

size_t elfgen_bad_cases(const struct elfgen_case **out)
{
	*out = cases;
	return sizeof(cases) / sizeof(cases[0]);
}
/* clang-format on */
