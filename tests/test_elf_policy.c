// SPDX-License-Identifier: MIT
/*
 * elf_parse() policies: ELF_POL_ALLOW_EXEC_NORELOC, ELF_POL_INSPECT (distro
 * PIEs) and ELF_POL_LINUX64 (self-relocating kernels: placed by p_paddr,
 * W^X, alignment, congruence and relocation checks skipped, bounds checks kept);
 * the movability signs and elf_wx_scan().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elf_place.h"
#include "elfgen.h"
#include "harness.h"
#include "l64_shapes.h"

static uint8_t *build(struct elfgen_spec *sp, size_t *sz)
{
	return elfgen_build(sp, sz);
}

static enum ldr_err parse(const uint8_t *p, size_t sz, uint32_t pol, struct elf_image *img)
{
	return elf_parse(p, sz, ELF_MACHINE_X86_64, pol, img, NULL);
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
	/* ... but not an ET_DYN without PT_DYNAMIC. */
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
	/* Bounds checks still apply. */
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
	struct elf_placement pl;
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
	place_slide(&img, 0x1234000, &pl);
	for (int i = 0; i < 3; i++) {
		mem[i] = malloc(img.segs[i].page_end - img.segs[i].page_start);
		REQUIRE(mem[i]);
		pl.seg_mem[i] = mem[i];
	}
	EXPECT_ERR(elf_load(&img, &pl), LDR_OK);
	EXPECT(memcmp(mem[1], p, 0x1000) == 0);		   /* copied from p_offset 0 */
	EXPECT_ERR(elf_relocate(&img, &pl, NULL), LDR_OK); /* self-relocating: no-op */
	EXPECT(memcmp(mem[1], p, 0x1000) == 0);
	for (int i = 0; i < 3; i++)
		free(mem[i]);
	/* Bounds checks still apply, by p_paddr: overlap and entry. */
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_paddr -= 0x800;
	EXPECT_ERR(parse(p, sz, ELF_POL_LINUX64, &img), LDR_E_OVERLAP);
	elfgen_phdr(p, ELFGEN_PH_DATA)->p_paddr += 0x800;
	elfgen_ehdr(p)->e_entry = 0xffffffff80000000 + ELFGEN_TEXT;
	EXPECT_ERR(parse(p, sz, ELF_POL_LINUX64, &img), LDR_E_ENTRY);
	free(p);
}

/* Shared pages and text relocations are allowed in linux64 kernels. */
static void test_policy_linux64_skips_wx_checks(void)
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

/* elfgen cases whose check ELF_POL_LINUX64 lifts; every other case keeps its error. */
static bool lifted_by_linux64(const char *name)
{
	static const char *const lifted[] = { "a7_exec", "a7_exec_nodyn", "c9",	 "c10", "c10_zero",
					      "c12",	 "c14",		  "c17", "c18" };

	if (name[0] == 'd' || strstr(name, "hash") || !strcmp(name, "symtab_range"))
		return true; /* PT_DYNAMIC is never read */
	for (size_t i = 0; i < sizeof(lifted) / sizeof(lifted[0]); i++)
		if (!strcmp(name, lifted[i]))
			return true;
	return false;
}

/* linux64 places by p_paddr: give every program header p_paddr = p_vaddr so
 * a check about addresses means the same under both policies. */
static void mirror_paddr(uint8_t *p, size_t sz)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (sz < sizeof(eh))
		return;
	memcpy(&eh, p, sizeof(eh));
	if (eh.e_phentsize != sizeof(ph) || eh.e_phoff > sz ||
	    (sz - eh.e_phoff) / sizeof(ph) < eh.e_phnum)
		return;
	for (uint32_t i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, p + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		ph.p_paddr = ph.p_vaddr;
		memcpy(p + eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph));
	}
}

static void test_policy_linux64_bounds(void)
{
	const struct elfgen_case *cs;
	size_t n = elfgen_bad_cases(&cs), sz, kept = 0;
	struct elf_image img;

	for (size_t i = 0; i < n; i++) {
		uint8_t *p = cs[i].build(&sz);
		enum ldr_err e;

		mirror_paddr(p, sz);
		e = parse(p, sz, ELF_POL_LINUX64, &img);

		if (!strcmp(cs[i].name, "c12_same")) {
			EXPECT_ERR(
				e,
				LDR_E_ENTRY); /* its text is RW: the entry must still be executable */
		} else if (lifted_by_linux64(cs[i].name)) {
			if (cs[i].name[0] != 'd' && e != LDR_OK)
				fprintf(stderr, "  %s: %s\n", cs[i].name, ldr_errname(e));
			EXPECT(cs[i].name[0] == 'd' || e == LDR_OK);
		} else {
			if (e != cs[i].err)
				fprintf(stderr, "  %s: %s, want %s\n", cs[i].name, ldr_errname(e),
					ldr_errname(cs[i].err));
			EXPECT_ERR(e, cs[i].err);
			kept++;
		}
		free(p);
	}
	EXPECT(kept > 50);
}

/* Unikraft's Firecracker shape: refused natively, accepted under linux64
 * (small p_align, incongruent offset, empty PT_LOAD, PT_TLS, zero-size
 * PT_DYNAMIC never read), movable because of that PT_DYNAMIC. */
static void test_shape_unikraft(void)
{
	struct shape sh;
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *p;

	shape_unikraft(&sh);
	p = shape_build(&sh, &sz);
	EXPECT_ERR(elf_parse(p, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_ALIGN_SMALL);
	EXPECT_EQ(d.index, 1);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_EQ(img.nsegs, 3u);
	EXPECT_EQ(img.movable, (uint32_t)ELF_MOVE_DYNAMIC);
	EXPECT(img.has_tls && !img.has_linux_note);
	EXPECT_EQ(img.link_base, 0x100000u);
	EXPECT_EQ(img.link_end, 0x177000u);
	EXPECT_EQ(img.max_align, 0x1000u);
	EXPECT_ERR(elf_wx_scan(&img, NULL), LDR_OK);
	/* Bounds still hold: the incongruent segment's bytes must be in the file. */
	((Elf64_Phdr *)(p + sizeof(Elf64_Ehdr)))[1].p_offset = sz - 0x800;
	EXPECT_ERR(parse(p, sz, ELF_POL_LINUX64, &img), LDR_E_SEG_FILE_RANGE);
	free(p);
	/* Without the PT_DYNAMIC it is not movable. */
	sh.ph[5].p_type = PT_NULL;
	p = shape_build(&sh, &sz);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_EQ(img.movable, (uint32_t)ELF_MOVE_NONE);
	free(p);
}

/* memtest86+'s shape: E_WX natively, accepted under linux64, movable (ET_DYN),
 * and W^X-incompatible for protocol=auto. */
static void test_shape_memtest(void)
{
	struct shape sh;
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *p;

	shape_memtest(&sh);
	p = shape_build(&sh, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_WX);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_EQ(img.movable, (uint32_t)ELF_MOVE_ET_DYN);
	EXPECT_ERR(elf_wx_scan(&img, &d), LDR_E_WX);
	EXPECT_EQ(d.index, 0);
	free(p);
}

/* Nanos' shape: not movable (a Xen note is no sign of that), W^X-compatible,
 * and its PVH note marks it as a boot-protocol kernel. */
static void test_shape_nanos(void)
{
	struct shape sh;
	struct elf_image img;
	size_t sz;
	uint8_t *p;

	shape_nanos(&sh, 0x200000);
	p = shape_build(&sh, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_TYPE);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_EQ(img.movable, (uint32_t)ELF_MOVE_NONE);
	EXPECT(!img.has_linux_note);
	EXPECT(img.has_pvh_note);
	EXPECT_ERR(elf_wx_scan(&img, NULL), LDR_OK);
	free(p);
	/* Another Xen note type, or another name with type 18: no PVH entry. */
	for (int k = 0; k < 2; k++) {
		sh.note_name = k ? "Xen" : "Xe";
		sh.note_type = k ? 0x11 : 0x12;
		p = shape_build(&sh, &sz);
		REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
		EXPECT(!img.has_pvh_note);
		free(p);
	}
	/* Linux's build-salt note makes an image movable; its LTO note too. */
	sh.note_name = "Linux";
	for (uint32_t t = ELF_LINUX_NOTE_BUILD_SALT; t <= ELF_LINUX_NOTE_LTO_INFO + 1; t++) {
		sh.note_type = t;
		sh.ph[3].p_filesz = sh.ph[3].p_memsz = 28;
		p = shape_build(&sh, &sz);
		REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
		EXPECT_EQ(img.has_linux_note, t <= ELF_LINUX_NOTE_LTO_INFO);
		EXPECT_EQ(img.movable, t <= ELF_LINUX_NOTE_LTO_INFO ?
					       (uint32_t)ELF_MOVE_LINUX_NOTE :
					       (uint32_t)ELF_MOVE_NONE);
		free(p);
	}
}

/* elf_wx_scan looks at every program header, whatever fails first natively. */
static void test_wx_scan(void)
{
	struct shape sh;
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *p;

	shape_nanos(&sh, 0x200000);
	sh.ph[0].p_align = 0x10;  /* the first native error: E_ALIGN_SMALL */
	sh.ph[2].p_flags |= PF_X; /* W+X data */
	p = shape_build(&sh, &sz);
	EXPECT_ERR(parse(p, sz, 0, &img), LDR_E_ALIGN_SMALL);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_ERR(elf_wx_scan(&img, &d), LDR_E_WX);
	EXPECT_EQ(d.index, 2);
	free(p);
	/* An executable stack. */
	shape_nanos(&sh, 0x200000);
	sh.ph[4].p_flags |= PF_X;
	p = shape_build(&sh, &sz);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_ERR(elf_wx_scan(&img, &d), LDR_E_STACK_EXEC);
	free(p);
	/* Writable data sharing text's last page; read-only data may share. */
	shape_nanos(&sh, 0x200000);
	sh.ph[0].p_memsz = sh.ph[0].p_filesz = 0x2800;
	sh.ph[1].p_vaddr = sh.ph[1].p_paddr = 0x202800;
	sh.ph[1].p_memsz = sh.ph[1].p_filesz = 0x800;
	p = shape_build(&sh, &sz);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_ERR(elf_wx_scan(&img, &d), LDR_OK);
	free(p);
	sh.ph[1].p_flags = PF_R | PF_W;
	p = shape_build(&sh, &sz);
	REQUIRE(parse(p, sz, ELF_POL_LINUX64, &img) == LDR_OK);
	EXPECT_ERR(elf_wx_scan(&img, &d), LDR_E_PERM_SHARE);
	EXPECT_EQ(d.index, 1);
	free(p);
}

int main(void)
{
	RUN(test_policy_exec_noreloc);
	RUN(test_policy_inspect);
	RUN(test_policy_linux64);
	RUN(test_policy_linux64_skips_wx_checks);
	RUN(test_policy_linux64_bounds);
	RUN(test_shape_unikraft);
	RUN(test_shape_memtest);
	RUN(test_shape_nanos);
	RUN(test_wx_scan);
	return harness_done();
}
