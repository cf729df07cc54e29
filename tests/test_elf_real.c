// SPDX-License-Identifier: MIT
/*
 * Differential test on real PIEs built by scripts/mkfixtures.sh with the host
 * gcc/GNU ld and clang/lld (build/fixtures/real.list), and AArch64 ones from
 * the cross toolchain (aarch64.list): each is loaded at two
 * slides into separate malloc'd segment buffers and compared with
 * tests/elf_ref.c (a section-header-driven reference) and with each other:
 * exactly the relocated words differ, by exactly the slide difference
 * (unaligned relocated values, as in packed descriptor templates, too).
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elf_ref.h"
#include "elf_loaded.h"
#include "harness.h"

#define SLIDE_A UINT64_C(0x40000000)
#define SLIDE_B UINT64_C(0xffffffff80000000) /* a higher-half placement */

/* Every loaded segment equals the reference's flat image at the same slide. */
static void compare_ref(const char *name, const struct loaded *l, const struct elf_ref *r)
{
	for (uint32_t i = 0; i < l->img.nsegs; i++) {
		const struct elf_seg *s = &l->img.segs[i];

		if (memcmp(l->pl.seg_mem[i], r->flat + (s->page_start - r->lo),
			   s->page_end - s->page_start))
			harness_fail(__FILE__, __LINE__, "%s: segment %u differs from reference",
				     name, i);
	}
}

/* The 8 bytes at link address v in a loaded image (0 and a failure if none). */
static uint64_t value_at(const char *name, const struct loaded *l, uint64_t v)
{
	int s = elf_seg_of(&l->img, v);
	uint64_t w = 0;

	if (s < 0 || l->img.segs[s].page_end - v < 8)
		harness_fail(__FILE__, __LINE__, "%s: no segment at 0x%" PRIx64, name, v);
	else
		memcpy(&w, l->pl.seg_mem[s] + (v - l->img.segs[s].page_start), 8);
	return w;
}

/*
 * Between slides A and B exactly the REF_MOVES words differ, by B - A, and
 * so does every unaligned moving value (the words it straddles, REF_SPLIT,
 * are exact against the reference in compare_ref).
 */
static void compare_slides(const char *name, const struct loaded *a, const struct loaded *b,
			   const struct elf_ref *r)
{
	size_t moved = 0, want = r->nunaligned;

	for (uint64_t w = 0; w < (r->hi - r->lo) / 8; w++)
		want += r->kind[w] == REF_MOVES;
	for (uint32_t i = 0; i < a->img.nsegs; i++) {
		const struct elf_seg *s = &a->img.segs[i];

		for (uint64_t off = 0; off < s->page_end - s->page_start; off += 8) {
			uint64_t wa, wb, k = r->kind[(s->page_start + off - r->lo) / 8];

			memcpy(&wa, a->pl.seg_mem[i] + off, 8);
			memcpy(&wb, b->pl.seg_mem[i] + off, 8);
			if (k == REF_MOVES && wb - wa == SLIDE_B - SLIDE_A)
				moved++;
			else if (wa != wb && k != REF_SPLIT)
				harness_fail(__FILE__, __LINE__,
					     "%s: word at 0x%" PRIx64 " changed by 0x%" PRIx64,
					     name, s->page_start + off, wb - wa);
		}
	}
	for (size_t u = 0; u < r->nunaligned; u++) {
		uint64_t v = r->unaligned[u];

		if (value_at(name, b, v) - value_at(name, a, v) == SLIDE_B - SLIDE_A)
			moved++;
		else
			harness_fail(__FILE__, __LINE__,
				     "%s: unaligned value at 0x%" PRIx64
				     " did not move by the slide difference",
				     name, v);
	}
	EXPECT_EQ(moved, want);
}

static void check_real(const char *dir, const char *name, uint16_t machine)
{
	char path[512];
	struct loaded a, b;
	struct elf_ref r;
	size_t sz;
	uint8_t *f;
	const struct elf_reloc_stats *st = &a.img.stats;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = harness_read_file(path, &sz);
	if (!f) {
		harness_fail(__FILE__, __LINE__, "cannot read %s", path);
		return;
	}
	EXPECT_ERR(load_at_for(machine, f, sz, SLIDE_A, 0, &a, NULL), LDR_OK);
	EXPECT_ERR(load_at_for(machine, f, sz, SLIDE_B, 0, &b, NULL), LDR_OK);
	EXPECT_EQ(a.img.machine, machine);
	if (elf_ref_load(f, sz, SLIDE_A, &r) || a.img.nsegs == 0 || b.img.nsegs == 0) {
		harness_fail(__FILE__, __LINE__, "%s: not loadable", name);
	} else {
		EXPECT(r.nrelocs > 0);
		/* The packed descriptor templates: relocated values at offset 2. */
		if (strstr(name, "packed"))
			EXPECT(r.nunaligned >= 2);
		EXPECT_EQ(st->relative + st->abs64 + st->glob_dat + st->jump_slot + st->relr_relocs,
			  r.nrelocs);
		compare_ref(name, &a, &r);
		compare_slides(name, &a, &b, &r);
		elf_ref_free(&r);
		EXPECT(elf_ref_load(f, sz, SLIDE_B, &r) == 0);
		compare_ref(name, &b, &r);
	}
	printf("  %s: type %u, %u segs, relro %d, RELA %" PRIu64 " JMPREL %" PRIu64
	       " RELR words %" PRIu64 " -> %zu relocations, %zu unaligned\n",
	       name, a.img.type, a.img.nsegs, a.img.has_relro, a.img.rela_count, a.img.jmprel_count,
	       a.img.relr_count, r.nrelocs, r.nunaligned);
	elf_ref_free(&r);
	unload(&a);
	unload(&b);
	free(f);
}

/*
 * check_real() on every image named in $B/fixtures/<list> (written by
 * scripts/mkfixtures.sh during make host); seen[i] is set when a name holds
 * tags[i].  Returns the number of images, -1 (a test failure) when the list
 * is missing.
 */
static int check_list(const char *list_name, uint16_t machine, const char *const *tags, bool *seen,
		      size_t ntags)
{
	const char *b = getenv("B");
	char dir[256], path[300], line[256];
	FILE *list;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/fixtures", b && *b ? b : "build");
	snprintf(path, sizeof(path), "%s/%s", dir, list_name);
	if (!(list = fopen(path, "r"))) {
		harness_fail(__FILE__, __LINE__, "%s missing: run `make host` first", path);
		return -1;
	}
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			continue;
		check_real(dir, line, machine);
		for (size_t i = 0; i < ntags; i++)
			seen[i] |= strstr(line, tags[i]) != NULL;
		n++;
	}
	fclose(list);
	return n;
}

static void test_real_pies(void)
{
	static const char *const tags[] = { "relr", "shared", "exec", "packed" };
	bool seen[4] = { false };
	int n = check_list("real.list", ELF_MACHINE_X86_64, tags, seen, 4);

	if (n >= 0)
		EXPECT(n >= 8 && seen[0] && seen[1] && seen[2] && seen[3]);
}

/* The same sources cross-built for AArch64 (empty only without the cross
 * compiler, which scripts/deps.sh installs). */
static void test_real_aarch64(void)
{
	static const char *const tags[] = { "relr", "shared" };
	bool seen[2] = { false };
	int n = check_list("aarch64.list", ELF_MACHINE_AARCH64, tags, seen, 2);

	if (n < 0)
		return;
	if (!n && system("command -v aarch64-linux-gnu-gcc >/dev/null 2>&1") != 0) {
		printf("  no AArch64 fixtures: no aarch64-linux-gnu-gcc (scripts/deps.sh)\n");
		return;
	}
	EXPECT(n >= 3 && seen[0] && seen[1]);
}

int main(void)
{
	RUN(test_real_pies);
	RUN(test_real_aarch64);
	return harness_done();
}
