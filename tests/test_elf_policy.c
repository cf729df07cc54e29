// SPDX-License-Identifier: MIT
/*
 * elf_parse() policies: ELF_POL_ALLOW_EXEC_NORELOC, ELF_POL_INSPECT (distro
 * PIEs) and ELF_POL_LINUX64 (self-relocating kernels: placed by p_paddr,
 * W^X and relocation rows skipped, bounds rows kept).
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elfgen.h"
#include "harness.h"

static uint8_t *build(struct elfgen_spec *sp, size_t *sz)
{
	return elfgen_build(sp, sz);
}

static enum ldr_err parse(const uint8_t *p, size_t sz, uint32_t pol, struct elf_image *img)
{
	return elf_parse(p, sz, pol, img, NULL);
}

static void test_policy_exec_noreloc(void)
{
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;

	elfgen_spec_default(&sp);
	sp.type = ET_EXEC;
	sp.base = 0x400000;
	sp.no_dynamic = true;
	p = build(&sp, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_TYPE);
	EXPECT_ERR(parse(p, sz, ELF_POL_ALLOW_EXEC_NORELOC, &img), LDR_OK);
	EXPECT(!img.has_dynamic);
	free(p);
	/* ... but not an ET_DYN without PT_DYNAMIC (D1). */
	sp.type = ET_DYN;
	p = build(&sp, &sz);
	EXPECT_ERR(parse(p, sz, ELF_POL_ALLOW_EXEC_NORELOC, &img), LDR_E_NO_DYNAMIC);
	free(p);
}

static void test_policy_inspect(void)
{
	static const struct elfgen_dyn xd[] = { { DT_NEEDED, 1 } };
	struct elfgen_spec sp;
	struct elf_image img;
	size_t sz;
	uint8_t *p;
	Elf64_Sym *sym;

	elfgen_spec_default(&sp);
	sp.extra_dyn = xd;
	sp.nextra_dyn = 1;
	sp.extra_phdrs = 1;
	p = build(&sp, &sz);
	elfgen_phdr(p, ELFGEN_PH_STACK)->p_type = PT_INTERP;
	elfgen_phdr(p, ELFGEN_NPH)->p_type = PT_TLS;
	sym = (Elf64_Sym *)elfgen_at(p, elfgen_dyn(p, DT_SYMTAB)->d_val);
	sym[2].st_info = ELF64_ST_INFO(STB_GLOBAL, 0); /* undefined, not weak */
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_INTERP);
	EXPECT_ERR(parse(p, sz, ELF_POL_INSPECT, &img), LDR_OK);
	EXPECT(img.has_interp && img.has_tls);
	/* Bounds rows still apply. */
	elfgen_phdr(p, ELFGEN_PH_TEXT)->p_filesz = 0x2000;
	EXPECT_ERR(parse(p, sz, ELF_POL_INSPECT, &img), LDR_E_FILESZ);
	free(p);
}

/* A vmlinux-shaped image: ET_EXEC, no PT_DYNAMIC, W+X, a per-CPU segment at
 * p_vaddr 0, ordered and placed by p_paddr, entry given as a physical address. */
static uint8_t *linux64_image(size_t *sz)
{
	struct elfgen_spec sp;
	uint8_t *p;
	Elf64_Phdr *ph;

	elfgen_spec_default(&sp);
	sp.type = ET_EXEC;
	sp.base = 0xffffffff80000000;
	sp.no_dynamic = true;
	p = build(&sp, sz);
	for (int i = ELFGEN_PH_TEXT; i <= ELFGEN_PH_RO; i++) {
		ph = elfgen_phdr(p, i);
		ph->p_paddr = ph->p_vaddr - sp.base + 0x1000000;
	}
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_vaddr = 0; /* per-CPU: vaddr 0 */
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_offset = 0;
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_filesz = 0x1000;
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_flags = PF_R | PF_W | PF_X;
	elfgen_phdr(p, ELFGEN_PH_RELRO)->p_type = PT_NULL;
	elfgen_phdr(p, ELFGEN_PH_STACK)->p_flags = PF_R | PF_W | PF_X;
	elfgen_ehdr(p)->e_entry = 0x1000000 + ELFGEN_TEXT + 0x10;
	return p;
}

static void test_policy_linux64(void)
{
	struct elf_image img;
	struct elf_placement pl = { .slide = 0x1234000 };
	size_t sz;
	uint8_t *p = linux64_image(&sz), *mem[3];

	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_WX);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_EQ(img.nsegs, 3);
	EXPECT_EQ(img.link_base, 0x1000000 + ELFGEN_TEXT);
	EXPECT_EQ(img.link_end, 0x1000000 + ELFGEN_RO + 0x1000);
	EXPECT_EQ(img.segs[1].page_start, 0x1000000 + ELFGEN_RELRO);
	EXPECT_EQ(img.entry_seg, 0);
	EXPECT(!img.has_dynamic && img.rela_count == 0);
	for (int i = 0; i < 3; i++) {
		mem[i] = malloc(img.segs[i].page_end - img.segs[i].page_start);
		REQUIRE(mem[i]);
		pl.seg_mem[i] = mem[i];
	}
	EXPECT_ERR(elf_load(&img, &pl), LDR_OK);
	EXPECT(memcmp(mem[1], p, 0x1000) == 0); /* copied from p_offset 0 */
	EXPECT_ERR(elf_relocate(&img, &pl, NULL), LDR_OK); /* self-relocating: no-op */
	EXPECT(memcmp(mem[1], p, 0x1000) == 0);
	for (int i = 0; i < 3; i++)
		free(mem[i]);
	/* Bounds rows still apply, by p_paddr: overlap and entry. */
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_paddr -= 0x800;
	EXPECT_ERR(parse(p, sz, ELF_POL_LINUX64, &img), LDR_E_OVERLAP);
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_paddr += 0x800;
	elfgen_ehdr(p)->e_entry = 0xffffffff80000000 + ELFGEN_TEXT;
	EXPECT_ERR(parse(p, sz, ELF_POL_LINUX64, &img), LDR_E_ENTRY);
	free(p);
}

/* C12 and D13 do not apply to linux64 kernels. */
static void test_policy_linux64_skips_wx_rows(void)
{
	const struct elfgen_case *cs;
	size_t n = elfgen_bad_cases(&cs), sz;
	struct elf_image img;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(cs[i].name, "c12") && strcmp(cs[i].name, "d13") &&
		    strcmp(cs[i].name, "c14") && strcmp(cs[i].name, "d15_text"))
			continue;
		uint8_t *p = cs[i].build(&sz);
		EXPECT_ERR(parse(p, sz, ELF_POL_LINUX64, &img), LDR_OK);
		free(p);
	}
}

int main(void)
{
	RUN(test_policy_exec_noreloc);
	RUN(test_policy_inspect);
	RUN(test_policy_linux64);
	RUN(test_policy_linux64_skips_wx_rows);
	return harness_done();
}
