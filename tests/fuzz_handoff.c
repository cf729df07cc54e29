/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the boot-info reader, in two modes (first byte):
 *  even: the input itself is the block: handoff_check, then a full walk;
 *  odd:  a block written by handoff_write from input-driven parameters (it
 *        must pass handoff_check and fit handoff_size_bound), then corrupted
 *        by (offset, xor) triples from the rest of the input and re-checked.
 * After handoff_check accepts, every count, entry and string the contract
 * promises is read; a broken promise traps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handoff_fixture.h"
#include "loader/handoff/handoff.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())

static volatile uint64_t sink;
static uint64_t blk[(1 << 20) / 8];
static struct hf fx;

static void read_string(const struct aslrboot_record *r, size_t fixed, uint32_t len)
{
	const char *s = (const char *)r + fixed;

	CHECK(fixed + len < r->size && s[len] == '\0');
	sink += strlen(s);
}

/* Entries of `esz` bytes after the fixed part, read through byte pointers
 * (a struct's fixed-size array must not be indexed past its declared end). */
static void read_table(const struct aslrboot_record *r, size_t fixed, uint32_t count, uint32_t esz)
{
	const uint8_t *p = (const uint8_t *)r + fixed;

	CHECK(fixed + (uint64_t)count * esz <= r->size);
	for (uint32_t i = 0; i < count; i++, p += esz)
		sink += *(const uint64_t *)p;
}

static void read_record(const struct aslrboot_record *r)
{
	const struct aslrboot_rec_loader *lo = (const void *)r;
	const struct aslrboot_rec_memmap *mm = (const void *)r;
	const struct aslrboot_rec_layout *ly = (const void *)r;
	const struct aslrboot_rec_entropy *en = (const void *)r;
	const struct aslrboot_rec_timings *ti = (const void *)r;

	switch (r->type) {
	case ASLRBOOT_REC_LOADER: sink += strlen(lo->name) + strlen(lo->version); break;
	case ASLRBOOT_REC_SEED:
		sink += ((const struct aslrboot_rec_seed *)r)->seed[ASLRBOOT_SEED_BYTES - 1];
		break;
	case ASLRBOOT_REC_MEMMAP: read_table(r, sizeof(*mm), mm->count, mm->entry_size); break;
	case ASLRBOOT_REC_LAYOUT:
		read_table(r, sizeof(*ly), ly->count, ly->entry_size);
		for (uint32_t i = 0; i < ly->count; i++)
			sink += strlen(
				((const struct aslrboot_region *)((const uint8_t *)(ly + 1) +
								  (uint64_t)i * ly->entry_size))
					->name);
		break;
	case ASLRBOOT_REC_CMDLINE:
		read_string(r, sizeof(struct aslrboot_rec_cmdline),
			    ((const struct aslrboot_rec_cmdline *)r)->length);
		break;
	case ASLRBOOT_REC_MODULE:
		read_string(r, sizeof(struct aslrboot_rec_module),
			    ((const struct aslrboot_rec_module *)r)->string_length);
		break;
	case ASLRBOOT_REC_ACPI_RSDP:
		sink += ((const struct aslrboot_rec_acpi *)r)->rsdp_phys;
		break;
	case ASLRBOOT_REC_TIMINGS:
		read_table(r, offsetof(struct aslrboot_rec_timings, tsc), ti->count, 8);
		break;
	case ASLRBOOT_REC_ENTROPY:
		read_table(r, sizeof(*en), en->count, handoff_entropy_entry_size(en));
		break;
	}
}

/* Walk by size (as a kernel would) and by handoff_find; both must agree. */
static void walk(const void *info)
{
	const struct aslrboot_info *h = info;
	uint32_t by_walk[16] = { 0 };
	uint64_t off = h->header_size;

	sink += handoff_machine(h); /* inside the header: never past a short block */
	for (;;) {
		const struct aslrboot_record *r = (const void *)((const uint8_t *)info + off);
		CHECK(off + 8 <= h->total_size && r->size >= 8 && r->size % 8 == 0 &&
		      r->size <= h->total_size - off);
		if (r->type == ASLRBOOT_REC_END)
			break;
		if (r->type < 16)
			by_walk[r->type]++;
		read_record(r);
		off += r->size;
	}
	for (uint32_t t = 1; t < 16; t++) {
		uint32_t n = 0;
		for (const struct aslrboot_record *r = handoff_find(info, t, NULL); r;
		     r = handoff_find(info, t, r), n++)
			CHECK(r->type == t);
		CHECK(n == by_walk[t]);
	}
	CHECK(handoff_find(info, ASLRBOOT_REC_END, NULL) != NULL);
}

static void check_and_walk(const void *buf, uint64_t len)
{
	struct ldr_diag d;

	if (handoff_check(buf, len, &d) == LDR_OK)
		walk(buf);
}

static void writer_mode(const uint8_t *data, size_t size)
{
	size_t nparam = size < 64 ? size : 64;
	struct hf_src src = { .p = data, .n = nparam, .x = 0x2545f4914f6cdd1dull ^ size };
	uint64_t len = 0, bound;
	uint32_t extra;

	hf_random(&fx, &src);
	extra = fx.mm.count ? (uint32_t)(hf_u64(&src) % (fx.mm.count + 1)) : 0;
	bound = handoff_size_bound(&fx.env, fx.plan.count, fx.plan.nunits, fx.mm.count - extra,
				   extra);
	CHECK(handoff_write(&fx.in, blk, bound, &len) == LDR_OK);
	CHECK(len <= bound && handoff_check(blk, len, NULL) == LDR_OK);
	CHECK(handoff_machine((const struct aslrboot_info *)blk) == HANDOFF_MACHINE);
	walk(blk);
	for (size_t i = nparam; i + 3 <= size; i += 3) {
		uint16_t off;
		memcpy(&off, data + i, 2);
		((uint8_t *)blk)[off % len] ^= data[i + 2];
	}
	check_and_walk(blk, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1) {
		writer_mode(data + 1, size - 1);
	} else if (size - 1 <= sizeof(blk)) {
		memcpy(blk, data + 1, size - 1); /* aligned copy, as a kernel sees it */
		check_and_walk(blk, size - 1);
	}
	return 0;
}
