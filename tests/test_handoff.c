/* SPDX-License-Identifier: MIT */
/* Boot-info writer: round trip through the reader, record order, padding,
 * caps, input checks, and handoff_size_bound against random inputs. */
#include <stdlib.h>
#include <string.h>

#include "handoff_fixture.h"
#include "harness.h"
#include "loader/handoff/handoff.h"
#include "loader/loader.h"

#define DIRECT_MAP UINT64_C(0xffff888000000000)

static struct hf fx;
static uint64_t blk[(1 << 20) / 8]; /* 8-byte aligned output buffer */
static uint64_t blk2[(1 << 20) / 8];

/* clang-format off */
static const struct layout_region regions[] = {
	{ ASLRBOOT_RGN_KERNEL_SEGMENT, "text", ASLRBOOT_PROT_R | ASLRBOOT_PROT_X,
	  { UINT64_C(0xffffffc012345000) }, { 0x7654000 }, 0x3000, 31000, 17000, 0, 0 },
	{ ASLRBOOT_RGN_KERNEL_SEGMENT, "data", ASLRBOOT_PROT_R | ASLRBOOT_PROT_W,
	  { UINT64_C(0xffffffc012348000) }, { 0x1234000 }, 0x2000, 31000, 18500, 1, ASLRBOOT_RGN_F_PACKED },
	{ ASLRBOOT_RGN_GUARD, "guard", 0, { UINT64_C(0xffffa00000000000) }, { 0 }, 0x4000, 0, 0, -1, 0 },
	/* 16 characters, no NUL: the block carries the first 15 */
	{ ASLRBOOT_RGN_STACK, "stack-0123456789", ASLRBOOT_PROT_R | ASLRBOOT_PROT_W,
	  { UINT64_C(0xffffa00000004000) }, { 0x9999000 }, 0x10000, 35000, 20000, -1, 0 },
};
/* clang-format on */

/* A fixed input with every record present. */
static void basic(void)
{
	memset(&fx, 0, sizeof(fx));
	layout_plan_init(&fx.plan);
	fx.env.cmdline = "console=ttyS0 quiet";
	fx.env.module_count = 2;
	fx.env.modules[0] = (struct boot_module){ 0x200000, 0x1234, "initrd" };
	fx.env.modules[1] = (struct boot_module){ 0x4000000, 0x10, "mod2 arg=1" };
	fx.env.acpi_rsdp = 0xe0010;
	fx.env.acpi_revision = 2;
	fx.env.info_flags = ASLRBOOT_INFO_F_UEFI;
	memcpy(fx.plan.r, regions, sizeof(regions));
	fx.plan.count = 4;
	fx.plan.slide = UINT64_C(0xffffffc012345000);
	fx.plan.info_phys = pa_init(0x5555000);
	fx.plan.direct_map = va_init(DIRECT_MAP);
	fx.mm.count = 3;
	fx.mm.e[0] = (struct mm_entry){ 0, 0x9f000, ASLRBOOT_MEM_USABLE };
	fx.mm.e[1] = (struct mm_entry){ 0x100000, 0x7f00000, ASLRBOOT_MEM_USABLE };
	fx.mm.e[2] = (struct mm_entry){ 0xfee00000, 0x1000, ASLRBOOT_MEM_RESERVED };
	fx.seed = (struct aslrboot_rec_seed){
		.sources_used = 0x13, .sources_failed = 2, .credited_bits = 384, .flags = 0
	};
	for (int i = 0; i < ASLRBOOT_SEED_BYTES; i++)
		fx.seed.seed[i] = (uint8_t)(i + 1);
	fx.ent[0] =
		(struct aslrboot_entropy_entry){ ASLRBOOT_SRC_RDSEED, ASLRBOOT_ENT_OK, 64, 256 };
	fx.ent[1] = (struct aslrboot_entropy_entry){ ASLRBOOT_SRC_RDRAND, ASLRBOOT_ENT_UNHEALTHY, 0,
						     0 };
	fx.ent[2] = (struct aslrboot_entropy_entry){ ASLRBOOT_SRC_JITTER, ASLRBOOT_ENT_UNCREDITED,
						     32, 0 };
	for (int i = 0; i < ASLRBOOT_PHASE_COUNT; i++)
		fx.tsc[i] = 1000u * (unsigned)i + 7;
	fx.in = (struct handoff_input){ .env = &fx.env,
					.plan = &fx.plan,
					.mm = &fx.mm,
					.seed = &fx.seed,
					.entropy = fx.ent,
					.entropy_count = 3,
					.tsc = fx.tsc,
					.tsc_hz = 2000000000,
					.cr3 = 0x3000,
					.kernel_link_base = 0x400000,
					.loader_version = "0.1.0-test" };
}

static uint64_t write_ok(void *buf, uint64_t cap)
{
	uint64_t size = 0, size2 = 0;

	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_OK);
	EXPECT_ERR(handoff_write(&fx.in, buf, cap, &size2), LDR_OK);
	EXPECT_EQ(size, size2);
	return size;
}

static const void *rec(uint32_t type)
{
	return handoff_find(blk, type, NULL);
}

static void test_order_alignment_padding(void)
{
	static const uint32_t want[] = { ASLRBOOT_REC_LOADER,  ASLRBOOT_REC_SEED,
					 ASLRBOOT_REC_ENTROPY, ASLRBOOT_REC_MEMMAP,
					 ASLRBOOT_REC_LAYOUT,  ASLRBOOT_REC_UNITS,
					 ASLRBOOT_REC_CMDLINE, ASLRBOOT_REC_MODULE,
					 ASLRBOOT_REC_MODULE,  ASLRBOOT_REC_ACPI_RSDP,
					 ASLRBOOT_REC_TIMINGS, ASLRBOOT_REC_END };
	uint64_t size, off = sizeof(struct aslrboot_info);
	size_t i = 0;

	basic();
	/* Every byte is written: two buffers with different fill end up equal. */
	memset(blk, 0x00, sizeof(blk));
	memset(blk2, 0xff, sizeof(blk2));
	size = write_ok(blk, sizeof(blk));
	EXPECT_EQ(write_ok(blk2, sizeof(blk2)), size);
	EXPECT(memcmp(blk, blk2, size) == 0);
	EXPECT_EQ(((uint8_t *)blk2)[size], 0xff); /* and nothing past the end */
	EXPECT_EQ(size % 8, 0);
	EXPECT(size <= handoff_size_bound(&fx.env, fx.plan.count, fx.plan.nunits, fx.mm.count, 0));
	EXPECT_ERR(handoff_check(blk, size, NULL), LDR_OK);
	while (off < size && i < sizeof(want) / sizeof(want[0])) {
		const struct aslrboot_record *r = (const void *)((uint8_t *)blk + off);
		EXPECT_EQ(r->type, want[i]);
		EXPECT_EQ(r->size % 8, 0);
		off += r->size;
		i++;
	}
	EXPECT_EQ(i, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(off, size);
	/* string tails: NUL, then zero padding up to the record size */
	const struct aslrboot_rec_cmdline *cl = rec(ASLRBOOT_REC_CMDLINE);
	REQUIRE(cl);
	for (uint32_t j = sizeof(*cl) + cl->length; j < cl->hdr.size; j++)
		EXPECT_EQ(((const uint8_t *)cl)[j], 0);
}

static void test_header_and_fixed_records(void)
{
	const struct aslrboot_info *h = (const void *)blk;
	uint64_t size;

	basic();
	size = write_ok(blk, sizeof(blk));
	EXPECT_EQ(h->magic, ASLRBOOT_MAGIC);
	EXPECT(memcmp(blk, "ASLRBOOT", 8) == 0);
	EXPECT_EQ(h->version, (1u << 16) | 4);
	EXPECT_EQ(h->header_size, 40);
	/* The loader's own architecture, as ELF e_machine. */
#if defined(__aarch64__) || defined(LDR_ARCH_ARM64)
	EXPECT_EQ(h->machine, 183);
#else
	EXPECT_EQ(h->machine, 62);
#endif
	EXPECT_EQ(h->reserved, 0);
	EXPECT_EQ(handoff_machine(h), h->machine);
	EXPECT_EQ(h->total_size, size);
	EXPECT_EQ(h->flags, ASLRBOOT_INFO_F_UEFI);
	EXPECT_EQ(h->info_phys, 0x5555000);

	const struct aslrboot_rec_loader *lo = rec(ASLRBOOT_REC_LOADER);
	REQUIRE(lo);
	EXPECT(strcmp(lo->name, "aslrboot") == 0);
	EXPECT(strcmp(lo->version, "0.1.0-test") == 0);

	const struct aslrboot_rec_seed *sd = rec(ASLRBOOT_REC_SEED);
	REQUIRE(sd);
	EXPECT_EQ(sd->hdr.size, sizeof(*sd));
	EXPECT_EQ(sd->sources_used, 0x13);
	EXPECT_EQ(sd->sources_failed, 2);
	EXPECT_EQ(sd->credited_bits, 384);
	EXPECT(memcmp(sd->seed, fx.seed.seed, ASLRBOOT_SEED_BYTES) == 0);

	const struct aslrboot_rec_entropy *en = rec(ASLRBOOT_REC_ENTROPY);
	REQUIRE(en);
	EXPECT_EQ(en->count, 3);
	EXPECT_EQ(en->entry_size, sizeof(struct aslrboot_entropy_entry));
	EXPECT(memcmp(en + 1, fx.ent, 3 * sizeof(fx.ent[0])) == 0);

	const struct aslrboot_rec_acpi *ac = rec(ASLRBOOT_REC_ACPI_RSDP);
	REQUIRE(ac);
	EXPECT_EQ(ac->rsdp_phys, 0xe0010);
	EXPECT_EQ(ac->revision, 2);

	const struct aslrboot_rec_timings *ti = rec(ASLRBOOT_REC_TIMINGS);
	REQUIRE(ti);
	EXPECT_EQ(ti->count, ASLRBOOT_PHASE_COUNT);
	EXPECT_EQ(ti->tsc_hz, 2000000000);
	EXPECT_EQ(ti->tsc[ASLRBOOT_PHASE_KERNEL_ENTRY], 9007);

	const struct aslrboot_record *end = rec(ASLRBOOT_REC_END);
	REQUIRE(end);
	EXPECT_EQ((const uint8_t *)end - (const uint8_t *)blk, size - 8);
	EXPECT_EQ(end->size, 8);
}

static void test_memmap_layout_records(void)
{
	basic();
	write_ok(blk, sizeof(blk));
	const struct aslrboot_rec_memmap *mm = rec(ASLRBOOT_REC_MEMMAP);
	REQUIRE(mm);
	EXPECT_EQ(mm->count, 3);
	EXPECT_EQ(mm->entry_size, sizeof(struct aslrboot_mmap_entry));
	const struct aslrboot_mmap_entry *me = (const void *)(mm + 1);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(me[i].base, fx.mm.e[i].base);
		EXPECT_EQ(me[i].length, fx.mm.e[i].len);
		EXPECT_EQ(me[i].type, fx.mm.e[i].type);
		EXPECT_EQ(me[i].reserved, 0);
	}

	const struct aslrboot_rec_layout *ly = rec(ASLRBOOT_REC_LAYOUT);
	REQUIRE(ly);
	EXPECT_EQ(ly->count, 4);
	EXPECT_EQ(ly->entry_size, sizeof(struct aslrboot_region));
	EXPECT_EQ(ly->kernel_slide, fx.plan.slide);
	EXPECT_EQ(ly->kernel_link_base, 0x400000);
	EXPECT_EQ(ly->cr3, 0x3000);
	const struct aslrboot_region *g = (const void *)(ly + 1);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(g[i].virt, va_addr(regions[i].virt));
		EXPECT_EQ(g[i].phys, pa_addr(regions[i].phys));
		EXPECT_EQ(g[i].size, regions[i].size);
		EXPECT_EQ(g[i].kind, regions[i].kind);
		EXPECT_EQ(g[i].prot, regions[i].prot);
		EXPECT_EQ(g[i].virt_entropy_mbits, regions[i].virt_mbits);
		EXPECT_EQ(g[i].phys_entropy_mbits, regions[i].phys_mbits);
		EXPECT_EQ(g[i].flags, regions[i].flags);
		EXPECT_EQ(g[i].reserved, 0);
	}
	EXPECT_EQ(g[1].flags, ASLRBOOT_RGN_F_PACKED);
	EXPECT(strcmp(g[0].name, "text") == 0);
	EXPECT(strcmp(g[3].name, "stack-012345678") == 0);
}

/* UNITS: one entry per unit, the bytes it holds at their run-time place;
 * always written (count 0 for a plan without units). */
static void test_units_record(void)
{
	const struct aslrboot_rec_units *u;
	const struct aslrboot_unit *e;

	basic();
	write_ok(blk, sizeof(blk));
	REQUIRE((u = rec(ASLRBOOT_REC_UNITS)));
	EXPECT_EQ(u->count, 0);
	EXPECT_EQ(u->hdr.size, sizeof(*u));
	EXPECT_EQ(u->granularity, ASLRBOOT_GRANULARITY_SEGMENT);
	/* A segment: its page span at link 0x400000, its bytes from 0x400120. */
	fx.plan.unit[0] = (struct layout_unit){ .link = 0x400000,
						.size = 0x3000,
						.virt = va_init(UINT64_C(0xffffffc012745000)),
						.phys = pa_init(0x7000000),
						.rec_link = 0x400120,
						.rec_size = 0x2ee0,
						.index = 0,
						.prot = ASLRBOOT_PROT_R | ASLRBOOT_PROT_X,
						.virt_mbits = 21500 };
	fx.plan.unit[1] = (struct layout_unit){ .link = 0x403000,
						.size = 0x2000,
						.virt = va_init(UINT64_C(0xffffffc012748000)),
						.phys = pa_init(0x9000000),
						.rec_link = 0x403000,
						.rec_size = 0x1800,
						.index = 1,
						.prot = ASLRBOOT_PROT_R | ASLRBOOT_PROT_W,
						.virt_mbits = 21500 };
	fx.plan.nunits = 2;
	write_ok(blk, sizeof(blk));
	REQUIRE((u = rec(ASLRBOOT_REC_UNITS)));
	EXPECT_EQ(u->count, 2);
	EXPECT_EQ(u->entry_size, sizeof(struct aslrboot_unit));
	EXPECT_EQ(u->hdr.size, sizeof(*u) + 2 * sizeof(*e));
	e = (const void *)(u + 1);
	EXPECT_EQ(e[0].link, 0x400120);
	EXPECT_EQ(e[0].size, 0x2ee0);
	EXPECT_EQ(e[0].virt, UINT64_C(0xffffffc012745120));
	EXPECT_EQ(e[0].phys, 0x7000120);
	EXPECT_EQ(e[0].prot, ASLRBOOT_PROT_R | ASLRBOOT_PROT_X);
	EXPECT_EQ(e[0].index, 0);
	EXPECT_EQ(e[0].virt_entropy_mbits, 21500);
	EXPECT_EQ(e[0].reserved, 0);
	EXPECT_EQ(e[1].link, 0x403000);
	EXPECT_EQ(e[1].virt, UINT64_C(0xffffffc012748000));
	EXPECT_EQ(e[1].phys, 0x9000000);
	EXPECT_EQ(e[1].index, 1);
	/* A section plan: granularity SECTION, its units from its own storage. */
	fx.plan.granularity = ASLRBOOT_GRANULARITY_SECTION;
	write_ok(blk, sizeof(blk));
	REQUIRE((u = rec(ASLRBOOT_REC_UNITS)));
	EXPECT_EQ(u->granularity, ASLRBOOT_GRANULARITY_SECTION);
}

/* Thousands of section units: the bound holds, the block is well formed. */
static void test_units_bound(void)
{
	const uint32_t n = 3000;
	uint64_t bytes = layout_store_bytes(n), size = 0;
	void *mem = malloc(bytes), *big;
	struct layout_store st;

	REQUIRE(mem);
	layout_store_init(&st, mem, n);
	basic();
	fx.plan.r = st.r;
	fx.plan.r_cap = st.r_cap;
	fx.plan.unit = st.unit;
	fx.plan.unit_cap = st.unit_cap;
	fx.plan.granularity = ASLRBOOT_GRANULARITY_SECTION;
	for (uint32_t i = 0; i < n; i++) {
		st.unit[i] = (struct layout_unit){ .link = 0x1000 * (uint64_t)i,
						   .size = 0x10,
						   .rec_link = 0x1000 * (uint64_t)i,
						   .rec_size = 0x10,
						   .index = i + 1 };
		st.r[i] = (struct layout_region){ .kind = ASLRBOOT_RGN_KERNEL_SECTION,
						  .size = 0x1000,
						  .seg = (int32_t)i };
	}
	fx.plan.nunits = n;
	fx.plan.count = n;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_OK);
	EXPECT(size <= handoff_size_bound(&fx.env, n, n, fx.mm.count, 0));
	EXPECT(size > handoff_size_bound(&fx.env, n, 0, fx.mm.count, 0));
	REQUIRE((big = calloc(1, size)));
	EXPECT_ERR(handoff_write(&fx.in, big, size, &size), LDR_OK);
	EXPECT_ERR(handoff_check(big, size, NULL), LDR_OK);
	free(big);
	free(mem);
}

static void test_strings_and_modules(void)
{
	basic();
	write_ok(blk, sizeof(blk));
	const struct aslrboot_rec_cmdline *cl = rec(ASLRBOOT_REC_CMDLINE);
	REQUIRE(cl);
	EXPECT_EQ(cl->length, strlen("console=ttyS0 quiet"));
	EXPECT(strcmp((const char *)(cl + 1), "console=ttyS0 quiet") == 0);

	const struct aslrboot_rec_module *m = rec(ASLRBOOT_REC_MODULE);
	REQUIRE(m);
	EXPECT_EQ(m->phys, 0x200000);
	EXPECT_EQ(m->virt, DIRECT_MAP + 0x200000);
	EXPECT_EQ(m->size, 0x1234);
	EXPECT_EQ(m->string_length, 6);
	EXPECT(strcmp((const char *)(m + 1), "initrd") == 0);
	m = (const void *)handoff_find(blk, ASLRBOOT_REC_MODULE, &m->hdr);
	REQUIRE(m);
	EXPECT_EQ(m->virt, DIRECT_MAP + 0x4000000);
	EXPECT(strcmp((const char *)(m + 1), "mod2 arg=1") == 0);
	EXPECT(handoff_find(blk, ASLRBOOT_REC_MODULE, &m->hdr) == NULL);
}

/* No cmdline, modules, ACPI or timings: CMDLINE is still there, empty. */
static void test_minimal(void)
{
	basic();
	fx.env.cmdline = NULL;
	fx.env.module_count = 0;
	fx.env.acpi_rsdp = 0;
	fx.in.tsc = NULL;
	fx.in.entropy = NULL;
	fx.in.entropy_count = 0;
	fx.in.loader_version = NULL;
	fx.env.opts.aslr_off = true;
	fx.env.opts.verbose = true;
	uint64_t size = write_ok(blk, sizeof(blk));
	EXPECT_ERR(handoff_check(blk, size, NULL), LDR_OK);
	const struct aslrboot_rec_cmdline *cl = rec(ASLRBOOT_REC_CMDLINE);
	REQUIRE(cl);
	EXPECT_EQ(cl->length, 0);
	EXPECT_EQ(cl->hdr.size, 24);
	EXPECT(rec(ASLRBOOT_REC_MODULE) == NULL);
	EXPECT(rec(ASLRBOOT_REC_ACPI_RSDP) == NULL);
	const struct aslrboot_rec_timings *ti = rec(ASLRBOOT_REC_TIMINGS);
	REQUIRE(ti);
	EXPECT_EQ(ti->tsc[0], 0);
	const struct aslrboot_rec_loader *lo = rec(ASLRBOOT_REC_LOADER);
	REQUIRE(lo);
	EXPECT(strcmp(lo->version, ASLRBOOT_VERSION_STRING) == 0);
	EXPECT_EQ(((const struct aslrboot_info *)blk)->flags,
		  ASLRBOOT_INFO_F_UEFI | ASLRBOOT_INFO_F_ASLR_OFF | ASLRBOOT_INFO_F_VERBOSE);
}

static void test_cmdline_cap(void)
{
	static char big[BOOT_MAX_CMDLINE + 100];

	basic();
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fx.env.cmdline = big;
	fx.env.modules[1].string = big;
	uint64_t size = write_ok(blk, sizeof(blk));
	EXPECT_ERR(handoff_check(blk, size, NULL), LDR_OK);
	EXPECT(size <= handoff_size_bound(&fx.env, fx.plan.count, fx.plan.nunits, fx.mm.count, 0));
	const struct aslrboot_rec_cmdline *cl = rec(ASLRBOOT_REC_CMDLINE);
	REQUIRE(cl);
	EXPECT_EQ(cl->length, BOOT_MAX_CMDLINE);
	EXPECT_EQ(strlen((const char *)(cl + 1)), BOOT_MAX_CMDLINE);
	const struct aslrboot_rec_module *m = rec(ASLRBOOT_REC_MODULE);
	m = (const void *)handoff_find(blk, ASLRBOOT_REC_MODULE, &m->hdr);
	REQUIRE(m);
	EXPECT_EQ(m->string_length, BOOT_MAX_CMDLINE);
}

/* cap one record short: E_HANDOFF and not a byte written. */
static void test_cap_too_small(void)
{
	uint64_t size = 0, got = 0;

	basic();
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_OK);
	memset(blk, 0x5a, sizeof(blk));
	EXPECT_ERR(handoff_write(&fx.in, blk, size - 8, &got), LDR_E_HANDOFF);
	for (uint64_t i = 0; i < size; i++)
		if (((uint8_t *)blk)[i] != 0x5a) {
			EXPECT_EQ(i, UINT64_MAX);
			break;
		}
	EXPECT_ERR(handoff_write(&fx.in, blk, size, &got), LDR_OK);
	EXPECT_EQ(got, size);
}

static void test_bad_input(void)
{
	uint64_t size;

	basic();
	fx.in.seed = NULL;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.plan.count = LAYOUT_MAX_REGIONS + 1;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.plan.nunits = LAYOUT_MAX_UNITS + 1; /* above the plan's own array */
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.plan.r = NULL;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.mm.count = MEMMAP_MAX + 1;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.env.module_count = BOOT_MAX_MODULES + 1;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.in.entropy_count = HANDOFF_MAX_ENTROPY + 1;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.in.entropy = NULL;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	basic();
	fx.env.modules[1].phys = UINT64_C(0x0000800000000000); /* direct map + phys wraps */
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
	EXPECT_ERR(handoff_write(NULL, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
}

/* MEASURE: written iff the front end measured (a TPM was there), after
 * TIMINGS; the entries as measured, descriptions NUL-terminated. */
static void test_measure_record(void)
{
	const struct aslrboot_rec_measure *m;
	uint64_t size;

	basic();
	write_ok(blk, sizeof(blk));
	EXPECT(rec(ASLRBOOT_REC_MEASURE) == NULL);
	EXPECT(handoff_measure(blk) == NULL);

	basic();
	fx.env.measure_present = true; /* a TPM, nothing measured yet: an empty record */
	size = write_ok(blk, sizeof(blk));
	REQUIRE((m = handoff_measure(blk)));
	EXPECT_EQ(m->count, 0);
	EXPECT_EQ(m->hdr.size, sizeof(*m));
	EXPECT(size <= handoff_size_bound(&fx.env, fx.plan.count, fx.plan.nunits, fx.mm.count, 0));

	fx.env.measure_count = 3;
	for (uint32_t i = 0; i < 3; i++) {
		struct aslrboot_measurement *e = &fx.env.measure[i];
		e->pcr = i == 2 ? 12 : 9;
		e->event_type = ASLRBOOT_TCG_EV_IPL;
		e->status = i == 1 ? ASLRBOOT_MEAS_FAILED : ASLRBOOT_MEAS_EXTENDED;
		e->size = 1000u + i;
		e->ticks = 77u * i;
		memset(e->sha256, 0xa0 + (int)i, sizeof(e->sha256));
		memset(e->description, 'd', sizeof(e->description)); /* no NUL: cut */
	}
	memcpy(fx.env.measure[0].description, "aslrboot kernel", 16);
	fx.env.measure_flags = ASLRBOOT_MEASURE_F_LOG_TRUNCATED;
	fx.env.tpm_log = 0x7000000;
	fx.env.tpm_log_size = 0x1234;
	fx.env.tpm_final_events = 0x7fe0000;
	size = write_ok(blk, sizeof(blk));
	EXPECT(size <= handoff_size_bound(&fx.env, fx.plan.count, fx.plan.nunits, fx.mm.count, 0));
	EXPECT_ERR(handoff_check(blk, size, NULL), LDR_OK);
	REQUIRE((m = handoff_measure(blk)));
	EXPECT_EQ(m->count, 3);
	EXPECT_EQ(m->entry_size, sizeof(struct aslrboot_measurement));
	EXPECT_EQ(m->hdr.size, sizeof(*m) + 3 * sizeof(struct aslrboot_measurement));
	EXPECT_EQ(m->event_log, 0x7000000);
	EXPECT_EQ(m->event_log_size, 0x1234);
	EXPECT_EQ(m->final_events, 0x7fe0000);
	EXPECT_EQ(m->flags, ASLRBOOT_MEASURE_F_LOG_TRUNCATED);
	EXPECT_EQ(m->reserved, 0);
	/* Last before END, after TIMINGS. */
	EXPECT((const uint8_t *)m > (const uint8_t *)rec(ASLRBOOT_REC_TIMINGS));
	EXPECT_EQ((const uint8_t *)m + m->hdr.size, (const uint8_t *)rec(ASLRBOOT_REC_END));
	EXPECT(strcmp(handoff_measurement(m, 0)->description, "aslrboot kernel") == 0);
	EXPECT_EQ(strlen(handoff_measurement(m, 2)->description), 63);
	for (uint32_t i = 0; i < 3; i++) {
		const struct aslrboot_measurement *e = handoff_measurement(m, i);
		EXPECT_EQ(e->pcr, fx.env.measure[i].pcr);
		EXPECT_EQ(e->status, fx.env.measure[i].status);
		EXPECT_EQ(e->size, 1000u + i);
		EXPECT_EQ(e->ticks, 77u * i);
		EXPECT_EQ(e->sha256[31], 0xa0 + i);
	}

	fx.env.measure_count = BOOT_MAX_MEASURE + 1;
	EXPECT_ERR(handoff_write(&fx.in, NULL, 0, &size), LDR_E_HANDOFF_INPUT);
}

/* handoff_size_bound is a true upper bound: 3000 random inputs (counts up to
 * every cap, over-long strings, missing pieces), the map split between
 * mm_entries and extra_mm at random.  Deterministic seed. */
static void test_bound_random(void)
{
	struct hf_src src = { .x = UINT64_C(0x9e3779b97f4a7c15) };
	uint64_t worst_slack = 0;

	for (int it = 0; it < 3000 && !harness_case_failed; it++) {
		uint64_t size = 0, bound;
		uint32_t extra;

		hf_random(&fx, &src);
		extra = fx.mm.count ? (uint32_t)(hf_u64(&src) % (fx.mm.count + 1)) : 0;
		bound = handoff_size_bound(&fx.env, fx.plan.count, fx.plan.nunits,
					   fx.mm.count - extra, extra);
		EXPECT_ERR(handoff_write(&fx.in, blk, bound, &size), LDR_OK);
		EXPECT(size <= bound);
		EXPECT_ERR(handoff_check(blk, size, NULL), LDR_OK);
		if (size <= bound && bound - size > worst_slack)
			worst_slack = bound - size;
	}
	/* And tight: only the entropy and ACPI allowances can be unused. */
	EXPECT(worst_slack <= HANDOFF_MAX_ENTROPY * sizeof(struct aslrboot_entropy_entry) +
				      sizeof(struct aslrboot_rec_acpi));
}

/* Every single-byte corruption and every truncation of a real block is
 * either accepted or rejected with a code; ASan/UBSan watch the reads. */
static void test_mutations(void)
{
	uint64_t size;
	struct ldr_diag d;

	basic();
	size = write_ok(blk2, sizeof(blk2));
	for (uint64_t i = 0; i < size; i++) {
		memcpy(blk, blk2, size);
		((uint8_t *)blk)[i] ^= 0xff;
		enum ldr_err err = handoff_check(blk, size, &d);
		EXPECT(err == LDR_OK || (err >= LDR_E_INFO_ALIGN && err <= LDR_E_INFO_END));
		if (!err)
			for (uint32_t t = 0; t <= ASLRBOOT_REC_MEASURE; t++)
				for (const struct aslrboot_record *r = handoff_find(blk, t, NULL);
				     r; r = handoff_find(blk, t, r))
					EXPECT(r->size >= 8);
	}
	for (uint64_t len = 0; len < size; len++)
		EXPECT(handoff_check(blk2, len, NULL) != LDR_OK);
}

int main(void)
{
	RUN(test_order_alignment_padding);
	RUN(test_header_and_fixed_records);
	RUN(test_memmap_layout_records);
	RUN(test_units_record);
	RUN(test_units_bound);
	RUN(test_strings_and_modules);
	RUN(test_minimal);
	RUN(test_cmdline_cap);
	RUN(test_cap_too_small);
	RUN(test_bad_input);
	RUN(test_measure_record);
	RUN(test_bound_random);
	RUN(test_mutations);
	return harness_done();
}
