// SPDX-License-Identifier: MIT
/*
 * elf_load + elf_relocate: exact values on elfgen images (RELA, JMPREL,
 * RELR, symbol kinds), rejected targets and types, policies.  Real PIEs:
 * test_elf_real.c.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elf/elf_int.h"
#include "elfgen.h"
#include "elf_loaded.h"
#include "elf_place.h"
#include "harness.h"

#define SLIDE_A UINT64_C(0x40000000)
#define SLIDE_B UINT64_C(0xffffffff80000000) /* a higher-half placement */

static void check_default_values(uint64_t base, uint64_t slide)
{
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;
	uint64_t sym1 = base + ELFGEN_TEXT + 0x40 + slide;

	elfgen_spec_default(&sp);
	sp.base = base;
	sp.type = base ? ET_EXEC : ET_DYN;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, slide, 0, &l, NULL) == LDR_OK);
	loaded_expect_default(&l, base, slide, sym1);
	EXPECT_EQ(loaded_word(&l, base + ELFGEN_DATA + 0x120), elfgen_pattern_word(0x120));
	EXPECT_EQ(loaded_word(&l, base + ELFGEN_TEXT), 0xccccccccccccccccull);
	unload(&l);
	free(p);
}

static void test_default_values(void)
{
	check_default_values(0, SLIDE_A);
	check_default_values(0, SLIDE_B);
	check_default_values(0, 0);
	check_default_values(0x400000, (uint64_t)-0x200000); /* ET_EXEC moved down */
}

/* elf_load: file bytes copied, everything else in the page span zeroed. */
static void test_load_zeroes(void)
{
	struct loaded l;
	size_t sz;
	uint8_t *p = elfgen_default(&sz), zero[0x1000] = { 0 };

	REQUIRE(load_at(p, sz, 0, 0, &l, NULL) == LDR_OK);
	EXPECT(memcmp(l.pl.seg_mem[1] + 0x2000, zero, 0x1000) == 0); /* bss page */
	EXPECT(memcmp(l.pl.seg_mem[1] + 0x1800, p + ELFGEN_DATA + 0x800, 0x800) == 0);
	EXPECT(memcmp(l.pl.seg_mem[2], p + ELFGEN_RO_OFF, l.img.segs[2].filesz) == 0);
	EXPECT(memcmp(l.pl.seg_mem[2] + l.img.segs[2].filesz, zero,
		      0x1000 - l.img.segs[2].filesz) == 0); /* page slack */
	unload(&l);
	free(p);
}

/* GNU ld: segment starting mid-page; the page head before p_vaddr is zero. */
static void test_load_unaligned_segment(void)
{
	struct loaded l;
	size_t sz;
	uint8_t *p = elfgen_default(&sz), zero[0x100] = { 0 };
	Elf64_Phdr *ph = elfgen_phdr(p, ELFGEN_PH_TEXT);

	ph->p_vaddr += 0x100;
	ph->p_offset += 0x100;
	ph->p_filesz -= 0x100;
	ph->p_memsz -= 0x100;
	elfgen_ehdr(p)->e_entry += 0x100;
	memset(p + ELFGEN_TEXT, 0x11, 0x100); /* must not be copied */
	if (load_at(p, sz, 0, 0, &l, NULL) == LDR_OK) {
		EXPECT_EQ(l.img.segs[0].page_start, ELFGEN_TEXT);
		EXPECT(memcmp(l.pl.seg_mem[0], zero, 0x100) == 0);
		EXPECT(memcmp(l.pl.seg_mem[0] + 0x100, p + ELFGEN_TEXT + 0x100, ph->p_filesz) == 0);
	} else {
		harness_fail(__FILE__, __LINE__, "load failed");
	}
	unload(&l);
	free(p);
}

static void test_symbol_kinds(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x00, R_X86_64_64, 3, 5 },	  /* SHN_ABS: not slid */
		{ ELFGEN_DATA + 0x08, R_X86_64_64, 0, 0x77 },	  /* STN_UNDEF: S = 0 */
		{ ELFGEN_DATA + 0x10, R_X86_64_NONE, 0, 0 },	  /* ignored */
		{ ELFGEN_DATA + 0x18, R_X86_64_64, 2, 9 },	  /* weak undefined: 0 + A */
		{ ELFGEN_DATA + 0x20, R_X86_64_GLOB_DAT, 3, 99 }, /* GLOB_DAT ignores A */
	};
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.rela = r;
	sp.nrela = sizeof(r) / sizeof(r[0]);
	sp.hash = ELFGEN_HASH_GNU;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, SLIDE_A, 0, &l, NULL) == LDR_OK);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), 0x1234 + 5);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x08), 0x77);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x10), elfgen_pattern_word(0x10));
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x18), 9);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x20), 0x1234);
	EXPECT_EQ(l.img.stats.abs64, 3);
	unload(&l);
	free(p);
}

/* All RELATIVE (what unikernel linkers emit): the write pass takes the
 * unchecked loop, over data and RELRO out of address order, RELA and
 * JMPREL; one other type anywhere sends it back to the per-entry path. */
static void test_relative_only(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x00, R_X86_64_RELATIVE, 0, 0x100 },
		{ ELFGEN_GOT + 0x00, R_X86_64_RELATIVE, 0, 0x200 },
		{ ELFGEN_DATA + 0x18, R_X86_64_RELATIVE, 0, 0x300 },
	};
	static const struct elfgen_rela j[] = { { ELFGEN_GOT + 0x08, R_X86_64_RELATIVE, 0,
						  0x400 } };
	struct elfgen_rela mixed[4];
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.rela = r;
	sp.nrela = 3;
	sp.jmprel = j;
	sp.njmprel = 1;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, SLIDE_B, 0, &l, NULL) == LDR_OK);
	EXPECT(l.img.rela_relative_only);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), 0x100 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x00), 0x200 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x18), 0x300 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x08), 0x400 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x10), elfgen_pattern_word(0x10));
	unload(&l);
	free(p);

	memcpy(mixed, r, sizeof(r));
	mixed[3] = (struct elfgen_rela){ ELFGEN_DATA + 0x20, R_X86_64_64, 3, 1 };
	sp.rela = mixed;
	sp.nrela = 4;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, SLIDE_B, 0, &l, NULL) == LDR_OK);
	EXPECT(!l.img.rela_relative_only);
	EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x00), 0x200 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x20), 0x1234 + 1);
	unload(&l);
	free(p);
}

/* The 8 bytes at link address v equal want, and the bytes on either side
 * still hold the file's pattern (the store wrote exactly 8 bytes). */
static void check_unaligned(const struct loaded *l, uint64_t v, uint64_t want)
{
	int s = elf_seg_of(&l->img, v);
	const uint8_t *m;
	uint64_t got;

	if (s < 0) {
		harness_fail(__FILE__, __LINE__, "no segment at 0x%" PRIx64, v);
		return;
	}
	m = l->pl.seg_mem[s] + (v - l->img.segs[s].page_start);
	memcpy(&got, m, 8);
	EXPECT_EQ(got, want);
	if (v - 1 >= ELFGEN_DATA && v - 1 < ELFGEN_BSS)
		EXPECT_EQ(m[-1], ELFGEN_PATTERN(v - 1 - ELFGEN_DATA));
	if (v + 8 >= ELFGEN_DATA && v + 8 < ELFGEN_BSS)
		EXPECT_EQ(m[8], ELFGEN_PATTERN(v + 8 - ELFGEN_DATA));
}

/*
 * Unaligned targets are legal (the psABI asks no alignment): a packed
 * {u16 limit; u64 base} descriptor template puts its pointer at offset 2,
 * in RELRO (read-only after relocation) or in data.  Written exactly, by
 * the all-RELATIVE fast loop and by the per-entry path, across a page
 * boundary (file-backed data into .bss), and in a segment's last 8 bytes.
 */
static void test_unaligned_targets(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_GOT + 0x22, R_X86_64_RELATIVE, 0, 0x1100 },   /* RELRO template */
		{ ELFGEN_DATA + 0x202, R_X86_64_RELATIVE, 0, 0x1200 }, /* RW data */
		{ ELFGEN_BSS - 3, R_X86_64_RELATIVE, 0, 0x1300 },      /* data page -> bss page */
		{ ELFGEN_DATA + 0x20b, R_X86_64_64, 3, 7 },	       /* per-entry path only */
	};
	struct elfgen_spec sp;
	struct loaded l;
	struct ldr_diag d;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.rela = r;
	sp.nrela = 3;
	sp.njmprel = 0; /* the default JUMP_SLOT would take the per-entry path */
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, SLIDE_B, 0, &l, NULL) == LDR_OK);
	EXPECT(l.img.rela_relative_only);
	check_unaligned(&l, ELFGEN_GOT + 0x22, 0x1100 + SLIDE_B);
	check_unaligned(&l, ELFGEN_DATA + 0x202, 0x1200 + SLIDE_B);
	check_unaligned(&l, ELFGEN_BSS - 3, 0x1300 + SLIDE_B);
	unload(&l);
	free(p);

	sp.nrela = 4;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, SLIDE_A, 0, &l, NULL) == LDR_OK);
	EXPECT(!l.img.rela_relative_only);
	check_unaligned(&l, ELFGEN_GOT + 0x22, 0x1100 + SLIDE_A);
	check_unaligned(&l, ELFGEN_DATA + 0x202, 0x1200 + SLIDE_A);
	check_unaligned(&l, ELFGEN_BSS - 3, 0x1300 + SLIDE_A);
	check_unaligned(&l, ELFGEN_DATA + 0x20b, 0x1234 + 7);
	unload(&l);
	free(p);

	/* The RW segment ends at 0x4ffa: its last 8 bytes take a target at
	 * 0x4ff2; one byte further leaves the segment. */
	for (int mixed = 0; mixed < 2; mixed++) {
		sp.nrela = mixed ? 4 : 3;
		p = elfgen_build(&sp, &sz);
		elfgen_phdr(p, ELFGEN_PH_DATA)->p_memsz = 0x2ffa;
		elfgen_rela(p, false, 2)->r_offset = 0x4ff2;
		if (load_at(p, sz, SLIDE_A, 0, &l, NULL) == LDR_OK)
			check_unaligned(&l, 0x4ff2, 0x1300 + SLIDE_A);
		else
			harness_fail(__FILE__, __LINE__, "last 8 bytes refused (mixed %d)", mixed);
		unload(&l);
		elfgen_rela(p, false, 2)->r_offset = 0x4ff3;
		EXPECT_ERR(load_at(p, sz, SLIDE_A, 0, &l, &d), LDR_E_RELOC_RANGE);
		EXPECT_EQ(d.value, 0x4ff3);
		unload(&l);
		free(p);
	}
}

/* Long RELR runs: full 63-bit bitmaps back to back, then a second run. */
static void test_relr_runs(void)
{
	static const uint64_t relr[] = {
		ELFGEN_DATA, ~UINT64_C(0), ~UINT64_C(0), ELFGEN_DATA + 0x800, 3, 0x8 | 1
	};
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz, n = 0;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.relr = relr;
	sp.nrelr = sizeof(relr) / sizeof(relr[0]);
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at(p, sz, SLIDE_B, 0, &l, NULL) == LDR_OK);
	for (uint64_t off = 0; off < 0x1000; off += 8) {
		bool hit = off <= 126 * 8 || off == 0x800 || off == 0x808 ||
			   off == 0x808 + 63 * 8 + 16;
		uint64_t want = elfgen_pattern_word(off) + (hit ? SLIDE_B : 0);

		if (off == 0 || off == 8 || off == 0x100 || off == 0x108 || off == 0x118)
			continue; /* the default RELA/RELR entries also write here */
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + off), want);
		n += hit;
	}
	EXPECT_EQ(l.img.stats.relr_relocs, 1 + 126 + 1 + 1 + 1);
	EXPECT(n > 100);
	unload(&l);
	free(p);
}

/*
 * A RELR run that continues past the end of one writable segment into the
 * next (hand-made: linkers leave a page between them): the bitmap's base lies
 * before the segment its set bits are in.  Found by review: the write pass
 * once formed a pointer below that segment's buffer (UB, caught by clang's
 * UBSan).  Built as an elf_image directly: elfgen has one RW segment.
 */
static void test_relr_bitmap_across_segments(void)
{
	static const uint64_t words[2] = { 0x1fe8, (1u << 3) | 1 }; /* 0x1fe8, then 0x2000 */
	static struct elf_image img;
	struct elf_placement pl = { 0 };
	uint8_t *a = calloc(1, 4096), *b = calloc(1, 4096);
	uint64_t w;

	REQUIRE(a && b);
	img.file = (const uint8_t *)words;
	img.file_size = sizeof(words);
	img.nsegs = 2;
	img.segs[0] = (struct elf_seg){ .vaddr = 0x1000,
					.memsz = 0xff0,
					.flags = ELF_PF_R | ELF_PF_W,
					.page_start = 0x1000,
					.page_end = 0x2000 };
	img.segs[1] = (struct elf_seg){ .vaddr = 0x2000,
					.memsz = 0x1000,
					.flags = ELF_PF_R | ELF_PF_W,
					.page_start = 0x2000,
					.page_end = 0x3000 };
	img.relr_count = 2;
	pl.seg_mem[0] = a;
	pl.seg_mem[1] = b;
	place_slide(&img, SLIDE_A, &pl);
	EXPECT_ERR(elf_reloc_validate(&img, NULL), LDR_OK);
	EXPECT_EQ(img.stats.relr_relocs, 2);
	EXPECT_ERR(elf_relocate(&img, &pl, NULL), LDR_OK);
	memcpy(&w, a + 0xfe8, 8);
	EXPECT_EQ(w, SLIDE_A);
	memcpy(&w, b, 8);
	EXPECT_EQ(w, SLIDE_A);
	for (size_t i = 8; i < 4096; i++)
		EXPECT(!b[i]);
	free(a);
	free(b);
}

/* Three units (text, data, ro) each at its own offset. */
static const uint64_t unit_off[3] = { UINT64_C(0x40000000), UINT64_C(0xffffffff80000000),
				      UINT64_C(0x7000000000) };

static void put_word(uint8_t *p, uint64_t link, uint64_t w)
{
	memcpy(elfgen_at(p, link), &w, 8);
}

/*
 * Every link address goes through the unit that holds it: RELATIVE, RELR
 * and symbol values pointing into another segment than their target, the
 * first byte of a unit that starts where the one before ends, one past the
 * end of the last unit; SHN_ABS and undefined symbols are not placed.  Per
 * entry and in the all-RELATIVE loop.
 */
static void test_unit_offsets(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x00, R_X86_64_RELATIVE, 0, ELFGEN_TEXT + 0x20 }, /* into text */
		{ ELFGEN_GOT + 0x00, R_X86_64_RELATIVE, 0, ELFGEN_DATA + 0x40 },  /* own segment */
		{ ELFGEN_DATA + 0x18, R_X86_64_RELATIVE, 0,
		  ELFGEN_RELRO }, /* text end = data start */
		{ ELFGEN_DATA + 0x20, R_X86_64_RELATIVE, 0,
		  ELFGEN_RO + 0x1000 },				/* one past the end */
		{ ELFGEN_DATA + 0x08, R_X86_64_64, 1, 0x10 },	/* S in text, + A */
		{ ELFGEN_DATA + 0x28, R_X86_64_64, 3, 5 },	/* SHN_ABS */
		{ ELFGEN_GOT + 0x08, R_X86_64_GLOB_DAT, 2, 0 }, /* weak undefined */
	};
	const uint64_t t = unit_off[0], d = unit_off[1], ro = unit_off[2];
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.rela = r;
	for (int relative_only = 0; relative_only < 2; relative_only++) {
		sp.nrela = relative_only ? 4 : sizeof(r) / sizeof(r[0]);
		sp.njmprel = relative_only ? 0 : 1;
		p = elfgen_build(&sp, &sz);
		/* The RELR words (DATA + 0x100, 0x108, 0x118) hold link addresses. */
		put_word(p, ELFGEN_DATA + 0x100, ELFGEN_TEXT + 0x10);
		put_word(p, ELFGEN_DATA + 0x108, ELFGEN_RO + 0x8);
		put_word(p, ELFGEN_DATA + 0x118, ELFGEN_DATA + 0x800);
		if (load_units(p, sz, unit_off, 0, &l, NULL) != LDR_OK) {
			harness_fail(__FILE__, __LINE__, "load failed (relative_only %d)",
				     relative_only);
			unload(&l);
			free(p);
			continue;
		}
		REQUIRE(l.img.nsegs == 3 && l.pl.nunits == 3);
		EXPECT_EQ(l.img.rela_relative_only, relative_only);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), ELFGEN_TEXT + 0x20 + t);
		EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x00), ELFGEN_DATA + 0x40 + d);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x18), ELFGEN_RELRO + d);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x20), ELFGEN_RO + 0x1000 + ro);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x100), ELFGEN_TEXT + 0x10 + t); /* RELR */
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x108), ELFGEN_RO + 0x8 + ro);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x110),
			  elfgen_pattern_word(0x110)); /* bit clear */
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x118), ELFGEN_DATA + 0x800 + d);
		if (!relative_only) {
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x08),
				  ELFGEN_TEXT + 0x40 + t + 0x10);
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x28), 0x1234 + 5);
			EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x08), 0);
			EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x10),
				  ELFGEN_TEXT + 0x40 + t); /* JUMP_SLOT */
		}
		unload(&l);
		free(p);
	}
}

/*
 * A link address outside every unit: moved by the shared offset when all
 * units have one (as with one slide), refused when they differ (RELATIVE
 * above and below every unit, a RELR word, a symbol value).
 */
static void test_unit_outside(void)
{
	static const struct {
		uint64_t addend, relr_word, sym_value;
		const char *what;
		uint64_t value;
	} cases[] = {
		{ 0x100000, ELFGEN_DATA, ELFGEN_TEXT, "relocation", 0x100000 },
		{ 0x800, ELFGEN_DATA, ELFGEN_TEXT, "relocation", 0x800 },
		{ ELFGEN_DATA, 0x9000, ELFGEN_TEXT, "RELR word", 0x9000 },
		{ ELFGEN_DATA, ELFGEN_DATA, 0x9008, "relocation", 0x9008 },
	};
	static const uint64_t same[3] = { SLIDE_B, SLIDE_B, SLIDE_B };
	struct elfgen_rela r[2] = {
		{ ELFGEN_DATA + 0x00, R_X86_64_RELATIVE, 0, 0 },
		{ ELFGEN_DATA + 0x08, R_X86_64_64, 1, 0 },
	};
	struct elfgen_sym sym[3];
	struct elfgen_spec sp;
	struct loaded l;
	struct ldr_diag dg;
	size_t sz;
	uint8_t *p;

	memcpy(sym, elfgen_default_syms, sizeof(sym));
	elfgen_spec_default(&sp);
	sp.rela = r;
	sp.nrela = 2;
	sp.syms = sym;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r[0].addend = (int64_t)cases[i].addend;
		sym[0].value = cases[i].sym_value;
		p = elfgen_build(&sp, &sz);
		put_word(p, ELFGEN_DATA + 0x100, cases[i].relr_word);
		put_word(p, ELFGEN_DATA + 0x108, ELFGEN_DATA);
		put_word(p, ELFGEN_DATA + 0x118, ELFGEN_DATA);
		memset(&dg, 0, sizeof(dg));
		EXPECT_ERR(load_units(p, sz, unit_off, 0, &l, &dg), LDR_E_RELOC_RANGE);
		EXPECT(dg.what && !strcmp(dg.what, cases[i].what));
		EXPECT(dg.field && !strcmp(dg.field, "value"));
		EXPECT_EQ(dg.value, cases[i].value);
		unload(&l);
		if (load_units(p, sz, same, 0, &l, NULL) == LDR_OK) {
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), cases[i].addend + SLIDE_B);
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x08),
				  cases[i].sym_value + SLIDE_B);
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x100),
				  cases[i].relr_word + SLIDE_B);
		} else {
			harness_fail(__FILE__, __LINE__, "shared offset refused (case %zu)", i);
		}
		unload(&l);
		free(p);
	}
}

/* elf_place_va on its own: unit bounds, one past the end, gaps, wrap. */
static void test_place_va(void)
{
	struct elf_placement pl = {
		.unit = { { 0x1000, 0x1000, 0xa000 },
			  { 0x2000, 0x1000, 0x50000 },
			  { 0x8000, 0x2000, 0x90000 } },
		.nunits = 3,
	};
	static const struct {
		uint64_t link;
		bool ok;
		uint64_t va;
	} want[] = {
		{ 0x1000, true, 0xa000 },  { 0x1fff, true, 0xafff },  { 0x2000, true, 0x50000 },
		{ 0x3000, true, 0x51000 }, { 0x3001, false, 0 },      { 0x7fff, false, 0 },
		{ 0x8000, true, 0x90000 }, { 0xa000, true, 0x92000 }, { 0xa001, false, 0 },
		{ 0xfff, false, 0 },	   { 0, false, 0 },	      { UINT64_MAX, false, 0 },
	};
	uint64_t va;

	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_OK);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		va = 0;
		EXPECT_EQ(elf_place_va(&pl, want[i].link, &va), want[i].ok);
		if (want[i].ok)
			EXPECT_EQ(va, want[i].va);
	}
	/* One shared offset: every address moves by it, modulo 2^64. */
	for (uint32_t i = 0; i < 3; i++)
		pl.unit[i].va = pl.unit[i].link + SLIDE_B;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		EXPECT(elf_place_va(&pl, want[i].link, &va));
		EXPECT_EQ(va, want[i].link + SLIDE_B);
	}
	/* Invalid unit lists. */
	pl.unit[1].link = 0x1800; /* overlaps unit 0 */
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_E_RANGE);
	pl.unit[1] = (struct elf_unit){ 0x2000, 0, 0 }; /* empty */
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_E_RANGE);
	pl.unit[1] = (struct elf_unit){ 0x2000, 0x1000, 0 };
	pl.unit[2] = (struct elf_unit){ UINT64_MAX - 0xfff, 0x2000, 0 }; /* wraps */
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_E_RANGE);
	pl.unit[2].size = 0xfff; /* ends at the last address */
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_OK);
	pl.unit[2].size = 0x1000; /* ends at 2^64: wraps */
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_E_RANGE);
	pl.unit[2].size = 0xfff;
	pl.nunits = 0;
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_E_RANGE);
	pl.nunits = ELF_MAX_UNITS + 1;
	EXPECT_ERR(elf_place_check(&pl, NULL), LDR_E_RANGE);
}

/* Rejections come from elf_parse, before anything is written (validate, then commit). */
static void test_rejected_targets(void)
{
	static const struct {
		const char *name;
		enum ldr_err err;
		uint64_t value;
	} want[] = {
		{ "d14", LDR_E_RELOC_RANGE, 0x100000 },
		{ "d14_straddle", LDR_E_RELOC_RANGE, 0x4ff8 },
		{ "d15_text", LDR_E_RELOC_RO, 0x1008 },
		{ "d17_copy", LDR_E_RELOC_TYPE, 5 },
		{ "d21_32", LDR_E_RELOC_TYPE, 10 },
		{ "d18_undef", LDR_E_SYM_UNDEF, 2 },
		{ "d19_outside", LDR_E_RELR, 0x100000 },
		{ "d19_ro", LDR_E_RELOC_RO, ELFGEN_TEXT },
		{ "d18_range", LDR_E_SYM_RANGE, 4 },
	};
	const struct elfgen_case *cs;
	size_t n = elfgen_bad_cases(&cs), sz, found = 0;

	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
		for (size_t i = 0; i < n; i++) {
			struct loaded l;
			struct ldr_diag d;
			uint8_t *p;

			if (strcmp(cs[i].name, want[w].name))
				continue;
			found++;
			p = cs[i].build(&sz);
			EXPECT_ERR(load_at(p, sz, SLIDE_A, 0, &l, &d), want[w].err);
			EXPECT_EQ(d.value, want[w].value);
			unload(&l);
			free(p);
		}
	EXPECT_EQ(found, sizeof(want) / sizeof(want[0]));
}

/* INSPECT: undefined symbols resolve to 0; COPY/TLS/IRELATIVE are checked and
 * counted but never written (a distro PIE is inspected, not run). */
static void test_inspect_policy(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x204, R_X86_64_COPY, 1, 0 }, /* 4-byte aligned object */
		{ ELFGEN_DATA + 0x208, R_X86_64_TPOFF64, 0, 0x10 },
		{ ELFGEN_DATA + 0x210, R_X86_64_IRELATIVE, 0, ELFGEN_TEXT },
		{ ELFGEN_GOT + 0x08, R_X86_64_GLOB_DAT, 2, 0 },
	};
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;
	Elf64_Sym *sym;

	elfgen_spec_default(&sp);
	sp.rela = r;
	sp.nrela = sizeof(r) / sizeof(r[0]);
	p = elfgen_build(&sp, &sz);
	sym = (Elf64_Sym *)elfgen_at(p, elfgen_dyn(p, DT_SYMTAB)->d_val);
	sym[2].st_info = ELF64_ST_INFO(STB_GLOBAL, 0); /* undefined, not weak */
	EXPECT_ERR(load_at(p, sz, SLIDE_A, 0, &l, NULL), LDR_E_RELOC_TYPE);
	unload(&l);
	if (load_at(p, sz, SLIDE_A, ELF_POL_INSPECT, &l, NULL) == LDR_OK) {
		EXPECT_EQ(l.img.stats.inspect_only, 3);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x208), elfgen_pattern_word(0x208));
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x210), elfgen_pattern_word(0x210));
		EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 8), 0);
	} else {
		harness_fail(__FILE__, __LINE__, "INSPECT load failed");
	}
	unload(&l);
	/* Still bounds-checked: a COPY into the text segment is refused. */
	elfgen_rela(p, false, 0)->r_offset = ELFGEN_TEXT + 4;
	EXPECT_ERR(load_at(p, sz, SLIDE_A, ELF_POL_INSPECT, &l, NULL), LDR_E_RELOC_RO);
	unload(&l);
	free(p);
}

static void test_missing_segment_buffer(void)
{
	struct elf_image img;
	struct elf_placement pl = { 0 };
	struct ldr_diag d;
	size_t sz;
	uint8_t *p = elfgen_default(&sz);

	REQUIRE(elf_parse(p, sz, ELF_MACHINE_X86_64, 0, &img, NULL) == LDR_OK);
	EXPECT_ERR(elf_load(&img, &pl), LDR_E_RANGE);
	EXPECT_ERR(elf_relocate(&img, &pl, &d), LDR_E_RANGE);
	free(p);
}

int main(void)
{
	RUN(test_default_values);
	RUN(test_load_zeroes);
	RUN(test_load_unaligned_segment);
	RUN(test_symbol_kinds);
	RUN(test_relative_only);
	RUN(test_unaligned_targets);
	RUN(test_relr_runs);
	RUN(test_relr_bitmap_across_segments);
	RUN(test_unit_offsets);
	RUN(test_unit_outside);
	RUN(test_place_va);
	RUN(test_rejected_targets);
	RUN(test_inspect_policy);
	RUN(test_missing_segment_buffer);
	return harness_done();
}
