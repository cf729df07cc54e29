// SPDX-License-Identifier: MIT
/*
 * Relocation half of the differential test (elf_diff.h: diff_relocs).  The
 * reference image is built from libelf's view alone: PT_LOAD bytes from
 * elf_getdata_rawchunk, RELA/JMPREL entries through gelf_getrela, symbols
 * through gelf_getsym, RELR decoded by elfview.c.
 */
#include "elf_diff.h"
#include "elf_place.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per word: relocated, and does it move with the slide?  K_SPLIT: part of a
 * value at an unaligned address (exact against libelf, no slide check). */
enum { K_NONE, K_MOVES, K_FIXED, K_SPLIT };

struct images {
	const struct elf_image *img;
	uint64_t span[ELF_MAX_LOAD];
	uint8_t *ours[2][ELF_MAX_LOAD], *ref[2][ELF_MAX_LOAD];
	uint8_t *kind[ELF_MAX_LOAD]; /* span / 8 entries */
	int bad;
	char *why;
	size_t n;
};

static void __attribute__((format(printf, 2, 3))) fail(struct images *m, const char *fmt, ...)
{
	va_list ap;

	if (m->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(m->why, m->n, fmt, ap);
	va_end(ap);
}

/* Segment and offset of the 8-byte word at link address a, or -1. */
static int locate(const struct images *m, uint64_t a, uint64_t *off)
{
	const struct elf_image *img = m->img;

	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];

		if (a >= s->vaddr && a - s->vaddr < s->memsz && s->memsz - (a - s->vaddr) >= 8) {
			*off = a - s->page_start;
			return (int)i;
		}
	}
	return -1;
}

static void put(struct images *m, int side, uint64_t a, uint64_t val, bool add, int kind)
{
	uint64_t off, old;
	int s = locate(m, a, &off);

	if (s < 0) {
		fail(m, "libelf: relocation target 0x%llx is not inside a PT_LOAD",
		     (unsigned long long)a);
		return;
	}
	memcpy(&old, m->ref[side][s] + off, 8);
	val += add ? old : 0;
	memcpy(m->ref[side][s] + off, &val, 8);
	if (off % 8)
		m->kind[s][off / 8] = m->kind[s][off / 8 + 1] = K_SPLIT;
	else if (m->kind[s][off / 8] != K_MOVES)
		m->kind[s][off / 8] = (uint8_t)kind;
}

/* psABI x86-64 table 4.9 and AAELF64 "Dynamic relocations" (GLOB_DAT and
 * JUMP_SLOT: S on x86-64, S + A on AArch64), with S = 0 for an undefined
 * symbol. */
static void ref_rela(struct images *m, struct elfview *v, int side, uint64_t slide,
		     const GElf_Rela *r)
{
	uint32_t type = (uint32_t)GELF_R_TYPE(r->r_info), sym = (uint32_t)GELF_R_SYM(r->r_info);
	uint64_t S = 0, A = (uint64_t)r->r_addend;
	uint16_t mach = v->eh.e_machine;
	struct diff_types ty = diff_types(mach);
	bool moves = false;
	GElf_Sym s;

	if (type == 0 /* NONE, both machines */ || inspect_only_type(mach, type))
		return; /* elf/ checks these under ELF_POL_INSPECT but never writes them */
	if (type == ty.relative) {
		put(m, side, r->r_offset, slide + A, false, K_MOVES);
		return;
	}
	if (sym && !ev_sym(v, sym, &s)) {
		fail(m, "libelf: symbol %u unreadable", sym);
		return;
	}
	if (sym && s.st_shndx != SHN_UNDEF) {
		moves = s.st_shndx != SHN_ABS;
		S = s.st_value + (moves ? slide : 0);
	}
	if (type == ty.abs64 ||
	    ((type == ty.glob_dat || type == ty.jump_slot) && mach == EM_AARCH64))
		put(m, side, r->r_offset, S + A, false, moves ? K_MOVES : K_FIXED);
	else if (type == ty.glob_dat || type == ty.jump_slot)
		put(m, side, r->r_offset, S, false, moves ? K_MOVES : K_FIXED);
	else
		fail(m, "libelf: relocation type %u in an accepted image", type);
}

struct relr_ctx {
	struct images *m;
	int side;
	uint64_t slide;
};

static void ref_relr(void *ctx, uint64_t a)
{
	struct relr_ctx *c = ctx;

	put(c->m, c->side, a, c->slide, true, K_MOVES);
}

static void build_ref(struct images *m, struct elfview *v, int side, uint64_t slide)
{
	const struct elf_image *img = m->img;
	struct relr_ctx rc = { m, side, slide };
	GElf_Rela r;

	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct ev_phdr *p = &v->ph[img->segs[i].phdr_index];
		const void *bytes = ev_bytes(v, p->offset, p->filesz);

		if (p->filesz && !bytes) {
			fail(m, "libelf: PT_LOAD %u bytes unreadable", img->segs[i].phdr_index);
			return;
		}
		if (p->filesz)
			memcpy(m->ref[side][i] + (p->vaddr - img->segs[i].page_start), bytes,
			       p->filesz);
	}
	/* The order elf/ and glibc use: RELA, JMPREL, then RELR. */
	for (enum ev_which t = EV_RELA; t <= EV_JMPREL; t++)
		for (size_t k = 0; k < v->tab[t].count; k++)
			if (ev_rela(v, t, k, &r))
				ref_rela(m, v, side, slide, &r);
			else
				fail(m, "libelf: relocation %zu unreadable", k);
	ev_relr_each(v, ref_relr, &rc);
}

static void run_ours(struct images *m, int side, uint64_t slide)
{
	struct elf_placement pl;
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	place_slide(m->img, slide, &pl);
	memcpy(pl.seg_mem, m->ours[side], sizeof(pl.seg_mem));
	if ((err = elf_load(m->img, &pl)) || (err = elf_relocate(m->img, &pl, &d)))
		fail(m, "elf_load/elf_relocate at slide 0x%llx: %s", (unsigned long long)slide,
		     ldr_errname(err));
}

/* Flip the first word a relocation moves, in the s2 copy. */
static void corrupt_one(struct images *m)
{
	for (uint32_t i = 0; i < m->img->nsegs; i++)
		for (uint64_t w = 0; w < m->span[i] / 8; w++)
			if (m->kind[i][w] == K_MOVES) {
				m->ours[1][i][w * 8] ^= 0x10;
				return;
			}
}

static void compare(struct images *m, uint64_t delta, struct reloc_diff_stats *st)
{
	for (uint32_t i = 0; i < m->img->nsegs && !m->bad; i++) {
		uint64_t base = m->img->segs[i].page_start;

		for (uint64_t w = 0; w < m->span[i] / 8; w++) {
			uint64_t a, b, ra, rb, at = base + w * 8;

			memcpy(&a, m->ours[0][i] + w * 8, 8);
			memcpy(&b, m->ours[1][i] + w * 8, 8);
			memcpy(&ra, m->ref[0][i] + w * 8, 8);
			memcpy(&rb, m->ref[1][i] + w * 8, 8);
			if (a != ra || b != rb) {
				fail(m, "word at 0x%llx: elf/ 0x%llx/0x%llx, libelf 0x%llx/0x%llx",
				     (unsigned long long)at, (unsigned long long)a,
				     (unsigned long long)b, (unsigned long long)ra,
				     (unsigned long long)rb);
				return;
			}
			if (m->kind[i][w] != K_SPLIT &&
			    b - a != (m->kind[i][w] == K_MOVES ? delta : 0)) {
				fail(m,
				     "word at 0x%llx moved by 0x%llx, not by the slide difference",
				     (unsigned long long)at, (unsigned long long)(b - a));
				return;
			}
			st->moved += m->kind[i][w] == K_MOVES;
			st->fixed += m->kind[i][w] == K_FIXED;
		}
		st->bytes += m->span[i];
	}
}

static bool alloc_all(struct images *m)
{
	for (uint32_t i = 0; i < m->img->nsegs; i++) {
		m->span[i] = m->img->segs[i].page_end - m->img->segs[i].page_start;
		for (int side = 0; side < 2; side++) {
			/* Garbage in our buffers: elf_load must overwrite every byte. */
			m->ours[side][i] = malloc(m->span[i]);
			m->ref[side][i] = calloc(1, m->span[i]);
			if (!m->ours[side][i] || !m->ref[side][i])
				return false;
			memset(m->ours[side][i], 0xa5 ^ side, m->span[i]);
		}
		m->kind[i] = calloc(1, m->span[i] / 8);
		if (!m->kind[i])
			return false;
	}
	return true;
}

int diff_relocs(const struct elf_image *img, struct elfview *v, uint64_t s1, uint64_t s2,
		int corrupt, struct reloc_diff_stats *st, char *why, size_t n)
{
	struct images m = { .img = img, .why = why, .n = n };

	if (!alloc_all(&m)) {
		fail(&m, "out of memory");
	} else {
		build_ref(&m, v, 0, s1);
		build_ref(&m, v, 1, s2);
		run_ours(&m, 0, s1);
		run_ours(&m, 1, s2);
		if (corrupt)
			corrupt_one(&m);
		if (!m.bad)
			compare(&m, s2 - s1, st);
	}
	for (uint32_t i = 0; i < img->nsegs; i++) {
		for (int side = 0; side < 2; side++) {
			free(m.ours[side][i]);
			free(m.ref[side][i]);
		}
		free(m.kind[i]);
	}
	return m.bad;
}
