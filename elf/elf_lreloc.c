// SPDX-License-Identifier: MIT
/*
 * Section granularity, the relocation side: every link-time relocation
 * (--emit-relocs) and every dynamic one is checked against the units at
 * parse time; elf_relocate_sections then checks the placement, applies the
 * dynamic relocations by address through the units, re-applies the
 * link-time ones (P through the unit of the section they patch, S from a
 * table of every symbol's run-time value filled once per call, or through
 * the unit of the symbol's section: one lookup per entry) and rebuilds
 * .eh_frame_hdr.
 */
#include "elf_int.h"

#define LREL "link-time relocation"
#define DREL "relocation"
#define MIB (UINT64_C(1) << 20)
#define S32_BASE UINT64_C(0xffffffff80000000) /* lowest upper-half int32 value */
/* A PC-relative field holds S + A - P with S and P in the window: its
 * distance stays below the window size, plus |A|, plus this margin. */
#define PC_SLACK UINT64_C(4096)

/* Parse-time state. */
struct lv {
	struct elf_image *img;
	struct ldr_diag *d;
	uint32_t hint;		/* elf_sect_find's last unit: symbols, targets */
	uint32_t vhint;		/* the same for the values dynamic relocations place */
	uint64_t max_pc_addend; /* largest |A| of a PC-relative field that moves */
	bool s32;		/* an R_X86_64_32S whose symbol moves */
	int64_t s32_amin, s32_amax;
	bool zero64_ok; /* R_X86_64_64 fields may hold 0 (dynamic RELATIVE/RELR present) */
	int64_t n;	/* entry number, for the diag */
};

static uint64_t sabs(int64_t a)
{
	return a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
}

/* Symbol kinds as the relocation sees them. */
enum skind {
	SK_FIXED, /* SHN_ABS, or weak undefined (0): never moves */
	SK_UNIT,  /* defined in a unit: moves with it */
	SK_ADDR,  /* defined in an empty allocatable section: placed by address */
};

/* S (link value) of .symtab symbol `sym` and how it moves. */
static inline __attribute__((always_inline)) enum ldr_err lsym(struct lv *v, uint32_t sym,
							       uint64_t *S, enum skind *k)
{
	const struct elf_image *img = v->img;
	const uint8_t *p;
	uint16_t shndx;
	Elf64_Shdr sh;

	if (sym >= img->sec.sym_count)
		return ldr_fail(v->d, LDR_E_SYM_RANGE, LREL, v->n, "r_info", sym);
	p = img->file + img->sec.symtab_off + (uint64_t)sym * sizeof(Elf64_Sym);
	shndx = rd_le16(p + 6);
	*S = rd_le64(p + 8);
	*k = SK_FIXED;
	if (shndx == SHN_UNDEF) {
		*S = 0;
		if (sym == 0 || ELF64_ST_BIND(p[4]) == STB_WEAK)
			return LDR_OK;
		return ldr_fail(v->d, LDR_E_SYM_UNDEF, LREL, v->n, "r_info", sym);
	}
	if (shndx == SHN_ABS)
		return LDR_OK;
	if (shndx >= img->sec.shnum)
		return ldr_fail(v->d, LDR_E_LRELOC_TARGET, LREL, v->n, "st_shndx", shndx);
	elf_sect_shdr(img, shndx, &sh);
	if (!(sh.sh_flags & SHF_ALLOC))
		return ldr_fail(v->d, LDR_E_LRELOC_TARGET, LREL, v->n, "st_shndx", shndx);
	if (elf_sect_is_unit(&sh)) {
		if (*S - sh.sh_addr > sh.sh_size)
			return ldr_fail(v->d, LDR_E_LRELOC_TARGET, LREL, v->n, "st_value", *S);
		*k = SK_UNIT;
		return LDR_OK;
	}
	if (!elf_sect_find(img, *S, &v->hint))
		return ldr_fail(v->d, LDR_E_LRELOC_TARGET, LREL, v->n, "st_value", *S);
	*k = SK_ADDR;
	return LDR_OK;
}

/* The GOT slot a non-relaxed GOTPCREL* field points at: 8 file-backed
 * bytes strictly inside a writable unit, holding S (or 0: left to its
 * dynamic relocation). */
static enum ldr_err got_slot(struct lv *v, uint64_t T, uint64_t S, uint64_t off)
{
	const struct elf_image *img = v->img;
	uint32_t u = elf_sect_find(img, T, &v->hint);
	Elf64_Shdr sh;
	uint64_t w;

	if (u) {
		elf_sect_shdr(img, u, &sh);
		if ((sh.sh_flags & SHF_WRITE) && sh.sh_type != SHT_NOBITS && sh.sh_size >= 8 &&
		    T - sh.sh_addr <= sh.sh_size - 8) {
			w = rd_le64(img->file + sh.sh_offset + (T - sh.sh_addr));
			if (w == S || w == 0)
				return LDR_OK;
		}
	}
	return ldr_fail(v->d, LDR_E_LRELOC_FIELD, LREL, v->n, "r_offset", off);
}

/* Field width of a type this loader re-applies; 0: not one. */
static unsigned width_of(uint32_t type)
{
	switch (type) {
	case R_X86_64_NONE: return 1;
	case R_X86_64_64:
	case R_X86_64_PC64: return 8;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX: return 4;
	}
	return 0;
}

static bool is_got(uint32_t type)
{
	return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX;
}

static bool is_pcrel(uint32_t type)
{
	return type != R_X86_64_64 && type != R_X86_64_32 && type != R_X86_64_32S;
}

/* Per-type bookkeeping of a valid entry: counts, PC range, 32S range. */
static enum ldr_err note_entry(struct lv *v, uint32_t type, int64_t A, bool moves, bool relaxed,
			       uint64_t off)
{
	struct elf_lreloc_stats *st = &v->img->sec.stats;

	switch (type) {
	case R_X86_64_PC32: st->pc32++; break;
	case R_X86_64_PLT32: st->plt32++; break;
	case R_X86_64_PC64: st->pc64++; break;
	case R_X86_64_64: st->abs64++; break;
	case R_X86_64_32: st->abs32++; break;
	case R_X86_64_32S: st->abs32s++; break;
	default: ++*(relaxed ? &st->gotpcrel_relaxed : &st->gotpcrel); break;
	}
	if (type == R_X86_64_32 && moves)
		return ldr_fail(v->d, LDR_E_LRELOC_OVERFLOW, LREL, v->n, "r_offset", off);
	if (type == R_X86_64_32S && moves) {
		if (!v->s32 || A < v->s32_amin)
			v->s32_amin = A;
		if (!v->s32 || A > v->s32_amax)
			v->s32_amax = A;
		v->s32 = true;
	}
	/* P always moves; a fixed S then drifts by the slide: only 64 bits hold it. */
	if (is_pcrel(type) && type != R_X86_64_PC64) {
		if (!moves)
			return ldr_fail(v->d, LDR_E_LRELOC_OVERFLOW, LREL, v->n, "r_offset", off);
		if (sabs(A) > v->max_pc_addend)
			v->max_pc_addend = sabs(A);
	}
	return LDR_OK;
}

/* One entry of a table patching section `ts`. */
static enum ldr_err check_one(struct lv *v, const Elf64_Shdr *ts, const uint8_t *e)
{
	const struct elf_image *img = v->img;
	uint64_t off = rd_le64(e), info = rd_le64(e + 8), A = rd_le64(e + 16), S, f, want;
	uint32_t type = ELF64_R_TYPE(info);
	unsigned w = width_of(type);
	const uint8_t *at;
	bool relaxed = false;
	enum skind k;
	enum ldr_err err;

	if (type == R_X86_64_PC32 || type == R_X86_64_PLT32) {
		/* Most of any table: the checks below in the same order, with
		 * the width, the expected field and the bookkeeping known. */
		if (ts->sh_type == SHT_NOBITS || off - ts->sh_addr > ts->sh_size ||
		    ts->sh_size - (off - ts->sh_addr) < 4)
			return ldr_fail(v->d, LDR_E_LRELOC_TARGET, LREL, v->n, "r_offset", off);
		if ((err = lsym(v, ELF64_R_SYM(info), &S, &k)))
			return err;
		if (rd_le32(img->file + ts->sh_offset + (off - ts->sh_addr)) !=
		    (uint32_t)(S + A - off))
			return ldr_fail(v->d, LDR_E_LRELOC_FIELD, LREL, v->n, "r_offset", off);
		++*(type == R_X86_64_PC32 ? &v->img->sec.stats.pc32 : &v->img->sec.stats.plt32);
		if (k == SK_FIXED)
			return ldr_fail(v->d, LDR_E_LRELOC_OVERFLOW, LREL, v->n, "r_offset", off);
		if (sabs((int64_t)A) > v->max_pc_addend)
			v->max_pc_addend = sabs((int64_t)A);
		return LDR_OK;
	}
	if (!w)
		return ldr_fail(v->d, LDR_E_LRELOC_TYPE, LREL, v->n, "r_info", info);
	if (type == R_X86_64_NONE) {
		/* Skipped, but the write loop reads every entry's symbol. */
		if (ELF64_R_SYM(info) >= img->sec.sym_count)
			return ldr_fail(v->d, LDR_E_SYM_RANGE, LREL, v->n, "r_info", info);
		v->img->sec.stats.none++;
		return LDR_OK;
	}
	if (ts->sh_type == SHT_NOBITS || off - ts->sh_addr > ts->sh_size ||
	    ts->sh_size - (off - ts->sh_addr) < w)
		return ldr_fail(v->d, LDR_E_LRELOC_TARGET, LREL, v->n, "r_offset", off);
	if ((err = lsym(v, ELF64_R_SYM(info), &S, &k)))
		return err;
	at = img->file + ts->sh_offset + (off - ts->sh_addr);
	f = w == 8 ? rd_le64(at) : rd_le32(at);
	switch (type) {
	case R_X86_64_64:
		want = S + A;
		if (f == 0 && v->zero64_ok && (ts->sh_flags & SHF_WRITE))
			want = 0;
		break;
	case R_X86_64_32:
	case R_X86_64_32S: want = (uint32_t)(S + A); break;
	case R_X86_64_PC64: want = S + A - off; break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32: want = (uint32_t)(S + A - off); break;
	default: /* GOTPCREL, GOTPCRELX, REX_GOTPCRELX */
		want = (uint32_t)(S + A - off);
		relaxed = f == want;
		if (!relaxed &&
		    (err = got_slot(v, off + (uint64_t)(int64_t)(int32_t)f - A, S, off)))
			return err;
		want = f;
		break;
	}
	if (f != want)
		return ldr_fail(v->d, LDR_E_LRELOC_FIELD, LREL, v->n, "r_offset", off);
	/* Through a GOT slot the field follows the slot, which moves. */
	return note_entry(v, type, (int64_t)A,
			  k != SK_FIXED || (w == 4 && !relaxed && is_got(type)), relaxed, off);
}

/* Table shape: entries of 24 bytes inside the file, linked to .symtab,
 * patching a unit. */
static enum ldr_err check_table(struct lv *v, const Elf64_Shdr *rs, uint32_t i, Elf64_Shdr *ts)
{
	const struct elf_image *img = v->img;
	uint64_t end;

	if (rs->sh_entsize != sizeof(Elf64_Rela))
		return ldr_fail(v->d, LDR_E_LRELOC_TABLE, "section header", i, "sh_entsize",
				rs->sh_entsize);
	if (rs->sh_size % sizeof(Elf64_Rela))
		return ldr_fail(v->d, LDR_E_LRELOC_TABLE, "section header", i, "sh_size",
				rs->sh_size);
	if (!range_end(rs->sh_offset, rs->sh_size, &end) || end > img->file_size)
		return ldr_fail(v->d, LDR_E_LRELOC_TABLE, "section header", i, "sh_offset",
				rs->sh_offset);
	if (!img->sec.symtab || rs->sh_link != img->sec.symtab)
		return ldr_fail(v->d, LDR_E_LRELOC_TABLE, "section header", i, "sh_link",
				rs->sh_link);
	elf_sect_shdr(img, rs->sh_info, ts);
	if (!elf_sect_is_unit(ts))
		return ldr_fail(v->d, LDR_E_LRELOC_TABLE, "section header", i, "sh_info",
				rs->sh_info);
	return LDR_OK;
}

/* The link-time tables: each shape, then each entry (numbered across tables). */
static enum ldr_err check_lrelocs(struct lv *v)
{
	struct elf_image *img = v->img;
	Elf64_Shdr rs, ts;
	enum ldr_err err;

	for (uint32_t i = 1; i < img->sec.shnum; i++) {
		elf_sect_shdr(img, i, &rs);
		if (rs.sh_type != SHT_RELA || (rs.sh_flags & SHF_ALLOC) || !rs.sh_info ||
		    rs.sh_info >= img->sec.shnum)
			continue;
		elf_sect_shdr(img, rs.sh_info, &ts);
		if (!(ts.sh_flags & SHF_ALLOC))
			continue; /* relocations of debug sections: not ours */
		if ((err = check_table(v, &rs, i, &ts)))
			return err;
		if (rs.sh_size / sizeof(Elf64_Rela) > ELF_MAX_RELOCS - img->sec.nrelocs)
			return ldr_fail(v->d, LDR_E_TOO_MANY_RELOCS, "section header", i, "sh_size",
					rs.sh_size);
		img->sec.nrelocs += rs.sh_size / sizeof(Elf64_Rela);
		for (uint64_t o = 0; o < rs.sh_size; o += sizeof(Elf64_Rela), v->n++)
			if ((err = check_one(v, &ts, img->file + rs.sh_offset + o)))
				return err;
	}
	return LDR_OK;
}

/* A dynamic relocation's 8-byte target inside one unit (*u its section). */
static enum ldr_err dyn_target(struct lv *v, uint64_t off, const char *what, uint32_t *u,
			       Elf64_Shdr *sh)
{
	*u = elf_sect_find(v->img, off, &v->hint);
	if (*u) {
		elf_sect_shdr(v->img, *u, sh);
		if (sh->sh_size >= 8 && off - sh->sh_addr <= sh->sh_size - 8)
			return LDR_OK;
	}
	return ldr_fail(v->d, LDR_E_LRELOC_TARGET, what, v->n, "r_offset", off);
}

/* A value a dynamic relocation places by address: inside or at the end of a unit. */
static enum ldr_err dyn_value(struct lv *v, uint64_t x, const char *what, const char *field)
{
	if (!elf_sect_find(v->img, x, &v->vhint))
		return ldr_fail(v->d, LDR_E_LRELOC_TARGET, what, v->n, field, x);
	return LDR_OK;
}

/* RELA and JMPREL (types already checked by elf_reloc_validate). */
static enum ldr_err check_dyn_rela(struct lv *v, uint64_t off, uint64_t count)
{
	const struct elf_image *img = v->img;
	Elf64_Shdr sh;
	uint32_t u;
	enum ldr_err err;

	for (uint64_t i = 0; i < count; i++, v->n++) {
		const uint8_t *e = img->file + off + i * sizeof(Elf64_Rela);
		uint64_t info = rd_le64(e + 8), sym = ELF64_R_SYM(info);
		uint32_t type = ELF64_R_TYPE(info);
		const uint8_t *p;

		if (type == R_X86_64_NONE ||
		    (type != R_X86_64_RELATIVE && type != R_X86_64_64 &&
		     type != R_X86_64_GLOB_DAT && type != R_X86_64_JUMP_SLOT))
			continue; /* ELF_POL_INSPECT's kinds: never applied */
		if ((err = dyn_target(v, rd_le64(e), DREL, &u, &sh)))
			return err;
		if (type == R_X86_64_RELATIVE) {
			if ((err = dyn_value(v, rd_le64(e + 16), DREL, "r_addend")))
				return err;
			continue;
		}
		if (sym == 0)
			continue;
		p = img->file + img->symtab_off + sym * sizeof(Elf64_Sym);
		if (rd_le16(p + 6) != SHN_UNDEF && rd_le16(p + 6) != SHN_ABS &&
		    (err = dyn_value(v, rd_le64(p + 8), DREL, "st_value")))
			return err;
	}
	return LDR_OK;
}

/* RELR address x: its target in a unit with file bytes, its word placeable. */
static enum ldr_err check_relr_at(struct lv *v, uint64_t x)
{
	Elf64_Shdr sh;
	uint32_t u;
	enum ldr_err err;

	if ((err = dyn_target(v, x, "RELR word", &u, &sh)))
		return err;
	if (sh.sh_type == SHT_NOBITS)
		return ldr_fail(v->d, LDR_E_LRELOC_TARGET, "RELR word", v->n, "r_offset", x);
	return dyn_value(v, rd_le64(v->img->file + sh.sh_offset + (x - sh.sh_addr)), "RELR word",
			 "value");
}

/* RELR (words already checked by elf_reloc_validate: no wrap, in segments). */
static enum ldr_err check_dyn_relr(struct lv *v)
{
	const struct elf_image *img = v->img;
	uint64_t next = 0;
	enum ldr_err err;

	for (uint64_t i = 0; i < img->relr_count; i++, v->n++) {
		uint64_t w = rd_le64(img->file + img->relr_off + i * 8);

		if (!(w & 1)) {
			if ((err = check_relr_at(v, w)))
				return err;
			next = w + 8;
			continue;
		}
		for (uint64_t b = w >> 1, a = next; b; b >>= 1, a += 8)
			if ((b & 1) && (err = check_relr_at(v, a)))
				return err;
		next += 63 * 8;
	}
	return LDR_OK;
}

/* max_span from the PC-relative addends; s32_lo/hi from the 32S ones. */
static enum ldr_err spans(struct lv *v)
{
	struct elf_sections *sec = &v->img->sec;
	uint64_t room = (UINT64_C(1) << 31) - PC_SLACK;

	sec->max_span = v->max_pc_addend < room ? align_down(room - v->max_pc_addend, 2 * MIB) : 0;
	if (sec->max_span > ELF_MAX_IMAGE_SPAN)
		sec->max_span = ELF_MAX_IMAGE_SPAN;
	if (sec->max_span < sec->unit_pages)
		return ldr_fail(v->d, LDR_E_LRELOC_OVERFLOW, "image", -1, "max_span",
				sec->max_span);
	if (!v->s32)
		return LDR_OK;
	/* S + A in [S32_BASE, 2^64) for every S in [s32_lo, s32_hi]. */
	if (v->s32_amin < 0 && sabs(v->s32_amin) > UINT64_C(1) << 30)
		return ldr_fail(v->d, LDR_E_LRELOC_OVERFLOW, "image", -1, "r_addend",
				(uint64_t)v->s32_amin);
	if (v->s32_amax > 0 && (uint64_t)v->s32_amax > UINT64_C(1) << 30)
		return ldr_fail(v->d, LDR_E_LRELOC_OVERFLOW, "image", -1, "r_addend",
				(uint64_t)v->s32_amax);
	sec->s32_lo = S32_BASE + (v->s32_amin < 0 ? sabs(v->s32_amin) : 0);
	sec->s32_hi = UINT64_MAX - (v->s32_amax > 0 ? (uint64_t)v->s32_amax : 0);
	return LDR_OK;
}

enum ldr_err elf_lreloc_validate(struct elf_image *img, struct ldr_diag *d)
{
	struct lv v = { .img = img, .d = d };
	enum ldr_err err;

	v.zero64_ok = img->stats.relative + img->stats.relr_relocs > 0;
	if ((err = check_lrelocs(&v)))
		return err;
	v.n = 0;
	if ((err = check_dyn_rela(&v, img->rela_off, img->rela_count)) ||
	    (err = check_dyn_rela(&v, img->jmprel_off, img->jmprel_count)))
		return err;
	v.n = 0;
	if ((err = check_dyn_relr(&v)))
		return err;
	return spans(&v);
}

/* ---- after placement ---- */

/* Unit u is the last one starting at or below x. */
static bool last_at_or_below(const struct elf_sec_placement *pl, uint32_t u, uint64_t x)
{
	return u < pl->nunits && pl->unit[u].link <= x &&
	       (u + 1 == pl->nunits || pl->unit[u + 1].link > x);
}

uint32_t elf_sect_unit_search(const struct elf_sec_placement *pl, uint64_t x, uint32_t *hint)
{
	const struct elf_unit *u = pl->unit;
	uint32_t base = 0, n = pl->nunits;

	/* Sorted tables walk the units in order (up or down): a neighbour. */
	if (last_at_or_below(pl, *hint + 1, x))
		return ++*hint;
	if (*hint && last_at_or_below(pl, *hint - 1, x))
		return --*hint;
	/* Else no order to exploit (function pointer tables): a search with
	 * no branch on the data, the answer in [base, base + n). */
	while (n > 1) {
		uint32_t half = n / 2;

		base = u[base + half].link <= x ? base + half : base;
		n -= half;
	}
	*hint = base;
	return base;
}

static uint8_t *mem_at(const struct elf_sec_placement *pl, uint32_t u, uint64_t x)
{
	return pl->mem[u] + (x - align_down(pl->unit[u].link, ELF_PAGE));
}

static void st64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, 8);
}

static void st32(uint8_t *p, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	__builtin_memcpy(p, &w, 4);
}

/*
 * The caller's tables describe this image (sec_unit numbers the units in
 * header order; unit[] and su[] carry their addresses, sizes and alignments:
 * the hash elf_parse took over them must match); alignment, the
 * PC-relative window and the 32S range hold.  O(shnum) over the caller's
 * arrays: section headers are not read again.
 */
static enum ldr_err check_placement(const struct elf_image *img, const struct elf_sec_placement *pl,
				    struct ldr_diag *d)
{
	const struct elf_sections *sec = &img->sec;
	uint64_t lo = UINT64_MAX, hi = 0, end, h = 0;
	uint32_t n = 0;

	if (!sec->usable || pl->nunits != sec->nunits || !pl->unit || !pl->mem || !pl->su ||
	    !pl->sec_unit)
		return ldr_fail(d, LDR_E_RANGE, "placement", -1, "units", pl->nunits);
	for (uint32_t i = 0; i < sec->shnum; i++) {
		const struct elf_unit *u;
		uint64_t al;

		if (pl->sec_unit[i] == ELF_NO_UNIT)
			continue;
		if (pl->sec_unit[i] != n || n == sec->nunits || !i)
			return ldr_fail(d, LDR_E_RANGE, "placement", i, "sec_unit",
					pl->sec_unit[i]);
		u = &pl->unit[n];
		al = pl->su[n].align;
		h = elf_unit_hash(h, i, u->link, u->size, al);
		if (!pl->mem[n] || !is_pow2(al))
			return ldr_fail(d, LDR_E_RANGE, "placement unit", n, "mem", 0);
		if ((u->va ^ u->link) & (ELF_PAGE - 1) || (u->va ^ u->link) & (al - 1) ||
		    !range_end(u->va, u->size, &end))
			return ldr_fail(d, LDR_E_RANGE, "placement unit", n, "va", u->va);
		if (sec->s32_lo && (u->va < sec->s32_lo || end > sec->s32_hi))
			return ldr_fail(d, LDR_E_LRELOC_OVERFLOW, "placement unit", n, "va", u->va);
		lo = u->va < lo ? u->va : lo;
		hi = end > hi ? end : hi;
		n++;
	}
	if (n != sec->nunits || h != sec->unit_hash)
		return ldr_fail(d, LDR_E_RANGE, "placement", -1, "link", n);
	if (hi - lo > sec->max_span)
		return ldr_fail(d, LDR_E_LRELOC_OVERFLOW, "placement", -1, "span", hi - lo);
	return LDR_OK;
}

/* Dynamic S: SHN_ABS and undefined symbols are not placed. */
static uint64_t dyn_sym(const struct elf_image *img, const struct elf_sec_placement *pl,
			uint32_t sym)
{
	const uint8_t *p = img->file + img->symtab_off + (uint64_t)sym * sizeof(Elf64_Sym);
	uint16_t shndx = rd_le16(p + 6);

	if (sym == 0 || shndx == SHN_UNDEF)
		return 0;
	uint32_t h = 0;

	return shndx == SHN_ABS ? rd_le64(p + 8) : elf_sect_place(pl, rd_le64(p + 8), &h);
}

static void apply_dyn_rela(const struct elf_image *img, const struct elf_sec_placement *pl,
			   uint64_t off, uint64_t count)
{
	uint32_t ht = 0, hv = 0;

	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = img->file + off + i * sizeof(Elf64_Rela);
		uint64_t r = rd_le64(e), info = rd_le64(e + 8), A = rd_le64(e + 16), val;

		switch (ELF64_R_TYPE(info)) {
		case R_X86_64_RELATIVE: val = elf_sect_place(pl, A, &hv); break;
		case R_X86_64_64: val = dyn_sym(img, pl, ELF64_R_SYM(info)) + A; break;
		case R_X86_64_GLOB_DAT:
		case R_X86_64_JUMP_SLOT: val = dyn_sym(img, pl, ELF64_R_SYM(info)); break;
		default: continue; /* NONE, ELF_POL_INSPECT's kinds */
		}
		st64(mem_at(pl, elf_sect_unit_of(pl, r, &ht), r), val);
	}
}

static void relr_at(const struct elf_sec_placement *pl, uint64_t x, uint32_t *ht, uint32_t *hv)
{
	uint8_t *p = mem_at(pl, elf_sect_unit_of(pl, x, ht), x);

	st64(p, elf_sect_place(pl, rd_le64(p), hv));
}

static void apply_dyn_relr(const struct elf_image *img, const struct elf_sec_placement *pl)
{
	uint64_t next = 0;
	uint32_t ht = 0, hv = 0;

	for (uint64_t i = 0; i < img->relr_count; i++) {
		uint64_t w = rd_le64(img->file + img->relr_off + i * 8);

		if (!(w & 1)) {
			relr_at(pl, w, &ht, &hv);
			next = w + 8;
			continue;
		}
		for (uint64_t b = w >> 1, a = next; b; b >>= 1, a += 8)
			if (b & 1)
				relr_at(pl, a, &ht, &hv);
		next += 63 * 8;
	}
}

/* S of a symbol that is not in a unit: fixed, or placed by address. */
static uint64_t slow_sym(const struct elf_sec_placement *pl, uint16_t shndx, uint64_t S)
{
	uint32_t h = 0;

	if (shndx == SHN_UNDEF)
		return 0;
	return shndx == SHN_ABS ? S : elf_sect_place(pl, S, &h);
}

/* The file bytes of the section a GOTPCREL* field lies in, at link address x. */
static const uint8_t *file_at(const struct elf_image *img, uint32_t shndx, uint64_t x)
{
	Elf64_Shdr ts;

	elf_sect_shdr(img, shndx, &ts);
	return img->file + ts.sh_offset + (x - ts.sh_addr);
}

/* The types other than PC32/PLT32 (rarer, out of the hot loop): field w
 * at link address off, P its run-time address, S the symbol's. */
static __attribute__((noinline)) void apply_other(const struct elf_image *img,
						  const struct elf_sec_placement *pl, uint32_t tsec,
						  uint8_t *w, uint64_t info, uint64_t off,
						  uint64_t A, uint64_t P, uint64_t S,
						  const uint8_t *sp)
{
	/* S's link value as elf_lreloc_validate saw it (undefined: 0). */
	uint64_t S0 = rd_le16(sp + 6) == SHN_UNDEF ? 0 : rd_le64(sp + 8), T;
	uint32_t ut = 0;

	switch (ELF64_R_TYPE(info)) {
	case R_X86_64_64: st64(w, S + A); break;
	case R_X86_64_PC64: st64(w, S + A - P); break;
	case R_X86_64_32:
	case R_X86_64_32S: st32(w, S + A); break;
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		/* Relaxed by the linker (a direct reference to S), or through the
		 * GOT slot the field names. */
		T = (uint64_t)(int64_t)(int32_t)rd_le32(file_at(img, tsec, off));
		if ((uint32_t)T == (uint32_t)(S0 + A - off)) {
			st32(w, S + A - P);
			break;
		}
		/* The slot gets S through the symbol's unit too: by address, a
		 * symbol at the end of its section would read as the start of
		 * the next unit. */
		T = off + T - A;
		ut = elf_sect_unit_of(pl, T, &ut);
		st64(mem_at(pl, ut, T), S);
		st32(w, T + (pl->unit[ut].va - pl->unit[ut].link) + A - P);
		break;
	default: break; /* R_X86_64_NONE */
	}
}

/* The lookup tables, copied into locals: the loop's stores may alias *pl. */
struct lk {
	const uint64_t *val; /* pl->sym_val, or NULL */
	const uint32_t *su;  /* pl->sec_unit */
	const struct elf_unit *unit;
	uint32_t shnum;
};

/* S for .symtab symbol `sym`: its run-time value from sym_val[], or
 * through its section's unit, else fixed or by address. */
static inline __attribute__((always_inline)) uint64_t sym_at(const struct elf_sec_placement *pl,
							     const struct lk *k, bool by_val,
							     const uint8_t *syms, uint64_t sym)
{
	const uint8_t *sp = syms + sym * sizeof(Elf64_Sym);
	uint32_t shndx, u;
	uint64_t S0;

	if (by_val)
		return k->val[sym];
	shndx = rd_le16(sp + 6);
	S0 = rd_le64(sp + 8);
	u = shndx < k->shnum ? k->su[shndx] : ELF_NO_UNIT;
	if (__builtin_expect(u != ELF_NO_UNIT, 1))
		return S0 + (k->unit[u].va - k->unit[u].link);
	return slow_sym(pl, (uint16_t)shndx, S0);
}

/*
 * One link-time table (section header h) patching unit pu, section tsec.
 * Every entry was validated by elf_lreloc_validate, so the loop only
 * computes and stores: per entry one load of sym_val[] (or one .symtab
 * read and one lookup by section index, O(1)); PC32, PLT32 and 64, most
 * of any table, stay in the loop.
 */
static inline __attribute__((always_inline)) void apply_table(const struct elf_image *img,
							      const struct elf_sec_placement *pl,
							      bool by_val, const uint8_t *h,
							      uint32_t tsec, uint32_t pu)
{
	const struct lk k = { pl->sym_val, pl->sec_unit, pl->unit, img->sec.shnum };
	const uint8_t *syms = img->file + img->sec.symtab_off;
	const uint8_t *e = img->file + rd_le64(h + 24);
	const uint8_t *end = e + rd_le64(h + 32);
	uint64_t pdelta = pl->unit[pu].va - pl->unit[pu].link;
	/* The field at link address off is at bias + off. */
	uintptr_t bias =
		(uintptr_t)pl->mem[pu] - (uintptr_t)align_down(pl->unit[pu].link, ELF_PAGE);

	for (; e < end; e += sizeof(Elf64_Rela)) {
		uint64_t off = rd_le64(e), info = rd_le64(e + 8), A = rd_le64(e + 16);
		uint64_t S = sym_at(pl, &k, by_val, syms, info >> 32);
		uint8_t *w = (uint8_t *)(bias + (uintptr_t)off);
		uint32_t type = (uint32_t)info;

		/* R_X86_64_PC32 (2) or R_X86_64_PLT32 (4): S + A - P. */
		if (__builtin_expect(((type - 2) & ~2u) == 0, 1))
			st32(w, S + A - (off + pdelta));
		else if (type == R_X86_64_64)
			st64(w, S + A);
		else
			apply_other(img, pl, tsec, w, info, off, A, off + pdelta, S,
				    syms + (info >> 32) * sizeof(Elf64_Sym));
	}
}

/* sym_val[i]: symbol i's run-time value (a symbol no relocation uses gets
 * a harmless one: its link value, or its address placed like the others). */
static void fill_sym_val(const struct elf_image *img, const struct elf_sec_placement *pl)
{
	const uint8_t *sp = img->file + img->sec.symtab_off;
	const uint32_t shnum = img->sec.shnum;
	uint64_t *val = pl->sym_val;

	for (uint64_t i = 0; i < img->sec.sym_count; i++, sp += sizeof(Elf64_Sym)) {
		uint32_t shndx = rd_le16(sp + 6);
		uint32_t u = shndx < shnum ? pl->sec_unit[shndx] : ELF_NO_UNIT;
		uint64_t S0 = rd_le64(sp + 8);

		val[i] = u != ELF_NO_UNIT ? S0 + (pl->unit[u].va - pl->unit[u].link) :
					    slow_sym(pl, (uint16_t)shndx, S0);
	}
}

/* Every SHT_RELA header that is not allocatable and patches a unit. */
static void apply_lrelocs(const struct elf_image *img, const struct elf_sec_placement *pl)
{
	const uint8_t *h = img->file + img->sec.shoff;

	for (uint32_t i = 0; i < img->sec.shnum; i++, h += sizeof(Elf64_Shdr)) {
		uint32_t info;

		if (rd_le32(h + 4) != SHT_RELA || (rd_le64(h + 8) & SHF_ALLOC))
			continue;
		info = rd_le32(h + 44);
		if (!info || info >= img->sec.shnum || pl->sec_unit[info] == ELF_NO_UNIT)
			continue;
		/* Two copies of the loop: with and without sym_val[]. */
		if (pl->sym_val)
			apply_table(img, pl, true, h, info, pl->sec_unit[info]);
		else
			apply_table(img, pl, false, h, info, pl->sec_unit[info]);
	}
}

enum ldr_err elf_relocate_sections(const struct elf_image *img, const struct elf_sec_placement *pl,
				   struct ldr_diag *diag)
{
	enum ldr_err err;

	if ((err = check_placement(img, pl, diag)))
		return err;
	if (pl->sym_val)
		fill_sym_val(img, pl);
	apply_dyn_rela(img, pl, img->rela_off, img->rela_count);
	apply_dyn_rela(img, pl, img->jmprel_off, img->jmprel_count);
	apply_dyn_relr(img, pl);
	apply_lrelocs(img, pl);
	elf_ehhdr_rebuild(img, pl);
	return LDR_OK;
}
