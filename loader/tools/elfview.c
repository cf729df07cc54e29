// SPDX-License-Identifier: MIT
/* libelf's view of an ELF file: see elfview.h. */
#include "elfview.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note_err(struct elfview *v, const char *fmt, ...)
{
	va_list ap;

	if (v->err[0])
		return; /* keep the first problem */
	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
}

bool ev_v2off(const struct elfview *v, uint64_t vaddr, uint64_t size, uint64_t *off)
{
	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];

		if (p->type != PT_LOAD || vaddr < p->vaddr || vaddr - p->vaddr > p->filesz ||
		    size > p->filesz - (vaddr - p->vaddr))
			continue;
		*off = p->offset + (vaddr - p->vaddr);
		return true;
	}
	return false;
}

static Elf_Data *chunk(struct elfview *v, const char *what, uint64_t vaddr, uint64_t size,
		       Elf_Type type, uint64_t *off)
{
	Elf_Data *d;

	if (!size)
		return NULL;
	if (!ev_v2off(v, vaddr, size, off)) {
		note_err(v, "%s at 0x%llx (0x%llx bytes) is not in a PT_LOAD's file bytes", what,
			 (unsigned long long)vaddr, (unsigned long long)size);
		return NULL;
	}
	d = elf_getdata_rawchunk(v->elf, (int64_t)*off, size, type);
	if (!d)
		note_err(v, "libelf: %s: %s", what, elf_errmsg(-1));
	return d;
}

/* Tag values of the dynamic section (the last of a repeated tag wins, as in glibc). */
struct dyn_tags {
	uint64_t rela, relasz, relaent, jmprel, pltrelsz, relr, relrsz, relrent;
	bool has_rela, has_jmprel, has_relr;
};

static void take_tag(struct elfview *v, struct dyn_tags *t, const GElf_Dyn *dy)
{
	uint64_t val = dy->d_un.d_val;

	switch (dy->d_tag) {
	/* clang-format off */
	case DT_RELA: t->rela = val; t->has_rela = true; break;
	case DT_RELASZ: t->relasz = val; break;
	case DT_RELAENT: t->relaent = val; break;
	case DT_JMPREL: t->jmprel = val; t->has_jmprel = true; break;
	case DT_PLTRELSZ: t->pltrelsz = val; break;
	case DT_PLTREL: v->pltrel = val; break;
	case DT_RELR: t->relr = val; t->has_relr = true; break;
	case DT_RELRSZ: t->relrsz = val; break;
	case DT_RELRENT: t->relrent = val; break;
	case DT_SYMTAB: v->symtab_vaddr = val; break;
	case DT_NEEDED: v->has_needed = true; break;
	case DT_REL: v->has_rel = true; break;
	case DT_TEXTREL: v->has_textrel = true; break;
	case DT_FLAGS: v->has_textrel |= (val & DF_TEXTREL) != 0; break;
		/* clang-format on */
	}
}

static void set_table(struct elfview *v, enum ev_which w, bool present, uint64_t vaddr,
		      uint64_t size, uint64_t ent, uint64_t want_ent, Elf_Type type)
{
	static const char *const names[] = { "DT_RELA", "DT_JMPREL", "DT_RELR" };
	struct ev_table *t = &v->tab[w];

	t->present = present;
	t->vaddr = vaddr;
	t->size = size;
	t->entsize = ent ? ent : want_ent;
	if (!present)
		return;
	if (t->entsize != want_ent || size % want_ent) {
		note_err(v, "%s: entry size %llu / table size %llu", names[w],
			 (unsigned long long)t->entsize, (unsigned long long)size);
		return;
	}
	t->count = size / want_ent;
	t->data = chunk(v, names[w], vaddr, size, type, &t->off);
}

static void read_dynamic(struct elfview *v, const struct ev_phdr *p)
{
	struct dyn_tags t = { 0 };
	Elf_Data *d = elf_getdata_rawchunk(v->elf, (int64_t)p->offset, p->filesz, ELF_T_DYN);
	GElf_Dyn dy;

	v->has_dynamic = true;
	if (!d) {
		note_err(v, "libelf: PT_DYNAMIC: %s", elf_errmsg(-1));
		return;
	}
	for (int i = 0; (uint64_t)i < p->filesz / sizeof(Elf64_Dyn); i++) {
		if (!gelf_getdyn(d, i, &dy) || dy.d_tag == DT_NULL)
			break;
		take_tag(v, &t, &dy);
	}
	set_table(v, EV_RELA, t.has_rela, t.rela, t.relasz, t.relaent, sizeof(Elf64_Rela),
		  ELF_T_RELA);
	if (t.has_jmprel && v->pltrel != DT_RELA)
		note_err(v, "DT_PLTREL is %llu, not DT_RELA", (unsigned long long)v->pltrel);
	else
		set_table(v, EV_JMPREL, t.has_jmprel, t.jmprel, t.pltrelsz, 0, sizeof(Elf64_Rela),
			  ELF_T_RELA);
	set_table(v, EV_RELR, t.has_relr, t.relr, t.relrsz, t.relrent, 8, ELF_T_XWORD);
}

/* The dynamic symbols at DT_SYMTAB; their count from the .dynsym section
 * header when it describes that table, else up to the end of its segment. */
static void read_syms(struct elfview *v)
{
	Elf_Scn *scn = NULL;
	uint64_t size = 0, off;
	GElf_Shdr sh;

	if (!v->symtab_vaddr)
		return;
	while ((scn = elf_nextscn(v->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM &&
		    sh.sh_addr == v->symtab_vaddr)
			size = sh.sh_size;
	for (size_t i = 0; !size && i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];

		if (p->type == PT_LOAD && v->symtab_vaddr >= p->vaddr &&
		    v->symtab_vaddr - p->vaddr < p->filesz)
			size = p->filesz - (v->symtab_vaddr - p->vaddr);
	}
	size -= size % sizeof(Elf64_Sym);
	v->syms = chunk(v, "DT_SYMTAB", v->symtab_vaddr, size, ELF_T_SYM, &off);
	v->nsyms = v->syms ? size / sizeof(Elf64_Sym) : 0;
}

static void read_notes(struct elfview *v, const struct ev_phdr *p)
{
	Elf_Data *d = elf_getdata_rawchunk(v->elf, (int64_t)p->offset, p->filesz,
					   p->align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
	size_t off = 0, name, desc;
	GElf_Nhdr nh;

	if (!d) {
		note_err(v, "libelf: PT_NOTE %u: %s", p->index, elf_errmsg(-1));
		return;
	}
	while (off < d->d_size && (off = gelf_getnote(d, off, &nh, &name, &desc)) > 0) {
		const char *nm = (const char *)d->d_buf + name;

		if (nh.n_type != ASLRBOOT_NOTE_TYPE_PARAMS ||
		    nh.n_namesz != sizeof(ASLRBOOT_NOTE_NAME) ||
		    memcmp(nm, ASLRBOOT_NOTE_NAME, sizeof(ASLRBOOT_NOTE_NAME)))
			continue;
		v->has_note = true;
		v->note_descsz = nh.n_descsz;
		if (nh.n_descsz == sizeof(v->note))
			memcpy(&v->note, (const char *)d->d_buf + desc, sizeof(v->note));
	}
}

static void ignore(void *ctx, uint64_t addr)
{
	(void)ctx;
	(void)addr;
}

/* One more relocation of r_type `type` in the ascending by_type list. */
static void count_type(struct elfview *v, uint32_t type)
{
	uint32_t i = 0;

	while (i < v->ntypes && v->by_type[i].type < type)
		i++;
	if (i < v->ntypes && v->by_type[i].type == type) {
		v->by_type[i].n++;
		return;
	}
	if (v->ntypes == EV_MAX_TYPES) {
		v->other_types++;
		return;
	}
	memmove(&v->by_type[i + 1], &v->by_type[i], (v->ntypes - i) * sizeof(v->by_type[0]));
	v->by_type[i] = (struct ev_type_count){ type, 1 };
	v->ntypes++;
}

uint64_t ev_type_count(const struct elfview *v, uint32_t type)
{
	for (uint32_t i = 0; i < v->ntypes; i++)
		if (v->by_type[i].type == type)
			return v->by_type[i].n;
	return 0;
}

static void count_relocs(struct elfview *v)
{
	for (enum ev_which w = EV_RELA; w <= EV_JMPREL; w++) {
		GElf_Rela r;

		for (uint64_t i = 0; v->tab[w].data && i < v->tab[w].count; i++) {
			uint32_t type;

			if (!ev_rela(v, w, i, &r))
				break;
			type = (uint32_t)GELF_R_TYPE(r.r_info);
			count_type(v, type);
		}
	}
	v->relr_addrs = ev_relr_each(v, ignore, NULL);
}

static int read_phdrs(struct elfview *v)
{
	if (elf_getphdrnum(v->elf, &v->nphdr)) {
		note_err(v, "libelf: program headers: %s", elf_errmsg(-1));
		return -1;
	}
	v->ph = calloc(v->nphdr ? v->nphdr : 1, sizeof(*v->ph));
	if (!v->ph)
		return -1;
	for (size_t i = 0; i < v->nphdr; i++) {
		GElf_Phdr p;

		if (!gelf_getphdr(v->elf, (int)i, &p)) {
			note_err(v, "libelf: program header %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		v->ph[i] =
			(struct ev_phdr){ (uint32_t)i, p.p_type,   p.p_flags, p.p_offset, p.p_vaddr,
					  p.p_paddr,   p.p_filesz, p.p_memsz, p.p_align };
	}
	return 0;
}

int ev_open(struct elfview *v, const void *buf, size_t size)
{
	memset(v, 0, sizeof(*v));
	elf_version(EV_CURRENT);
	v->size = size;
	v->copy = malloc(size ? size : 1);
	if (!v->copy) {
		note_err(v, "out of memory");
		return -1;
	}
	memcpy(v->copy, buf, size);
	v->elf = elf_memory(v->copy, size);
	if (!v->elf || elf_kind(v->elf) != ELF_K_ELF || gelf_getclass(v->elf) != ELFCLASS64 ||
	    !gelf_getehdr(v->elf, &v->eh)) {
		note_err(v, "libelf: not an ELF64 file%s%s", v->elf ? ": " : "",
			 v->elf ? elf_errmsg(-1) : "");
		return -1;
	}
	if (read_phdrs(v))
		return -1;
	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];

		if (p->type == PT_GNU_RELRO && !v->has_relro) {
			v->has_relro = true;
			v->relro_vaddr = p->vaddr;
			v->relro_memsz = p->memsz;
		} else if (p->type == PT_DYNAMIC && !v->has_dynamic) {
			read_dynamic(v, p);
		} else if (p->type == PT_NOTE && p->filesz) {
			read_notes(v, p);
		}
	}
	read_syms(v);
	count_relocs(v);
	return 0;
}

void ev_close(struct elfview *v)
{
	if (v->elf)
		elf_end(v->elf);
	free(v->copy);
	free(v->ph);
	memset(v, 0, sizeof(*v));
}

const void *ev_bytes(struct elfview *v, uint64_t off, uint64_t size)
{
	Elf_Data *d;

	if (!size || off > v->size || size > v->size - off)
		return NULL;
	d = elf_getdata_rawchunk(v->elf, (int64_t)off, size, ELF_T_BYTE);
	return d ? d->d_buf : NULL;
}

bool ev_rela(const struct elfview *v, enum ev_which t, size_t i, GElf_Rela *out)
{
	if (t > EV_JMPREL || !v->tab[t].data || i >= v->tab[t].count || i > INT32_MAX)
		return false;
	return gelf_getrela(v->tab[t].data, (int)i, out) != NULL;
}

bool ev_sym(const struct elfview *v, uint64_t i, GElf_Sym *out)
{
	if (!v->syms || i >= v->nsyms || i > INT32_MAX)
		return false;
	return gelf_getsym(v->syms, (int)i, out) != NULL;
}

uint64_t ev_relr_each(const struct elfview *v, void (*fn)(void *, uint64_t), void *ctx)
{
	const struct ev_table *t = &v->tab[EV_RELR];
	uint64_t base = 0, n = 0;
	bool have_base = false;

	for (uint64_t i = 0; t->data && i < t->count; i++) {
		uint64_t w;

		memcpy(&w, (const char *)t->data->d_buf + i * 8, 8);
		if (!(w & 1)) {
			fn(ctx, w);
			n++;
			base = w + 8;
			have_base = true;
			continue;
		}
		if (!have_base)
			break;
		for (unsigned k = 0; k < 63; k++)
			if (w >> (k + 1) & 1) {
				fn(ctx, base + k * 8);
				n++;
			}
		base += 63 * 8;
	}
	return n;
}

/* The name after "R_X86_64_", from the system <elf.h>. */
static const char *x86_64_name(uint32_t type)
{
	/* clang-format off */
	static const char *const names[R_X86_64_NUM] = {
		[R_X86_64_NONE] = "NONE", [R_X86_64_64] = "64", [R_X86_64_PC32] = "PC32",
		[R_X86_64_GOT32] = "GOT32", [R_X86_64_PLT32] = "PLT32", [R_X86_64_COPY] = "COPY",
		[R_X86_64_GLOB_DAT] = "GLOB_DAT", [R_X86_64_JUMP_SLOT] = "JUMP_SLOT",
		[R_X86_64_RELATIVE] = "RELATIVE", [R_X86_64_GOTPCREL] = "GOTPCREL",
		[R_X86_64_32] = "32", [R_X86_64_32S] = "32S", [R_X86_64_16] = "16",
		[R_X86_64_PC16] = "PC16", [R_X86_64_8] = "8", [R_X86_64_PC8] = "PC8",
		[R_X86_64_DTPMOD64] = "DTPMOD64", [R_X86_64_DTPOFF64] = "DTPOFF64",
		[R_X86_64_TPOFF64] = "TPOFF64", [R_X86_64_TLSGD] = "TLSGD",
		[R_X86_64_TLSLD] = "TLSLD", [R_X86_64_DTPOFF32] = "DTPOFF32",
		[R_X86_64_GOTTPOFF] = "GOTTPOFF", [R_X86_64_TPOFF32] = "TPOFF32",
		[R_X86_64_PC64] = "PC64", [R_X86_64_GOTOFF64] = "GOTOFF64",
		[R_X86_64_GOTPC32] = "GOTPC32", [R_X86_64_GOT64] = "GOT64",
		[R_X86_64_GOTPCREL64] = "GOTPCREL64", [R_X86_64_GOTPC64] = "GOTPC64",
		[R_X86_64_GOTPLT64] = "GOTPLT64", [R_X86_64_PLTOFF64] = "PLTOFF64",
		[R_X86_64_SIZE32] = "SIZE32", [R_X86_64_SIZE64] = "SIZE64",
		[R_X86_64_GOTPC32_TLSDESC] = "GOTPC32_TLSDESC",
		[R_X86_64_TLSDESC_CALL] = "TLSDESC_CALL", [R_X86_64_TLSDESC] = "TLSDESC",
		[R_X86_64_IRELATIVE] = "IRELATIVE", [R_X86_64_RELATIVE64] = "RELATIVE64",
		[R_X86_64_GOTPCRELX] = "GOTPCRELX", [R_X86_64_REX_GOTPCRELX] = "REX_GOTPCRELX",
	};
	/* clang-format on */

	return type < R_X86_64_NUM ? names[type] : NULL;
}

/* The AArch64 types a dynamic table holds (AAELF64, "Dynamic relocations"),
 * after "R_AARCH64_". */
static const char *aarch64_name(uint32_t type)
{
	switch (type) {
	case R_AARCH64_NONE: return "NONE";
	case R_AARCH64_ABS64: return "ABS64";
	case R_AARCH64_ABS32: return "ABS32";
	case R_AARCH64_COPY: return "COPY";
	case R_AARCH64_GLOB_DAT: return "GLOB_DAT";
	case R_AARCH64_JUMP_SLOT: return "JUMP_SLOT";
	case R_AARCH64_RELATIVE: return "RELATIVE";
	case R_AARCH64_TLS_DTPMOD: return "TLS_DTPMOD";
	case R_AARCH64_TLS_DTPREL: return "TLS_DTPREL";
	case R_AARCH64_TLS_TPREL: return "TLS_TPREL";
	case R_AARCH64_TLSDESC: return "TLSDESC";
	case R_AARCH64_IRELATIVE: return "IRELATIVE";
	}
	return NULL;
}

const char *ev_rtype_name(uint16_t machine, uint32_t type)
{
	if (machine == EM_X86_64)
		return x86_64_name(type);
	return machine == EM_AARCH64 ? aarch64_name(type) : NULL;
}

bool ev_rtype_label(uint16_t machine, uint32_t type, char sep, char *buf, size_t n)
{
	const char *name = ev_rtype_name(machine, type);

	if (name)
		snprintf(buf, n, "%s%s", machine == EM_AARCH64 ? "R_AARCH64_" : "R_X86_64_", name);
	else
		snprintf(buf, n, "type%c%u", sep, type);
	return name != NULL;
}

const char *ev_ptype_name(uint32_t type)
{
	switch (type) {
	case PT_NULL: return "NULL";
	case PT_LOAD: return "LOAD";
	case PT_DYNAMIC: return "DYNAMIC";
	case PT_INTERP: return "INTERP";
	case PT_NOTE: return "NOTE";
	case PT_SHLIB: return "SHLIB";
	case PT_PHDR: return "PHDR";
	case PT_TLS: return "TLS";
	case PT_GNU_EH_FRAME: return "GNU_EH_FRAME";
	case PT_GNU_STACK: return "GNU_STACK";
	case PT_GNU_RELRO: return "GNU_RELRO";
	case PT_GNU_PROPERTY: return "GNU_PROPERTY";
	}
	return NULL;
}
