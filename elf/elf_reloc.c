// SPDX-License-Identifier: MIT
/*
 * Relocation entries: type, target, symbol, RELR words.  One evaluator
 * serves both passes: elf_parse() runs it without a placement (validate,
 * count), elf_relocate() runs it again with one and writes, so the write
 * pass cannot meet an entry the validation pass did not accept.  Tables are
 * read from img->file (the validated copy, never re-read from its source);
 * targets are written through pl->seg_mem[], values resolved through
 * pl's units (elf_place_va).
 */
#include "elf_int.h"

struct pass {
	struct elf_image *img;		/* stats are counted when pl == NULL */
	const struct elf_placement *pl; /* NULL: validate only */
	/* Every unit has offset `off` (elf_place_va then gives v + off for any
	 * v): the lookup is skipped, so one slide costs one add per value. */
	bool shared;
	uint64_t off;
	struct ldr_diag *d;
};

/* *out = the runtime address of link address v (entry n, for the diag);
 * the validation pass has no placement and leaves v as it is. */
static inline enum ldr_err place(const struct pass *ps, uint64_t v, const char *what, int64_t n,
				 uint64_t *out)
{
	*out = v;
	if (!ps->pl)
		return LDR_OK;
	if (ps->shared)
		*out = v + ps->off;
	else if (!elf_place_va(ps->pl, v, out))
		return ldr_fail(ps->d, LDR_E_RELOC_RANGE, what, n, "value", v);
	return LDR_OK;
}

/* [v, v + len) inside one writable segment (RELRO included: it is still RW here). */
static enum ldr_err target(const struct pass *ps, uint64_t v, uint64_t len, enum ldr_err range,
			   const char *what, int64_t n, uint32_t *seg)
{
	const struct elf_image *img = ps->img;
	int s = elf_seg_of(img, v);

	if (s < 0 || img->segs[s].memsz - (v - img->segs[s].vaddr) < len)
		return ldr_fail(ps->d, range, what, n, "r_offset", v);
	if (!(img->segs[s].flags & ELF_PF_W))
		return ldr_fail(ps->d, LDR_E_RELOC_RO, what, n, "r_offset", v);
	*seg = (uint32_t)s;
	return LDR_OK;
}

static uint8_t *where(const struct pass *ps, uint32_t seg, uint64_t v)
{
	return ps->pl->seg_mem[seg] + (v - ps->img->segs[seg].page_start);
}

/* S for symbol index `sym` (below the symbol count); STN_UNDEF (0) means
 * S = 0 (gABI). */
static enum ldr_err sym_value(const struct pass *ps, uint32_t sym, int64_t n, uint64_t *S)
{
	const struct elf_image *img = ps->img;
	const uint8_t *p;
	uint16_t shndx;

	*S = 0;
	if (sym == 0)
		return LDR_OK;
	if (sym >= img->sym_count)
		return ldr_fail(ps->d, LDR_E_SYM_RANGE, "relocation", n, "r_sym", sym);
	p = img->file + img->symtab_off + (uint64_t)sym * sizeof(Elf64_Sym);
	shndx = rd_le16(p + 6);
	if (shndx == SHN_UNDEF) {
		if (ELF64_ST_BIND(p[4]) == STB_WEAK || (img->policy & ELF_POL_INSPECT))
			return LDR_OK;
		return ldr_fail(ps->d, LDR_E_SYM_UNDEF, "relocation", n, "r_sym", sym);
	}
	*S = rd_le64(p + 8);
	return shndx == SHN_ABS ? LDR_OK : place(ps, *S, "relocation", n, S);
}

/* What a relocation type does, on either machine. */
enum rkind {
	RK_BAD,	     /* not supported: refused */
	RK_NONE,     /* ignored */
	RK_RELATIVE, /* B + A: place(A) */
	RK_ABS64,    /* S + A */
	RK_GLOB_DAT,
	RK_JUMP_SLOT,
	RK_INSPECT, /* COPY, TLS, IRELATIVE: ELF_POL_INSPECT only, never applied */
};

/* The x86-64 psABI's and AAELF64's ("Dynamic relocations") 64-bit dynamic
 * types; no 32-bit ones. */
static enum rkind kind_of(uint16_t machine, uint32_t type)
{
	if (machine == EM_AARCH64) {
		switch (type) {
		case R_AARCH64_NONE: return RK_NONE;
		case R_AARCH64_RELATIVE: return RK_RELATIVE;
		case R_AARCH64_ABS64: return RK_ABS64;
		case R_AARCH64_GLOB_DAT: return RK_GLOB_DAT;
		case R_AARCH64_JUMP_SLOT: return RK_JUMP_SLOT;
		case R_AARCH64_COPY:
		case R_AARCH64_TLS_DTPMOD:
		case R_AARCH64_TLS_DTPREL:
		case R_AARCH64_TLS_TPREL:
		case R_AARCH64_TLSDESC:
		case R_AARCH64_IRELATIVE: return RK_INSPECT;
		}
		return RK_BAD;
	}
	switch (type) {
	case R_X86_64_NONE: return RK_NONE;
	case R_X86_64_RELATIVE: return RK_RELATIVE;
	case R_X86_64_64: return RK_ABS64;
	case R_X86_64_GLOB_DAT: return RK_GLOB_DAT;
	case R_X86_64_JUMP_SLOT: return RK_JUMP_SLOT;
	case R_X86_64_COPY:
	case R_X86_64_DTPMOD64:
	case R_X86_64_DTPOFF64:
	case R_X86_64_TPOFF64:
	case R_X86_64_IRELATIVE: return RK_INSPECT;
	}
	return RK_BAD;
}

static void count(struct elf_image *img, enum rkind k)
{
	struct elf_reloc_stats *st = &img->stats;

	if (k == RK_RELATIVE)
		st->relative++;
	else if (k == RK_ABS64)
		st->abs64++;
	else if (k == RK_GLOB_DAT)
		st->glob_dat++;
	else if (k == RK_JUMP_SLOT)
		st->jump_slot++;
	else
		st->inspect_only++;
}

/*
 * One Elf64_Rela: type on the allow-list (no 32-bit types), target inside a
 * writable segment, symbol index in range.
 * Any byte offset is a legal target (the x86-64 psABI asks no alignment;
 * compilers emit packed {u16 limit; u64 base} descriptor templates with the
 * 8-byte field at offset 2): every store is an 8-byte memcpy, one unaligned
 * move.  AArch64 images get the same rule.
 */
static enum ldr_err rela_one(const struct pass *ps, const uint8_t *e, int64_t n)
{
	uint64_t off = rd_le64(e), info = rd_le64(e + 8), add = rd_le64(e + 16), S, val;
	uint32_t type = ELF64_R_TYPE(info), seg;
	enum rkind k = kind_of(ps->img->machine, type);
	uint64_t len = 8;
	enum ldr_err err;

	if (k == RK_NONE)
		return LDR_OK;
	if (k == RK_BAD || (k == RK_INSPECT && !(ps->img->policy & ELF_POL_INSPECT)))
		return ldr_fail(ps->d, LDR_E_RELOC_TYPE, "relocation", n, "r_type", type);
	if (k == RK_INSPECT)
		len = 1; /* COPY targets have the copied object's size and alignment */
	if ((err = target(ps, off, len, LDR_E_RELOC_RANGE, "relocation", n, &seg)))
		return err;
	if (k == RK_RELATIVE) {
		/* B + A: where A runs, modulo 2^64 as in the psABI */
		if ((err = place(ps, add, "relocation", n, &val)))
			return err;
	} else if ((err = sym_value(ps, ELF64_R_SYM(info), n, &S))) {
		return err;
	} else {
		/* x86-64's GLOB_DAT and JUMP_SLOT are S; AArch64's are S + A. */
		val = k == RK_ABS64 || ps->img->machine == EM_AARCH64 ? S + add : S;
	}
	if (!ps->pl)
		count(ps->img, k);
	else if (k != RK_INSPECT)
		__builtin_memcpy(where(ps, seg, off), &val, sizeof(val));
	return LDR_OK;
}

/*
 * The write pass over a table elf_reloc_validate() proved all RELATIVE,
 * with units that share one offset: what is left per entry is finding its
 * segment (cached: tables are usually sorted), one add and the store, at
 * any byte offset.  The check against the cached segment keeps every store
 * inside a segment even so.
 */
static enum ldr_err rela_relative(const struct pass *ps, uint64_t off, uint64_t n, int64_t first)
{
	const struct elf_image *img = ps->img;
	const uint8_t *e = img->file + off;
	uint64_t uoff = ps->off; /* a local: the stores below may alias *ps */
	uint64_t i = 0;

	while (i < n) {
		uint64_t v = rd_le64(e), lo, last;
		uint32_t s;
		uintptr_t bias;
		enum ldr_err err;

		if ((err = target(ps, v, 8, LDR_E_RELOC_RANGE, "relocation", first + (int64_t)i,
				  &s)))
			return err;
		/* Entries in [lo, lo + last] take 8 bytes of segment s (target()
		 * proved memsz >= 8). */
		lo = img->segs[s].vaddr;
		last = img->segs[s].memsz - 8;
		bias = (uintptr_t)ps->pl->seg_mem[s] - (uintptr_t)img->segs[s].page_start;
		do {
			uint64_t val = rd_le64(e + 16) + uoff;

			__builtin_memcpy((uint8_t *)(bias + (uintptr_t)v), &val, sizeof(val));
			e += sizeof(Elf64_Rela);
			if (++i == n)
				break;
			v = rd_le64(e);
		} while (v - lo <= last);
	}
	return LDR_OK;
}

static enum ldr_err rela_table(const struct pass *ps, uint64_t off, uint64_t n, int64_t first)
{
	enum ldr_err err;

	if (ps->pl && ps->img->rela_relative_only && ps->shared)
		return rela_relative(ps, off, n, first);
	for (uint64_t i = 0; i < n; i++)
		if ((err = rela_one(ps, ps->img->file + off + i * sizeof(Elf64_Rela),
				    first + (int64_t)i)))
			return err;
	return LDR_OK;
}

/* The word at p (RELR table word n) becomes its runtime address. */
static enum ldr_err relr_place(const struct pass *ps, uint8_t *p, int64_t n)
{
	uint64_t w, t;
	enum ldr_err err;

	__builtin_memcpy(&w, p, sizeof(w));
	if ((err = place(ps, w, "RELR word", n, &t)))
		return err;
	__builtin_memcpy(p, &t, sizeof(t));
	return LDR_OK;
}

/* The same with units that share offset `off`: one add. */
static void relr_add(uint8_t *p, uint64_t off)
{
	uint64_t w;

	__builtin_memcpy(&w, p, sizeof(w));
	w += off;
	__builtin_memcpy(p, &w, sizeof(w));
}

/*
 * One RELR bitmap (bit k, 1 <= k <= 63, relocates base + (k-1)*8).  All set
 * bits lie between the lowest and highest, so checking those two against one
 * segment covers the word: O(1) validation per word whatever the bitmap.
 */
static enum ldr_err relr_bitmap(const struct pass *ps, uint64_t base, uint64_t w, int64_t n)
{
	uint64_t bits = w >> 1, lo, hi;
	uint8_t *p;
	uint32_t seg;
	enum ldr_err err;

	if (!bits)
		return LDR_OK;
	lo = base + (uint64_t)__builtin_ctzll(bits) * 8;
	if (!range_end(base, (uint64_t)(63 - __builtin_clzll(bits)) * 8, &hi))
		return ldr_fail(ps->d, LDR_E_RELR, "RELR word", n, "bitmap", w);
	if ((err = target(ps, lo, hi + 8 - lo, LDR_E_RELR, "RELR word", n, &seg)))
		return err;
	if (!ps->pl) {
		for (uint64_t b = bits; b; b &= b - 1) /* no __popcountdi2 in firmware */
			ps->img->stats.relr_relocs++;
		return LDR_OK;
	}
	/* From the lowest set bit: base itself may lie outside segment seg. */
	bits >>= __builtin_ctzll(bits);
	p = where(ps, seg, lo);
	if (ps->shared) {
		for (uint64_t off = ps->off; bits; bits >>= 1, p += 8)
			if (bits & 1)
				relr_add(p, off);
		return LDR_OK;
	}
	for (; bits; bits >>= 1, p += 8)
		if ((bits & 1) && (err = relr_place(ps, p, n)))
			return err;
	return LDR_OK;
}

/* RELR: an address word (even) starts a run; bitmaps (odd) extend it. */
static enum ldr_err relr_table(const struct pass *ps)
{
	const struct elf_image *img = ps->img;
	uint64_t next = 0; /* address the next bitmap's bit 1 stands for */
	bool have_base = false, wrapped = false;
	enum ldr_err err;

	for (uint64_t i = 0; i < img->relr_count; i++) {
		uint64_t w = rd_le64(img->file + img->relr_off + i * 8);
		uint32_t seg;

		if (w & 1) {
			if (!have_base || wrapped)
				return ldr_fail(ps->d, LDR_E_RELR, "RELR word", (int64_t)i,
						"bitmap", w);
			if ((err = relr_bitmap(ps, next, w, (int64_t)i)))
				return err;
			wrapped = __builtin_add_overflow(next, 63 * 8, &next);
			continue;
		}
		if (w % 8)
			return ldr_fail(ps->d, LDR_E_RELR, "RELR word", (int64_t)i, "address", w);
		if ((err = target(ps, w, 8, LDR_E_RELR, "RELR word", (int64_t)i, &seg)))
			return err;
		if (!ps->pl)
			ps->img->stats.relr_relocs++;
		else if ((err = relr_place(ps, where(ps, seg, w), (int64_t)i)))
			return err;
		next = w + 8; /* w + 8 <= segment end: no wrap */
		have_base = true;
		wrapped = false;
	}
	return LDR_OK;
}

static enum ldr_err run(const struct pass *ps)
{
	const struct elf_image *img = ps->img;
	enum ldr_err err;

	if ((err = rela_table(ps, img->rela_off, img->rela_count, 0)) ||
	    (err = rela_table(ps, img->jmprel_off, img->jmprel_count, (int64_t)img->rela_count)))
		return err;
	return relr_table(ps);
}

enum ldr_err elf_reloc_validate(struct elf_image *img, struct ldr_diag *d)
{
	struct pass ps = { .img = img, .pl = NULL, .d = d };
	enum ldr_err err;

	__builtin_memset(&img->stats, 0, sizeof(img->stats));
	img->stats.relr_words = img->relr_count;
	img->rela_relative_only = false;
	if ((err = run(&ps)))
		return err;
	img->rela_relative_only = img->stats.relative == img->rela_count + img->jmprel_count;
	return LDR_OK;
}

enum ldr_err elf_relocate(const struct elf_image *img, const struct elf_placement *pl,
			  struct ldr_diag *diag)
{
	/* The pass only writes img->stats when pl == NULL, so the cast is never written through. */
	struct pass ps = { .img = (struct elf_image *)img, .pl = pl, .d = diag };
	enum ldr_err err;

	if (img->policy & ELF_POL_LINUX64)
		return LDR_OK; /* the kernel relocates itself */
	for (uint32_t i = 0; i < img->nsegs; i++)
		if (!pl->seg_mem[i])
			return ldr_fail(diag, LDR_E_RANGE, "placement", i, "seg_mem", 0);
	if ((err = elf_place_check(pl, diag)))
		return err;
	ps.shared = elf_place_shared(pl, &ps.off);
	return run(&ps);
}
