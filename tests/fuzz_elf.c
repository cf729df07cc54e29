// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: elf_parse under every policy, for each machine (x86-64
 * and AArch64: their relocation types differ); when an image is accepted
 * (and small), elf_load + elf_relocate into per-segment buffers must succeed
 * with every segment at one slide ("cannot fail on an image elf_parse
 * accepted"), and with each segment at its own offset may refuse only an
 * address outside every unit; the plan must hold its invariants.  An image
 * usable at section granularity (the aslrboot note's flag, --emit-relocs)
 * is also placed one unit per section, loaded and relocated, which must
 * succeed.  Per-input work is bounded by the input size (every table lives
 * in the file) and by SPAN_CAP for the buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elf_place.h"

#define SPAN_CAP (UINT64_C(4) << 20)

static const uint32_t policies[] = { 0, ELF_POL_ALLOW_EXEC_NORELOC, ELF_POL_INSPECT,
				     ELF_POL_LINUX64 };
static const uint16_t machines[] = { ELF_MACHINE_X86_64, ELF_MACHINE_AARCH64 };

#define CHECK(c)                          \
	do {                              \
		if (!(c))                 \
			__builtin_trap(); \
	} while (0)

static void check_plan(const struct elf_image *img)
{
	CHECK(img->nsegs >= 1 && img->nsegs <= ELF_MAX_LOAD);
	CHECK(img->entry_seg < img->nsegs && (img->segs[img->entry_seg].flags & ELF_PF_X));
	CHECK(img->link_end - img->link_base <= ELF_MAX_IMAGE_SPAN);
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];

		CHECK(s->filesz <= s->memsz && s->offset + s->filesz <= img->file_size);
		CHECK(s->page_start < s->page_end);
		if (img->policy & ELF_POL_LINUX64)
			continue; /* any p_align, W+X, shared pages */
		CHECK(s->align >= 4096);
		CHECK(!((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X)));
		CHECK(i == 0 || img->segs[i - 1].page_end <= s->page_start);
	}
	if (img->has_relro) {
		bool inside = false;

		for (uint32_t i = 0; i < img->nsegs; i++)
			inside |= (img->segs[i].flags & ELF_PF_W) &&
				  img->segs[i].page_start <= img->relro_start &&
				  img->relro_end <= img->segs[i].page_end;
		CHECK(img->relro_start < img->relro_end && inside);
	}
}

static void load_and_relocate(const struct elf_image *img, uint64_t slide)
{
	struct elf_placement pl;
	uint64_t total = 0, off[ELF_MAX_UNITS];
	struct ldr_diag d;
	enum ldr_err e;

	for (uint32_t i = 0; i < img->nsegs; i++)
		total += img->segs[i].page_end - img->segs[i].page_start;
	if (total > SPAN_CAP)
		return;
	place_slide(img, slide, &pl);
	for (uint32_t i = 0; i < img->nsegs; i++)
		CHECK((pl.seg_mem[i] = malloc(img->segs[i].page_end - img->segs[i].page_start)));
	CHECK(elf_load(img, &pl) == LDR_OK);
	CHECK(elf_relocate(img, &pl, &d) == LDR_OK);
	for (uint32_t i = 0; i < ELF_MAX_UNITS; i++)
		off[i] = slide + (uint64_t)i * 0x40000000;
	place_units(img, off, &pl);
	CHECK(elf_load(img, &pl) == LDR_OK);
	e = elf_relocate(img, &pl, &d);
	CHECK(e == LDR_OK ||
	      (e == LDR_E_RELOC_RANGE && d.err == e && d.field && !strcmp(d.field, "value")));
	for (uint32_t i = 0; i < img->nsegs; i++)
		free(pl.seg_mem[i]);
}

/*
 * Section granularity: the units in reverse order, packed page after page
 * from `base` (in the top 2 GiB when 32S fields ask for it), with the
 * per-symbol value table (sym_val) or without it.  A placement inside max_span
 * cannot be refused, and loads and relocates without a fault.
 */
static void sections(const struct elf_image *img, bool by_val)
{
	uint32_t n = img->sec.nunits;
	struct elf_sec_unit *su = calloc(n, sizeof(*su));
	struct elf_unit *u = calloc(n, sizeof(*u));
	uint8_t **mem = calloc(n, sizeof(*mem));
	uint32_t *idx = calloc(img->sec.shnum, sizeof(*idx));
	uint64_t *val = by_val ? calloc(img->sec.sym_count + 1, sizeof(*val)) : NULL;
	uint64_t base = img->sec.s32_lo ? UINT64_C(0xffffffff80000000) + (UINT64_C(1) << 30) :
					  UINT64_C(0x7ffe00000000);
	uint64_t cur = base, total = 0;
	struct ldr_diag d;
	bool fits = true;

	CHECK(su && u && mem && idx && (val || !by_val));
	CHECK(n >= 1 && n <= ELF_MAX_SECTION_UNITS && img->sec.nrelsecs >= 1);
	CHECK(img->sec.max_span >= img->sec.unit_pages && img->sec.max_span <= ELF_MAX_IMAGE_SPAN);
	elf_section_units(img, su);
	elf_section_index(img, idx);
	for (uint32_t k = n; k-- > 0;) {
		uint64_t al = su[k].align > 4096 ? su[k].align : 4096;
		uint64_t span = ((su[k].link + su[k].size + 4095) & ~UINT64_C(4095)) -
				(su[k].link & ~UINT64_C(4095));

		CHECK(k == 0 || su[k - 1].link + su[k - 1].size <= su[k].link);
		CHECK(idx[su[k].shndx] == k);
		u[k].link = su[k].link;
		u[k].size = su[k].size;
		u[k].va = ((cur + al - 1) & ~(al - 1)) + (su[k].link & (al - 1));
		cur = (u[k].va + su[k].size + 4095) & ~UINT64_C(4095);
		total += span;
		fits &= cur - base <= img->sec.max_span &&
			(!img->sec.s32_lo || cur <= img->sec.s32_hi);
	}
	if (fits && total <= SPAN_CAP) {
		struct elf_sec_placement pl = { su, u, (uint8_t *const *)mem, idx, n, val };

		for (uint32_t k = 0; k < n; k++)
			CHECK((mem[k] =
				       malloc(((su[k].link + su[k].size + 4095) & ~UINT64_C(4095)) -
					      (su[k].link & ~UINT64_C(4095)))));
		CHECK(elf_load_sections(img, &pl) == LDR_OK);
		CHECK(elf_relocate_sections(img, &pl, &d) == LDR_OK);
		for (uint32_t k = 0; k < n; k++)
			free(mem[k]);
	}
	free(su);
	free(u);
	free(mem);
	free(idx);
	free(val);
}

static void run(const uint8_t *data, size_t size, uint16_t machine, uint32_t policy)
{
	struct elf_image img;
	struct ldr_diag d;
	enum ldr_err e = elf_parse(data, size, machine, policy, &img, &d);

	CHECK(e < LDR_ERR_COUNT && d.err == e);
	if (e != LDR_OK)
		return;
	CHECK(img.machine == machine);
	CHECK(machine == ELF_MACHINE_X86_64 || !(policy & ELF_POL_LINUX64));
	check_plan(&img);
	/* What the native checks accept has nothing for the W^X scan to find. */
	e = elf_wx_scan(&img, &d);
	CHECK(e < LDR_ERR_COUNT && ((img.policy & ELF_POL_LINUX64) || e == LDR_OK));
	load_and_relocate(&img, 0x7ffe00000000 - img.link_base);
	CHECK(!img.sec.usable || (img.sec.wanted && machine == ELF_MACHINE_X86_64));
	if (img.sec.usable) {
		sections(&img, false);
		sections(&img, true);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++)
		for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++)
			run(data, size, machines[m], policies[p]);
	return 0;
}
