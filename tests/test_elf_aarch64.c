// SPDX-License-Identifier: MIT
/*
 * AArch64 images (elfgen): the machine check both ways, the loader's own
 * machine in validate_choose, relocation values for every supported type
 * (GLOB_DAT and JUMP_SLOT are S + A here) at one slide and with units at
 * different offsets, refused types and targets, ELF_POL_INSPECT.  Real
 * cross-built images: scripts/test-elf-aarch64.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elfgen.h"
#include "elf_loaded.h"
#include "harness.h"
#include "loader/boot_env.h"
#include "loader/validate.h"

#define AA64 ELF_MACHINE_AARCH64
#define SLIDE_A UINT64_C(0x40000000)
#define SLIDE_B UINT64_C(0xffff800000000000) /* the arm64 high half */

static uint8_t *build_for(uint16_t machine, size_t *sz)
{
	struct elfgen_spec sp;

	elfgen_spec_for(&sp, machine);
	return elfgen_build(&sp, sz);
}

/* Each machine's image is accepted for its own machine only, with the
 * file's e_machine in the diag; linux64 is x86-64's. */
static void test_machine_check(void)
{
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *aa = build_for(EM_AARCH64, &sz), *x86 = build_for(EM_X86_64, &sz);

	EXPECT_ERR(elf_parse(aa, sz, AA64, 0, &img, &d), LDR_OK);
	EXPECT_EQ(img.machine, EM_AARCH64);
	EXPECT_EQ(img.stats.relative, 2);
	EXPECT_EQ(img.stats.abs64, 1);
	EXPECT_EQ(img.stats.glob_dat, 1);
	EXPECT_EQ(img.stats.jump_slot, 1);
	EXPECT_EQ(img.stats.relr_relocs, 3);
	EXPECT_ERR(elf_parse(aa, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_MACHINE);
	EXPECT(d.field && !strcmp(d.field, "e_machine"));
	EXPECT_EQ(d.value, EM_AARCH64);
	EXPECT_ERR(elf_parse(x86, sz, AA64, 0, &img, &d), LDR_E_MACHINE);
	EXPECT_EQ(d.value, EM_X86_64);
	EXPECT_ERR(elf_parse(x86, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_OK);
	/* Under every policy; linux64 takes no AArch64 image at all. */
	EXPECT_ERR(elf_parse(aa, sz, AA64, ELF_POL_INSPECT, &img, &d), LDR_OK);
	EXPECT_ERR(elf_parse(aa, sz, AA64, ELF_POL_ALLOW_EXEC_NORELOC, &img, &d), LDR_OK);
	EXPECT_ERR(elf_parse(aa, sz, AA64, ELF_POL_LINUX64, &img, &d), LDR_E_MACHINE);
	EXPECT_EQ(d.value, EM_AARCH64);
	EXPECT_ERR(elf_parse(x86, sz, AA64, ELF_POL_LINUX64, &img, &d), LDR_E_MACHINE);
	EXPECT_ERR(elf_parse(x86, sz, ELF_MACHINE_X86_64, ELF_POL_LINUX64, &img, &d), LDR_OK);
	/* A machine the validator has no rules for, even when asked for it. */
	elfgen_ehdr(aa)->e_machine = 243; /* EM_RISCV */
	EXPECT_ERR(elf_parse(aa, sz, 243, 0, &img, &d), LDR_E_MACHINE);
	EXPECT_EQ(d.value, 243);
	free(aa);
	free(x86);
}

/* validate_choose for either loader: native for its own machine; auto never
 * turns an AArch64 refusal into linux64; protocol=linux64 refuses it. */
static void test_validate_choose(void)
{
	struct validate_verdict v;
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *aa = build_for(EM_AARCH64, &sz);

	EXPECT_ERR(validate_choose(aa, sz, AA64, BOOT_PROTO_AUTO, false, &img, &v, &d), LDR_OK);
	EXPECT(!v.linux64);
	EXPECT_ERR(
		validate_choose(aa, sz, ELF_MACHINE_X86_64, BOOT_PROTO_AUTO, false, &img, &v, &d),
		LDR_E_MACHINE);
	EXPECT(!v.linux64 && !v.hint);
	EXPECT_ERR(validate_choose(aa, sz, AA64, BOOT_PROTO_LINUX64, false, &img, &v, &d),
		   LDR_E_MACHINE);
	/* A W+X AArch64 image: the native refusal stays, no linux64 fallback. */
	elfgen_phdr(aa, ELFGEN_PH_TEXT)->p_flags |= PF_W;
	EXPECT_ERR(validate_choose(aa, sz, AA64, BOOT_PROTO_AUTO, false, &img, &v, &d), LDR_E_WX);
	EXPECT(!v.linux64);
	free(aa);
}

static void check_default_values(uint64_t base, uint64_t slide)
{
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;
	uint64_t sym1 = base + ELFGEN_TEXT + 0x40 + slide;

	elfgen_spec_for(&sp, EM_AARCH64);
	sp.base = base;
	sp.type = base ? ET_EXEC : ET_DYN;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at_for(AA64, p, sz, slide, 0, &l, NULL) == LDR_OK);
	loaded_expect_default(&l, base, slide, sym1);
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

/* Symbol relocations are S + A (AAELF64), unlike x86-64's GLOB_DAT and
 * JUMP_SLOT (S); SHN_ABS is not moved, STN_UNDEF and weak undefined are 0. */
static void test_symbol_addends(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x00, R_AARCH64_GLOB_DAT, 1, 0x18 },
		{ ELFGEN_DATA + 0x08, R_AARCH64_ABS64, 3, 5 },	     /* SHN_ABS: not slid */
		{ ELFGEN_DATA + 0x10, R_AARCH64_NONE, 0, 0 },	     /* ignored */
		{ ELFGEN_DATA + 0x18, R_AARCH64_ABS64, 0, 0x77 },    /* STN_UNDEF: S = 0 */
		{ ELFGEN_DATA + 0x20, R_AARCH64_GLOB_DAT, 2, 9 },    /* weak undefined: 0 + A */
		{ ELFGEN_DATA + 0x28, R_AARCH64_GLOB_DAT, 3, 0x20 }, /* SHN_ABS + A */
	};
	static const struct elfgen_rela j[] = {
		{ ELFGEN_GOT + 0x10, R_AARCH64_JUMP_SLOT, 1, 8 },
	};
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;
	uint64_t sym1 = ELFGEN_TEXT + 0x40 + SLIDE_B;

	elfgen_spec_for(&sp, EM_AARCH64);
	sp.rela = r;
	sp.nrela = sizeof(r) / sizeof(r[0]);
	sp.jmprel = j;
	sp.hash = ELFGEN_HASH_GNU;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at_for(AA64, p, sz, SLIDE_B, 0, &l, NULL) == LDR_OK);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), sym1 + 0x18);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x08), 0x1234 + 5);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x10), elfgen_pattern_word(0x10));
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x18), 0x77);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x20), 9);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x28), 0x1234 + 0x20);
	EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x10), sym1 + 8);
	EXPECT_EQ(l.img.stats.glob_dat, 3);
	EXPECT_EQ(l.img.stats.abs64, 2);
	EXPECT_EQ(l.img.stats.jump_slot, 1);
	EXPECT(!l.img.rela_relative_only);
	unload(&l);
	free(p);
}

/* All R_AARCH64_RELATIVE: the unchecked write loop, unaligned targets too. */
static void test_relative_only(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x00, R_AARCH64_RELATIVE, 0, 0x100 },
		{ ELFGEN_GOT + 0x00, R_AARCH64_RELATIVE, 0, 0x200 },
		{ ELFGEN_DATA + 0x202, R_AARCH64_RELATIVE, 0, 0x300 },
	};
	static const struct elfgen_rela j[] = { { ELFGEN_GOT + 0x08, R_AARCH64_RELATIVE, 0,
						  0x400 } };
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;

	elfgen_spec_for(&sp, EM_AARCH64);
	sp.rela = r;
	sp.nrela = 3;
	sp.jmprel = j;
	p = elfgen_build(&sp, &sz);
	REQUIRE(load_at_for(AA64, p, sz, SLIDE_B, 0, &l, NULL) == LDR_OK);
	EXPECT(l.img.rela_relative_only);
	EXPECT_EQ(l.img.stats.relative, 4);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), 0x100 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x00), 0x200 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x202), 0x300 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x08), 0x400 + SLIDE_B);
	EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x10), elfgen_pattern_word(0x10));
	unload(&l);
	free(p);
}

static void put_word(uint8_t *p, uint64_t link, uint64_t w)
{
	memcpy(elfgen_at(p, link), &w, 8);
}

/* Text, data and ro each at its own offset: every value goes through the
 * unit holding it (per entry and in the all-RELATIVE loop). */
static void test_unit_offsets(void)
{
	static const uint64_t off[3] = { UINT64_C(0x40000000), UINT64_C(0xffff800000000000),
					 UINT64_C(0x7000000000) };
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x00, R_AARCH64_RELATIVE, 0, ELFGEN_TEXT + 0x20 }, /* into text */
		{ ELFGEN_GOT + 0x00, R_AARCH64_RELATIVE, 0, ELFGEN_DATA + 0x40 },  /* own */
		{ ELFGEN_DATA + 0x18, R_AARCH64_RELATIVE, 0, ELFGEN_RO + 0x1000 }, /* end of ro */
		{ ELFGEN_DATA + 0x08, R_AARCH64_ABS64, 1, 0x10 },		   /* S in text */
		{ ELFGEN_DATA + 0x20, R_AARCH64_GLOB_DAT, 1, 0x30 },
		{ ELFGEN_DATA + 0x28, R_AARCH64_ABS64, 3, 5 }, /* SHN_ABS */
	};
	static const struct elfgen_rela j[] = {
		{ ELFGEN_GOT + 0x10, R_AARCH64_JUMP_SLOT, 1, 4 },
	};
	const uint64_t t = off[0], d = off[1], ro = off[2];
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;

	elfgen_spec_for(&sp, EM_AARCH64);
	sp.rela = r;
	sp.jmprel = j;
	for (int relative_only = 0; relative_only < 2; relative_only++) {
		sp.nrela = relative_only ? 3 : sizeof(r) / sizeof(r[0]);
		sp.njmprel = relative_only ? 0 : 1;
		p = elfgen_build(&sp, &sz);
		put_word(p, ELFGEN_DATA + 0x100, ELFGEN_TEXT + 0x10); /* RELR words */
		put_word(p, ELFGEN_DATA + 0x108, ELFGEN_RO + 0x8);
		put_word(p, ELFGEN_DATA + 0x118, ELFGEN_DATA + 0x800);
		if (load_units_for(AA64, p, sz, off, 0, &l, NULL) != LDR_OK) {
			harness_fail(__FILE__, __LINE__, "load failed (relative_only %d)",
				     relative_only);
			unload(&l);
			free(p);
			continue;
		}
		EXPECT_EQ(l.img.rela_relative_only, relative_only);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x00), ELFGEN_TEXT + 0x20 + t);
		EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x00), ELFGEN_DATA + 0x40 + d);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x18), ELFGEN_RO + 0x1000 + ro);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x100), ELFGEN_TEXT + 0x10 + t);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x108), ELFGEN_RO + 0x8 + ro);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x110), elfgen_pattern_word(0x110));
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x118), ELFGEN_DATA + 0x800 + d);
		if (!relative_only) {
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x08),
				  ELFGEN_TEXT + 0x40 + t + 0x10);
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x20),
				  ELFGEN_TEXT + 0x40 + t + 0x30);
			EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x28), 0x1234 + 5);
			EXPECT_EQ(loaded_word(&l, ELFGEN_GOT + 0x10), ELFGEN_TEXT + 0x40 + t + 4);
		}
		unload(&l);
		free(p);
	}
}

/* One relocation of `type` at `off` (symbol `sym`): what elf_parse says. */
static enum ldr_err parse_one(uint16_t machine, uint32_t type, uint64_t off, uint32_t sym,
			      uint32_t pol, struct ldr_diag *d)
{
	struct elfgen_rela r[2] = { { ELFGEN_DATA, R_AARCH64_RELATIVE, 0, 0 },
				    { off, type, sym, 0x10 } };
	struct elfgen_spec sp;
	struct elf_image img;
	enum ldr_err e;
	size_t sz;
	uint8_t *p;

	elfgen_spec_for(&sp, machine);
	if (machine == EM_X86_64)
		r[0].type = R_X86_64_RELATIVE;
	sp.rela = r;
	sp.nrela = 2;
	sp.njmprel = 0;
	p = elfgen_build(&sp, &sz);
	memset(d, 0, sizeof(*d));
	e = elf_parse(p, sz, machine, pol, &img, d);
	free(p);
	return e;
}

/* Everything off the list is refused like an unsupported x86-64 type (same
 * code, same diag), whatever its number means on the other machine. */
static void test_refused_types(void)
{
	static const uint32_t bad[] = {
		R_AARCH64_ABS32,     R_AARCH64_PREL32,
		R_AARCH64_COPY,	     R_AARCH64_TLS_DTPMOD,
		R_AARCH64_TLS_TPREL, R_AARCH64_TLSDESC,
		R_AARCH64_IRELATIVE, R_X86_64_RELATIVE,
		R_X86_64_64,	     1033,
		0xe000 /* vendor */,
	};
	struct ldr_diag d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_ERR(parse_one(EM_AARCH64, bad[i], ELFGEN_DATA + 8, 0, 0, &d),
			   LDR_E_RELOC_TYPE);
		EXPECT(d.what && !strcmp(d.what, "relocation"));
		EXPECT(d.field && !strcmp(d.field, "r_type"));
		EXPECT_EQ(d.index, 1);
		EXPECT_EQ(d.value, bad[i]);
	}
	/* And the AArch64 numbers mean nothing in an x86-64 image. */
	EXPECT_ERR(parse_one(EM_X86_64, R_AARCH64_RELATIVE, ELFGEN_DATA + 8, 0, 0, &d),
		   LDR_E_RELOC_TYPE);
	EXPECT_EQ(d.value, R_AARCH64_RELATIVE);
	EXPECT_ERR(parse_one(EM_X86_64, R_AARCH64_ABS64, ELFGEN_DATA + 8, 1, 0, &d),
		   LDR_E_RELOC_TYPE);
}

/* The x86-64 target and symbol checks, on each AArch64 type. */
static void test_refused_targets(void)
{
	static const uint32_t types[] = { R_AARCH64_RELATIVE, R_AARCH64_ABS64, R_AARCH64_GLOB_DAT,
					  R_AARCH64_JUMP_SLOT };
	struct ldr_diag d;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		uint32_t t = types[i];

		EXPECT_ERR(parse_one(EM_AARCH64, t, ELFGEN_DATA + 8, 1, 0, &d), LDR_OK);
		EXPECT_ERR(parse_one(EM_AARCH64, t, ELFGEN_TEXT + 8, 1, 0, &d), LDR_E_RELOC_RO);
		EXPECT_EQ(d.value, ELFGEN_TEXT + 8);
		EXPECT_ERR(parse_one(EM_AARCH64, t, 0x100000, 1, 0, &d), LDR_E_RELOC_RANGE);
		EXPECT_ERR(parse_one(EM_AARCH64, t, 0x4ffc, 1, 0, &d), LDR_E_RELOC_RANGE);
		if (t == R_AARCH64_RELATIVE)
			continue; /* B + A: no symbol */
		EXPECT_ERR(parse_one(EM_AARCH64, t, ELFGEN_DATA + 8, 4, 0, &d), LDR_E_SYM_RANGE);
		EXPECT_EQ(d.value, 4);
	}
}

/* INSPECT: COPY, TLS, TLSDESC and IRELATIVE are checked, counted, never
 * written; undefined symbols resolve to 0. */
static void test_inspect_policy(void)
{
	static const struct elfgen_rela r[] = {
		{ ELFGEN_DATA + 0x204, R_AARCH64_COPY, 1, 0 },
		{ ELFGEN_DATA + 0x208, R_AARCH64_TLS_TPREL, 0, 0x10 },
		{ ELFGEN_DATA + 0x210, R_AARCH64_TLSDESC, 0, 0 },
		{ ELFGEN_DATA + 0x220, R_AARCH64_IRELATIVE, 0, ELFGEN_TEXT },
	};
	struct elfgen_spec sp;
	struct loaded l;
	size_t sz;
	uint8_t *p;

	elfgen_spec_for(&sp, EM_AARCH64);
	sp.rela = r;
	sp.nrela = sizeof(r) / sizeof(r[0]);
	p = elfgen_build(&sp, &sz);
	EXPECT_ERR(load_at_for(AA64, p, sz, SLIDE_A, 0, &l, NULL), LDR_E_RELOC_TYPE);
	unload(&l);
	if (load_at_for(AA64, p, sz, SLIDE_A, ELF_POL_INSPECT, &l, NULL) == LDR_OK) {
		EXPECT_EQ(l.img.stats.inspect_only, 4);
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x208), elfgen_pattern_word(0x208));
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x210), elfgen_pattern_word(0x210));
		EXPECT_EQ(loaded_word(&l, ELFGEN_DATA + 0x220), elfgen_pattern_word(0x220));
	} else {
		harness_fail(__FILE__, __LINE__, "INSPECT load failed");
	}
	unload(&l);
	elfgen_rela(p, false, 0)->r_offset = ELFGEN_TEXT + 4;
	EXPECT_ERR(load_at_for(AA64, p, sz, SLIDE_A, ELF_POL_INSPECT, &l, NULL), LDR_E_RELOC_RO);
	unload(&l);
	free(p);
}

int main(void)
{
	RUN(test_machine_check);
	RUN(test_validate_choose);
	RUN(test_default_values);
	RUN(test_symbol_addends);
	RUN(test_relative_only);
	RUN(test_unit_offsets);
	RUN(test_refused_types);
	RUN(test_refused_targets);
	RUN(test_inspect_policy);
	return harness_done();
}
