// SPDX-License-Identifier: MIT
/*
 * Section granularity in elf/: real images linked with --emit-relocs by
 * gcc/GNU ld and clang/lld (build/fixtures/sect.list, from
 * scripts/mkfixtures-sect.sh) are placed one unit per section at shuffled,
 * far-apart addresses, loaded and relocated, and every patched field is
 * checked against a recomputation that reads the file through libelf (its
 * own section, symbol and relocation walk); .eh_frame_hdr must come out
 * sorted with each entry naming the moved FDE and function.  Every
 * section-mode refusal is asserted with its exact code on a mutated real
 * image.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "harness.h"

#ifndef SHT_RELR
#define SHT_RELR 19
#endif

static const char *fixtures_dir(void)
{
	static char dir[256];
	const char *b = getenv("B");

	snprintf(dir, sizeof(dir), "%s/fixtures", b && *b ? b : "build");
	return dir;
}

static uint8_t *read_fixture(const char *name, size_t *sz)
{
	char path[512];
	uint8_t *f;

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), name);
	f = harness_read_file(path, sz);
	if (!f)
		harness_fail(__FILE__, __LINE__, "cannot read %s: run `make host` first", path);
	return f;
}

/* ---- a placement: units shuffled, pages apart ---- */

struct placed {
	struct elf_image img;
	struct elf_sec_unit *su;
	uint32_t *idx;
	struct elf_unit *unit;
	uint8_t **mem;
	uint64_t *span; /* bytes of each unit's page copy */
	struct elf_sec_placement pl;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return rng_state >> 33;
}

static uint64_t page_down(uint64_t x)
{
	return x & ~UINT64_C(4095);
}

static uint64_t page_up(uint64_t x)
{
	return (x + 4095) & ~UINT64_C(4095);
}

static void unplace(struct placed *p)
{
	for (uint32_t i = 0; p->mem && i < p->img.sec.nunits; i++)
		free(p->mem[i]);
	free(p->su);
	free(p->idx);
	free(p->unit);
	free(p->mem);
	free(p->span);
	memset(p, 0, sizeof(*p));
}

/*
 * Parse, then give each unit its own address: in a random order from `base`
 * with 0..max_gap free pages before each (va keeps link % max(align, 4K)),
 * or at its link address when max_gap < 0.  Buffers are filled with junk.
 */
static enum ldr_err place(const uint8_t *f, size_t sz, uint64_t base, int max_gap, struct placed *p,
			  struct ldr_diag *d)
{
	enum ldr_err e = elf_parse(f, sz, ELF_MACHINE_X86_64, 0, &p->img, d);
	uint32_t n = p->img.sec.nunits, *perm;
	uint64_t cur = base;

	if (e)
		return e;
	p->su = calloc(n, sizeof(*p->su));
	p->idx = calloc(p->img.sec.shnum, sizeof(*p->idx));
	p->unit = calloc(n, sizeof(*p->unit));
	p->mem = calloc(n, sizeof(*p->mem));
	p->span = calloc(n, sizeof(*p->span));
	perm = calloc(n, sizeof(*perm));
	elf_section_units(&p->img, p->su);
	elf_section_index(&p->img, p->idx);
	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)(rng() % i), t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = perm[k];
		const struct elf_sec_unit *s = &p->su[i];
		uint64_t al = s->align > 4096 ? s->align : 4096, va;

		if (max_gap < 0) {
			va = s->link;
		} else {
			cur += (rng() % (uint64_t)(max_gap + 1)) * 4096;
			va = ((cur + al - 1) & ~(al - 1)) + (s->link & (al - 1));
			cur = page_up(va + s->size);
		}
		p->unit[i] = (struct elf_unit){ .link = s->link, .size = s->size, .va = va };
		p->span[i] = page_up(s->link + s->size) - page_down(s->link);
		p->mem[i] = malloc(p->span[i]);
		memset(p->mem[i], 0xa5, p->span[i]);
	}
	free(perm);
	p->pl = (struct elf_sec_placement){
		.su = p->su, .unit = p->unit, .mem = p->mem, .sec_unit = p->idx, .nunits = n
	};
	return LDR_OK;
}

/* ---- the independent view: libelf ---- */

struct ref {
	Elf *e;
	size_t shnum;
	GElf_Shdr *sh;
	const uint8_t *file;
	const struct placed *p; /* run-time addresses (by section index, via p->unit) */
	int32_t *unit_of;	/* section index -> placed unit index, or -1 */
	uint8_t **covered;	/* per unit: bytes a relocation or the rebuild wrote */
};

static bool ref_open(struct ref *r, const uint8_t *f, size_t sz, const struct placed *p)
{
	uint32_t n = 0;

	memset(r, 0, sizeof(*r));
	elf_version(EV_CURRENT);
	r->e = elf_memory((char *)f, sz);
	if (!r->e || elf_getshdrnum(r->e, &r->shnum))
		return false;
	r->file = f;
	r->p = p;
	r->sh = calloc(r->shnum, sizeof(*r->sh));
	r->unit_of = calloc(r->shnum, sizeof(*r->unit_of));
	r->covered = calloc(p->img.sec.nunits, sizeof(*r->covered));
	for (size_t i = 0; i < r->shnum; i++) {
		gelf_getshdr(elf_getscn(r->e, i), &r->sh[i]);
		r->unit_of[i] = -1;
		if (i && (r->sh[i].sh_flags & SHF_ALLOC) && r->sh[i].sh_size) {
			/* Units are the allocatable sections in header order. */
			if (p->unit[n].link != r->sh[i].sh_addr)
				return false;
			r->covered[n] = calloc(1, p->span[n]);
			r->unit_of[i] = (int32_t)n++;
		}
	}
	return n == p->img.sec.nunits;
}

static void ref_close(struct ref *r)
{
	for (uint32_t i = 0; r->covered && i < r->p->img.sec.nunits; i++)
		free(r->covered[i]);
	free(r->covered);
	free(r->sh);
	free(r->unit_of);
	elf_end(r->e);
}

static const char *sec_name(const struct ref *r, size_t i)
{
	size_t str;

	elf_getshdrstrndx(r->e, &str);
	return elf_strptr(r->e, str, r->sh[i].sh_name);
}

static int64_t sec_by_name(const struct ref *r, const char *name)
{
	for (size_t i = 1; i < r->shnum; i++)
		if (!strcmp(sec_name(r, i), name))
			return (int64_t)i;
	return -1;
}

/* Unit (placed index) whose link range holds x; the start of a unit wins
 * over the end of the one before; -1 if none. */
static int32_t unit_by_link(const struct ref *r, uint64_t x)
{
	int32_t best = -1;

	for (uint32_t i = 0; i < r->p->img.sec.nunits; i++) {
		const struct elf_unit *u = &r->p->unit[i];

		if (x >= u->link && x - u->link < u->size)
			return (int32_t)i;
		if (x == u->link + u->size)
			best = (int32_t)i;
	}
	return best;
}

static uint64_t moved(const struct ref *r, int32_t u, uint64_t x)
{
	return x - r->p->unit[u].link + r->p->unit[u].va;
}

/* Loaded bytes at run-time address va (len bytes inside one unit); NULL if none. */
static uint8_t *at_va(const struct ref *r, uint64_t va, uint64_t len, int32_t *unit)
{
	for (uint32_t i = 0; i < r->p->img.sec.nunits; i++) {
		const struct elf_unit *u = &r->p->unit[i];

		if (va >= u->va && va - u->va <= u->size && u->size - (va - u->va) >= len) {
			if (unit)
				*unit = (int32_t)i;
			return r->p->mem[i] + (va - u->va) + (u->link - page_down(u->link));
		}
	}
	return NULL;
}

static void cover(const struct ref *r, int32_t u, uint64_t link, unsigned len)
{
	memset(r->covered[u] + (link - page_down(r->p->unit[u].link)), 1, len);
}

/* S' of a .symtab symbol: through its section's unit, fixed, or by address. */
static uint64_t sym_moved(const struct ref *r, const GElf_Sym *s)
{
	int32_t u;

	if (s->st_shndx == SHN_UNDEF)
		return 0;
	if (s->st_shndx == SHN_ABS)
		return s->st_value;
	if (s->st_shndx < r->shnum && (u = r->unit_of[s->st_shndx]) >= 0)
		return moved(r, u, s->st_value);
	u = unit_by_link(r, s->st_value);
	return u < 0 ? 0 : moved(r, u, s->st_value);
}

static uint64_t rd(const uint8_t *p, unsigned w)
{
	uint64_t v = 0;

	memcpy(&v, p, w);
	return w == 4 ? (uint64_t)(int64_t)(int32_t)v : v;
}

struct counts {
	uint64_t lreloc, got, dyn, eh;
};

/* Every link-time relocation: the field read back resolves to the moved target. */
static void check_lrelocs(const char *name, struct ref *r, struct counts *c)
{
	for (size_t i = 1; i < r->shnum; i++) {
		const GElf_Shdr *rs = &r->sh[i], *ts;
		Elf_Data *data, *syms;
		int32_t tu;

		if (rs->sh_type != SHT_RELA || (rs->sh_flags & SHF_ALLOC) || !rs->sh_info ||
		    !(r->sh[rs->sh_info].sh_flags & SHF_ALLOC))
			continue;
		ts = &r->sh[rs->sh_info];
		tu = r->unit_of[rs->sh_info];
		data = elf_getdata(elf_getscn(r->e, i), NULL);
		syms = elf_getdata(elf_getscn(r->e, rs->sh_link), NULL);
		for (size_t k = 0; k < rs->sh_size / rs->sh_entsize; k++) {
			GElf_Rela ra;
			GElf_Sym sym;
			uint32_t type;
			uint64_t S, P, A, got, file_f;
			unsigned w;
			uint8_t *field;

			gelf_getrela(data, (int)k, &ra);
			gelf_getsym(syms, (int)GELF_R_SYM(ra.r_info), &sym);
			type = GELF_R_TYPE(ra.r_info);
			if (type == R_X86_64_NONE)
				continue;
			w = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
			S = sym_moved(r, &sym);
			A = (uint64_t)ra.r_addend;
			P = moved(r, tu, ra.r_offset);
			field = at_va(r, P, w, NULL);
			if (!field) {
				harness_fail(__FILE__, __LINE__, "%s: no bytes at 0x%" PRIx64, name,
					     ra.r_offset);
				return;
			}
			cover(r, tu, ra.r_offset, w);
			file_f = rd(r->file + ts->sh_offset + (ra.r_offset - ts->sh_addr), w);
			c->lreloc++;
			switch (type) {
			case R_X86_64_PC32:
			case R_X86_64_PLT32:
			case R_X86_64_PC64:
				if (P + rd(field, w) != S + A)
					harness_fail(__FILE__, __LINE__,
						     "%s: PC-relative field at 0x%" PRIx64
						     " misses its moved target",
						     name, ra.r_offset);
				break;
			case R_X86_64_64:
			case R_X86_64_32S:
				if (rd(field, w) != S + A)
					harness_fail(__FILE__, __LINE__,
						     "%s: absolute field at 0x%" PRIx64
						     " misses its moved target",
						     name, ra.r_offset);
				break;
			case R_X86_64_GOTPCREL:
			case R_X86_64_GOTPCRELX:
			case R_X86_64_REX_GOTPCRELX:
				if (file_f + ra.r_offset == sym.st_value + A) {
					EXPECT_EQ(P + rd(field, w), S + A);
					break;
				}
				/* Through the GOT: the moved slot holds the moved symbol. */
				got = P + rd(field, w) - A;
				c->got++;
				if (!at_va(r, got, 8, NULL) || rd(at_va(r, got, 8, NULL), 8) != S)
					harness_fail(__FILE__, __LINE__,
						     "%s: GOT slot of 0x%" PRIx64 " wrong", name,
						     ra.r_offset);
				break;
			default:
				harness_fail(__FILE__, __LINE__, "%s: unexpected type %u", name,
					     type);
			}
		}
	}
}

/* The word at link address x of a dynamic relocation: value by address,
 * unless a link-time relocation (checked above) wrote it. */
static void check_dyn_word(const char *name, struct ref *r, uint64_t x, uint64_t want_link,
			   struct counts *c)
{
	int32_t u = unit_by_link(r, x), tu = unit_by_link(r, want_link);
	uint8_t *cv;

	if (u < 0 || tu < 0) {
		harness_fail(__FILE__, __LINE__, "%s: dynamic relocation at 0x%" PRIx64, name, x);
		return;
	}
	cv = r->covered[u] + (x - page_down(r->p->unit[u].link));
	c->dyn++;
	if (!cv[0])
		EXPECT_EQ(rd(at_va(r, moved(r, u, x), 8, NULL), 8), moved(r, tu, want_link));
	memset(cv, 1, 8);
}

static void check_dyn(const char *name, struct ref *r, struct counts *c)
{
	for (size_t i = 1; i < r->shnum; i++) {
		const GElf_Shdr *s = &r->sh[i];
		Elf_Data *data = elf_getdata(elf_getscn(r->e, i), NULL);
		uint64_t next = 0;

		if (s->sh_type == SHT_RELA && (s->sh_flags & SHF_ALLOC)) {
			for (size_t k = 0; k < s->sh_size / sizeof(Elf64_Rela); k++) {
				GElf_Rela ra;

				gelf_getrela(data, (int)k, &ra);
				EXPECT_EQ(GELF_R_TYPE(ra.r_info), R_X86_64_RELATIVE);
				check_dyn_word(name, r, ra.r_offset, (uint64_t)ra.r_addend, c);
			}
		}
		if (s->sh_type != SHT_RELR)
			continue;
		for (size_t k = 0; k < s->sh_size / 8; k++) {
			uint64_t w = rd(r->file + s->sh_offset + k * 8, 8);
			int32_t u;

			for (uint64_t b = (w & 1) ? w >> 1 : 1, a = (w & 1) ? next : w; b;
			     b >>= 1, a += 8) {
				if (!(b & 1) || (u = unit_by_link(r, a)) < 0)
					continue;
				check_dyn_word(name, r, a,
					       rd(r->file + r->sh[0].sh_offset * 0 +
							  (a - r->p->unit[u].link) +
							  r->sh[r->p->su[u].shndx].sh_offset,
						  8),
					       c);
			}
			next = (w & 1) ? next + 63 * 8 : w + 8;
		}
	}
}

/* .eh_frame_hdr: eh_frame_ptr, a sorted table, each entry the moved FDE
 * (whose relocated pc_begin names the entry's location) and function. */
static void check_ehhdr(const char *name, struct ref *r, struct counts *c)
{
	int64_t hi = sec_by_name(r, ".eh_frame_hdr"), ei = sec_by_name(r, ".eh_frame");
	const uint8_t *fh, *m;
	uint64_t H, Hv, Ev, n;
	int32_t hu, eu;

	if (hi < 0)
		return;
	hu = r->unit_of[hi];
	eu = r->unit_of[ei];
	H = r->sh[hi].sh_addr;
	Hv = moved(r, hu, H);
	Ev = moved(r, eu, r->sh[ei].sh_addr);
	fh = r->file + r->sh[hi].sh_offset;
	m = at_va(r, Hv, r->sh[hi].sh_size, NULL);
	REQUIRE(m && m[0] == 1 && m[3] == 0x3b);
	EXPECT_EQ(Hv + 4 + rd(m + 4, 4), Ev);
	n = rd(m + 8, 4) & 0xffffffffu;
	EXPECT_EQ(n, rd(fh + 8, 4) & 0xffffffffu);
	cover(r, hu, H, (unsigned)r->sh[hi].sh_size);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t L = Hv + rd(m + 12 + i * 8, 4), F = Hv + rd(m + 16 + i * 8, 4);
		uint64_t Fl = F - Ev + r->sh[ei].sh_addr, Ll = 0;
		bool found = false;
		const uint8_t *fde = at_va(r, F, 12, NULL);

		if (i)
			EXPECT((int32_t)rd(m + 12 + i * 8, 4) > (int32_t)rd(m + 4 + i * 8, 4));
		/* The original entry for this FDE gives the function's link address. */
		for (uint64_t k = 0; k < n && !found; k++)
			if (H + rd(fh + 16 + k * 8, 4) == Fl) {
				Ll = H + rd(fh + 12 + k * 8, 4);
				found = true;
			}
		if (!found || !fde) {
			harness_fail(__FILE__, __LINE__, "%s: entry %" PRIu64 " names no FDE", name,
				     i);
			return;
		}
		EXPECT_EQ(L, moved(r, unit_by_link(r, Ll), Ll));
		EXPECT_EQ(F + 8 + rd(fde + 8, 4), L); /* pc_begin, pcrel sdata4 */
		c->eh++;
	}
}

/* Bytes nobody relocated equal the file's (zero for NOBITS and padding). */
static void check_rest(const char *name, struct ref *r)
{
	for (size_t i = 1; i < r->shnum; i++) {
		int32_t u = r->unit_of[i];
		const struct placed *p = r->p;
		uint64_t head;

		if (u < 0)
			continue;
		head = p->unit[u].link - page_down(p->unit[u].link);
		for (uint64_t b = 0; b < p->span[u]; b++) {
			uint8_t want = 0;

			if (r->covered[u][b])
				continue;
			if (b >= head && b - head < p->unit[u].size &&
			    r->sh[i].sh_type != SHT_NOBITS)
				want = r->file[r->sh[i].sh_offset + (b - head)];
			if (p->mem[u][b] != want) {
				harness_fail(__FILE__, __LINE__,
					     "%s: %s byte +0x%" PRIx64 " changed: %02x != %02x",
					     name, sec_name(r, i), b, p->mem[u][b], want);
				return;
			}
		}
	}
}

static void check_image(const char *name, uint64_t base)
{
	struct placed p = { 0 };
	struct ref r;
	struct counts c = { 0 };
	struct ldr_diag d;
	size_t sz;
	uint8_t *f = read_fixture(name, &sz);
	enum ldr_err e;

	if (!f)
		return;
	rng_state = sz;
	e = place(f, sz, base, 64, &p, &d);
	EXPECT_ERR(e, LDR_OK);
	REQUIRE(!e && p.img.sec.usable);
	EXPECT(p.img.sec.only_sections == (strstr(name, "kernel") != NULL));
	EXPECT(p.img.sec.nunits >= 8);
	EXPECT_ERR(elf_load_sections(&p.img, &p.pl), LDR_OK);
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_OK);
	/* The same placement through the sym_val[] loop: the same bytes. */
	{
		struct placed q = { 0 };

		rng_state = sz;
		REQUIRE(place(f, sz, base, 64, &q, &d) == LDR_OK);
		q.pl.sym_val = calloc(q.img.sec.sym_count, sizeof(uint64_t));
		EXPECT_ERR(elf_load_sections(&q.img, &q.pl), LDR_OK);
		EXPECT_ERR(elf_relocate_sections(&q.img, &q.pl, &d), LDR_OK);
		for (uint32_t i = 0; i < p.img.sec.nunits; i++)
			if (p.unit[i].va != q.unit[i].va || memcmp(p.mem[i], q.mem[i], p.span[i]))
				harness_fail(__FILE__, __LINE__, "%s: sym_val changes unit %u",
					     name, i);
		free(q.pl.sym_val);
		unplace(&q);
	}
	REQUIRE(ref_open(&r, f, sz, &p));
	check_lrelocs(name, &r, &c);
	check_dyn(name, &r, &c);
	check_ehhdr(name, &r, &c);
	check_rest(name, &r);
	EXPECT_EQ(c.lreloc, p.img.sec.nrelocs - p.img.sec.stats.none);
	EXPECT_EQ(c.got, p.img.sec.stats.gotpcrel);
	printf("  %s: %u units, %" PRIu64 " link-time relocations (%" PRIu64 " PC32, %" PRIu64
	       " PLT32, %" PRIu64 " 64, %" PRIu64 " 32S, %" PRIu64 " via GOT, %" PRIu64
	       " relaxed GOT), %" PRIu64 " dynamic words, %" PRIu64
	       " .eh_frame_hdr entries; max_span %" PRIu64 " MiB\n",
	       name, p.img.sec.nunits, c.lreloc, p.img.sec.stats.pc32, p.img.sec.stats.plt32,
	       p.img.sec.stats.abs64, p.img.sec.stats.abs32s, c.got,
	       p.img.sec.stats.gotpcrel_relaxed, c.dyn, c.eh, p.img.sec.max_span >> 20);
	ref_close(&r);
	unplace(&p);
	free(f);
}

static void test_real_images(void)
{
	char path[512], line[256];
	FILE *list;
	int n = 0, kernel = 0, eh = 0, relr = 0;

	snprintf(path, sizeof(path), "%s/sect.list", fixtures_dir());
	list = fopen(path, "r");
	REQUIRE(list);
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			continue;
		/* The kernel-model image needs the top 2 GiB (R_X86_64_32S). */
		kernel += strstr(line, "kernel") != NULL;
		eh += strstr(line, "gcc-pie") != NULL;
		relr += strstr(line, "relr") != NULL;
		check_image(line, strstr(line, "kernel") ? UINT64_C(0xffffffff80200000) :
							   UINT64_C(0xffff900000000000));
		n++;
	}
	fclose(list);
	EXPECT(n >= 5 && kernel && eh && relr);
}

/* lld's --emit-relocs leaves .rela.eh_frame offsets that do not match its
 * rewritten .eh_frame: the field check refuses the image. */
static void test_lld_eh_frame_refused(void)
{
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *f = read_fixture("sect-clang-ehframe.elf", &sz);

	REQUIRE(f);
	EXPECT_ERR(elf_parse(f, sz, ELF_MACHINE_X86_64, 0, &img, &d), LDR_E_LRELOC_FIELD);
	EXPECT(d.field && !strcmp(d.field, "r_offset"));
	free(f);
}

/* At link addresses every re-applied field keeps its file value (or gains
 * the one a linker left as 0 for its dynamic relocation). */
static void test_identity(void)
{
	struct placed p = { 0 };
	struct ldr_diag d;
	size_t sz;
	uint8_t *f = read_fixture("sect-gcc-pie.elf", &sz);

	REQUIRE(f);
	REQUIRE(place(f, sz, 0, -1, &p, &d) == LDR_OK);
	EXPECT_ERR(elf_load_sections(&p.img, &p.pl), LDR_OK);
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_OK);
	for (uint32_t i = 0; i < p.img.sec.nunits; i++) {
		uint64_t head = p.su[i].link - page_down(p.su[i].link);

		if (p.su[i].filesz && memcmp(p.mem[i] + head, f + p.su[i].off, p.su[i].filesz))
			harness_fail(__FILE__, __LINE__, "unit %u (section %u) changed at identity",
				     i, p.su[i].shndx);
	}
	unplace(&p);
	free(f);
}

/* ---- refusals on mutated real images ---- */

static Elf64_Shdr *shdr(uint8_t *f, uint32_t i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;

	return (Elf64_Shdr *)(f + eh->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr));
}

static uint32_t find_sec(uint8_t *f, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	const char *str = (const char *)f + shdr(f, eh->e_shstrndx)->sh_offset;

	for (uint32_t i = 1; i < eh->e_shnum; i++)
		if (!strcmp(str + shdr(f, i)->sh_name, name))
			return i;
	harness_fail(__FILE__, __LINE__, "no section %s", name);
	return 0;
}

static Elf64_Rela *rela(uint8_t *f, const char *sec, uint32_t k)
{
	return (Elf64_Rela *)(f + shdr(f, find_sec(f, sec))->sh_offset) + k;
}

static enum ldr_err parse_mut(const char *fixture, void (*mut)(uint8_t *), struct ldr_diag *d)
{
	struct elf_image img;
	size_t sz;
	uint8_t *f = read_fixture(fixture, &sz);
	enum ldr_err e;

	if (!f)
		return LDR_OK;
	mut(f);
	e = elf_parse(f, sz, ELF_MACHINE_X86_64, 0, &img, d);
	free(f);
	return e;
}

/* clang-format off */
static void m_shnum0(uint8_t *f) { ((Elf64_Ehdr *)f)->e_shnum = 0; }
static void m_tls(uint8_t *f) { shdr(f, find_sec(f, ".data"))->sh_flags |= SHF_TLS; }
static void m_wtext(uint8_t *f) { shdr(f, find_sec(f, ".text.f1"))->sh_flags |= SHF_WRITE; }
static void m_xdata(uint8_t *f) { shdr(f, find_sec(f, ".data"))->sh_flags |= SHF_EXECINSTR; }
static void m_offset(uint8_t *f) { shdr(f, find_sec(f, ".text.f1"))->sh_offset += 16; }
static void m_align(uint8_t *f) { shdr(f, find_sec(f, ".text.f1"))->sh_addralign = 24; }
static void m_bigalign(uint8_t *f) { shdr(f, find_sec(f, ".text.f1"))->sh_addralign = 1u << 22; }
static void m_outside(uint8_t *f) { shdr(f, find_sec(f, ".text.f1"))->sh_addr += 0x100000; }
static void m_nobits(uint8_t *f) { shdr(f, find_sec(f, ".data"))->sh_type = SHT_NOBITS; }
static void m_order(uint8_t *f) { shdr(f, find_sec(f, ".text.f2"))->sh_addr = shdr(f, find_sec(f, ".text.f1"))->sh_addr; }
static void m_relro(uint8_t *f) { Elf64_Shdr *s = shdr(f, find_sec(f, ".dynamic")); s->sh_size += 0x20; }
static void m_entsize(uint8_t *f) { shdr(f, find_sec(f, ".rela.text.tail1"))->sh_entsize = 16; }
static void m_link(uint8_t *f) { shdr(f, find_sec(f, ".rela.text.tail1"))->sh_link = 1; }
static void m_info(uint8_t *f) { shdr(f, find_sec(f, ".rela.text.tail1"))->sh_info = find_sec(f, ".text"); }
static void m_rel(uint8_t *f) { shdr(f, find_sec(f, ".rela.text.tail1"))->sh_type = SHT_REL; }
static void m_tabrange(uint8_t *f) { shdr(f, find_sec(f, ".rela.text.tail1"))->sh_offset = 1ull << 40; }
static void m_symtab(uint8_t *f) { shdr(f, find_sec(f, ".symtab"))->sh_entsize = 16; }
static void m_type(uint8_t *f) { Elf64_Rela *r = rela(f, ".rela.text.tail1", 0); r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), 25); }
static void m_target(uint8_t *f) { rela(f, ".rela.text.tail1", 0)->r_offset += 0x100; }
static void m_symrange(uint8_t *f) { Elf64_Rela *r = rela(f, ".rela.text.tail1", 0); r->r_info = ELF64_R_INFO(0xfffff, ELF64_R_TYPE(r->r_info)); }
static void m_nonesym(uint8_t *f) { rela(f, ".rela.text.tail1", 0)->r_info = ELF64_R_INFO(0xfffff, R_X86_64_NONE); }
static void m_field(uint8_t *f) { Elf64_Rela *r = rela(f, ".rela.text.tail1", 0); f[shdr(f, find_sec(f, ".text.tail1"))->sh_offset + r->r_offset - shdr(f, find_sec(f, ".text.tail1"))->sh_addr] ^= 1; }
static void m_addend(uint8_t *f) { rela(f, ".rela.text.tail1", 0)->r_addend += 8; }
static void m_ehver(uint8_t *f) { f[shdr(f, find_sec(f, ".eh_frame_hdr"))->sh_offset] = 2; }
static void m_ehenc(uint8_t *f) { f[shdr(f, find_sec(f, ".eh_frame_hdr"))->sh_offset + 3] = 0x1b; }
static void m_ehcount(uint8_t *f) { f[shdr(f, find_sec(f, ".eh_frame_hdr"))->sh_offset + 10] = 1; }
static void m_entry(uint8_t *f) { ((Elf64_Ehdr *)f)->e_entry = shdr(f, find_sec(f, ".text.f0"))->sh_addr + shdr(f, find_sec(f, ".text.f0"))->sh_size; }
/* clang-format on */

/* An undefined non-weak symbol named by a relocation. */
static void m_undef(uint8_t *f)
{
	Elf64_Rela *r = rela(f, ".rela.text.tail1", 0);
	Elf64_Sym *s = (Elf64_Sym *)(f + shdr(f, find_sec(f, ".symtab"))->sh_offset) +
		       ELF64_R_SYM(r->r_info);

	s->st_shndx = SHN_UNDEF;
	s->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
}

/* A symbol in a non-allocatable section. */
static void m_symsec(uint8_t *f)
{
	Elf64_Rela *r = rela(f, ".rela.text.tail1", 0);
	Elf64_Sym *s = (Elf64_Sym *)(f + shdr(f, find_sec(f, ".symtab"))->sh_offset) +
		       ELF64_R_SYM(r->r_info);

	s->st_shndx = (uint16_t)find_sec(f, ".comment");
}

/* A PC32 to an absolute symbol: it cannot follow the moved code. */
static void m_pcabs(uint8_t *f)
{
	Elf64_Rela *r = rela(f, ".rela.text.tail1", 0);
	Elf64_Sym *s = (Elf64_Sym *)(f + shdr(f, find_sec(f, ".symtab"))->sh_offset) +
		       ELF64_R_SYM(r->r_info);

	s->st_shndx = SHN_ABS;
}

/* R_X86_64_32 with a moving symbol, its field holding S + A. */
static void m_abs32(uint8_t *f)
{
	Elf64_Rela *r = rela(f, ".rela.text.tail1", 0);
	Elf64_Shdr *t = shdr(f, find_sec(f, ".text.tail1"));
	Elf64_Sym *s = (Elf64_Sym *)(f + shdr(f, find_sec(f, ".symtab"))->sh_offset) +
		       ELF64_R_SYM(r->r_info);
	uint32_t v = (uint32_t)(s->st_value + (uint64_t)r->r_addend);

	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), R_X86_64_32);
	memcpy(f + t->sh_offset + (r->r_offset - t->sh_addr), &v, 4);
}

/* A PC32 addend near 2^31 (field adjusted): no window keeps it in range. */
static void m_bigaddend(uint8_t *f)
{
	Elf64_Rela *r = rela(f, ".rela.text.tail1", 0);
	Elf64_Shdr *t = shdr(f, find_sec(f, ".text.tail1"));
	uint8_t *p = f + t->sh_offset + (r->r_offset - t->sh_addr);
	uint32_t v;

	memcpy(&v, p, 4);
	v += 0x7ff00000u;
	memcpy(p, &v, 4);
	r->r_addend += 0x7ff00000;
}

/* A dynamic RELATIVE whose value lies outside every unit (the ELF header). */
static void m_dynval(uint8_t *f)
{
	rela(f, ".rela.dyn", 0)->r_addend = 0x10;
}

static void m_dyntarget(uint8_t *f)
{
	/* The padding between .data and .bss: writable, in no unit. */
	Elf64_Shdr *data = shdr(f, find_sec(f, ".data"));

	rela(f, ".rela.dyn", 0)->r_offset = (data->sh_addr + data->sh_size + 7) & ~UINT64_C(7);
}

struct refusal {
	const char *name;
	void (*mut)(uint8_t *);
	enum ldr_err err;
	const char *field;
};

static void test_refusals(void)
{
	static const struct refusal cs[] = {
		{ "extended numbering", m_shnum0, LDR_E_SHDR_RANGE, "e_shoff" },
		{ "TLS section", m_tls, LDR_E_SECTION, "sh_flags" },
		{ "writable text", m_wtext, LDR_E_SECTION, "sh_flags" },
		{ "executable data", m_xdata, LDR_E_SECTION, "sh_flags" },
		{ "file bytes elsewhere", m_offset, LDR_E_SECTION, "sh_offset" },
		{ "alignment not a power of two", m_align, LDR_E_SECTION, "sh_addralign" },
		{ "alignment over the cap", m_bigalign, LDR_E_SECTION, "sh_addralign" },
		{ "outside every segment", m_outside, LDR_E_SECTION, "sh_addr" },
		{ "NOBITS in file bytes", m_nobits, LDR_E_SECTION, "sh_type" },
		{ "overlap", m_order, LDR_E_SECTION_ORDER, "sh_addr" },
		{ "across the RELRO edge", m_relro, LDR_E_SECTION, "sh_addr" },
		{ "table entry size", m_entsize, LDR_E_LRELOC_TABLE, "sh_entsize" },
		{ "table not linked to .symtab", m_link, LDR_E_LRELOC_TABLE, "sh_link" },
		{ "table patching an empty section", m_info, LDR_E_LRELOC_TABLE, "sh_info" },
		{ "SHT_REL", m_rel, LDR_E_LRELOC_TABLE, "sh_type" },
		{ "table outside the file", m_tabrange, LDR_E_LRELOC_TABLE, "sh_offset" },
		{ ".symtab entry size", m_symtab, LDR_E_SYMTAB_RANGE, "sh_entsize" },
		{ "type", m_type, LDR_E_LRELOC_TYPE, "r_info" },
		{ "target outside its section", m_target, LDR_E_LRELOC_TARGET, "r_offset" },
		{ "symbol index", m_symrange, LDR_E_SYM_RANGE, "r_info" },
		{ "undefined symbol", m_undef, LDR_E_SYM_UNDEF, "r_info" },
		{ "R_X86_64_NONE's symbol index", m_nonesym, LDR_E_SYM_RANGE, "r_info" },
		{ "symbol in a non-allocatable section", m_symsec, LDR_E_LRELOC_TARGET,
		  "st_shndx" },
		{ "field not the link-time value", m_field, LDR_E_LRELOC_FIELD, "r_offset" },
		{ "addend not the field's", m_addend, LDR_E_LRELOC_FIELD, "r_offset" },
		{ "PC32 to an absolute symbol", m_pcabs, LDR_E_LRELOC_OVERFLOW, "r_offset" },
		{ "R_X86_64_32 that moves", m_abs32, LDR_E_LRELOC_OVERFLOW, "r_offset" },
		{ "addend too far for any window", m_bigaddend, LDR_E_LRELOC_OVERFLOW, "max_span" },
		{ "dynamic value outside every unit", m_dynval, LDR_E_LRELOC_TARGET, "r_addend" },
		{ "dynamic target outside every unit", m_dyntarget, LDR_E_LRELOC_TARGET,
		  "r_offset" },
		{ ".eh_frame_hdr version", m_ehver, LDR_E_SORTED_TABLE, "version" },
		{ ".eh_frame_hdr table encoding", m_ehenc, LDR_E_SORTED_TABLE, "table_enc" },
		{ ".eh_frame_hdr count", m_ehcount, LDR_E_SORTED_TABLE, "fde_count" },
		{ "entry in padding", m_entry, LDR_E_ENTRY, "e_entry" },
	};

	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		struct ldr_diag d = { 0 };
		enum ldr_err e = parse_mut("sect-gcc-pie.elf", cs[i].mut, &d);

		if (e != cs[i].err || !d.field || strcmp(d.field, cs[i].field))
			harness_fail(__FILE__, __LINE__, "%s: got %s (%s), want %s (%s)",
				     cs[i].name, ldr_errname(e), d.field ? d.field : "-",
				     ldr_errname(cs[i].err), cs[i].field);
	}
}

/* More units than the cap: 16385 one-byte NOBITS sections in .bss. */
static void test_too_many_units(void)
{
	enum { N = ELF_MAX_SECTION_UNITS + 1 };
	struct elf_image img;
	struct ldr_diag d;
	size_t sz;
	uint8_t *f = read_fixture("sect-gcc-pie.elf", &sz), *g;
	Elf64_Shdr *bss, *t;
	Elf64_Ehdr *eh;

	REQUIRE(f);
	bss = shdr(f, find_sec(f, ".bss"));
	REQUIRE(bss->sh_size > N);
	g = calloc(1, sz + (N + 1) * sizeof(Elf64_Shdr));
	memcpy(g, f, sz);
	eh = (Elf64_Ehdr *)g;
	t = (Elf64_Shdr *)(g + sz);
	for (uint32_t i = 1; i <= N; i++)
		t[i] = (Elf64_Shdr){ .sh_type = SHT_NOBITS,
				     .sh_flags = SHF_ALLOC | SHF_WRITE,
				     .sh_addr = bss->sh_addr + i - 1,
				     .sh_size = 1,
				     .sh_addralign = 1 };
	eh->e_shoff = sz;
	eh->e_shnum = N + 1;
	eh->e_shstrndx = 0;
	EXPECT_ERR(elf_parse(g, sz + (N + 1) * sizeof(Elf64_Shdr), ELF_MACHINE_X86_64, 0, &img, &d),
		   LDR_E_TOO_MANY_UNITS);
	free(g);
	free(f);
}

/* The placement check: every refusal before any write. */
static void test_placement_refusals(void)
{
	struct placed p = { 0 };
	struct ldr_diag d;
	size_t sz;
	uint8_t *f = read_fixture("sect-gcc-kernel.elf", &sz);
	uint64_t va0;

	REQUIRE(f);
	rng_state = 7;
	REQUIRE(place(f, sz, UINT64_C(0xffffffff80200000), 4, &p, &d) == LDR_OK);
	EXPECT(p.img.sec.s32_lo == UINT64_C(0xffffffff80000000));
	EXPECT(p.img.sec.only_sections && p.img.type == 2 /* ET_EXEC */);
	elf_load_sections(&p.img, &p.pl);
	va0 = p.unit[3].va;
	/* Below s32_lo: R_X86_64_32S would not fit. */
	p.unit[3].va = va0 - UINT64_C(0x100000000);
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_E_LRELOC_OVERFLOW);
	/* Wider than max_span. */
	p.unit[3].va = va0 + p.img.sec.max_span;
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_E_LRELOC_OVERFLOW);
	EXPECT(d.field && !strcmp(d.field, "span"));
	/* Not congruent to its link address modulo 4 KiB. */
	p.unit[3].va = va0 + 8;
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_E_RANGE);
	p.unit[3].va = va0;
	/* A section index table that does not match the image. */
	p.idx[1] ^= 1;
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_E_RANGE);
	p.idx[1] ^= 1;
	/* Nothing was written by the refusals: the copies still hold the file. */
	for (uint32_t i = 0; i < p.img.sec.nunits; i++)
		if (p.su[i].filesz &&
		    memcmp(p.mem[i] + (p.su[i].link & 4095), f + p.su[i].off, p.su[i].filesz))
			harness_fail(__FILE__, __LINE__, "unit %u written before a refusal", i);
	EXPECT_ERR(elf_relocate_sections(&p.img, &p.pl, &d), LDR_OK);
	unplace(&p);
	free(f);
}

int main(void)
{
	RUN(test_real_images);
	RUN(test_lld_eh_frame_refused);
	RUN(test_identity);
	RUN(test_refusals);
	RUN(test_too_many_units);
	RUN(test_placement_refusals);
	return harness_done();
}
