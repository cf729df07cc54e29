// SPDX-License-Identifier: MIT
/*
 * elf_parse(): the ELF header, the program header table, each segment, the
 * entry point, section headers and notes; the dynamic section and
 * relocations are checked by elf_dyn.c / elf_reloc.c before we return OK.
 */
#include "elf_int.h"

#define EHDR "ELF header"
#define PHDR "program header"

static enum ldr_err fail(struct ldr_diag *d, enum ldr_err e, const char *what, int64_t i,
			 const char *field, uint64_t v)
{
	return ldr_fail(d, e, what, i, field, v);
}

_Static_assert(ELF_MACHINE_X86_64 == EM_X86_64 && ELF_MACHINE_AARCH64 == EM_AARCH64,
	       "elf.h's machine numbers are e_machine values");

/* The machine the caller expects, one the validator has relocation rules
 * for; the Linux 64-bit boot protocol is x86-64's. */
static bool machine_ok(uint16_t m, uint16_t want, uint32_t policy)
{
	if (m != want || (m != EM_X86_64 && m != EM_AARCH64))
		return false;
	return m == EM_X86_64 || !(policy & ELF_POL_LINUX64);
}

/* Magic, class, byte order, version, machine, type, header size. */
static enum ldr_err check_ehdr(const Elf64_Ehdr *eh, uint16_t machine, uint32_t policy,
			       struct ldr_diag *d)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (__builtin_memcmp(eh->e_ident, magic, sizeof(magic)))
		return fail(d, LDR_E_NOT_ELF, EHDR, -1, "e_ident[EI_MAG]", rd_le32(eh->e_ident));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(d, LDR_E_CLASS, EHDR, -1, "e_ident[EI_CLASS]", eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(d, LDR_E_ENDIAN, EHDR, -1, "e_ident[EI_DATA]", eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT)
		return fail(d, LDR_E_VERSION, EHDR, -1, "e_ident[EI_VERSION]",
			    eh->e_ident[EI_VERSION]);
	if (eh->e_version != EV_CURRENT)
		return fail(d, LDR_E_VERSION, EHDR, -1, "e_version", eh->e_version);
	if (!machine_ok(eh->e_machine, machine, policy))
		return fail(d, LDR_E_MACHINE, EHDR, -1, "e_machine", eh->e_machine);
	/* ET_EXEC is decided once we know whether it carries relocations. */
	if (eh->e_type != ET_DYN && eh->e_type != ET_EXEC)
		return fail(d, LDR_E_TYPE, EHDR, -1, "e_type", eh->e_type);
	if (eh->e_ehsize < sizeof(Elf64_Ehdr))
		return fail(d, LDR_E_EHSIZE, EHDR, -1, "e_ehsize", eh->e_ehsize);
	return LDR_OK;
}

/* Count, entry size, cap and file range (phdrs are read with memcpy at any
 * alignment). */
static enum ldr_err check_phdr_table(const Elf64_Ehdr *eh, uint64_t size, struct ldr_diag *d)
{
	uint64_t len, end;

	if (eh->e_phnum == 0)
		return fail(d, LDR_E_NO_PHDRS, EHDR, -1, "e_phnum", 0);
	if (eh->e_phnum == PN_XNUM)
		return fail(d, LDR_E_PHNUM_XNUM, EHDR, -1, "e_phnum", eh->e_phnum);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(d, LDR_E_PHENTSIZE, EHDR, -1, "e_phentsize", eh->e_phentsize);
	if (eh->e_phnum > ELF_MAX_PHDRS)
		return fail(d, LDR_E_TOO_MANY_PHDRS, EHDR, -1, "e_phnum", eh->e_phnum);
	if (__builtin_mul_overflow((uint64_t)eh->e_phnum, (uint64_t)eh->e_phentsize, &len) ||
	    __builtin_add_overflow(eh->e_phoff, len, &end) || end > size)
		return fail(d, LDR_E_PHDR_RANGE, EHDR, -1, "e_phoff", eh->e_phoff);
	return LDR_OK;
}

/* Section headers: never read, only bounded (GRUB 2022 fixes).
 * e_shnum == 0: no table. */
static enum ldr_err check_shdrs(const Elf64_Ehdr *eh, uint64_t size, struct ldr_diag *d)
{
	uint64_t len, end;

	if (eh->e_shnum == 0)
		return LDR_OK;
	if (eh->e_shentsize != ELF64_SHDR_SIZE)
		return fail(d, LDR_E_SHDR_RANGE, EHDR, -1, "e_shentsize", eh->e_shentsize);
	if (__builtin_mul_overflow((uint64_t)eh->e_shnum, (uint64_t)ELF64_SHDR_SIZE, &len) ||
	    __builtin_add_overflow(eh->e_shoff, len, &end) || end > size)
		return fail(d, LDR_E_SHDR_RANGE, EHDR, -1, "e_shoff", eh->e_shoff);
	if (eh->e_shstrndx >= eh->e_shnum)
		return fail(d, LDR_E_SHDR_RANGE, EHDR, -1, "e_shstrndx", eh->e_shstrndx);
	return LDR_OK;
}

/* One PT_LOAD's sizes, ranges, alignment and W^X, before it joins segs[]. */
static enum ldr_err check_load(const struct elf_image *img, const Elf64_Phdr *ph, uint32_t i,
			       struct ldr_diag *d)
{
	uint64_t end, al = ph->p_align;
	bool l64 = img->policy & ELF_POL_LINUX64;

	if (ph->p_filesz > ph->p_memsz)
		return fail(d, LDR_E_FILESZ, PHDR, i, "p_filesz", ph->p_filesz);
	if (ph->p_memsz == 0)
		return LDR_OK; /* nothing to read or place (filesz is 0 too); skipped */
	if (!range_end(ph->p_offset, ph->p_filesz, &end) || end > img->file_size)
		return fail(d, LDR_E_SEG_FILE_RANGE, PHDR, i, "p_offset", ph->p_offset);
	if (!range_end(ph->p_vaddr, ph->p_memsz, &end) || !align_up_checked(end, ELF_PAGE, &end))
		return fail(d, LDR_E_SEG_VADDR_RANGE, PHDR, i, "p_vaddr", ph->p_vaddr);
	if (l64 &&
	    (!range_end(ph->p_paddr, ph->p_memsz, &end) || !align_up_checked(end, ELF_PAGE, &end)))
		return fail(d, LDR_E_SEG_VADDR_RANGE, PHDR, i, "p_paddr", ph->p_paddr);
	if (ph->p_memsz > ELF_MAX_SEG_SIZE)
		return fail(d, LDR_E_SEG_TOO_BIG, PHDR, i, "p_memsz", ph->p_memsz);
	if (al > 1 && !is_pow2(al))
		return fail(d, LDR_E_ALIGN, PHDR, i, "p_align", al);
	if (al > ELF_MAX_ALIGN)
		return fail(d, LDR_E_ALIGN_TOO_BIG, PHDR, i, "p_align", al);
	/* A self-relocating kernel is copied by p_offset/p_filesz into one block
	 * (l64_load), never mapped from the file: page congruence is ours only. */
	if (l64)
		return LDR_OK;
	if (al < ELF_PAGE)
		return fail(d, LDR_E_ALIGN_SMALL, PHDR, i, "p_align", al);
	if ((ph->p_vaddr - ph->p_offset) & (al - 1))
		return fail(d, LDR_E_ALIGN_CONGRUENCE, PHDR, i, "p_vaddr", ph->p_vaddr);
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return fail(d, LDR_E_WX, PHDR, i, "p_flags", ph->p_flags);
	return LDR_OK;
}

/* Ascending order, no overlap, no shared page: against the previous
 * segment, then append. */
static enum ldr_err add_load(struct elf_image *img, const Elf64_Phdr *ph, uint32_t i,
			     struct ldr_diag *d)
{
	struct elf_seg *s;
	enum ldr_err err = check_load(img, ph, i, d);

	if (err || ph->p_memsz == 0)
		return err;
	if (img->nsegs == ELF_MAX_LOAD)
		return fail(d, LDR_E_TOO_MANY_LOADS, PHDR, i, "p_type", ph->p_type);
	s = &img->segs[img->nsegs];
	*s = (struct elf_seg){
		.vaddr = ph->p_vaddr,
		.memsz = ph->p_memsz,
		.offset = ph->p_offset,
		.filesz = ph->p_filesz,
		.paddr = ph->p_paddr,
		.align = ph->p_align,
		.flags = ph->p_flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X),
		.phdr_index = i,
	};
	/* Pages in the placement address space (p_paddr for linux64); checked above. */
	s->page_start = align_down(elf_seg_addr(img, s), ELF_PAGE);
	align_up_checked(elf_seg_addr(img, s) + s->memsz, ELF_PAGE, &s->page_end);
	if (img->nsegs) {
		const struct elf_seg *p = s - 1;
		uint64_t a = elf_seg_addr(img, s), pa = elf_seg_addr(img, p);
		const char *f = (img->policy & ELF_POL_LINUX64) ? "p_paddr" : "p_vaddr";

		if (a < pa)
			return fail(d, LDR_E_ORDER, PHDR, i, f, a);
		if (a < pa + p->memsz)
			return fail(d, LDR_E_OVERLAP, PHDR, i, f, a);
		/* Each segment is placed on its own pages: even equal flags may not share. */
		if (!(img->policy & ELF_POL_LINUX64) && s->page_start < p->page_end)
			return fail(d, LDR_E_PERM_SHARE, PHDR, i, f, a);
	}
	if (s->align > img->max_align)
		img->max_align = s->align;
	img->nsegs++;
	return LDR_OK;
}

struct phdr_seen {
	int dyn, relro; /* phdr index or -1 */
};

static enum ldr_err visit_phdr(struct elf_image *img, const Elf64_Phdr *ph, uint32_t i,
			       struct phdr_seen *seen, struct ldr_diag *d)
{
	bool inspect = img->policy & ELF_POL_INSPECT;

	switch (ph->p_type) {
	case PT_NULL:
	case PT_PHDR: return LDR_OK;
	case PT_LOAD: return add_load(img, ph, i, d);
	case PT_DYNAMIC:
		if (seen->dyn >= 0)
			return fail(d, LDR_E_PHDR_DUP, PHDR, i, "p_type", ph->p_type);
		seen->dyn = (int)i;
		return LDR_OK;
	case PT_GNU_RELRO:
		if (seen->relro >= 0)
			return fail(d, LDR_E_PHDR_DUP, PHDR, i, "p_type", ph->p_type);
		seen->relro = (int)i;
		return LDR_OK;
	case PT_NOTE: return elf_parse_notes(img, ph, i, d);
	case PT_INTERP:
		img->has_interp = true;
		return inspect ? LDR_OK : fail(d, LDR_E_INTERP, PHDR, i, "p_type", ph->p_type);
	case PT_TLS:
		/* A self-relocating kernel sets up its own TLS. */
		img->has_tls = true;
		return inspect || (img->policy & ELF_POL_LINUX64) ?
			       LDR_OK :
			       fail(d, LDR_E_TLS, PHDR, i, "p_type", ph->p_type);
	case PT_GNU_STACK:
		/* The stack is never executable; a linux64 kernel builds its own
		 * stack and tables. */
		if ((ph->p_flags & PF_X) && !(img->policy & ELF_POL_LINUX64))
			return fail(d, LDR_E_STACK_EXEC, PHDR, i, "p_flags", ph->p_flags);
		return LDR_OK;
	default:
		/* OS/processor-specific types are someone else's business. */
		if (ph->p_type >= PT_LOOS && ph->p_type <= PT_HIPROC)
			return LDR_OK;
		return fail(d, LDR_E_PHDR_TYPE, PHDR, i, "p_type", ph->p_type);
	}
}

static void read_phdr(const struct elf_image *img, const Elf64_Ehdr *eh, uint32_t i, Elf64_Phdr *ph)
{
	__builtin_memcpy(ph, img->file + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

/* At least one segment; the span over the kept segments is under the cap
 * (zero-size ones never got here). */
static enum ldr_err check_span(struct elf_image *img, struct ldr_diag *d)
{
	const struct elf_seg *lo = &img->segs[0], *hi;

	if (img->nsegs == 0)
		return fail(d, LDR_E_NO_LOAD, EHDR, -1, "e_phnum", 0);
	hi = &img->segs[img->nsegs - 1];
	img->link_base = lo->page_start;
	img->link_end = hi->page_end;
	if (img->link_end - img->link_base > ELF_MAX_IMAGE_SPAN)
		return fail(d, LDR_E_IMAGE_TOO_BIG, "image", -1, "span",
			    img->link_end - img->link_base);
	return LDR_OK;
}

/* PT_GNU_RELRO lies in one writable PT_LOAD; glibc's rounding
 * (_dl_protect_relro): both ends rounded down. */
static enum ldr_err check_relro(struct elf_image *img, const Elf64_Phdr *ph, uint32_t i,
				struct ldr_diag *d)
{
	uint64_t end;
	int s;

	if (!range_end(ph->p_vaddr, ph->p_memsz, &end))
		return fail(d, LDR_E_RELRO, PHDR, i, "p_memsz", ph->p_memsz);
	img->relro_start = align_down(ph->p_vaddr, ELF_PAGE);
	img->relro_end = align_down(end, ELF_PAGE);
	if (img->relro_end <= img->relro_start) {
		img->relro_start = img->relro_end = 0;
		return LDR_OK; /* less than a page: nothing to protect */
	}
	s = elf_seg_of(img, ph->p_vaddr);
	if (s < 0 || !(img->segs[s].flags & ELF_PF_W))
		return fail(d, LDR_E_RELRO, PHDR, i, "p_vaddr", ph->p_vaddr);
	/* lld rounds p_memsz up to the page past its RW segment: compare page spans
	 * (no two segments share a page). */
	if (img->relro_end > img->segs[s].page_end)
		return fail(d, LDR_E_RELRO, PHDR, i, "p_memsz", ph->p_memsz);
	img->has_relro = true;
	return LDR_OK;
}

/* The entry lies in an executable segment's file-backed bytes. */
static enum ldr_err check_entry(struct elf_image *img, struct ldr_diag *d)
{
	uint64_t e = img->entry;

	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		uint64_t a = elf_seg_addr(img, s);

		if (e < a || e - a >= s->memsz)
			continue;
		if (!(s->flags & ELF_PF_X))
			break;
		if (e - a >= s->filesz)
			return fail(d, LDR_E_ENTRY_BSS, EHDR, -1, "e_entry", e);
		img->entry_seg = i;
		return LDR_OK;
	}
	return fail(d, LDR_E_ENTRY, EHDR, -1, "e_entry", e);
}

static uint64_t reloc_total(const struct elf_image *img)
{
	return img->rela_count + img->jmprel_count + img->relr_count;
}

/* Is this image relocatable under the policy?  ET_DYN needs PT_DYNAMIC;
 * ET_EXEC without relocations only when the policy allows it. */
static enum ldr_err check_dynamic(struct elf_image *img, const Elf64_Ehdr *eh, int dyn,
				  struct ldr_diag *d)
{
	Elf64_Phdr ph;
	enum ldr_err err;
	uint32_t pol = img->policy;

	if (pol & ELF_POL_LINUX64)
		return LDR_OK; /* self-relocating: PT_DYNAMIC is never read */
	if (dyn >= 0) {
		read_phdr(img, eh, (uint32_t)dyn, &ph);
		if ((err = elf_parse_dynamic(img, &ph, (uint32_t)dyn, d)))
			return err;
		if ((err = elf_reloc_validate(img, d)))
			return err;
	} else if (img->type == ET_DYN) {
		return fail(d, LDR_E_NO_DYNAMIC, EHDR, -1, "e_type", img->type);
	}
	/* Section granularity: the link-time relocations also make an ET_EXEC movable. */
	if (img->sec.wanted && (err = elf_sect_parse(img, d)))
		return err;
	img->sec.only_sections = img->sec.usable && img->type == ET_EXEC && reloc_total(img) == 0;
	if (img->type == ET_EXEC && reloc_total(img) == 0 && !img->sec.usable &&
	    !(pol & ELF_POL_ALLOW_EXEC_NORELOC))
		return fail(d, LDR_E_TYPE, EHDR, -1, "e_type", img->type);
	return LDR_OK;
}

static enum ldr_err parse_phdrs(struct elf_image *img, const Elf64_Ehdr *eh, struct ldr_diag *d)
{
	struct phdr_seen seen = { -1, -1 };
	Elf64_Phdr ph;
	enum ldr_err err;

	for (uint32_t i = 0; i < eh->e_phnum; i++) {
		read_phdr(img, eh, i, &ph);
		if ((err = visit_phdr(img, &ph, i, &seen, d)))
			return err;
	}
	if (img->type == ET_DYN)
		img->movable = ELF_MOVE_ET_DYN;
	else if (seen.dyn >= 0)
		img->movable = ELF_MOVE_DYNAMIC;
	else if (img->has_linux_note)
		img->movable = ELF_MOVE_LINUX_NOTE;
	if ((err = check_span(img, d)))
		return err;
	if (seen.relro >= 0) {
		read_phdr(img, eh, (uint32_t)seen.relro, &ph);
		if ((err = check_relro(img, &ph, (uint32_t)seen.relro, d)))
			return err;
	}
	if ((err = check_entry(img, d)))
		return err;
	return check_dynamic(img, eh, seen.dyn, d);
}

enum ldr_err elf_parse(const void *buf, uint64_t size, uint16_t machine, uint32_t policy,
		       struct elf_image *img, struct ldr_diag *diag)
{
	Elf64_Ehdr eh;
	enum ldr_err err;

	__builtin_memset(img, 0, sizeof(*img));
	img->file = buf;
	img->file_size = size;
	img->policy = policy;
	img->max_align = ELF_PAGE;
	if (diag)
		*diag = (struct ldr_diag){ .err = LDR_OK, .index = -1 };
	if (!buf || size < sizeof(eh))
		return fail(diag, LDR_E_TRUNCATED, "file", -1, "size", size);
	__builtin_memcpy(&eh, buf, sizeof(eh));
	if ((err = check_ehdr(&eh, machine, policy, diag)) ||
	    (err = check_phdr_table(&eh, size, diag)) || (err = check_shdrs(&eh, size, diag)))
		return err;
	img->type = eh.e_type;
	img->machine = eh.e_machine;
	img->entry = eh.e_entry;
	return parse_phdrs(img, &eh, diag);
}

/* The p_vaddr page span of a PT_LOAD, clamped at the top of the address space. */
static void vpages(const Elf64_Phdr *ph, uint64_t *lo, uint64_t *hi)
{
	uint64_t end;

	*lo = align_down(ph->p_vaddr, ELF_PAGE);
	if (!range_end(ph->p_vaddr, ph->p_memsz, &end) || !align_up_checked(end, ELF_PAGE, hi))
		*hi = UINT64_MAX;
}

static bool wx_pair(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
	return ((a->p_flags & PF_W) && (b->p_flags & PF_X)) ||
	       ((a->p_flags & PF_X) && (b->p_flags & PF_W));
}

enum ldr_err elf_wx_scan(const struct elf_image *img, struct ldr_diag *d)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph, q;

	__builtin_memcpy(&eh, img->file, sizeof(eh));
	for (uint32_t i = 0; i < eh.e_phnum; i++) {
		uint64_t lo, hi;

		read_phdr(img, &eh, i, &ph);
		if (ph.p_type == PT_GNU_STACK && (ph.p_flags & PF_X))
			return fail(d, LDR_E_STACK_EXEC, PHDR, i, "p_flags", ph.p_flags);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if ((ph.p_flags & PF_W) && (ph.p_flags & PF_X))
			return fail(d, LDR_E_WX, PHDR, i, "p_flags", ph.p_flags);
		vpages(&ph, &lo, &hi);
		for (uint32_t j = 0; j < i; j++) {
			uint64_t qlo, qhi;

			read_phdr(img, &eh, j, &q);
			if (q.p_type != PT_LOAD || !q.p_memsz || !wx_pair(&ph, &q))
				continue;
			vpages(&q, &qlo, &qhi);
			if (lo < qhi && qlo < hi)
				return fail(d, LDR_E_PERM_SHARE, PHDR, i, "p_vaddr", ph.p_vaddr);
		}
	}
	return LDR_OK;
}

int elf_seg_of(const struct elf_image *img, uint64_t vaddr)
{
	for (uint32_t i = 0; i < img->nsegs; i++) {
		uint64_t a = elf_seg_addr(img, &img->segs[i]);

		if (vaddr >= a && vaddr - a < img->segs[i].memsz)
			return (int)i;
	}
	return -1;
}

bool elf_vaddr_to_off(const struct elf_image *img, uint64_t vaddr, uint64_t size, uint64_t *off,
		      uint64_t *avail)
{
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		uint64_t rel = vaddr - s->vaddr;

		if (vaddr < s->vaddr || rel >= s->filesz || size > s->filesz - rel)
			continue;
		*off = s->offset + rel;
		if (avail)
			*avail = s->filesz - rel;
		return true;
	}
	return false;
}
