/* SPDX-License-Identifier: MIT */
/*
 * The linux64 path (loader/linux64*.c): placement (alignment, avoid list,
 * 4 GiB and front-end limits, spread), the copy by p_paddr, the RWX
 * identity map, and whole loader_run() boots over the fake platform with
 * protocol=linux64 / auto / native, checked the way a Linux kernel reads
 * boot_params.  The boot_params builder itself: test_bootparams.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"
#include "fake_platform.h"
#include "harness.h"
#include "l64_shapes.h"
#include "loader/protos/bootparams.h"
#include "loader/config.h"
#include "loader/protos/linux64.h"
#include "loader/validate.h"
#include "loader/loader.h"
#include "loader/paging/paging.h"

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)
#define KPADDR UINT64_C(0x1000000)
#define KVADDR UINT64_C(0xffffffff81000000)

/* A vmlinux-shaped ET_EXEC: text at p_vaddr KVADDR / p_paddr 16 MiB, a
 * per-CPU-like data segment at p_vaddr 0x800 sharing text's last page, a
 * zero-size PT_LOAD, Linux's build-salt note; p_align = align, p_offset
 * congruent to p_vaddr. */
static uint64_t k_toff, k_doff;

static uint8_t *mk_kernel(uint64_t align, size_t *size)
{
	size_t n;
	uint8_t *f;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;

	k_toff = align;
	k_doff = 2 * align + 0x800;
	n = k_doff + 0x1000;
	f = calloc(1, n);
	eh = (Elf64_Ehdr *)f;
	ph = (Elf64_Phdr *)(f + sizeof(*eh));
	memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_entry = KPADDR + 0x10;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 4;
	ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, k_toff, KVADDR, KPADDR, 0x1800, 0x1800, align };
	ph[1] = (Elf64_Phdr){ PT_LOAD,	       PF_R | PF_W, k_doff, 0x800,
			      KPADDR + 0x1800, 0x100,	    0x2000, align };
	ph[2] = (Elf64_Phdr){ PT_LOAD, PF_R, 0, 0x5000, 0x5000, 0, 0, align };
	/* Linux's build-salt note: the sign that makes vmlinux movable. */
	ph[3] = (Elf64_Phdr){ PT_NOTE, PF_R, 0x400, 0, 0, 24, 24, 4 };
	for (size_t i = 0x1000; i < n; i++)
		f[i] = (uint8_t)(i * 7 + 1);
	memcpy(f + 0x400, "\6\0\0\0\4\0\0\0\0\1\0\0Linux\0\0\0\0\0\0\0", 20);
	*size = n;
	return f;
}

static void parse_kernel(const uint8_t *f, size_t n, struct elf_image *img)
{
	struct ldr_diag d = { 0 };
	enum ldr_err err = elf_parse(f, n, ELF_MACHINE_X86_64, ELF_POL_LINUX64, img, &d);
	if (err)
		fprintf(stderr, "elf_parse: %s %s %lld %s 0x%llx\n", ldr_errname(err), d.what,
			(long long)d.index, d.field, (unsigned long long)d.value);
	REQUIRE(err == LDR_OK);
}

static void norm(struct memmap *mm, const struct mm_entry *raw, uint32_t n)
{
	REQUIRE(memmap_normalize(raw, n, mm, NULL) == LDR_OK);
}

/* 200 draws over ~1500 2 MiB slots: all aligned, in RAM, below 4 GiB, off
 * the avoid range, scratch disjoint from the image; >= 150 distinct bases
 * (expected ~187, sd ~3.5: a false failure is below 1e-20). */
static void test_plan_spread(void)
{
	static struct memmap mm;
	static struct elf_image img;
	const struct mm_entry raw[] = { { 0, 0x9f000, ASLRBOOT_MEM_USABLE },
					{ 0x100000, 0xbff00000, ASLRBOOT_MEM_USABLE },
					{ 0x100000000, 0x40000000, ASLRBOOT_MEM_USABLE } };
	const struct boot_range avoid[] = { { 0x40000000, 0x10000000 } };
	static uint64_t bases[200];
	uint8_t master[32] = { 1, 2, 3 };
	struct rand_drbg rng;
	struct l64_plan p;
	size_t n;
	uint8_t *f = mk_kernel(0x200000, &n);
	uint32_t distinct = 0;

	parse_kernel(f, n, &img);
	norm(&mm, raw, 3);
	rand_drbg_init(&rng, master, RAND_DOMAIN_LAYOUT);
	for (int i = 0; i < 200; i++) {
		REQUIRE(l64_plan_image(&img, &mm, avoid, 1, 0, 0, false, &rng, &p, NULL) == LDR_OK);
		EXPECT_EQ(p.base & 0x1fffff, 0u);
		EXPECT_EQ(p.align, 0x200000u);
		EXPECT_EQ(p.span, 0x4000u);
		EXPECT(p.base >= 0x100000 && p.base + p.span <= 0xc0000000);
		EXPECT(p.base + p.span <= 0x40000000 || p.base >= 0x50000000);
		EXPECT(p.scratch + p.scratch_pages * 4096 <= p.base ||
		       p.scratch >= p.base + p.span);
		EXPECT(p.scratch + p.scratch_pages * 4096 <= 0x40000000 || p.scratch >= 0x50000000);
		EXPECT_EQ(p.entry, p.base + 0x10);
		EXPECT_EQ(p.map_top, UINT64_C(5) << 30); /* RAM up to 5 GiB */
		EXPECT_EQ(p.pt_pages, 2u + 5u);
		EXPECT(p.mbits > 10000); /* > 2^10 slots */
		bases[i] = p.base;
	}
	for (int i = 0; i < 200; i++) {
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= bases[j] == bases[i];
		distinct += !seen;
	}
	EXPECT(distinct >= 150);
	/* aslr=off (no rng): the lowest slot, every time. */
	REQUIRE(l64_plan_image(&img, &mm, avoid, 1, 0, 0, true, NULL, &p, NULL) == LDR_OK);
	EXPECT_EQ(p.base, 0x200000u);
	EXPECT_EQ(p.pt_pages, 3u); /* 1 GiB pages above the first GiB */
	/* phys_limit is honoured; no room gives E_NO_SPACE. */
	REQUIRE(l64_plan_image(&img, &mm, NULL, 0, 0x800000, 0, false, &rng, &p, NULL) == LDR_OK);
	EXPECT(p.base + p.span <= 0x800000 && p.scratch + p.scratch_pages * 4096 <= 0x800000);
	EXPECT_ERR(l64_plan_image(&img, &mm, NULL, 0, 0x200000, 0, false, &rng, &p, NULL),
		   LDR_E_NO_SPACE);
	img.max_align = UINT64_C(1) << 31;
	EXPECT_ERR(l64_plan_image(&img, &mm, NULL, 0, 0, 0, false, &rng, &p, NULL),
		   LDR_E_LINUX64_ALIGN);
	rand_drbg_wipe(&rng);
	free(f);
}

/* A fixed image gets Firecracker's identity map, [0, 1 GiB) in 2 MiB pages,
 * stretched to cover the modules, with its boot data inside it. */
static void test_plan_fixed(void)
{
	static struct memmap mm;
	static struct elf_image img;
	const struct mm_entry raw[] = { { 0x100000, 0xfff00000, ASLRBOOT_MEM_USABLE } };
	uint8_t master[32] = { 7 };
	struct rand_drbg rng;
	struct l64_plan p;
	struct shape sh;
	size_t n;
	uint8_t *f;

	shape_nanos(&sh, 0x200000);
	f = shape_build(&sh, &n);
	REQUIRE(elf_parse(f, n, ELF_MACHINE_X86_64, ELF_POL_LINUX64, &img, NULL) == LDR_OK);
	norm(&mm, raw, 1);
	rand_drbg_init(&rng, master, RAND_DOMAIN_LAYOUT);
	for (int big = 0; big < 2; big++) {
		REQUIRE(l64_plan_image(&img, &mm, NULL, 0, 0, 0, big, &rng, &p, NULL) == LDR_OK);
		EXPECT(p.fixed && p.base == 0x200000 && p.mbits == 0);
		EXPECT_EQ(p.map_top, UINT64_C(1) << 30);
		EXPECT_EQ(p.pt_pages, 3u);
		EXPECT_EQ(p.scratch, 0x100000u); /* the lowest fit */
	}
	REQUIRE(l64_plan_image(&img, &mm, NULL, 0, 0, 0x50000000, false, &rng, &p, NULL) == LDR_OK);
	EXPECT_EQ(p.map_top, UINT64_C(2) << 30);
	EXPECT_EQ(p.pt_pages, 4u);
	rand_drbg_wipe(&rng);
	free(f);
}

static void test_load(void)
{
	static struct elf_image img;
	struct l64_plan p = { 0 };
	size_t n;
	uint8_t *f = mk_kernel(0x1000, &n), *dst;

	parse_kernel(f, n, &img);
	EXPECT_EQ(img.nsegs, 2u); /* the zero-size PT_LOAD is skipped */
	p.link_base = img.link_base;
	p.span = img.link_end - img.link_base;
	REQUIRE(p.link_base == KPADDR && p.span == 0x4000);
	dst = malloc(p.span);
	memset(dst, 0xcc, p.span);
	EXPECT_EQ(l64_load(&img, &p, dst, NULL), LDR_OK);
	EXPECT(!memcmp(dst, f + k_toff, 0x1800));	  /* text by p_paddr */
	EXPECT(!memcmp(dst + 0x1800, f + k_doff, 0x100)); /* data shares the page */
	for (uint64_t i = 0x1900; i < p.span; i++)
		if (dst[i]) {
			EXPECT(!"bss not zeroed");
			break;
		}
	p.span = 0x3000; /* a segment past the span is refused, not copied */
	EXPECT_ERR(l64_load(&img, &p, dst, NULL), LDR_E_RANGE);
	free(dst);
	free(f);
}

struct idmap_walk {
	uint64_t bytes, next;
	bool ok;
};

static bool idmap_leaf(void *arg, const struct pt_leaf *l)
{
	struct idmap_walk *w = arg;
	/* The first GiB in 2 MiB pages, as Firecracker maps it (Nanos walks it). */
	w->ok &= va_addr(l->va) >= (UINT64_C(1) << 30) || l->size == (UINT64_C(2) << 20);
	w->ok &= va_addr(l->va) == pa_addr(l->pa) && va_addr(l->va) == w->next &&
		 l->prot == (ASLRBOOT_PROT_R | ASLRBOOT_PROT_W | ASLRBOOT_PROT_X) && !l->user;
	w->next = va_addr(l->va) + l->size;
	w->bytes += l->size;
	return true;
}

static uint64_t *tables;
static void *tables_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	uint64_t off = pa_addr(pa) - 0x800000;
	(void)ctx;
	return off + len <= 16 * 4096 ? (uint8_t *)tables + off : NULL;
}

static void test_tables(void)
{
	struct l64_plan p = { .map_top = UINT64_C(6) << 30 };

	tables = aligned_alloc(4096, 16 * 4096);
	for (int big = 0; big < 2; big++) {
		struct idmap_walk w = { 0, 0, true };
		p.pt_pages = big ? 3 : 8;
		l64_build_tables(&p, tables, 0x800000, big);
		EXPECT_EQ(pt_walk(pa_init(0x800000), tables_ptr, NULL, idmap_leaf, &w, NULL),
			  LDR_OK);
		EXPECT(w.ok);
		EXPECT_EQ(w.bytes, UINT64_C(6) << 30);
	}
	free(tables);
}

struct l64_boot {
	struct fake_platform fp;
	struct boot_env env;
	struct entry_state st;
	uint8_t *kernel;
	size_t ksize;
	const uint8_t *bp;
};

static enum ldr_err boot(struct l64_boot *b, uint32_t proto, bool seed_cmdline, uint8_t seed0)
{
	memset(&b->st, 0, sizeof(b->st));
	b->bp = NULL;
	fake_init(&b->fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&b->fp, &b->env, b->kernel, b->ksize);
	b->env.cmdline = "app console=ttyS0";
	b->env.opts.protocol = proto;
	b->env.opts.linux_seed_cmdline = seed_cmdline;
	b->env.opts.fixed_seed[0] = seed0;
	b->env.modules[0] = (struct boot_module){ ARENA_BASE + 0x100000, 0x3000, "initrd" };
	b->env.module_count = 1;
	enum ldr_err err = loader_run(&b->env, &b->fp.ops, &b->st);
	if (!err && b->st.rsi)
		b->bp = b->fp.ops.phys_ptr(&b->fp, pa_init(b->st.rsi), BP_SIZE);
	return err;
}

static const uint8_t *pp(struct l64_boot *b, uint64_t pa, uint64_t len)
{
	return b->fp.ops.phys_ptr(&b->fp, pa_init(pa), len);
}

/* What a Linux kernel reads, checked from the outside after loader_run. */
static void check_boot(struct l64_boot *b, bool seed_cmdline)
{
	uint64_t base = va_addr(b->st.entry) - 0x10, ram = 0;
	const uint8_t *img = pp(b, base, 0x4000), *cl, *sd;
	bool kernel_ram = false, scratch_reserved = false;

	REQUIRE(b->bp && img);
	EXPECT_EQ(base & 0x1fffff, 0u);
	EXPECT(!memcmp(img, b->kernel + k_toff, 0x1800));
	EXPECT(!memcmp(img + 0x1800, b->kernel + k_doff, 0x100));
	EXPECT(!memcmp(b->bp + 0x202, "HdrS", 4) && g32(b->bp, 0x1fc) >> 16 == 0xaa55);
	cl = pp(b, g32(b->bp, 0x228), g32(b->bp, 0x238));
	REQUIRE(cl);
	EXPECT_EQ(strlen((const char *)cl) + 1, g32(b->bp, 0x238));
	if (seed_cmdline)
		EXPECT(!strncmp((const char *)cl, "app random.seed=[0x", 19) &&
		       strstr((const char *)cl, "] console=ttyS0"));
	else
		EXPECT(!strcmp((const char *)cl, "app console=ttyS0"));
	EXPECT_EQ(g32(b->bp, 0x218), ARENA_BASE + 0x100000);
	EXPECT_EQ(g32(b->bp, 0x21c), 0x3000u);
	sd = pp(b, g64(b->bp, 0x250), 48);
	REQUIRE(sd);
	EXPECT_EQ(g32(sd, 8), SETUP_RNG_SEED);
	EXPECT_EQ(g32(sd, 12), 32u);
	for (uint32_t i = 0; i < b->bp[0x1e8]; i++) {
		uint64_t a = g64(b->bp, 0x2d0 + 20 * i), l = g64(b->bp, 0x2d8 + 20 * i);
		uint32_t t = g32(b->bp, 0x2e0 + 20 * i);
		ram += t == E820_RAM ? l : 0;
		kernel_ram |= t == E820_RAM && a <= base && base + 0x4000 <= a + l;
		scratch_reserved |= t == E820_RESERVED && a <= b->st.rsi && b->st.rsi < a + l;
	}
	EXPECT(kernel_ram && scratch_reserved && ram > (UINT64_C(32) << 20));
	EXPECT_EQ(b->fp.exit_calls, 1u);
	EXPECT(va_addr(b->st.stack_top) > b->st.rsi && va_addr(b->st.info) == 0);
	EXPECT(pa_addr(b->st.trampoline) > b->st.rsi &&
	       pa_addr(b->st.trampoline) < va_addr(b->st.stack_top));
	EXPECT(strstr(b->fp.console, "W^X NOT enforced"));
}

static void test_boot_linux64(void)
{
	struct l64_boot b;
	uint64_t seen[8];
	uint32_t distinct = 0;

	b.kernel = mk_kernel(0x200000, &b.ksize);
	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(boot(&b, i & 1 ? BOOT_PROTO_AUTO : BOOT_PROTO_LINUX64, i & 2, (uint8_t)i),
			  LDR_OK);
		check_boot(&b, i & 2);
		if (i & 1)
			EXPECT(strstr(b.fp.console, "linux64: native load refused (E_"));
		seen[i] = va_addr(b.st.entry);
		fake_free(&b.fp);
	}
	/* ~28 slots in the 64 MiB arena: at least 3 distinct of 8 (a false
	 * failure needs 8 draws in 2 slots: < 1e-7). */
	for (int i = 0; i < 8; i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= seen[j] == seen[i];
		distinct += !dup;
	}
	EXPECT(distinct >= 3);
	/* protocol=native refuses the same image with the native error. */
	EXPECT(boot(&b, BOOT_PROTO_NATIVE, false, 0) != LDR_OK); /* E_ORDER: p_vaddr order */
	EXPECT(!strstr(b.fp.console, "linux64"));
	EXPECT(fake_untouched(&b.fp));
	fake_free(&b.fp);
	free(b.kernel);
}

/* auto keeps native kernels native (RSI = 0); an image written for us (an
 * aslrboot note) keeps its native error; without the note, an ET_EXEC
 * without relocations and without a boot-protocol note keeps it too (a
 * native kernel linked without -pie), with the hint. */
static void test_auto_native(void)
{
	struct l64_boot b;
	struct elfgen_spec sp;

	b.kernel = elfgen_default(&b.ksize);
	EXPECT_EQ(boot(&b, BOOT_PROTO_AUTO, false, 1), LDR_OK);
	EXPECT_EQ(b.st.rsi, 0u);
	EXPECT(!strstr(b.fp.console, "linux64"));
	fake_free(&b.fp);
	free(b.kernel);
	elfgen_spec_default(&sp);
	sp.type = ET_EXEC, sp.base = ARENA_BASE + 0x400000, sp.no_dynamic = true;
	b.kernel = elfgen_build(&sp, &b.ksize);
	EXPECT_ERR(boot(&b, BOOT_PROTO_AUTO, false, 1), LDR_E_TYPE);
	EXPECT(fake_untouched(&b.fp));
	fake_free(&b.fp);
	free(b.kernel);
	sp.note = false;
	b.kernel = elfgen_build(&sp, &b.ksize);
	EXPECT_ERR(boot(&b, BOOT_PROTO_AUTO, false, 1), LDR_E_TYPE);
	EXPECT(strstr(b.fp.console, "aslrboot: hint: " VALIDATE_HINT_FIXED "\n"));
	EXPECT(fake_untouched(&b.fp));
	fake_free(&b.fp);
	EXPECT_EQ(boot(&b, BOOT_PROTO_LINUX64, false, 1), LDR_OK);
	EXPECT(strstr(b.fp.console, "linux64: protocol=linux64; not relocatable"));
	EXPECT_EQ(va_addr(b.st.entry), sp.base + (elfgen_ehdr(b.kernel)->e_entry - sp.base));
	fake_free(&b.fp);
	EXPECT_ERR(boot(&b, BOOT_PROTO_NATIVE, false, 1), LDR_E_TYPE);
	fake_free(&b.fp);
	free(b.kernel);
}

/* Unikraft's Firecracker shape: no options needed (auto), random 4 KiB
 * bases because of its zero-size PT_DYNAMIC; segments copied by p_offset. */
static void test_unikraft_shape(void)
{
	struct l64_boot b;
	struct shape sh;
	uint64_t seen[6];
	uint32_t distinct = 0;

	shape_unikraft(&sh);
	b.kernel = shape_build(&sh, &b.ksize);
	for (int i = 0; i < 6; i++) {
		uint64_t base;
		const uint8_t *img;

		EXPECT_EQ(boot(&b, i & 1 ? BOOT_PROTO_LINUX64 : BOOT_PROTO_AUTO, true, (uint8_t)i),
			  LDR_OK);
		base = va_addr(b.st.entry) - 0x10;
		img = pp(&b, base, 0x77000);
		REQUIRE(img && b.bp);
		EXPECT_EQ(base & 0xfff, 0u);
		EXPECT(!memcmp(img + 0x28000, b.kernel + 0x28920, 0x1000)); /* incongruent */
		EXPECT(!memcmp(img + 0x39000, b.kernel + 0x29920, 0x27cc));
		EXPECT(strstr(b.fp.console,
			      i & 1 ? "linux64: protocol=linux64; movable (PT_DYNAMIC)" :
				      "linux64: native load refused (E_ALIGN_SMALL); "
				      "movable (PT_DYNAMIC): random physical base"));
		seen[i] = base;
		fake_free(&b.fp);
	}
	for (int i = 0; i < 6; i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= seen[j] == seen[i];
		distinct += !dup;
	}
	EXPECT(distinct >= 4); /* ~16000 slots */
	free(b.kernel);
}

/* memtest86+'s shape: boots with protocol=linux64 (ET_DYN: random base);
 * auto refuses its RWE segment with E_WX and the hint. */
static void test_memtest_shape(void)
{
	struct l64_boot b;
	struct shape sh;

	shape_memtest(&sh);
	b.kernel = shape_build(&sh, &b.ksize);
	EXPECT_EQ(boot(&b, BOOT_PROTO_LINUX64, false, 3), LDR_OK);
	EXPECT(strstr(b.fp.console, "linux64: protocol=linux64; movable (ET_DYN)"));
	EXPECT(!memcmp(pp(&b, va_addr(b.st.entry) - 0x200, 0x1f000), b.kernel + 0x1000, 0x1f000));
	fake_free(&b.fp);
	EXPECT_ERR(boot(&b, BOOT_PROTO_AUTO, false, 3), LDR_E_WX);
	EXPECT(strstr(b.fp.console, "program header 0: p_flags = 0x7: segment is both writable "
				    "and executable [E_WX]\naslrboot: hint: protocol=linux64 boots "
				    "it as a self-relocating kernel without W^X\n"));
	EXPECT(fake_untouched(&b.fp));
	fake_free(&b.fp);
	free(b.kernel);
}

/* A W+X ET_EXEC is never booted RWX by auto, even when a different native
 * error (here a small p_align) comes first; a Linux note would allow it. */
static void test_auto_wx_exec(void)
{
	struct l64_boot b;
	struct shape sh;

	shape_nanos(&sh, ARENA_BASE + 0x200000);
	sh.ph[0].p_align = 0x10;
	sh.ph[0].p_flags |= PF_W;
	b.kernel = shape_build(&sh, &b.ksize);
	EXPECT_ERR(boot(&b, BOOT_PROTO_AUTO, false, 1), LDR_E_WX);
	EXPECT(strstr(b.fp.console, "aslrboot: hint: protocol=linux64"));
	EXPECT(!strstr(b.fp.console, "W^X NOT enforced"));
	fake_free(&b.fp);
	free(b.kernel);
	sh.note_name = "Linux", sh.note_type = ELF_LINUX_NOTE_BUILD_SALT;
	sh.ph[3].p_filesz = sh.ph[3].p_memsz = 28;
	b.kernel = shape_build(&sh, &b.ksize);
	EXPECT_EQ(boot(&b, BOOT_PROTO_AUTO, false, 1), LDR_OK);
	EXPECT(strstr(b.fp.console, "linux64: native load refused (E_ALIGN_SMALL); movable "
				    "(Linux ELF note)"));
	fake_free(&b.fp);
	free(b.kernel);
}

/* Neither movable nor a boot-protocol kernel (no PVH or Linux note): auto
 * refuses it with the native E_TYPE and the hint, with aslr=on and off;
 * protocol=linux64 enters it at its link address.  With its PVH note, auto
 * takes linux64 with aslr=off too: the protocol never depends on aslr=. */
static void test_auto_fixed_needs_note(void)
{
	const uint64_t pa = ARENA_BASE + 0x200000;
	struct l64_boot b;
	struct shape sh;

	shape_nanos(&sh, pa);
	sh.note_name = "GNU", sh.note_type = 3;
	b.kernel = shape_build(&sh, &b.ksize);
	for (int off = 0; off < 2; off++) {
		fake_init(&b.fp, ARENA_BASE, ARENA_SIZE);
		fake_env(&b.fp, &b.env, b.kernel, b.ksize);
		b.env.opts.aslr_off = off;
		if (off) {
			/* aslr=off: the native validator takes it (it runs natively). */
			REQUIRE(loader_run(&b.env, &b.fp.ops, &b.st) == LDR_OK);
			EXPECT(!strstr(b.fp.console, "linux64"));
		} else {
			EXPECT_ERR(loader_run(&b.env, &b.fp.ops, &b.st), LDR_E_TYPE);
			EXPECT(strstr(b.fp.console,
				      "[E_TYPE]\naslrboot: hint: " VALIDATE_HINT_FIXED "\n"));
			EXPECT(!strstr(b.fp.console, "W^X NOT enforced"));
		}
		fake_free(&b.fp);
	}
	fake_init(&b.fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&b.fp, &b.env, b.kernel, b.ksize);
	b.env.opts.protocol = BOOT_PROTO_LINUX64;
	REQUIRE(loader_run(&b.env, &b.fp.ops, &b.st) == LDR_OK);
	EXPECT_EQ(va_addr(b.st.entry), pa + 0x40);
	fake_free(&b.fp);
	free(b.kernel);

	shape_nanos(&sh, pa);
	b.kernel = shape_build(&sh, &b.ksize);
	fake_init(&b.fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&b.fp, &b.env, b.kernel, b.ksize);
	b.env.opts.aslr_off = true;
	REQUIRE(loader_run(&b.env, &b.fp.ops, &b.st) == LDR_OK);
	EXPECT_EQ(va_addr(b.st.entry), pa + 0x40);
	EXPECT(strstr(b.fp.console, "linux64: native load refused (E_TYPE); not relocatable"));
	fake_free(&b.fp);
	free(b.kernel);
}

/* Test allocator for moved buffers: the top of the arena, downwards. */
static uint64_t bump_top;
static enum ldr_err bump_alloc(void *ctx, uint64_t pages, paddr_t *out)
{
	struct fake_platform *fp = ctx;

	bump_top -= pages * PAGE_SIZE;
	*out = pa_init(bump_top);
	return fp->ops.alloc_at(ctx, *out, pages);
}

/* Test release op: what the core gave back. */
static struct boot_range released[4];
static uint32_t nreleased;
static enum ldr_err record_release(void *ctx, paddr_t pa, uint64_t pages)
{
	(void)ctx;
	if (nreleased < 4)
		released[nreleased] = (struct boot_range){ pa_addr(pa), pages * PAGE_SIZE };
	nreleased++;
	return LDR_OK;
}

/* Nanos' shape: not movable, so placed at exactly p_paddr under auto and
 * aslr=off; also when the kernel file buffer and a module sit in that range
 * (moved away first); a loader range there is one clear error. */
static void test_nanos_fixed(void)
{
	const uint64_t pa = ARENA_BASE + 0x200000, kbuf = pa + 0x1000, mod = pa + 0x9000;
	struct l64_boot b;
	struct shape sh;
	uint8_t *f;
	size_t n;

	shape_nanos(&sh, pa);
	b.kernel = shape_build(&sh, &b.ksize);
	for (int i = 0; i < 2; i++) {
		memset(&b.st, 0, sizeof(b.st));
		fake_init(&b.fp, ARENA_BASE, ARENA_SIZE);
		fake_env(&b.fp, &b.env, b.kernel, b.ksize);
		b.env.opts.aslr_off = i; /* native would take it with aslr=off: ask for linux64 */
		b.env.opts.protocol = i ? BOOT_PROTO_LINUX64 : BOOT_PROTO_AUTO;
		REQUIRE(loader_run(&b.env, &b.fp.ops, &b.st) == LDR_OK);
		EXPECT_EQ(va_addr(b.st.entry), pa + 0x40);
		EXPECT_EQ(b.st.rsi, ARENA_BASE); /* boot data: the lowest fit */
		EXPECT(!memcmp(pp(&b, pa, 0x3000), b.kernel + 0x1000, 0x3000));
		EXPECT(!memcmp(pp(&b, pa + 0x4000, 0x2000), b.kernel + 0x5000, 0x2000));
		EXPECT(strstr(
			b.fp.console,
			i ? "linux64: protocol=linux64; not relocatable (not ET_DYN" :
			    "linux64: native load refused (E_TYPE); not relocatable (not ET_DYN"));
		EXPECT(strstr(b.fp.console,
			      "(not ET_DYN, no PT_DYNAMIC, no Linux ELF note): loaded at "
			      "its link address 0x1200000, no physical ASLR"));
		EXPECT(!strstr(b.fp.console, "bits of entropy"));
		fake_free(&b.fp);
	}
	/* The kernel file and a module inside [pa, pa + 0xa000): moved first. */
	for (int k = 0; k < 2; k++) {
		memset(&b.st, 0, sizeof(b.st));
		fake_init(&b.fp, ARENA_BASE, ARENA_SIZE);
		f = b.fp.ops.phys_ptr(&b.fp, pa_init(kbuf), b.ksize);
		memcpy(f, b.kernel, b.ksize);
		memset(b.fp.ops.phys_ptr(&b.fp, pa_init(mod), 0x3000), 0x5c, 0x3000);
		fake_env(&b.fp, &b.env, f, b.ksize);
		b.env.reserved[0] = (struct boot_range){ kbuf, (b.ksize + 0xfff) & ~0xfffull };
		b.env.reserved_count = 1;
		b.env.modules[0] = (struct boot_module){ mod, 0x3000, "initrd" };
		b.env.module_count = 1;
		b.fp.ops.alloc_any = bump_alloc;
		b.fp.ops.release = record_release;
		bump_top = ARENA_BASE + ARENA_SIZE;
		nreleased = 0;
		if (k) /* the loader's own memory in the range: refused, named */
			b.env.reserved[b.env.reserved_count++] =
				(struct boot_range){ pa + 0x9000, 0x1000 };
		if (k) {
			EXPECT_ERR(loader_run(&b.env, &b.fp.ops, &b.st), LDR_E_NO_SPACE);
			EXPECT(strstr(b.fp.console, "linux64 image at its link address (range not "
						    "free): p_paddr = 0x1200000"));
			fake_free(&b.fp);
			continue;
		}
		if (loader_run(&b.env, &b.fp.ops, &b.st))
			fputs(b.fp.console, stderr);
		REQUIRE(b.st.rsi);
		b.bp = pp(&b, b.st.rsi, BP_SIZE);
		REQUIRE(b.bp);
		EXPECT_EQ(va_addr(b.st.entry), pa + 0x40);
		EXPECT(!memcmp(pp(&b, pa, 0x3000), b.kernel + 0x1000, 0x3000));
		EXPECT(!memcmp(pp(&b, pa + 0x4000, 0x2000), b.kernel + 0x5000, 0x2000));
		EXPECT(b.env.reserved[0].base >= pa + 0xa000 && b.env.kernel != f);
		EXPECT(strstr(b.fp.console,
			      "linux64: moved the kernel file out of the link-address "
			      "range\naslrboot: linux64: moved module 2 out of the "
			      "link-address range\n"));
		EXPECT(!memcmp(b.env.kernel, b.kernel, b.ksize));
		/* The old buffers went back to the front end, whole pages. */
		EXPECT_EQ(nreleased, 2u);
		EXPECT(released[0].base == kbuf && released[0].len == 0x8000);
		EXPECT(released[1].base == mod && released[1].len == 0x3000);
		EXPECT(g32(b.bp, 0x218) >= pa + 0xa000 && g32(b.bp, 0x21c) == 0x3000);
		f = b.fp.ops.phys_ptr(&b.fp, pa_init(g32(b.bp, 0x218)), 0x3000);
		REQUIRE(f);
		for (n = 0; n < 0x3000 && f[n] == 0x5c; n++)
			;
		EXPECT_EQ(n, 0x3000u);
		fake_free(&b.fp);
	}
	free(b.kernel);
}

/* The config keys that choose the path (loader/config.c). */
static void test_config_keys(void)
{
	static struct boot_config c;
	static const char opts[] = "aslrboot.efi protocol=linux64 linux_seed_cmdline=1";
	struct ldr_diag d = { 0 };

	config_init(&c);
	EXPECT_EQ(c.opts.protocol, (uint32_t)BOOT_PROTO_AUTO);
	EXPECT(!c.opts.linux_seed_cmdline);
	EXPECT_EQ(config_parse_options(&c, opts, sizeof(opts) - 1, &d), LDR_OK);
	EXPECT_EQ(c.opts.protocol, (uint32_t)BOOT_PROTO_LINUX64);
	EXPECT(c.opts.linux_seed_cmdline);
	EXPECT_EQ(config_parse_file(&c, "protocol=native\nlinux_seed_cmdline=off\n", 38, &d),
		  LDR_OK);
	EXPECT_EQ(c.opts.protocol, (uint32_t)BOOT_PROTO_NATIVE);
	EXPECT(!c.opts.linux_seed_cmdline);
	EXPECT_EQ(config_parse_options(&c, "protocol=auto", 13, &d), LDR_OK);
	EXPECT_EQ(c.opts.protocol, (uint32_t)BOOT_PROTO_AUTO);
	EXPECT_ERR(config_parse_options(&c, "protocol=linux", 14, &d), LDR_E_CONFIG);
	EXPECT_ERR(config_parse_options(&c, "linux_seed_cmdline=2", 20, &d), LDR_E_CONFIG);
}

int main(void)
{
	RUN(test_config_keys);
	RUN(test_plan_spread);
	RUN(test_plan_fixed);
	RUN(test_load);
	RUN(test_tables);
	RUN(test_boot_linux64);
	RUN(test_auto_native);
	RUN(test_unikraft_shape);
	RUN(test_memtest_shape);
	RUN(test_auto_wx_exec);
	RUN(test_nanos_fixed);
	RUN(test_auto_fixed_needs_note);
	return harness_done();
}
