// SPDX-License-Identifier: MIT
/*
 * The core end to end at section granularity: loader_run() over the fake
 * platform on the real -q images of build/fixtures/sect.list, then checked
 * from the outside: every unit on its own pages at its page offset, mapped
 * with its class's protection, the LAYOUT regions and the UNITS record,
 * kernel_slide, the entry point; the scratch kept out of the plan; the
 * controls (granularity=segment, aslr=off); the warning for a note that
 * asks without link-time relocations; verbose=1 lists the units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "harness.h"
#include "loader/handoff/handoff_read.h"
#include "loader/loader.h"
#include "loader/paging/paging.h"
#include "loader/state.h"
#include "loader/validate.h"

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)
#define MAXL 8192

const void *loader_debug_state(unsigned long *len);

struct booted {
	struct fake_platform fp;
	struct boot_env env;
	struct entry_state st;
	struct pt_leaf l[MAXL];
	size_t nl;
	const struct aslrboot_info *info;
	uint64_t bump; /* alloc_any: pages handed out from the arena's top */
};

static struct booted b, b2;

static bool collect(void *arg, const struct pt_leaf *leaf)
{
	struct booted *x = arg;
	if (x->nl < MAXL)
		x->l[x->nl++] = *leaf;
	return true;
}

static const struct pt_leaf *leaf_of(const struct booted *x, uint64_t va)
{
	for (size_t i = 0; i < x->nl; i++)
		if (va >= va_addr(x->l[i].va) && va - va_addr(x->l[i].va) < x->l[i].size)
			return &x->l[i];
	return NULL;
}

static void *vptr(struct booted *x, uint64_t va, uint64_t len)
{
	const struct pt_leaf *l = leaf_of(x, va);
	return l ? x->fp.ops.phys_ptr(&x->fp, pa_add(l->pa, va - va_addr(l->va)), len) : NULL;
}

/* Scratch from the top of the arena down (the fake platform's own
 * alloc_any has none to give), logged like its alloc_at. */
static enum ldr_err top_alloc(void *ctx, uint64_t pages, paddr_t *out)
{
	struct fake_platform *fp = ctx;
	struct booted *x = fp == &b.fp ? &b : &b2;
	uint64_t pa;

	x->bump += pages;
	pa = fp->base + fp->size - x->bump * PAGE_SIZE;
	if (fp->nallocs == FAKE_MAX_ALLOCS)
		return LDR_E_NOMEM;
	fp->allocs[fp->nallocs].pa = pa;
	fp->allocs[fp->nallocs++].pages = pages;
	*out = pa_init(pa);
	return LDR_OK;
}

static uint8_t *read_fixture(const char *name, size_t *size)
{
	const char *bd = getenv("B");
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/%s", bd && *bd ? bd : "build", name);
	return harness_read_file(path, size);
}

static enum ldr_err boot(struct booted *x, const uint8_t *k, size_t ksize, uint8_t seed0,
			 const struct boot_options *opt)
{
	enum ldr_err err;

	fake_free(&x->fp);
	memset(&x->st, 0, sizeof(x->st));
	x->nl = 0;
	x->bump = 0;
	fake_init(&x->fp, ARENA_BASE, ARENA_SIZE);
	x->fp.ops.alloc_any = top_alloc;
	fake_env(&x->fp, &x->env, k, ksize);
	if (opt) {
		bool fs = x->env.opts.fixed_seed_set;
		uint8_t seed[32];
		memcpy(seed, x->env.opts.fixed_seed, 32);
		x->env.opts = *opt;
		x->env.opts.fixed_seed_set = fs;
		memcpy(x->env.opts.fixed_seed, seed, 32);
	}
	x->env.opts.fixed_seed[0] = seed0;
	err = loader_run(&x->env, &x->fp.ops, &x->st);
	x->fp.console[x->fp.console_len < sizeof(x->fp.console) ? x->fp.console_len :
								  sizeof(x->fp.console) - 1] = 0;
	if (err)
		return err;
	if (pt_walk(x->st.cr3, x->fp.ops.phys_ptr, &x->fp, collect, x, NULL))
		return LDR_E_WX_VERIFY;
	x->info = vptr(x, va_addr(x->st.info), sizeof(*x->info));
	return x->info ? LDR_OK : LDR_E_RANGE;
}

static const struct aslrboot_rec_units *units_of(const struct booted *x,
						 const struct aslrboot_unit **e)
{
	const struct aslrboot_rec_units *u =
		(const void *)handoff_find(x->info, ASLRBOOT_REC_UNITS, NULL);
	*e = u ? (const void *)(u + 1) : NULL;
	return u;
}

static uint32_t count_kind(const struct booted *x, uint32_t kind)
{
	const struct aslrboot_rec_layout *l =
		(const void *)handoff_find(x->info, ASLRBOOT_REC_LAYOUT, NULL);
	const struct aslrboot_region *r = (const void *)(l + 1);
	uint32_t n = 0;

	for (uint32_t i = 0; i < l->count; i++)
		n += r[i].kind == kind;
	return n;
}

static uint32_t want_prot(const struct elf_sec_unit *s)
{
	if (s->flags & ELF_PF_X)
		return ASLRBOOT_PROT_R | ASLRBOOT_PROT_X;
	return s->flags & ELF_PF_W && !s->relro ? ASLRBOOT_PROT_R | ASLRBOOT_PROT_W :
						  ASLRBOOT_PROT_R;
}

/* One fixture at section granularity, checked from the outside. */
static void check_image(const char *name)
{
	static struct elf_image img;
	static struct elf_sec_unit su[ELF_MAX_SECTION_UNITS];
	const struct aslrboot_rec_units *u;
	const struct aslrboot_unit *e;
	const struct aslrboot_rec_layout *lay;
	const struct loader_state *ls;
	struct ldr_diag d = { 0 };
	unsigned long lslen;
	size_t ksize;
	uint8_t *k = read_fixture(name, &ksize);
	bool entry = false;

	REQUIRE(k);
	REQUIRE(elf_parse(k, ksize, ELF_MACHINE_X86_64, 0, &img, &d) == LDR_OK);
	REQUIRE(img.sec.usable && img.sec.nunits <= ELF_MAX_SECTION_UNITS);
	elf_section_units(&img, su);
	EXPECT_ERR(boot(&b, k, ksize, 1, NULL), LDR_OK);
	if (harness_case_failed) {
		printf("  %s: console:\n%.*s\n", name, (int)b.fp.console_len, b.fp.console);
		free(k);
		return;
	}
	EXPECT_ERR(handoff_check(b.info, b.info->total_size, NULL), LDR_OK);
	REQUIRE((u = units_of(&b, &e)));
	EXPECT_EQ(u->granularity, ASLRBOOT_GRANULARITY_SECTION);
	REQUIRE(u->count == img.sec.nunits);
	EXPECT_EQ(count_kind(&b, ASLRBOOT_RGN_KERNEL_SECTION), img.sec.nunits);
	EXPECT_EQ(count_kind(&b, ASLRBOOT_RGN_KERNEL_SEGMENT), 0);
	lay = (const void *)handoff_find(b.info, ASLRBOOT_REC_LAYOUT, NULL);
	REQUIRE(lay);
	for (uint32_t i = 0; i < u->count; i++) {
		uint64_t lo = e[i].virt & ~UINT64_C(4095),
			 hi = (e[i].virt + e[i].size + 4095) & ~UINT64_C(4095);
		const struct pt_leaf *l = leaf_of(&b, e[i].virt);
		EXPECT_EQ(e[i].link, su[i].link);
		EXPECT_EQ(e[i].size, su[i].size);
		EXPECT_EQ(e[i].index, su[i].shndx);
		EXPECT_EQ(e[i].virt % 4096, su[i].link % 4096);
		EXPECT_EQ(e[i].virt % (su[i].align ? su[i].align : 1),
			  su[i].link % (su[i].align ? su[i].align : 1));
		EXPECT_EQ(e[i].prot, want_prot(&su[i]));
		/* mapped, at its physical address, with its class's protection,
		 * on pages of its own */
		REQUIRE(l);
		EXPECT_EQ(pa_addr(l->pa) + (e[i].virt - va_addr(l->va)), e[i].phys);
		EXPECT_EQ(l->prot, e[i].prot);
		for (uint32_t j = 0; j < u->count; j++) {
			uint64_t lo2 = e[j].virt & ~UINT64_C(4095);
			uint64_t hi2 = (e[j].virt + e[j].size + 4095) & ~UINT64_C(4095);
			if (j != i && lo < hi2 && lo2 < hi)
				harness_fail(__FILE__, __LINE__, "%s: units %u and %u share a page",
					     name, i, j);
		}
		if (img.entry >= e[i].link && img.entry - e[i].link < e[i].size) {
			entry = true;
			EXPECT_EQ(lay->kernel_slide, e[i].virt - e[i].link);
			EXPECT_EQ(va_addr(b.st.entry), img.entry + lay->kernel_slide);
		}
	}
	EXPECT(entry);
	/* The scratch: allocated once, outside every planned range, reserved
	 * (a later planner avoids it; the kernel's map says reclaimable). */
	ls = loader_debug_state(&lslen);
	EXPECT(ls->sections && ls->scratch_pages);
	EXPECT(b.env.reserved_count &&
	       b.env.reserved[b.env.reserved_count - 1].base == pa_addr(ls->scratch) &&
	       b.env.reserved[b.env.reserved_count - 1].len == ls->scratch_pages * PAGE_SIZE);
	for (uint32_t i = 0; i < ls->plan.count; i++) {
		const struct layout_region *r = &ls->plan.r[i];
		uint64_t sp = pa_addr(ls->scratch), sl = ls->scratch_pages * PAGE_SIZE;
		if (r->kind != ASLRBOOT_RGN_GUARD && r->kind != ASLRBOOT_RGN_DIRECT_MAP &&
		    pa_addr(r->phys) < sp + sl && sp < pa_addr(r->phys) + r->size)
			harness_fail(__FILE__, __LINE__, "%s: region %u in the scratch", name, i);
	}
	printf("  %s: %u units, %u link-time relocations, slide 0x%llx\n", name, u->count,
	       (unsigned)img.sec.nrelocs, (unsigned long long)lay->kernel_slide);
	free(k);
}

static void test_fixtures(void)
{
	const char *bd = getenv("B");
	char path[512], line[256];
	FILE *list;
	int n = 0;

	snprintf(path, sizeof(path), "%s/fixtures/sect.list", bd && *bd ? bd : "build");
	if (!(list = fopen(path, "r"))) {
		harness_fail(__FILE__, __LINE__, "%s missing: run `make host` first", path);
		return;
	}
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = 0;
		if (*line) {
			check_image(line);
			n++;
		}
	}
	fclose(list);
	EXPECT(n >= 3);
}

/* Two seeds: two functions' distance differs; aslr=off: the same units
 * whatever the seed; granularity=segment: one unit per segment, one slide. */
static void test_controls(void)
{
	const struct aslrboot_rec_units *u, *u2;
	const struct aslrboot_unit *e, *e2;
	struct boot_options o = { 0 };
	size_t ksize;
	uint8_t *k = read_fixture("sect-gcc-pie.elf", &ksize);

	REQUIRE(k);
	REQUIRE(boot(&b, k, ksize, 1, NULL) == LDR_OK && boot(&b2, k, ksize, 2, NULL) == LDR_OK);
	REQUIRE((u = units_of(&b, &e)) && (u2 = units_of(&b2, &e2)) && u->count > 2);
	EXPECT(e[1].virt - e[0].virt != e2[1].virt - e2[0].virt);
	o.aslr_off = true;
	REQUIRE(boot(&b, k, ksize, 1, &o) == LDR_OK && boot(&b2, k, ksize, 2, &o) == LDR_OK);
	REQUIRE((u = units_of(&b, &e)) && (u2 = units_of(&b2, &e2)));
	EXPECT_EQ(u->granularity, ASLRBOOT_GRANULARITY_SECTION);
	for (uint32_t i = 0; i < u->count; i++) {
		EXPECT_EQ(e[i].virt, e2[i].virt);
		EXPECT_EQ(e[i].virt_entropy_mbits, 0);
	}
	o.aslr_off = false;
	o.granularity = BOOT_GRAN_SEGMENT;
	REQUIRE(boot(&b, k, ksize, 1, &o) == LDR_OK);
	REQUIRE((u = units_of(&b, &e)));
	EXPECT_EQ(u->granularity, ASLRBOOT_GRANULARITY_SEGMENT);
	EXPECT_EQ(count_kind(&b, ASLRBOOT_RGN_KERNEL_SECTION), 0);
	for (uint32_t i = 0; i < u->count; i++) {
		EXPECT_EQ(e[i].index, i);
		EXPECT_EQ(e[i].virt - e[i].link, e[0].virt - e[0].link);
	}
	EXPECT(!strstr(b.fp.console, "section granularity but"));
	EXPECT(!((const struct loader_state *)loader_debug_state(&(unsigned long){ 0 }))
			->scratch_pages);
	free(k);
}

/* A note that asks for section granularity, an image without link-time
 * relocations (their tables turned into plain PROGBITS): one warning line,
 * placed by segment. */
static void test_warning_without_lrelocs(void)
{
	const struct aslrboot_rec_units *u;
	const struct aslrboot_unit *e;
	size_t ksize;
	uint8_t *k = read_fixture("sect-gcc-pie.elf", &ksize);
	uint64_t shoff;
	uint16_t shnum;
	const char *w;

	REQUIRE(k && ksize > 64);
	memcpy(&shoff, k + 0x28, 8);
	memcpy(&shnum, k + 0x3c, 2);
	REQUIRE(shoff < ksize && shnum && (ksize - shoff) / 64 >= shnum);
	for (uint16_t i = 0; i < shnum; i++) {
		uint8_t *sh = k + shoff + (uint64_t)i * 64;
		uint32_t type;
		uint64_t flags;
		memcpy(&type, sh + 4, 4);
		memcpy(&flags, sh + 8, 8);
		if (type == 4 /* SHT_RELA */ && !(flags & 2 /* SHF_ALLOC */)) {
			type = 1; /* SHT_PROGBITS */
			memcpy(sh + 4, &type, 4);
		}
	}
	EXPECT_ERR(boot(&b, k, ksize, 1, NULL), LDR_OK);
	REQUIRE((u = units_of(&b, &e)));
	EXPECT_EQ(u->granularity, ASLRBOOT_GRANULARITY_SEGMENT);
	REQUIRE((w = strstr(b.fp.console, VALIDATE_WARN_NO_LRELOCS)));
	EXPECT(!strstr(w + 1, VALIDATE_WARN_NO_LRELOCS)); /* once */
	EXPECT(strstr(b.fp.console, "warning: kernel.elf: the note asks"));
	free(k);
}

/* verbose=1 lists the units; by default nothing of the layout is printed. */
static void test_verbose_units(void)
{
	size_t ksize;
	uint8_t *k = read_fixture("sect-gcc-pie.elf", &ksize);
	struct boot_options o = { .verbose = true };
	char want[64];

	REQUIRE(k);
	REQUIRE(boot(&b, k, ksize, 1, NULL) == LDR_OK);
	EXPECT(!strstr(b.fp.console, "unit 0"));
	EXPECT(!strstr(b.fp.console, "virt=0x"));
	REQUIRE(boot(&b, k, ksize, 1, &o) == LDR_OK);
	snprintf(want, sizeof(want), "units: %u (section granularity)",
		 ((const struct loader_state *)loader_debug_state(&(unsigned long){ 0 }))
			 ->plan.nunits);
	EXPECT(strstr(b.fp.console, want));
	EXPECT(strstr(b.fp.console, "  unit 0 (section "));
	free(k);
}

int main(void)
{
	RUN(test_fixtures);
	RUN(test_controls);
	RUN(test_warning_without_lrelocs);
	RUN(test_verbose_units);
	fake_free(&b.fp);
	fake_free(&b2.fp);
	return harness_done();
}
