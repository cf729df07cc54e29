// SPDX-License-Identifier: MIT
/*
 * Differential test over real binaries nobody here wrote: every x86-64
 * ELF64 ET_DYN file under /usr/bin and /usr/lib (sampled evenly down to
 * MAX_FILES, files up to MAX_FILE_SIZE) is parsed by elf/ (ELF_POL_INSPECT)
 * and read by libelf (loader/tools/elfview.c).
 *   accepted: segments, entry, RELRO, dynamic tables and relocation counts
 *     must match (diff_view), and elf_load + elf_relocate at two slides must
 *     reproduce libelf's relocated image word for word (diff_relocs);
 *   rejected: libelf must see the reason, and the reason must be a
 *     deliberate policy refusal (diff_confirm) - W+X, shared pages,
 *     relocation types outside the allow-list, no entry point, caps.
 * Prints a histogram of rejection codes.  Knobs: ELF_DIFF_MAX (file cap),
 * ELF_DIFF_SECONDS (time budget, default 40; stopping early is reported).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elf_diff.h"
#include "harness.h"
#include "loader/log.h"

#define MAX_FILES 2000
#define MAX_FILE_SIZE (64L << 20)
#define MIN_FILES 50 /* fewer PIEs than this on the machine: the test would prove little */
#define MAX_REPORTS 40
#define SLIDE1 UINT64_C(0x00007f3a5c000000) /* both 2 MiB aligned (ELF_MAX_ALIGN) */
#define SLIDE2 UINT64_C(0xffffffff7fe00000)

static char **paths;
static size_t npaths, cap_paths;
static uint16_t machine = EM_X86_64; /* of the files collected and compared */

static struct {
	size_t compared, accepted, rejected, unreadable, disagreements, libraries;
	bool out_of_time;
	uint64_t hist[LDR_ERR_COUNT];
	const char *example[LDR_ERR_COUNT];
	uint64_t rtype[EV_MAX_TYPES + 1]; /* E_RELOC_TYPE rejections by r_type (last: >= 64) */
	uint64_t files_with_symrel, files_with_relr;
	struct reloc_diff_stats rs;
	const char *probe; /* an accepted file with relocations, for the self-test */
} T;

static bool is_pie64(const char *path)
{
	unsigned char h[64];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && !memcmp(h, ELFMAG, SELFMAG) &&
	     h[EI_CLASS] == ELFCLASS64 && h[EI_DATA] == ELFDATA2LSB &&
	     (h[16] | h[17] << 8) == ET_DYN && (h[18] | h[19] << 8) == machine;
	close(fd);
	return ok;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D && !strcmp(path, "/usr/lib/debug"))
		return FTW_SKIP_SUBTREE; /* separate debug info: headers without the bytes */
	if (flag != FTW_F || !S_ISREG(st->st_mode) || st->st_size < 64 ||
	    st->st_size > MAX_FILE_SIZE || !is_pie64(path))
		return 0;
	if (npaths == cap_paths) {
		cap_paths = cap_paths ? 2 * cap_paths : 1024;
		paths = realloc(paths, cap_paths * sizeof(*paths));
		if (!paths)
			abort();
	}
	paths[npaths++] = strdup(path);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, then every (npaths / max)-th: deterministic, spread over both trees. */
static void collect(void)
{
	const char *env = getenv("ELF_DIFF_MAX");
	size_t max = env ? strtoul(env, NULL, 0) : MAX_FILES, k;

	nftw("/usr/bin", visit, 32, FTW_PHYS | FTW_ACTIONRETVAL);
	nftw("/usr/lib", visit, 32, FTW_PHYS | FTW_ACTIONRETVAL);
	qsort(paths, npaths, sizeof(*paths), by_name);
	if (max && npaths > max) {
		char **keep = calloc(max, sizeof(*keep));

		if (!keep)
			abort();
		for (k = 0; k < max; k++) {
			keep[k] = paths[k * npaths / max];
			paths[k * npaths / max] = NULL;
		}
		for (k = 0; k < npaths; k++)
			free(paths[k]);
		free(paths);
		paths = keep;
		printf("sampled %zu of %zu PIEs\n", max, npaths);
		npaths = max;
	}
}

static void disagree(const char *path, const char *why)
{
	if (T.disagreements++ < MAX_REPORTS)
		printf("DIFF %s: %s\n", path, why);
	harness_case_failed++;
}

static void check_accepted(const char *path, const struct elf_image *img, struct elfview *v)
{
	char why[256];

	T.accepted++;
	if (diff_view(img, v, why, sizeof(why))) {
		disagree(path, why);
		return;
	}
	if (diff_relocs(img, v, SLIDE1, SLIDE2, 0, &T.rs, why, sizeof(why))) {
		disagree(path, why);
		return;
	}
	T.files_with_symrel += img->stats.abs64 + img->stats.glob_dat + img->stats.jump_slot > 0;
	T.files_with_relr += img->relr_count > 0;
	if (!T.probe && img->stats.relative && img->stats.glob_dat)
		T.probe = path;
}

static void check_rejected(const char *path, const struct ldr_diag *d, struct elfview *v,
			   const uint8_t *buf, size_t size);

/* A shared library has e_entry 0 (outside every executable segment, so
 * refused): give it the first executable PT_LOAD's address and compare
 * everything else too. */
static void retry_library(const char *path, struct elfview *v, const uint8_t *buf, size_t size)
{
	struct elf_image img;
	struct ldr_diag d = { 0 };
	uint8_t *copy;

	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];

		if (p->type != PT_LOAD || !(p->flags & PF_X) || !p->filesz)
			continue;
		struct elfview pv;

		copy = malloc(size);
		if (!copy)
			abort();
		memcpy(copy, buf, size);
		memcpy(copy + offsetof(Elf64_Ehdr, e_entry), &p->vaddr, 8);
		T.libraries++;
		if (ev_open(&pv, copy, size))
			disagree(path, pv.err);
		else if (elf_parse(copy, size, machine, ELF_POL_INSPECT, &img, &d) == LDR_OK)
			check_accepted(path, &img, &pv);
		else
			check_rejected(path, &d, &pv, copy, size);
		ev_close(&pv);
		free(copy);
		return;
	}
}

static void check_rejected(const char *path, const struct ldr_diag *d, struct elfview *v,
			   const uint8_t *buf, size_t size)
{
	char why[256], line[320];

	T.rejected++;
	T.hist[d->err]++;
	if (!T.example[d->err])
		T.example[d->err] = path;
	if (d->err == LDR_E_RELOC_TYPE)
		T.rtype[d->value < EV_MAX_TYPES ? d->value : EV_MAX_TYPES]++;
	if (!diff_confirm(d, v, why, sizeof(why))) {
		ldr_format_diag(line, sizeof(line), path, d);
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " (%.200s, %zu bytes)", line,
			 size);
		disagree(path, why);
	} else if (d->err == LDR_E_ENTRY && v->eh.e_entry == 0) {
		retry_library(path, v, buf, size);
	}
}

static void check_one(const char *path)
{
	struct elf_image img;
	struct ldr_diag d = { 0 };
	struct elfview v;
	size_t size;
	uint8_t *buf = harness_read_file(path, &size);

	if (!buf) {
		T.unreadable++;
		return;
	}
	T.compared++;
	if (ev_open(&v, buf, size))
		disagree(path, v.err); /* chosen as ELF64 ET_DYN, so libelf must read it */
	else if (elf_parse(buf, size, machine, ELF_POL_INSPECT, &img, &d) == LDR_OK)
		check_accepted(path, &img, &v);
	else
		check_rejected(path, &d, &v, buf, size);
	ev_close(&v);
	free(buf);
}

static void test_enough_pies(void)
{
	collect();
	printf("%zu x86-64 ELF64 ET_DYN files under /usr/bin and /usr/lib\n", npaths);
	EXPECT(npaths >= MIN_FILES);
}

static void test_libelf_agrees(void)
{
	const char *env = getenv("ELF_DIFF_SECONDS");
	time_t end = time(NULL) + (env ? atoi(env) : 40);

	for (size_t i = 0; i < npaths; i++) {
		if (time(NULL) > end) {
			T.out_of_time = true;
			printf("time budget spent: stopped after %zu of %zu files\n", i, npaths);
			break;
		}
		check_one(paths[i]);
	}
	printf("compared %zu files (unreadable %zu); %zu libraries (e_entry 0) compared again "
	       "with an entry point: accepted %zu, rejected %zu, disagreements %zu\n",
	       T.compared, T.unreadable, T.libraries, T.accepted, T.rejected, T.disagreements);
	printf("relocation check: %llu words moved by the slide, %llu fixed, %llu bytes per slide; "
	       "%llu files with symbol relocations, %llu with RELR\n",
	       (unsigned long long)T.rs.moved, (unsigned long long)T.rs.fixed,
	       (unsigned long long)T.rs.bytes, (unsigned long long)T.files_with_symrel,
	       (unsigned long long)T.files_with_relr);
	printf("rejections by code (documented policy only):\n");
	for (int e = 0; e < LDR_ERR_COUNT; e++)
		if (T.hist[e])
			printf("  %-20s %6llu  e.g. %s\n", ldr_errname((enum ldr_err)e),
			       (unsigned long long)T.hist[e], T.example[e]);
	for (uint32_t t = 0; t <= EV_MAX_TYPES; t++)
		if (T.rtype[t])
			printf("    E_RELOC_TYPE r_type %-22s %6llu\n",
			       t < EV_MAX_TYPES && ev_rtype_name(EM_X86_64, t) ?
				       ev_rtype_name(EM_X86_64, t) :
				       ">= 64 / unnamed",
			       (unsigned long long)T.rtype[t]);
	/* The comparison must not be vacuous. */
	EXPECT(T.accepted >= T.compared / 10);
	EXPECT(T.rs.moved > 0);
}

/* The checkers can fail: each catches a planted disagreement. */
static void test_checkers_catch_planted_errors(void)
{
	struct elf_image img, bent;
	struct reloc_diff_stats rs = { 0 };
	struct ldr_diag wx = { .err = LDR_E_WX, .index = 0 };
	struct elfview v;
	char why[256];
	size_t size;
	uint8_t *buf;

	REQUIRE(T.probe); /* an accepted file with RELATIVE and GLOB_DAT relocations */
	buf = harness_read_file(T.probe, &size);
	REQUIRE(buf);
	REQUIRE(ev_open(&v, buf, size) == 0);
	REQUIRE(elf_parse(buf, size, ELF_MACHINE_X86_64, ELF_POL_INSPECT, &img, NULL) == LDR_OK);
	EXPECT_EQ(diff_view(&img, &v, why, sizeof(why)), 0);
	EXPECT_EQ(diff_relocs(&img, &v, SLIDE1, SLIDE2, 0, &rs, why, sizeof(why)), 0);
	EXPECT(diff_relocs(&img, &v, SLIDE1, SLIDE2, 1, &rs, why, sizeof(why)) > 0);
	printf("planted relocation error caught: %s\n", why);
	bent = img;
	bent.segs[img.nsegs - 1].memsz += 8;
	EXPECT(diff_view(&bent, &v, why, sizeof(why)) > 0);
	bent = img;
	bent.stats.glob_dat--;
	EXPECT(diff_view(&bent, &v, why, sizeof(why)) > 0);
	bent = img;
	bent.relro_end += 4096;
	EXPECT(diff_view(&bent, &v, why, sizeof(why)) > 0);
	/* A W+X verdict on a file libelf shows without W+X is not confirmed. */
	for (size_t i = 0; i < v.nphdr; i++)
		if (v.ph[i].type == PT_LOAD)
			wx.index = (int64_t)i;
	EXPECT_EQ(diff_confirm(&wx, &v, why, sizeof(why)), 0);
	ev_close(&v);
	free(buf);
}

/*
 * The AArch64 shared libraries of the cross toolchain (libc, libm, libgcc_s,
 * the sanitizer runtimes... under /usr/aarch64-linux-gnu), compared the same
 * way for EM_AARCH64: R_AARCH64_RELATIVE, ABS64, GLOB_DAT, JUMP_SLOT applied
 * and checked at two slides, COPY/TLS/TLSDESC/IRELATIVE counted.
 */
static void test_aarch64_libraries(void)
{
	size_t accepted = T.accepted, compared = T.compared;
	uint64_t moved = T.rs.moved, symrel = T.files_with_symrel;

	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	npaths = 0;
	machine = EM_AARCH64;
	nftw("/usr/aarch64-linux-gnu", visit, 32, FTW_PHYS | FTW_ACTIONRETVAL);
	qsort(paths, npaths, sizeof(*paths), by_name);
	printf("%zu AArch64 ELF64 ET_DYN files under /usr/aarch64-linux-gnu\n", npaths);
	if (!npaths && system("command -v aarch64-linux-gnu-gcc >/dev/null 2>&1") != 0) {
		printf("  none: no cross toolchain (scripts/deps.sh installs it)\n");
		return;
	}
	for (size_t i = 0; i < npaths; i++)
		check_one(paths[i]);
	printf("AArch64: compared %zu, accepted %zu (libraries with an entry point included), "
	       "%llu words moved by the slide, %llu files with symbol relocations\n",
	       T.compared - compared, T.accepted - accepted,
	       (unsigned long long)(T.rs.moved - moved),
	       (unsigned long long)(T.files_with_symrel - symrel));
	EXPECT(npaths >= 10);
	EXPECT(T.accepted - accepted >= 5);
	EXPECT(T.rs.moved > moved && T.files_with_symrel > symrel);
}

int main(void)
{
	RUN(test_enough_pies);
	RUN(test_libelf_agrees);
	RUN(test_checkers_catch_planted_errors);
	RUN(test_aarch64_libraries);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	return harness_done();
}
