// SPDX-License-Identifier: MIT
/* elf/ against libelf: what the file contains (diff_view) and why it was
 * rejected (diff_confirm).  See elf_diff.h. */
#include "elf_diff.h"

#include <stdarg.h>
#include <stdio.h>

#define PAGE 4096u

struct acc {
	int bad;
	char *why;
	size_t n;
};

static void __attribute__((format(printf, 2, 3))) mismatch(struct acc *a, const char *fmt, ...)
{
	va_list ap;

	if (a->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(a->why, a->n, fmt, ap);
	va_end(ap);
}

static void cmp(struct acc *a, const char *what, long idx, uint64_t ours, uint64_t theirs)
{
	char where[32] = "";

	if (ours == theirs)
		return;
	if (idx >= 0)
		snprintf(where, sizeof(where), " (phdr %ld)", idx);
	mismatch(a, "%s%s: elf/ 0x%llx, libelf 0x%llx", what, where, (unsigned long long)ours,
		 (unsigned long long)theirs);
}

static void diff_loads(struct acc *a, const struct elf_image *img, const struct elfview *v)
{
	uint32_t k = 0;

	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];
		const struct elf_seg *s = &img->segs[k];

		if (p->type != PT_LOAD || !p->memsz)
			continue;
		if (k++ >= img->nsegs)
			continue; /* the count check below reports it */
		cmp(a, "PT_LOAD index", (long)i, s->phdr_index, i);
		cmp(a, "PT_LOAD p_vaddr", (long)i, s->vaddr, p->vaddr);
		cmp(a, "PT_LOAD p_memsz", (long)i, s->memsz, p->memsz);
		cmp(a, "PT_LOAD p_offset", (long)i, s->offset, p->offset);
		cmp(a, "PT_LOAD p_filesz", (long)i, s->filesz, p->filesz);
		cmp(a, "PT_LOAD p_flags", (long)i, s->flags, p->flags & (PF_R | PF_W | PF_X));
		cmp(a, "PT_LOAD p_align", (long)i, s->align, p->align);
	}
	cmp(a, "PT_LOAD count", -1, img->nsegs, k);
}

static bool has_ptype(const struct elfview *v, uint32_t type)
{
	for (size_t i = 0; i < v->nphdr; i++)
		if (v->ph[i].type == type)
			return true;
	return false;
}

static void diff_relro(struct acc *a, const struct elf_image *img, const struct elfview *v)
{
	/* glibc's _dl_protect_relro rounding: both ends down; empty means none. */
	uint64_t lo = v->relro_vaddr / PAGE * PAGE;
	uint64_t hi = (v->relro_vaddr + v->relro_memsz) / PAGE * PAGE;
	bool want = v->has_relro && hi > lo;

	cmp(a, "has RELRO", -1, img->has_relro, want);
	if (want && img->has_relro) {
		cmp(a, "RELRO start", -1, img->relro_start, lo);
		cmp(a, "RELRO end", -1, img->relro_end, hi);
	}
}

/* Types elf/ counts but, under ELF_POL_INSPECT, neither refuses nor applies. */
static uint64_t inspect_only_count(const struct elfview *v)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < v->ntypes; i++)
		n += inspect_only_type(v->eh.e_machine, v->by_type[i].type) ? v->by_type[i].n : 0;
	return n;
}

static void diff_relocs_counts(struct acc *a, const struct elf_image *img, const struct elfview *v)
{
	uint16_t m = v->eh.e_machine;
	struct diff_types ty = diff_types(m);
	const struct elf_reloc_stats *st = &img->stats;

	cmp(a, "DT_RELA entries", -1, img->rela_count, v->tab[EV_RELA].count);
	cmp(a, "DT_JMPREL entries", -1, img->jmprel_count, v->tab[EV_JMPREL].count);
	cmp(a, "DT_RELR words", -1, img->relr_count, v->tab[EV_RELR].count);
	if (img->rela_count)
		cmp(a, "DT_RELA offset", -1, img->rela_off, v->tab[EV_RELA].off);
	if (img->jmprel_count)
		cmp(a, "DT_JMPREL offset", -1, img->jmprel_off, v->tab[EV_JMPREL].off);
	if (img->relr_count)
		cmp(a, "DT_RELR offset", -1, img->relr_off, v->tab[EV_RELR].off);
	cmp(a, "RELATIVE count", -1, st->relative, ev_type_count(v, ty.relative));
	cmp(a, "64-bit absolute count", -1, st->abs64, ev_type_count(v, ty.abs64));
	cmp(a, "GLOB_DAT count", -1, st->glob_dat, ev_type_count(v, ty.glob_dat));
	cmp(a, "JUMP_SLOT count", -1, st->jump_slot, ev_type_count(v, ty.jump_slot));
	cmp(a, "RELR words (stats)", -1, st->relr_words, v->tab[EV_RELR].count);
	cmp(a, "RELR addresses", -1, st->relr_relocs, v->relr_addrs);
	cmp(a, "COPY/TLS/IRELATIVE count", -1, st->inspect_only, inspect_only_count(v));
	/* Accepted, so libelf must see nothing outside the allow-list. */
	for (uint32_t i = 0; i < v->ntypes; i++)
		if (!applied_type(m, v->by_type[i].type) &&
		    !inspect_only_type(m, v->by_type[i].type))
			mismatch(a, "libelf sees %llu relocations of type %u, elf/ accepted",
				 (unsigned long long)v->by_type[i].n, v->by_type[i].type);
	cmp(a, "relocation types past the first 64", -1, 0, v->other_types);
	if (v->syms)
		cmp(a, "dynamic symbol count", -1, img->sym_count, v->nsyms);
}

int diff_view(const struct elf_image *img, const struct elfview *v, char *why, size_t n)
{
	struct acc a = { 0, why, n };

	if (v->err[0])
		mismatch(&a, "libelf could not read what elf/ accepted: %s", v->err);
	cmp(&a, "e_type", -1, img->type, v->eh.e_type);
	cmp(&a, "e_machine", -1, img->machine, v->eh.e_machine);
	cmp(&a, "e_entry", -1, img->entry, v->eh.e_entry);
	diff_loads(&a, img, v);
	diff_relro(&a, img, v);
	cmp(&a, "has PT_INTERP", -1, img->has_interp, has_ptype(v, PT_INTERP));
	cmp(&a, "has PT_TLS", -1, img->has_tls, has_ptype(v, PT_TLS));
	cmp(&a, "has PT_DYNAMIC", -1, img->has_dynamic, v->has_dynamic);
	cmp(&a, "aslrboot note", -1, img->has_note, v->has_note);
	diff_relocs_counts(&a, img, v);
	return a.bad;
}

/* ---- rejections ---- */

static const struct ev_phdr *phdr_at(const struct elfview *v, int64_t i, uint32_t type)
{
	return i >= 0 && (uint64_t)i < v->nphdr && v->ph[i].type == type ? &v->ph[i] : NULL;
}

/* The PT_LOAD (memsz > 0) before phdr `i` shares a page with it. */
static bool shares_page(const struct elfview *v, int64_t i)
{
	const struct ev_phdr *p = phdr_at(v, i, PT_LOAD), *prev = NULL;

	for (int64_t k = 0; p && k < i; k++)
		if (v->ph[k].type == PT_LOAD && v->ph[k].memsz)
			prev = &v->ph[k];
	return prev &&
	       p->vaddr / PAGE * PAGE < (prev->vaddr + prev->memsz + PAGE - 1) / PAGE * PAGE;
}

/* Where e_entry is relative to the executable PT_LOADs: 0 outside all,
 * 1 in file-backed bytes, 2 in the zero-filled tail. */
static int entry_where(const struct elfview *v)
{
	uint64_t e = v->eh.e_entry;

	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];

		if (p->type == PT_LOAD && (p->flags & PF_X) && e >= p->vaddr &&
		    e - p->vaddr < p->memsz)
			return e - p->vaddr < p->filesz ? 1 : 2;
	}
	return 0;
}

static bool reloc_type_is(const struct elfview *v, int64_t n, uint64_t type)
{
	uint64_t nrela = v->tab[EV_RELA].count;
	GElf_Rela r;
	bool ok;

	if (n < 0)
		return false;
	ok = (uint64_t)n < nrela ? ev_rela(v, EV_RELA, (size_t)n, &r) :
				   ev_rela(v, EV_JMPREL, (size_t)((uint64_t)n - nrela), &r);
	return ok && GELF_R_TYPE(r.r_info) == type &&
	       !applied_type(v->eh.e_machine, (uint32_t)type) &&
	       !inspect_only_type(v->eh.e_machine, (uint32_t)type);
}

static uint64_t load_count(const struct elfview *v)
{
	uint64_t n = 0;

	for (size_t i = 0; i < v->nphdr; i++)
		n += v->ph[i].type == PT_LOAD && v->ph[i].memsz;
	return n;
}

int diff_confirm(const struct ldr_diag *d, const struct elfview *v, char *why, size_t n)
{
	const struct ev_phdr *p = phdr_at(v, d->index, PT_LOAD);
	bool ok;

	switch (d->err) {
	case LDR_E_WX: ok = p && (p->flags & PF_W) && (p->flags & PF_X); break;
	case LDR_E_PERM_SHARE: ok = shares_page(v, d->index); break;
	case LDR_E_ALIGN_SMALL: ok = p && p->align < PAGE && p->align == d->value; break;
	case LDR_E_ALIGN_TOO_BIG: ok = p && p->align > ELF_MAX_ALIGN && p->align == d->value; break;
	case LDR_E_SEG_TOO_BIG: ok = p && p->memsz > ELF_MAX_SEG_SIZE; break;
	case LDR_E_TOO_MANY_LOADS: ok = load_count(v) > ELF_MAX_LOAD; break;
	case LDR_E_TOO_MANY_PHDRS: ok = v->nphdr > ELF_MAX_PHDRS; break;
	case LDR_E_STACK_EXEC:
		p = phdr_at(v, d->index, PT_GNU_STACK);
		ok = p && (p->flags & PF_X);
		break;
	case LDR_E_TEXTREL: ok = v->has_textrel; break;
	case LDR_E_REL_UNSUPPORTED: ok = v->has_rel; break;
	case LDR_E_PLTREL: ok = v->pltrel != DT_RELA; break;
	case LDR_E_RELOC_TYPE: /* outside the allow-list, by type number */
		ok = reloc_type_is(v, d->index, d->value);
		break;
	case LDR_E_TOO_MANY_RELOCS:
		ok = v->tab[EV_RELA].count + v->tab[EV_JMPREL].count + v->tab[EV_RELR].count >
		     ELF_MAX_RELOCS;
		break;
	case LDR_E_ENTRY: /* e.g. a shared library's e_entry 0 */
		ok = entry_where(v) == 0 && d->value == v->eh.e_entry;
		break;
	case LDR_E_ENTRY_BSS: ok = entry_where(v) == 2; break;
	default:
		snprintf(why, n, "%s is not a documented policy rejection", ldr_errname(d->err));
		return 0;
	}
	if (!ok)
		snprintf(why, n, "libelf does not see what %s says", ldr_errname(d->err));
	return ok;
}
