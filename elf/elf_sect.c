// SPDX-License-Identifier: MIT
/*
 * Section granularity, the section side: the section header table, the
 * units (allocatable sections of non-zero size), .symtab, the link-time
 * relocation sections found, the by-address unit lookup, and the unit
 * list / section index / copy the loader asks for.  Section headers are
 * read only here, only when the aslrboot note asks for this mode.
 */
#include "elf_int.h"

#define SHDR "section header"

/* Index in img->segs of the PT_LOAD whose [p_vaddr, p_vaddr + p_memsz)
 * holds [a, a + len) (len > 0), or -1. */
static int seg_holding(const struct elf_image *img, uint64_t a, uint64_t len)
{
	int s = elf_seg_of(img, a);

	if (s < 0 || img->segs[s].memsz - (a - img->segs[s].vaddr) < len)
		return -1;
	return s;
}

static void fill_unit(const struct elf_image *img, const Elf64_Shdr *sh, uint32_t i,
		      struct elf_sec_unit *u)
{
	int s = seg_holding(img, sh->sh_addr, sh->sh_size);
	uint32_t f = ELF_PF_R;

	if (sh->sh_flags & SHF_WRITE)
		f |= ELF_PF_W;
	if (sh->sh_flags & SHF_EXECINSTR)
		f |= ELF_PF_X;
	*u = (struct elf_sec_unit){
		.link = sh->sh_addr,
		.size = sh->sh_size,
		.align = sh->sh_addralign > 1 ? sh->sh_addralign : 1,
		.off = sh->sh_type == SHT_NOBITS ? 0 : sh->sh_offset,
		.filesz = sh->sh_type == SHT_NOBITS ? 0 : sh->sh_size,
		.shndx = i,
		.seg = s < 0 ? 0 : (uint32_t)s,
		.flags = f,
		.relro = img->has_relro && sh->sh_addr >= img->relro_start &&
			 sh->sh_addr < img->relro_end,
	};
}

/*
 * One unit against the one before (prev_end: its end, 0 for the first):
 * not TLS, ascending and disjoint, alignment, inside one PT_LOAD with
 * matching file bytes and permissions, not straddling the RELRO edge.
 */
static enum ldr_err check_unit(const struct elf_image *img, const Elf64_Shdr *sh, uint32_t i,
			       uint64_t prev_end, struct ldr_diag *d)
{
	uint64_t al = sh->sh_addralign, end, rel;
	const struct elf_seg *s;
	int si;

	if (sh->sh_flags & SHF_TLS)
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_flags", sh->sh_flags);
	if (!range_end(sh->sh_addr, sh->sh_size, &end))
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_size", sh->sh_size);
	if (sh->sh_addr < prev_end)
		return ldr_fail(d, LDR_E_SECTION_ORDER, SHDR, i, "sh_addr", sh->sh_addr);
	if (al > 1 && (!is_pow2(al) || al > ELF_MAX_ALIGN))
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_addralign", al);
	if (al > 1 && !is_aligned(sh->sh_addr, al))
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_addr", sh->sh_addr);
	if ((si = seg_holding(img, sh->sh_addr, sh->sh_size)) < 0)
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_addr", sh->sh_addr);
	s = &img->segs[si];
	rel = sh->sh_addr - s->vaddr;
	if (sh->sh_type == SHT_NOBITS) {
		if (rel < s->filesz)
			return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_type", sh->sh_type);
	} else if (sh->sh_offset - s->offset != rel || sh->sh_offset < s->offset ||
		   s->filesz < rel || s->filesz - rel < sh->sh_size) {
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_offset", sh->sh_offset);
	}
	if (!(sh->sh_flags & SHF_WRITE) != !(s->flags & ELF_PF_W) ||
	    !(sh->sh_flags & SHF_EXECINSTR) != !(s->flags & ELF_PF_X))
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_flags", sh->sh_flags);
	/* Inside PT_GNU_RELRO or outside it, never across its edges. */
	if (img->has_relro &&
	    ranges_overlap(sh->sh_addr, sh->sh_size, img->relro_start,
			   img->relro_end - img->relro_start) &&
	    (sh->sh_addr < img->relro_start || end > img->relro_end))
		return ldr_fail(d, LDR_E_SECTION, SHDR, i, "sh_addr", sh->sh_addr);
	return LDR_OK;
}

/* The one SHT_SYMTAB: whole entries inside the file. */
static enum ldr_err take_symtab(struct elf_image *img, const Elf64_Shdr *sh, uint32_t i,
				struct ldr_diag *d)
{
	uint64_t end;

	if (img->sec.symtab)
		return ldr_fail(d, LDR_E_SHDR_RANGE, SHDR, i, "sh_type", sh->sh_type);
	if (sh->sh_entsize != sizeof(Elf64_Sym) || sh->sh_size % sizeof(Elf64_Sym))
		return ldr_fail(d, LDR_E_SYMTAB_RANGE, SHDR, i, "sh_entsize", sh->sh_entsize);
	if (!range_end(sh->sh_offset, sh->sh_size, &end) || end > img->file_size)
		return ldr_fail(d, LDR_E_SYMTAB_RANGE, SHDR, i, "sh_offset", sh->sh_offset);
	img->sec.symtab = i;
	img->sec.symtab_off = sh->sh_offset;
	img->sec.sym_count = sh->sh_size / sizeof(Elf64_Sym);
	return LDR_OK;
}

/* A link-time relocation section: SHT_RELA (or SHT_REL: refused), not
 * allocatable (an allocatable one is a dynamic table), applying to an
 * allocatable section. */
static bool is_lreloc(const struct elf_image *img, const Elf64_Shdr *sh)
{
	Elf64_Shdr t;

	if ((sh->sh_type != SHT_RELA && sh->sh_type != SHT_REL) || (sh->sh_flags & SHF_ALLOC) ||
	    sh->sh_info == 0 || sh->sh_info >= img->sec.shnum)
		return false;
	elf_sect_shdr(img, sh->sh_info, &t);
	return t.sh_flags & SHF_ALLOC;
}

/* Every section: units, .symtab, link-time relocation tables (counted). */
static enum ldr_err walk(struct elf_image *img, struct ldr_diag *d)
{
	uint64_t prev_end = 0, pages = 0;
	enum ldr_err err;
	Elf64_Shdr sh;

	for (uint32_t i = 1; i < img->sec.shnum; i++) {
		elf_sect_shdr(img, i, &sh);
		if (sh.sh_type == SHT_SYMTAB && (err = take_symtab(img, &sh, i, d)))
			return err;
		if (is_lreloc(img, &sh)) {
			if (sh.sh_type == SHT_REL)
				return ldr_fail(d, LDR_E_LRELOC_TABLE, SHDR, i, "sh_type",
						sh.sh_type);
			img->sec.nrelsecs++;
		}
		if (!elf_sect_is_unit(&sh))
			continue;
		if ((err = check_unit(img, &sh, i, prev_end, d)))
			return err;
		if (img->sec.nunits == ELF_MAX_SECTION_UNITS)
			return ldr_fail(d, LDR_E_TOO_MANY_UNITS, SHDR, i, "sh_flags", sh.sh_flags);
		img->sec.nunits++;
		img->sec.unit_hash = elf_unit_hash(img->sec.unit_hash, i, sh.sh_addr, sh.sh_size,
						   sh.sh_addralign > 1 ? sh.sh_addralign : 1);
		prev_end = sh.sh_addr + sh.sh_size;
		/* Each page span is inside one segment (< 1 GiB): the sum cannot wrap. */
		pages += elf_page_up(prev_end) - align_down(sh.sh_addr, ELF_PAGE);
	}
	img->sec.unit_pages = pages;
	return LDR_OK;
}

/* The entry lies in the file bytes of an executable unit. */
static enum ldr_err check_entry(const struct elf_image *img, struct ldr_diag *d)
{
	uint32_t u = elf_sect_find(img, img->entry, NULL);
	Elf64_Shdr sh;

	if (u) {
		elf_sect_shdr(img, u, &sh);
		if ((sh.sh_flags & SHF_EXECINSTR) && img->entry - sh.sh_addr < sh.sh_size &&
		    sh.sh_type != SHT_NOBITS)
			return LDR_OK;
	}
	return ldr_fail(d, LDR_E_ENTRY, "ELF header", -1, "e_entry", img->entry);
}

enum ldr_err elf_sect_parse(struct elf_image *img, struct ldr_diag *d)
{
	Elf64_Ehdr eh;
	enum ldr_err err;

	__builtin_memcpy(&eh, img->file, sizeof(eh));
	/* Extended numbering (the count in section 0's sh_size) is not read. */
	if (eh.e_shnum == 0 && (eh.e_shoff != 0 || eh.e_shstrndx == SHN_XINDEX))
		return ldr_fail(d, LDR_E_SHDR_RANGE, "ELF header", -1, "e_shoff", eh.e_shoff);
	if (eh.e_shnum == 0)
		return LDR_OK; /* no sections: placed by segment */
	img->sec.shoff = eh.e_shoff;
	img->sec.shnum = eh.e_shnum;
	img->sec.shstrndx = eh.e_shstrndx;
	if ((err = walk(img, d)))
		return err;
	if (!img->sec.nrelsecs)
		return LDR_OK; /* no link-time relocations: placed by segment */
	if ((err = check_entry(img, d)) || (err = elf_lreloc_validate(img, d)) ||
	    (err = elf_ehhdr_validate(img, d)))
		return err;
	img->sec.usable = true;
	return LDR_OK;
}

/*
 * Tables sorted by address walk the units in order, up or down: the hint's
 * unit, else the unit just after it (x above the hint's unit) or just
 * before it (x below; within a few headers: the relocation sections
 * between units), when x lies strictly inside; 0 else.
 */
static uint32_t near_hint(const struct elf_image *img, uint64_t x, uint32_t h)
{
	enum { REACH = 4 };
	Elf64_Shdr sh;
	bool up;

	elf_sect_shdr(img, h, &sh);
	if (x - sh.sh_addr < sh.sh_size)
		return h;
	/* Units ascend without overlap: only one side can hold x. */
	up = x >= sh.sh_addr;
	for (uint32_t i = h + 1; up && i < img->sec.shnum && i <= h + REACH; i++) {
		elf_sect_shdr(img, i, &sh);
		if (elf_sect_is_unit(&sh))
			return x - sh.sh_addr < sh.sh_size ? i : 0;
	}
	for (uint32_t i = h - 1; !up && i > 0 && i + REACH >= h; i--) {
		elf_sect_shdr(img, i, &sh);
		if (elf_sect_is_unit(&sh))
			return x - sh.sh_addr < sh.sh_size ? i : 0;
	}
	return 0;
}

uint32_t elf_sect_find(const struct elf_image *img, uint64_t x, uint32_t *hint)
{
	uint32_t lo = 1, hi = img->sec.shnum, best = 0;
	Elf64_Shdr sh;

	if (hint && *hint && (best = near_hint(img, x, *hint))) {
		*hint = best;
		return best;
	}
	/* The last unit (in header order, which is address order) starting at
	 * or below x: units between the probe and hi are found by walking. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, m = mid;

		for (; m < hi; m++) {
			elf_sect_shdr(img, m, &sh);
			if (elf_sect_is_unit(&sh))
				break;
		}
		if (m == hi) {
			hi = mid;
		} else if (sh.sh_addr <= x) {
			best = m;
			lo = m + 1;
		} else {
			hi = mid;
		}
	}
	if (!best)
		return 0;
	elf_sect_shdr(img, best, &sh);
	if (x - sh.sh_addr > sh.sh_size)
		return 0;
	if (hint)
		*hint = best;
	return best;
}

void elf_section_units(const struct elf_image *img, struct elf_sec_unit *out)
{
	uint32_t n = 0;
	Elf64_Shdr sh;

	for (uint32_t i = 1; i < img->sec.shnum && n < img->sec.nunits; i++) {
		elf_sect_shdr(img, i, &sh);
		if (elf_sect_is_unit(&sh))
			fill_unit(img, &sh, i, &out[n++]);
	}
}

void elf_section_index(const struct elf_image *img, uint32_t *out)
{
	uint32_t n = 0;
	Elf64_Shdr sh;

	if (img->sec.shnum)
		out[0] = ELF_NO_UNIT;
	for (uint32_t i = 1; i < img->sec.shnum; i++) {
		elf_sect_shdr(img, i, &sh);
		out[i] = elf_sect_is_unit(&sh) && n < img->sec.nunits ? n++ : ELF_NO_UNIT;
	}
}

enum ldr_err elf_load_sections(const struct elf_image *img, const struct elf_sec_placement *pl)
{
	uint32_t n = 0;
	Elf64_Shdr sh;

	if (!img->sec.usable || pl->nunits != img->sec.nunits)
		return LDR_E_RANGE;
	for (uint32_t i = 1; i < img->sec.shnum && n < img->sec.nunits; i++) {
		uint64_t head, span, fsz, end;
		uint8_t *dst;

		elf_sect_shdr(img, i, &sh);
		if (!elf_sect_is_unit(&sh))
			continue;
		dst = pl->mem[n++];
		head = sh.sh_addr - align_down(sh.sh_addr, ELF_PAGE);
		span = elf_page_up(sh.sh_addr + sh.sh_size) - align_down(sh.sh_addr, ELF_PAGE);
		fsz = sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size;
		/* Cheap re-checks of what elf_parse established. */
		if (!dst)
			return LDR_E_RANGE;
		if (fsz && (!range_end(sh.sh_offset, fsz, &end) || end > img->file_size))
			return LDR_E_SEG_FILE_RANGE;
		elf_zero8(dst, head);
		elf_copy8(dst + head, img->file + sh.sh_offset, fsz);
		elf_zero8(dst + head + fsz, span - head - fsz);
	}
	return LDR_OK;
}
