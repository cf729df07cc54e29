/* SPDX-License-Identifier: MIT */
/*
 * The whole core on the host: loader_run() over a fake platform (an arena
 * standing for physical memory), then check from the outside what a kernel
 * would see: the page tables (walked), the boot-info block (parsed), the
 * relocated image; and that every rejected input leaves memory untouched.
 */
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"
#include "fake_platform.h"
#include "harness.h"
#include "loader/handoff/handoff_read.h"
#include "loader/loader.h"
#include "loader/paging/paging.h"
#include "loader/state.h"

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)

const void *loader_debug_state(unsigned long *len);

struct leaves {
	struct pt_leaf l[4096];
	size_t n;
};

static bool collect(void *arg, const struct pt_leaf *leaf)
{
	struct leaves *ls = arg;
	if (ls->n < sizeof(ls->l) / sizeof(ls->l[0]))
		ls->l[ls->n++] = *leaf;
	return true;
}

static const struct pt_leaf *lookup(const struct leaves *ls, uint64_t va)
{
	for (size_t i = 0; i < ls->n; i++)
		if (va >= va_addr(ls->l[i].va) && va - va_addr(ls->l[i].va) < ls->l[i].size)
			return &ls->l[i];
	return NULL;
}

/* Host pointer for kernel virtual address va, through the built tables. */
static void *vptr(struct fake_platform *fp, const struct leaves *ls, uint64_t va, uint64_t len)
{
	const struct pt_leaf *l = lookup(ls, va);
	if (!l)
		return NULL;
	return fp->ops.phys_ptr(fp, pa_add(l->pa, va - va_addr(l->va)), len);
}

struct booted {
	struct fake_platform fp;
	struct boot_env env;
	struct entry_state st;
	struct leaves ls;
	const struct aslrboot_info *info;
	uint8_t *kernel;
	size_t ksize;
};

/* elfgen's default kernel for the machine the core is built for (AArch64
 * in the arm64 build, tests/mk/arm64.mk). */
static uint8_t *native_kernel(size_t *size)
{
	struct elfgen_spec sp;

	elfgen_spec_for(&sp, ELF_MACHINE_NATIVE);
	return elfgen_build(&sp, size);
}

static enum ldr_err boot(struct booted *b, uint8_t seed0, bool verbose)
{
	memset(&b->st, 0, sizeof(b->st));
	b->ls.n = 0;
	b->kernel = native_kernel(&b->ksize);
	fake_init(&b->fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&b->fp, &b->env, b->kernel, b->ksize);
	b->env.opts.fixed_seed[0] = seed0;
	b->env.opts.verbose = verbose;
	enum ldr_err err = loader_run(&b->env, &b->fp.ops, &b->st);
	if (err)
		return err;
	if (pt_walk(b->st.cr3, b->fp.ops.phys_ptr, &b->fp, collect, &b->ls, NULL))
		return LDR_E_WX_VERIFY;
	b->info = vptr(&b->fp, &b->ls, va_addr(b->st.info), sizeof(*b->info));
	return b->info ? LDR_OK : LDR_E_RANGE;
}

static void unboot(struct booted *b)
{
	fake_free(&b->fp);
	free(b->kernel);
}

static const struct aslrboot_rec_layout *layout_of(const struct aslrboot_info *info)
{
	return (const void *)handoff_find(info, ASLRBOOT_REC_LAYOUT, NULL);
}

static void test_boot_and_check_from_outside(void)
{
	static struct booted b;
	REQUIRE(boot(&b, 1, false) == LDR_OK);
	EXPECT_ERR(handoff_check(b.info, b.info->total_size, NULL), LDR_OK);
	EXPECT_EQ(b.fp.exit_calls, 1);

	/* No W+X leaf, page 0 unmapped, everything supervisor-only NX unless text. */
	for (size_t i = 0; i < b.ls.n; i++)
		EXPECT((b.ls.l[i].prot & (ASLRBOOT_PROT_W | ASLRBOOT_PROT_X)) !=
		       (ASLRBOOT_PROT_W | ASLRBOOT_PROT_X));
	EXPECT(lookup(&b.ls, 0) == NULL);

	/* Every region mapped exactly as the layout record says. */
	const struct aslrboot_rec_layout *lay = layout_of(b.info);
	REQUIRE(lay != NULL);
	const struct aslrboot_region *rg = (const void *)(lay + 1);
	int text = -1;
	for (uint32_t i = 0; i < lay->count; i++) {
		for (uint64_t off = 0; off < rg[i].size; off += PAGE_SIZE) {
			const struct pt_leaf *l = lookup(&b.ls, rg[i].virt + off);
			if (rg[i].kind == ASLRBOOT_RGN_GUARD) {
				EXPECT(l == NULL);
				continue;
			}
			REQUIRE(l != NULL);
			EXPECT_EQ(l->prot, rg[i].prot);
			if (rg[i].kind != ASLRBOOT_RGN_DIRECT_MAP)
				EXPECT_EQ(pa_addr(l->pa) + (rg[i].virt + off - va_addr(l->va)),
					  rg[i].phys + off);
			if (rg[i].kind == ASLRBOOT_RGN_DIRECT_MAP)
				break; /* holes are fine; first page checked */
		}
		if (rg[i].kind == ASLRBOOT_RGN_KERNEL_SEGMENT && (rg[i].prot & ASLRBOOT_PROT_X))
			text = (int)i;
	}
	REQUIRE(text >= 0);
	/* The entry is in text, the kernel is not at its link address. */
	EXPECT(va_addr(b.st.entry) >= rg[text].virt &&
	       va_addr(b.st.entry) < rg[text].virt + rg[text].size);
	EXPECT(lay->kernel_slide != 0);
	EXPECT(rg[text].virt >= UINT64_C(0xffff800000000000));

	/* The text bytes are the file's, the data pattern is intact. */
	uint8_t *t = vptr(&b.fp, &b.ls, lay->kernel_slide + ELFGEN_TEXT, 16);
	REQUIRE(t != NULL);
	EXPECT(memcmp(t, elfgen_at(b.kernel, ELFGEN_TEXT), 16) == 0);
	uint8_t *d = vptr(&b.fp, &b.ls, lay->kernel_slide + ELFGEN_DATA + 64, 1);
	REQUIRE(d != NULL);
	EXPECT_EQ(*d, ELFGEN_PATTERN(64));

	/* Stack top is mapped RW, the byte above it is a guard. */
	const struct pt_leaf *sl = lookup(&b.ls, va_addr(b.st.stack_top) - 8);
	REQUIRE(sl != NULL);
	EXPECT_EQ(sl->prot, ASLRBOOT_PROT_R | ASLRBOOT_PROT_W);
	EXPECT(lookup(&b.ls, va_addr(b.st.stack_top)) == NULL);

	/* The seed is there, flagged FIXED (a debug seed), and non-zero. */
	const struct aslrboot_rec_seed *seed =
		(const void *)handoff_find(b.info, ASLRBOOT_REC_SEED, NULL);
	REQUIRE(seed != NULL);
	EXPECT(seed->flags & ASLRBOOT_SEED_F_FIXED);
	static const uint8_t zero[ASLRBOOT_SEED_BYTES];
	EXPECT(memcmp(seed->seed, zero, sizeof(zero)) != 0);

	/* Default output does not leak the layout. */
	EXPECT(strstr(b.fp.console, "virt=") == NULL);
	EXPECT(strstr(b.fp.console, "0xffff") == NULL);
	unboot(&b);
}

static void test_verbose_prints_layout(void)
{
	static struct booted b;
	REQUIRE(boot(&b, 1, true) == LDR_OK);
	EXPECT(strstr(b.fp.console, "virt=0xffff") != NULL);
	unboot(&b);
}

/* Secrets are gone from loader memory before the jump. */
static void test_secrets_wiped(void)
{
	static struct booted b;
	unsigned long len;
	REQUIRE(boot(&b, 7, false) == LDR_OK);
	const struct loader_state *s = loader_debug_state(&len);
	static const uint8_t zero[sizeof(struct rand_drbg) + sizeof(struct rand_pool)];
	EXPECT(memcmp(s->master, zero, sizeof(s->master)) == 0);
	EXPECT(memcmp(&s->layout_rng, zero, sizeof(s->layout_rng)) == 0);
	EXPECT(memcmp(&s->pool, zero, sizeof(s->pool)) == 0);
	EXPECT(memcmp(&s->seed, zero, sizeof(s->seed)) == 0);
	unboot(&b);
}

static void test_fixed_seed_fixed_layout(void)
{
	static struct booted a, b, c;
	REQUIRE(boot(&a, 3, false) == LDR_OK);
	REQUIRE(boot(&b, 3, false) == LDR_OK);
	REQUIRE(boot(&c, 4, false) == LDR_OK);
	const struct aslrboot_rec_layout *la = layout_of(a.info), *lb = layout_of(b.info),
					 *lc = layout_of(c.info);
	REQUIRE(la && lb && lc);
	EXPECT_EQ(la->hdr.size, lb->hdr.size);
	EXPECT(memcmp(la, lb, la->hdr.size) == 0);
	EXPECT(la->kernel_slide != lc->kernel_slide);
	unboot(&a);
	unboot(&b);
	unboot(&c);
}

/* Every malformed input is refused before any side effect. */
static void test_malformed_leave_memory_untouched(void)
{
	const struct elfgen_case *cases;
	size_t n = elfgen_bad_cases(&cases);
	static struct fake_platform fp;
	static struct boot_env env;
	char want[64];

	EXPECT(n >= 60);
	fake_init(&fp, ARENA_BASE, ARENA_SIZE);
	for (size_t i = 0; i < n; i++) {
		size_t size;
		uint8_t *img = cases[i].build(&size);
		struct entry_state st;
		fp.console_len = 0;
		fp.console[0] = 0;
		fake_env(&fp, &env, img, size);
		enum ldr_err err = loader_run(&env, &fp.ops, &st);
		/* The cases are x86-64 images: another architecture's loader
		 * refuses each too, maybe for another reason (the machine, an
		 * x86-64 relocation type). */
		if (err != cases[i].err && (ELF_MACHINE_NATIVE == ELF_MACHINE_X86_64 || !err))
			harness_fail(__FILE__, __LINE__, "%s: got %s want %s", cases[i].name,
				     ldr_errname(err), ldr_errname(cases[i].err));
		snprintf(want, sizeof(want), "[%s]", ldr_errname(err));
		if (!strstr(fp.console, want) ||
		    !strstr(fp.console, "aslrboot: error: kernel.elf: "))
			harness_fail(__FILE__, __LINE__, "%s: no error line: %s", cases[i].name,
				     fp.console);
		EXPECT_EQ(fp.nallocs, 0);
		EXPECT_EQ(fp.exit_calls, 0);
		free(img);
	}
	EXPECT(fake_untouched(&fp));
	fake_free(&fp);
}

static void test_no_space(void)
{
	static struct fake_platform fp;
	static struct boot_env env;
	static struct mm_entry small[1] = { { ARENA_BASE, 16 * PAGE_SIZE, ASLRBOOT_MEM_USABLE } };
	struct entry_state st;
	size_t size;
	uint8_t *img = native_kernel(&size);

	fake_init(&fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&fp, &env, img, size);
	env.mmap = small;
	env.mmap_count = 1;
	EXPECT_ERR(loader_run(&env, &fp.ops, &st), LDR_E_NO_SPACE);
	EXPECT(strstr(fp.console, "[E_NO_SPACE]") != NULL);
	EXPECT_EQ(fp.nallocs, 0);
	EXPECT(fake_untouched(&fp));
	fake_free(&fp);
	free(img);
}

/* The smallest RAM that boots: memory is tight, and the log says so. */
static void test_tight_memory_warns(void)
{
	static struct fake_platform fp;
	static struct boot_env env;
	static struct mm_entry ram[1];
	struct entry_state st;
	size_t size;
	uint8_t *img = native_kernel(&size);
	enum ldr_err err = LDR_E_NO_SPACE;
	uint64_t pages;

	/* From below the threshold (601 pages today) up. */
	for (pages = 576; pages < 1024 && err == LDR_E_NO_SPACE; pages++) {
		fake_init(&fp, ARENA_BASE, 4 << 20);
		fake_env(&fp, &env, img, size);
		ram[0] = (struct mm_entry){ ARENA_BASE, pages * PAGE_SIZE, ASLRBOOT_MEM_USABLE };
		env.mmap = ram;
		env.mmap_count = 1;
		err = loader_run(&env, &fp.ops, &st);
		if (err == LDR_E_NO_SPACE)
			fake_free(&fp);
	}
	EXPECT_ERR(err, LDR_OK);
	EXPECT(pages - 1 > 576);
	printf("  boots from %llu pages of RAM\n", (unsigned long long)pages - 1);
	if (!strstr(fp.console, "warning: layout: memory is tight: "))
		harness_fail(__FILE__, __LINE__, "%llu pages: no warning: %s",
			     (unsigned long long)pages - 1, fp.console);
	fake_free(&fp);
	free(img);
}

static void test_strict_entropy_refuses(void)
{
	static struct fake_platform fp;
	static struct boot_env env;
	struct entry_state st;
	size_t size;
	uint8_t *img = native_kernel(&size);

	fake_init(&fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&fp, &env, img, size);
	env.opts.fixed_seed_set = false;
	env.opts.distrust_cpu_rng = true; /* nothing else is credited on the host */
	env.opts.entropy_policy = BOOT_ENTROPY_STRICT;
	EXPECT_ERR(loader_run(&env, &fp.ops, &st), LDR_E_ENTROPY);
	EXPECT(strstr(fp.console, "[E_ENTROPY]") != NULL);
	EXPECT_EQ(fp.nallocs, 0);
	EXPECT(fake_untouched(&fp));
	fake_free(&fp);
	free(img);
}

static uint32_t type_at(const struct aslrboot_info *info, uint64_t pa)
{
	const struct aslrboot_rec_memmap *mm =
		(const void *)handoff_find(info, ASLRBOOT_REC_MEMMAP, NULL);
	const struct aslrboot_mmap_entry *e = (const void *)(mm + 1);
	for (uint32_t i = 0; mm && i < mm->count; i++)
		if (pa >= e[i].base && pa - e[i].base < e[i].length)
			return e[i].type;
	return 0;
}

/* The final map: kernel regions KERNEL, loader ranges LOADER_RECLAIMABLE
 * only where the firmware said USABLE, firmware-reserved memory untouched. */
static void test_final_memory_map(void)
{
	static struct booted b;
	b.kernel = native_kernel(&b.ksize);
	fake_init(&b.fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&b.fp, &b.env, b.kernel, b.ksize);
	b.env.reserved[0] = (struct boot_range){ 0x9f000, 0x59000 }; /* usable, hole, reserved */
	b.env.reserved_count = 1;
	REQUIRE(loader_run(&b.env, &b.fp.ops, &b.st) == LDR_OK);
	REQUIRE(pt_walk(b.st.cr3, b.fp.ops.phys_ptr, &b.fp, collect, &b.ls, NULL) == LDR_OK);
	b.info = vptr(&b.fp, &b.ls, va_addr(b.st.info), sizeof(*b.info));
	REQUIRE(b.info != NULL);
	EXPECT_EQ(type_at(b.info, 0x9f000), ASLRBOOT_MEM_LOADER_RECLAIMABLE);
	EXPECT_EQ(type_at(b.info, 0x9e000), ASLRBOOT_MEM_USABLE);
	EXPECT_EQ(type_at(b.info, 0xf4000), ASLRBOOT_MEM_RESERVED);
	EXPECT_EQ(type_at(b.info, 0xa8000), 0); /* the hole stays a hole */
	const struct aslrboot_rec_layout *lay = layout_of(b.info);
	REQUIRE(lay != NULL);
	const struct aslrboot_region *rg = (const void *)(lay + 1);
	for (uint32_t i = 0; i < lay->count; i++)
		if (rg[i].kind != ASLRBOOT_RGN_GUARD && rg[i].kind != ASLRBOOT_RGN_DIRECT_MAP)
			EXPECT_EQ(type_at(b.info, rg[i].phys), ASLRBOOT_MEM_KERNEL);
	unboot(&b);
}

static void test_firmware_exit_failure(void)
{
	static struct fake_platform fp;
	static struct boot_env env;
	struct entry_state st;
	size_t size;
	uint8_t *img = native_kernel(&size);

	fake_init(&fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&fp, &env, img, size);
	fp.fail_exit = true;
	EXPECT_ERR(loader_run(&env, &fp.ops, &st), LDR_E_FIRMWARE);
	fake_free(&fp);
	free(img);
}

int main(void)
{
	RUN(test_boot_and_check_from_outside);
	RUN(test_verbose_prints_layout);
	RUN(test_secrets_wiped);
	RUN(test_fixed_seed_fixed_layout);
	RUN(test_malformed_leave_memory_untouched);
	RUN(test_no_space);
	RUN(test_tight_memory_warns);
	RUN(test_strict_entropy_refuses);
	RUN(test_final_memory_map);
	RUN(test_firmware_exit_failure);
	return harness_done();
}
