/* SPDX-License-Identifier: MIT */
/*
 * The test kernels' portable checks (tests/kernel/kcheck.c, seed.c) on the
 * host: loader_run() over the fake platform gives a real boot-info block
 * and real tables, which the checks must accept; then each broken promise
 * (a W+X leaf, a page missing, a region's frames or size wrong, RAM left
 * out of the direct map, another machine, a seed record that contradicts
 * itself) must be caught with its reason.  Entries are located and forged
 * through the architecture's own pte helpers, so the test runs over the
 * x86-64 and the arm64 descriptor format alike.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"
#include "fake_platform.h"
#include "harness.h"
#include "loader/arch/arch.h"
#include "loader/handoff/handoff.h"
#include "loader/loader.h"
#include "loader/tcg_log.h"
#include "rand/sha256.h"
#include "tests/kernel/kcheck.h"

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)

static char out[8192]; /* what kprintf printed */

void kprintf(const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + n, sizeof(out) - n, fmt, ap);
	va_end(ap);
}

struct booted {
	struct fake_platform fp;
	struct boot_env env;
	struct entry_state st;
	struct aslrboot_info *info;
	struct kinfo k;
	uint8_t *kernel;
	size_t ksize;
};

/* The entry of the leaf mapping va, found with the format's own decoder. */
static uint64_t *leaf_slot(struct booted *b, uint64_t va, int *level)
{
	paddr_t t = b->st.cr3;

	for (int l = PTE_LEVELS; l >= 1; l--) {
		uint64_t *tab = b->fp.ops.phys_ptr(&b->fp, t, PTE_TABLE_SIZE);
		uint64_t *e = tab ? &tab[pte_index(va, l)] : NULL;
		struct pte_info pi;

		if (!e)
			return NULL;
		switch (pte_decode(l, *e, &pi)) {
		case PTE_LEAF: *level = l; return e;
		case PTE_TABLE: t = pi.pa; break;
		default: return NULL;
		}
	}
	return NULL;
}

/* Host pointer for a kernel virtual address, through the live tables. */
static void *vptr(struct booted *b, uint64_t va, uint64_t len)
{
	int level;
	uint64_t *e = leaf_slot(b, va, &level);
	struct pte_info pi;

	if (!e || pte_decode(level, *e, &pi) != PTE_LEAF)
		return NULL;
	return b->fp.ops.phys_ptr(&b->fp, pa_add(pi.pa, va & (pte_level_size(level) - 1)), len);
}

/* Measured boot as efi/tcg2.c leaves it: entries for the kernel, the
 * command line and the configuration, and a copy of the event log (a
 * header, one firmware event, then these three) in the arena's reserved
 * hole, where the loader never writes. */
static bool with_measure;
static uint8_t logbuf[1024];
static size_t loglen;

static void lput(const void *p, size_t n)
{
	memcpy(logbuf + loglen, p, n);
	loglen += n;
}

static void lput32(uint32_t v)
{
	lput(&v, sizeof(v)); /* the host is little-endian, as the log */
}

static void log_event(uint32_t pcr, uint32_t type, const uint8_t d[32], const char *data)
{
	uint16_t alg = TCG_ALG_SHA256;

	lput32(pcr);
	lput32(type);
	lput32(1);
	lput(&alg, 2);
	lput(d, 32);
	lput32((uint32_t)strlen(data));
	lput(data, strlen(data));
}

static void measure_env(struct booted *b, struct boot_env *env)
{
	static const char sig[16] = "Spec ID Event03";
	static const char *const desc[3] = { "aslrboot kernel kernel.elf", "aslrboot cmdline",
					     "aslrboot config" };
	const uint8_t zero[20] = { 0 };
	uint16_t alg[2] = { TCG_ALG_SHA256, 32 };
	uint64_t hole = b->fp.base + b->fp.size / 2;

	env->measure_present = true;
	env->measure_count = 3;
	for (uint32_t i = 0; i < 3; i++) {
		struct aslrboot_measurement *m = &env->measure[i];
		memset(m, 0, sizeof(*m));
		m->pcr = i ? 12 : 9;
		m->event_type = ASLRBOOT_TCG_EV_IPL;
		strcpy(m->description, desc[i]);
	}
	env->measure[0].size = b->ksize;
	rand_sha256(b->kernel, b->ksize, env->measure[0].sha256);
	env->measure[1].size = strlen(env->cmdline);
	rand_sha256(env->cmdline, strlen(env->cmdline), env->measure[1].sha256);
	env->measure[2].size = 1;
	rand_sha256("x", 1, env->measure[2].sha256);
	loglen = 0;
	lput32(0);
	lput32(TCG_EV_NO_ACTION);
	lput(zero, sizeof(zero));
	lput32(16 + 12 + 4 + 1);
	lput(sig, sizeof(sig));
	lput("\0\0\0\0\0\2\0\2", 8);
	lput32(1);
	lput(alg, sizeof(alg));
	lput("", 1);
	log_event(0, 8, env->measure[2].sha256, "firmware");
	for (uint32_t i = 0; i < 3; i++)
		log_event(env->measure[i].pcr, ASLRBOOT_TCG_EV_IPL, env->measure[i].sha256,
			  desc[i]);
	memcpy(b->fp.ops.phys_ptr(&b->fp, pa_init(hole), loglen), logbuf, loglen);
	env->tpm_log = hole;
	env->tpm_log_size = loglen;
}

static bool boot(struct booted *b, const char *cmdline)
{
	struct elfgen_spec sp;

	memset(b, 0, sizeof(*b));
	out[0] = '\0';
	elfgen_spec_for(&sp, ELF_MACHINE_NATIVE); /* the core's own machine */
	b->kernel = elfgen_build(&sp, &b->ksize);
	fake_init(&b->fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&b->fp, &b->env, b->kernel, b->ksize);
	if (cmdline)
		b->env.cmdline = cmdline;
	if (with_measure)
		measure_env(b, &b->env);
	if (loader_run(&b->env, &b->fp.ops, &b->st) != LDR_OK)
		return false;
	b->info = vptr(b, va_addr(b->st.info), sizeof(*b->info));
	return b->info && !check_info(b->info, HANDOFF_MACHINE, &b->k);
}

static void unboot(struct booted *b)
{
	fake_free(&b->fp);
	free(b->kernel);
}

static const char *tables(struct booted *b)
{
	return check_page_tables(&b->k, pa_addr(b->st.cr3), b->fp.ops.phys_ptr, &b->fp);
}

/* The record's region of `kind` (a writable pointer into the block). */
static struct aslrboot_region *region(struct booted *b, uint32_t kind)
{
	return (struct aslrboot_region *)find_region(&b->k, kind, 0);
}

#define EXPECT_WHY(got, want)                                                       \
	do {                                                                        \
		const char *g_ = (got);                                             \
		if (!g_ || strncmp(g_, want, strlen(want)) != 0)                    \
			harness_fail(__FILE__, __LINE__, "got \"%s\", want \"%s\"", \
				     g_ ? g_ : "(pass)", want);                     \
	} while (0)

static void test_real_boot_passes(void)
{
	struct booted b;

	REQUIRE(boot(&b, NULL));
	EXPECT(tables(&b) == NULL);
	EXPECT(check_seed(&b.k) == NULL);
	print_entropy(&b.k);
	EXPECT(strstr(out, "entropy fixed: uncredited, 32 bytes, 0 bits credited") != NULL);
	unboot(&b);
}

static void test_machine(void)
{
	struct booted b;

	REQUIRE(boot(&b, NULL));
	EXPECT_WHY(check_info(b.info, HANDOFF_MACHINE == 62 ? 183 : 62, &b.k),
		   "boot-info machine is not this CPU's");
	/* The same block as 1.1 wrote it: a 32-byte header, no machine stated. */
	memmove((uint8_t *)b.info + 32, (uint8_t *)b.info + 40, b.info->total_size - 40);
	b.info->header_size = 32;
	b.info->total_size -= 8;
	b.info->version = ASLRBOOT_VERSION_MAJOR << 16 | 1;
	EXPECT_WHY(check_info(b.info, HANDOFF_MACHINE, &b.k),
		   "boot-info machine is not this CPU's");
	unboot(&b);
	REQUIRE(boot(&b, NULL));
	b.info->magic ^= 1;
	EXPECT_WHY(check_info(b.info, HANDOFF_MACHINE, &b.k), "boot-info magic");
	unboot(&b);
}

/* A text leaf made writable too: bits of the RW and the RX encodings of the
 * same frame, combined until the format's decoder says W and X. */
static void test_wx_leaf(void)
{
	struct booted b;
	const struct aslrboot_region *text;
	struct pte_info pi;
	uint64_t *e, w, x, d, wx = 0;
	int level;

	REQUIRE(boot(&b, NULL));
	text = find_region(&b.k, ASLRBOOT_RGN_KERNEL_SEGMENT,
			   b.k.layout->kernel_link_base + b.k.layout->kernel_slide);
	REQUIRE(text && text->prot == (ASLRBOOT_PROT_R | ASLRBOOT_PROT_X));
	e = leaf_slot(&b, text->virt, &level);
	REQUIRE(e && pte_decode(level, *e, &pi) == PTE_LEAF);
	w = pte_leaf(level, pi.pa, ASLRBOOT_PROT_R | ASLRBOOT_PROT_W);
	x = pte_leaf(level, pi.pa, ASLRBOOT_PROT_R | ASLRBOOT_PROT_X);
	d = w ^ x;
	REQUIRE(__builtin_popcountll(d) <= 8);
	for (uint64_t m = 0; m < UINT64_C(1) << __builtin_popcountll(d) && !wx; m++) {
		uint64_t c = w & ~d, bit = 0;
		for (int i = 0; i < 64; i++)
			if (d >> i & 1)
				c |= ((m >> bit++ & 1) ? w : x) & (UINT64_C(1) << i);
		if (pte_decode(level, c, &pi) == PTE_LEAF && pi.w && pi.x)
			wx = c;
	}
	REQUIRE(wx);
	*e = wx;
	EXPECT_WHY(tables(&b), "a W+X leaf");
	unboot(&b);
}

static void test_missing_page(void)
{
	struct booted b;
	const struct aslrboot_region *st;
	uint64_t *e;
	int level;

	REQUIRE(boot(&b, NULL));
	st = region(&b, ASLRBOOT_RGN_STACK);
	REQUIRE(st);
	e = leaf_slot(&b, st->virt, &level);
	REQUIRE(e);
	*e = 0;
	EXPECT_WHY(tables(&b), "region stack: ");
	unboot(&b);
}

static void test_layout_lies(void)
{
	struct booted b;
	struct aslrboot_region *r;

	REQUIRE(boot(&b, NULL));
	r = region(&b, ASLRBOOT_RGN_HEAP);
	REQUIRE(r);
	r->phys += 0x1000;
	EXPECT_WHY(tables(&b), "a leaf maps the wrong frames");
	r->phys -= 0x1000;
	r->size -= 0x1000;
	EXPECT_WHY(tables(&b), "a leaf outside every region");
	r->size += 0x1000;
	r->prot |= ASLRBOOT_PROT_X;
	EXPECT_WHY(tables(&b), "a leaf's protection differs from its region");
	r->prot &= ~ASLRBOOT_PROT_X;
	EXPECT(tables(&b) == NULL);
	r->virt = region(&b, ASLRBOOT_RGN_STACK)->virt + 0x1000; /* on the stack */
	EXPECT_WHY(tables(&b), "two mapped regions overlap");
	unboot(&b);
	REQUIRE(boot(&b, NULL));
	r = region(&b, ASLRBOOT_RGN_GUARD);
	REQUIRE(r);
	r->virt = region(&b, ASLRBOOT_RGN_STACK)->virt;
	EXPECT_WHY(tables(&b), "a guard region is mapped");
	unboot(&b);
}

/* Kernel regions of the section kind (one per unit at section
 * granularity) are kernel regions too: their read-only frames may be
 * aliased read-only in the direct map, and kernel_region finds them. */
static void test_section_regions(void)
{
	struct booted b;
	uint32_t n = 0;

	REQUIRE(boot(&b, NULL));
	for (uint32_t i = 0; i < b.k.layout->count; i++) {
		struct aslrboot_region *r = (struct aslrboot_region *)&b.k.rgn[i];
		if (r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT) {
			r->kind = ASLRBOOT_RGN_KERNEL_SECTION;
			EXPECT(kernel_region(&b.k, r->virt + r->size - 1) == r);
			n++;
		}
	}
	EXPECT(n >= 2);
	EXPECT(find_region(&b.k, ASLRBOOT_RGN_KERNEL_SEGMENT, 0) == NULL);
	EXPECT(tables(&b) == NULL);
	unboot(&b);
}

/* A reserved memory-map entry turned USABLE: RAM the direct map lacks. */
static void test_direct_map(void)
{
	struct booted b;
	const struct aslrboot_rec_memmap *mm;
	struct aslrboot_mmap_entry *e = NULL;

	REQUIRE(boot(&b, NULL));
	mm = (const void *)handoff_find(b.info, ASLRBOOT_REC_MEMMAP, NULL);
	REQUIRE(mm);
	for (uint32_t i = 0; i < mm->count && !e; i++) {
		struct aslrboot_mmap_entry *c =
			(void *)((uint8_t *)(uintptr_t)(mm + 1) + (uint64_t)i * mm->entry_size);
		if (c->type == ASLRBOOT_MEM_RESERVED && c->length >= 0x1000 &&
		    c->base + c->length <= b.k.dm_size)
			e = c;
	}
	REQUIRE(e);
	e->type = ASLRBOOT_MEM_USABLE;
	EXPECT_WHY(tables(&b), "RAM missing from the direct map");
	unboot(&b);
}

static void test_seed_record(void)
{
	struct booted b;
	struct aslrboot_rec_seed *sd;

	REQUIRE(boot(&b, "expect_credit=256"));
	EXPECT_WHY(check_seed(&b.k), "seed: credited_bits is not what this machine offers");
	unboot(&b);
	REQUIRE(boot(&b, "expect_sources=rdseed"));
	EXPECT_WHY(check_seed(&b.k), "seed: sources_used is not what this machine offers");
	unboot(&b);
	REQUIRE(boot(&b, "expect_sources=fixed expect_weak=1 expect_credit=0"));
	EXPECT(check_seed(&b.k) == NULL);
	sd = (struct aslrboot_rec_seed *)b.k.seed;
	sd->flags ^= ASLRBOOT_SEED_F_WEAK;
	EXPECT_WHY(check_seed(&b.k), "seed: WEAK flag disagrees with credited_bits");
	sd->flags ^= ASLRBOOT_SEED_F_WEAK;
	sd->sources_used |= 1u << ASLRBOOT_SRC_RDRAND;
	EXPECT_WHY(check_seed(&b.k), "seed: source masks disagree with the entropy record");
	unboot(&b);
}

static const char *measure(struct booted *b)
{
	return check_measure(&b->k, b->fp.ops.phys_ptr, &b->fp);
}

/* check_measure: a record and log as the front end writes them pass; each
 * contradiction (an entry's digest, count or order, the log's events, a
 * cut log, a record where none is expected or none where one is) is
 * caught; tpmlog prints the entries and the log. */
static void test_measure_record(void)
{
	struct booted b;
	struct aslrboot_measurement *e;
	struct aslrboot_rec_measure *m;
	uint8_t *log;

	REQUIRE(boot(&b, "expect_no_measure"));
	EXPECT(measure(&b) == NULL);
	unboot(&b);
	REQUIRE(boot(&b, "expect_measure"));
	EXPECT_WHY(measure(&b), "measure: no MEASURE record");
	unboot(&b);

	with_measure = true;
	REQUIRE(boot(&b, "expect_measure tpmlog"));
	with_measure = false;
	EXPECT(measure(&b) == NULL);
	print_measure(&b.k, b.fp.ops.phys_ptr, &b.fp);
	EXPECT(strstr(out,
		      "aslrboot-test-kernel: measure pcr=12 status=0 size=21 ticks=0 sha256=") !=
	       NULL);
	EXPECT(strstr(out, "aslrboot-test-kernel: tpmlog 000000000300000000000000") != NULL);
	m = (struct aslrboot_rec_measure *)handoff_measure(b.k.info);
	REQUIRE(m);
	e = (struct aslrboot_measurement *)handoff_measurement(m, 1);
	log = b.fp.ops.phys_ptr(&b.fp, pa_init(m->event_log), m->event_log_size);
	REQUIRE(log);

	e->sha256[0] ^= 1;
	EXPECT_WHY(measure(&b), "measure: the cmdline digest is not the cmdline's");
	e->sha256[0] ^= 1;
	e->status = ASLRBOOT_MEAS_FAILED;
	EXPECT_WHY(measure(&b), "measure: an entry not EV_IPL or not extended");
	e->status = ASLRBOOT_MEAS_EXTENDED;
	e->pcr = 10;
	EXPECT_WHY(measure(&b), "measure: an entry's PCR is not 9, 11 or 12");
	e->pcr = 12;
	m->count = 2;
	EXPECT_WHY(measure(&b), "measure: not one entry per kernel, cmdline, config and module");
	m->count = 3;
	log[m->event_log_size - 1] ^= 1; /* the config event's data */
	EXPECT_WHY(measure(&b), "measure: the log does not end with the record's events");
	log[m->event_log_size - 1] ^= 1;
	m->event_log_size--;
	EXPECT_WHY(measure(&b), "measure: a malformed event in the log copy");
	m->event_log_size++;
	m->flags = ASLRBOOT_MEASURE_F_LOG_TRUNCATED;
	EXPECT_WHY(measure(&b), "measure: the firmware's event log overflowed");
	m->flags = 0;
	EXPECT(measure(&b) == NULL);
	b.k.cmdline = "expect_no_measure";
	EXPECT_WHY(measure(&b), "measure: a MEASURE record without a TPM");
	unboot(&b);
}

/* expect_info_flags=N: the header's flags, exactly (decimal). */
static void test_expect_info_flags(void)
{
	static char line[64];
	struct booted b;
	uint32_t flags;

	REQUIRE(boot(&b, "expect_info_flags=x"));
	EXPECT_WHY(check_seed(&b.k), "bad expect_info_flags= on the command line");
	flags = b.k.info->flags;
	unboot(&b);
	snprintf(line, sizeof(line), "expect_info_flags=%u", flags);
	REQUIRE(boot(&b, line));
	EXPECT(check_seed(&b.k) == NULL);
	unboot(&b);
	snprintf(line, sizeof(line), "expect_info_flags=%u", flags | ASLRBOOT_INFO_F_SECURE_BOOT);
	REQUIRE(boot(&b, line));
	EXPECT_WHY(check_seed(&b.k), "boot-info flags are not the expected ones");
	unboot(&b);
}

int main(void)
{
	RUN(test_real_boot_passes);
	RUN(test_expect_info_flags);
	RUN(test_machine);
	RUN(test_wx_leaf);
	RUN(test_missing_page);
	RUN(test_layout_lies);
	RUN(test_section_regions);
	RUN(test_direct_map);
	RUN(test_seed_record);
	RUN(test_measure_record);
	return harness_done();
}
