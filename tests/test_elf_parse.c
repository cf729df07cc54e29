// SPDX-License-Identifier: MIT
/*
 * elf_parse(): every malformed case of the elfgen table (one harness case
 * each, exact code), the accepted shapes (misaligned phdrs, zero-size
 * PT_LOADs, OS/processor-specific types, equal repeated tags, notes) and the
 * diag fields.  Policies: test_elf_policy.c.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elfgen.h"
#include "harness.h"

static const struct elfgen_case *cur;

static void run_bad_case(void)
{
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *p = cur->build(&sz), *copy = malloc(sz);
	enum ldr_err e;

	REQUIRE(p && copy);
	memcpy(copy, p, sz);
	e = elf_parse(p, sz, ELF_MACHINE_X86_64, 0, &img, &d);
	EXPECT_ERR(e, cur->err);
	EXPECT_ERR(d.err, cur->err);
	EXPECT(d.what != NULL && d.field != NULL);
	EXPECT(memcmp(copy, p, sz) == 0); /* validation never writes the input */
	free(copy);
	free(p);
}

static uint8_t *build(struct elfgen_spec *sp, size_t *sz)
{
	return elfgen_build(sp, sz);
}

static enum ldr_err parse(const uint8_t *p, size_t sz, uint32_t pol, struct elf_image *img)
{
	return elf_parse(p, sz, ELF_MACHINE_X86_64, pol, img, NULL);
}

static void test_default_accepted(void)
{
	struct elf_image img;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);

	REQUIRE(parse(p, sz, 0, &img) == LDR_OK);
	EXPECT_EQ(img.type, ET_DYN);
	EXPECT_EQ(img.nsegs, 3);
	EXPECT_EQ(img.segs[0].vaddr, ELFGEN_TEXT);
	EXPECT_EQ(img.segs[0].flags, ELF_PF_R | ELF_PF_X);
	EXPECT_EQ(img.segs[1].flags, ELF_PF_R | ELF_PF_W);
	EXPECT_EQ(img.segs[1].memsz, 0x3000);
	EXPECT_EQ(img.segs[1].filesz, 0x2000);
	EXPECT_EQ(img.segs[1].page_end, ELFGEN_RO);
	EXPECT_EQ(img.segs[2].offset, ELFGEN_RO_OFF);
	EXPECT_EQ(img.segs[2].phdr_index, ELFGEN_PH_RO);
	EXPECT_EQ(img.link_base, ELFGEN_TEXT);
	EXPECT_EQ(img.link_end, ELFGEN_RO + 0x1000);
	EXPECT_EQ(img.max_align, 0x1000);
	EXPECT_EQ(img.entry, ELFGEN_TEXT);
	EXPECT_EQ(img.entry_seg, 0);
	EXPECT(img.has_relro);
	EXPECT_EQ(img.relro_start, ELFGEN_RELRO);
	EXPECT_EQ(img.relro_end, ELFGEN_DATA);
	EXPECT(img.has_note);
	EXPECT_EQ(img.note_stack_size, 128 << 10);
	EXPECT_EQ(img.note_heap_size, 2 << 20);
	EXPECT(img.has_dynamic && !img.has_interp && !img.has_tls);
	EXPECT_EQ(img.rela_count, 4);
	EXPECT_EQ(img.jmprel_count, 1);
	EXPECT_EQ(img.relr_count, 2);
	EXPECT_EQ(img.sym_count, 4);
	EXPECT_EQ(img.stats.relative, 2);
	EXPECT_EQ(img.stats.abs64, 1);
	EXPECT_EQ(img.stats.glob_dat, 1);
	EXPECT_EQ(img.stats.jump_slot, 1);
	EXPECT_EQ(img.stats.relr_words, 2);
	EXPECT_EQ(img.stats.relr_relocs, 3);
	EXPECT_EQ(elf_seg_of(&img, ELFGEN_BSS + 0xff8), 1);
	EXPECT_EQ(elf_seg_of(&img, ELFGEN_TEXT - 1), (uint64_t)-1);
	free(p);
}

/* Edges just inside the rules: last file byte as entry, the largest p_align. */
static void test_accepted_edges(void)
{
	struct elf_image img;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);

	elfgen_phdr(p, ELFGEN_PH_TEXT)->p_filesz = 0x800;
	elfgen_ehdr(p)->e_entry = ELFGEN_TEXT + 0x7ff;
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_align = ELF_MAX_ALIGN;
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.max_align, ELF_MAX_ALIGN);
	EXPECT_EQ(img.segs[1].align, ELF_MAX_ALIGN);
	free(p);
}

static void test_gnu_hash_and_exec_base(void)
{
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.hash = ELFGEN_HASH_GNU;
	p = build(&sp, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.sym_count, 4);
	free(p);
	/* GNU ld -pie with a non-zero base: ET_EXEC with relocations is a PIE. */
	sp.type = ET_EXEC;
	sp.base = 0x400000;
	p = build(&sp, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.link_base, 0x401000);
	EXPECT_EQ(img.relro_start, 0x402000);
	free(p);
}

/* GNU ld, a library exporting nothing: empty GNU hash (symoffset 1) but
 * undefined symbols after it; .dynstr right after .dynsym bounds the count. */
static void test_gnu_hash_empty_strtab(void)
{
	static const struct elfgen_dyn xd[] = { { DT_STRTAB, 0 } };
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;
	uint32_t *h;

	elfgen_spec_default(&sp);
	sp.hash = ELFGEN_HASH_GNU;
	sp.extra_dyn = xd;
	sp.nextra_dyn = 1;
	p = build(&sp, &sz);
	h = (uint32_t *)elfgen_at(p, elfgen_dyn(p, DT_GNU_HASH)->d_val);
	h[6] = 0; /* empty bucket */
	elfgen_dyn(p, DT_STRTAB)->d_val = elfgen_dyn(p, DT_SYMTAB)->d_val + 4 * sizeof(Elf64_Sym);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.sym_count, 4);
	elfgen_dyn(p, DT_STRTAB)->d_val -= 2 * sizeof(Elf64_Sym); /* only symbols 0, 1 */
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_SYM_RANGE);
	free(p);
}

/* A misaligned phdr table, in a misaligned buffer, is read with memcpy. */
static void test_misaligned_phdrs(void)
{
	struct elf_image img;
	size_t sz;
	uint8_t *p = elfgen_default(&sz), *q = malloc(sz + 1);
	Elf64_Ehdr *eh = elfgen_ehdr(p);
	size_t tbl = eh->e_phnum * sizeof(Elf64_Phdr);

	REQUIRE(q);
	memmove(p + 0x103, p + eh->e_phoff, tbl);
	eh->e_phoff = 0x103;
	memcpy(q + 1, p, sz);
	EXPECT_ERR(parse(q + 1, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.nsegs, 3);
	free(q);
	free(p);
}

/* A zero-size PT_LOAD, out of order and far away, is skipped entirely. */
static void test_empty_load_skipped(void)
{
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.extra_phdrs = 1;
	p = build(&sp, &sz);
	*elfgen_phdr(p, ELFGEN_NPH) =
		(Elf64_Phdr){ PT_LOAD, PF_R | PF_W | PF_X, UINT64_MAX, 0x7000000000, 0, 0, 0, 0 };
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.nsegs, 3);
	EXPECT_EQ(img.link_end, ELFGEN_RO + 0x1000);
	free(p);
}

/* OS/processor-specific types are ignored; PT_NULL and PT_PHDR accepted. */
static void test_ignored_phdr_types(void)
{
	static const uint32_t ok[] = { PT_NULL,	   PT_PHDR,   PT_GNU_EH_FRAME, PT_GNU_PROPERTY,
				       0x6fffffff, 0x70000001 /* PT_X86_64_UNWIND */ };
	struct elf_image img;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		elfgen_phdr(p, ELFGEN_PH_STACK)->p_type = ok[i];
		EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	}
	free(p);
}

static void test_d5_equal_repeat_ok(void)
{
	static const struct elfgen_dyn xd[] = { { DT_RELAENT, 24 }, { DT_RELASZ, 96 } };
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.extra_dyn = xd;
	sp.nextra_dyn = 2;
	p = build(&sp, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT_EQ(img.rela_count, 4);
	free(p);
}

/* e_shnum == 0 means no table, whatever e_shoff says; notes without ours. */
static void test_sections_and_notes_accepted(void)
{
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.note = false;
	p = build(&sp, &sz);
	elfgen_ehdr(p)->e_shnum = 0;
	elfgen_ehdr(p)->e_shoff = UINT64_MAX;
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	EXPECT(!img.has_note);
	EXPECT_EQ(img.note_stack_size, 0);
	free(p);
}

/*
 * 8-aligned notes pad relative to the note start (glibc ELF_NOTE_DESC_OFFSET):
 * a "GNU" property note's descriptor sits at +16 (padding namesz alone to 8
 * would say +20 and overrun), and a namesz-8 note's at +24 (4-byte padding
 * would say +20 and find a truncated second note).
 */
static void test_note_align8(void)
{
	static const uint8_t prop[] = { 4, 0, 0, 0,    16, 0, 0, 0, 5, 0, 0, 0, 'G', 'N', 'U', 0,
					2, 0, 0, 0xc0, 4,  0, 0, 0, 3, 0, 0, 0, 0,   0,	  0,   0 };
	static const uint8_t name8[] = { 8, 0,	 0,   0,   8,	0,   0,	  0,   1, 0, 0,
					 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 0, 0, 0,
					 0, 0,	 1,   2,   3,	4,   5,	  6,   7, 8 };
	struct elf_image img;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);
	Elf64_Phdr *n = elfgen_phdr(p, ELFGEN_PH_STACK);

	/* Notes need not be loaded: put them in the text page's file bytes. */
	memcpy(p + ELFGEN_TEXT + 0x100, prop, sizeof(prop));
	memcpy(p + ELFGEN_TEXT + 0x200, name8, sizeof(name8));
	*n = (Elf64_Phdr){ PT_NOTE, PF_R, ELFGEN_TEXT + 0x100, 0, 0, sizeof(prop), 0, 8 };
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	n->p_offset = ELFGEN_TEXT + 0x200;
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_OK);
	n->p_align = 4;
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_NOTE);
	free(p);
}

static void test_diag_fields(void)
{
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);

	elfgen_phdr(p, ELFGEN_PH_DATA)->p_filesz = 0x4000;
	EXPECT_ERR(elf_parse(p, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_FILESZ);
	EXPECT(strcmp(d.what, "program header") == 0);
	EXPECT_EQ(d.index, ELFGEN_PH_DATA);
	EXPECT(strcmp(d.field, "p_filesz") == 0);
	EXPECT_EQ(d.value, 0x4000);
	free(p);
	p = elfgen_default(&sz);
	elfgen_rela(p, false, 3)->r_info = ELF64_R_INFO(0, 37);
	EXPECT_ERR(elf_parse(p, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_RELOC_TYPE);
	EXPECT_EQ(d.index, 3);
	EXPECT_EQ(d.value, 37); /* the type number */
	free(p);
	EXPECT_ERR(elf_parse(NULL, 0, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_TRUNCATED);
}

/* Every prefix of a valid image is rejected, without reading past it (ASan). */
static void test_truncations(void)
{
	struct elf_image img;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);

	for (size_t len = 0; len < sz; len++) {
		uint8_t *q = malloc(len ? len : 1);

		REQUIRE(q);
		memcpy(q, p, len);
		if (parse(q, len, 0, &img) == LDR_OK)
			harness_fail(__FILE__, __LINE__, "prefix %zu accepted", len);
		free(q);
	}
	free(p);
}

/* The flag on AArch64: E_UNSUPPORTED; unknown bits: E_NOTE_PARAMS; the
 * flag on an image without sections: accepted, not usable. */
static void test_note_flag(void)
{
	struct elfgen_spec sp;
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *f;

	elfgen_spec_for(&sp, ELF_MACHINE_AARCH64);
	sp.note = true;
	sp.note_params.flags = ASLRBOOT_NOTE_F_SECTIONS;
	f = elfgen_build(&sp, &sz);
	EXPECT_ERR(elf_parse(f, sz, ELF_MACHINE_AARCH64, 0, &img, &d), LDR_E_UNSUPPORTED);
	EXPECT(d.field && !strcmp(d.field, "flags"));
	free(f);
	elfgen_spec_default(&sp);
	sp.note = true;
	sp.note_params.flags = ASLRBOOT_NOTE_F_SECTIONS;
	f = elfgen_build(&sp, &sz);
	EXPECT_ERR(elf_parse(f, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_OK);
	EXPECT(img.sec.wanted && !img.sec.usable);
	EXPECT_ERR(elf_parse(f, sz, ELF_MACHINE_X86_64, ELF_POL_LINUX64, &img, &d), LDR_OK);
	EXPECT(!img.sec.wanted);
	free(f);
	sp.note_params.flags = ASLRBOOT_NOTE_F_SECTIONS | 4;
	f = elfgen_build(&sp, &sz);
	EXPECT_ERR(elf_parse(f, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_NOTE_PARAMS);
	free(f);
}

int main(void)
{
	const struct elfgen_case *cs;
	size_t n = elfgen_bad_cases(&cs);

	static char names[256][48];

	for (size_t i = 0; i < n && i < 256; i++) {
		cur = &cs[i];
		snprintf(names[i], sizeof(names[i]), "%s:%s", cs[i].row, cs[i].name);
		harness_run(names[i], run_bad_case);
	}
	EXPECT(n < 256);
	RUN(test_default_accepted);
	RUN(test_accepted_edges);
	RUN(test_gnu_hash_and_exec_base);
	RUN(test_gnu_hash_empty_strtab);
	RUN(test_misaligned_phdrs);
	RUN(test_empty_load_skipped);
	RUN(test_ignored_phdr_types);
	RUN(test_d5_equal_repeat_ok);
	RUN(test_sections_and_notes_accepted);
	RUN(test_note_align8);
	RUN(test_diag_fields);
	RUN(test_note_flag);
	RUN(test_truncations);
	return harness_done();
}
