/* SPDX-License-Identifier: MIT */
/*
 * fggen: the host-side generator of the fine-grained test kernel
 * (tests/kernel-fg/).
 *   fggen gen N SEED DIR   write DIR/fg_funcs.c, DIR/fg_tabs.c, DIR/fg_got.c
 *                          and DIR/fg_counts.txt for N generated functions
 *   fggen links KERNEL     fill the linked kernel's fg_links table with
 *                          each generated function's link address and
 *                          section index, read from its .symtab
 * The functions call each other directly, as tail calls (jmp), through a
 * dense switch (a jump table in .rodata), through function pointers in
 * .data and in RELRO, hash string constants, and register some of
 * themselves in the section fg_set (walked through __start_/__stop_), and
 * reference those through GOT slots.  The
 * generator evaluates every function itself, with its own arithmetic, and
 * writes the expected results into the kernel, which checks them at run
 * time.  Calls only go to a lower level (level = index mod LEVELS), so the
 * call depth stays below LEVELS whatever N is.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/kernel-fg/fg.h"

#define LEVELS 8
#define MAX_CASES 16
#define MAX_FUNCS 60000

enum kind {
	K_LEAF,	  /* arithmetic only */
	K_STR,	  /* hashes its own string constant */
	K_CALL,	  /* direct call, result combined afterwards */
	K_TAIL,	  /* direct call in tail position: a jmp */
	K_TWO,	  /* two direct calls */
	K_SWITCH, /* dense switch, every case a tail call: a jump table */
	K_PTR,	  /* call through the writable pointer table (.data) */
	K_RPTR,	  /* call through the read-only pointer table (RELRO) */
};

struct fn {
	enum kind kind;
	uint64_t m, c, d;
	uint32_t a, b;
	uint32_t ncase;
	uint32_t tgt[MAX_CASES];
	uint64_t cc[MAX_CASES];
	char str[40];
};

static struct fn *fns;
static uint32_t nfn;
static uint64_t rng;

static uint64_t next(void) /* splitmix64 */
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A function of a lower level than i (i % LEVELS > 0): index 8q + l with
 * l < i % 8 and q <= i / 8, so it is always below i. */
static uint32_t callee(uint32_t i)
{
	uint32_t q = (uint32_t)(next() % (i / LEVELS + 1));
	uint32_t l = (uint32_t)(next() % (i % LEVELS));

	return q * LEVELS + l;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001b3);
	return h;
}

static uint64_t eval(uint32_t i, uint64_t x)
{
	const struct fn *f = &fns[i];

	switch (f->kind) {
	case K_LEAF: return (x * f->m + f->c) ^ (x >> 29);
	case K_STR: return (x * f->m) ^ fnv1a(f->str);
	case K_CALL: return eval(f->a, x * f->m + f->c) ^ (x + f->d);
	case K_TAIL: return eval(f->a, x ^ f->c);
	case K_TWO: return eval(f->a, x + f->c) - eval(f->b, x ^ f->d);
	case K_SWITCH: {
		uint32_t k = (uint32_t)(x % f->ncase);
		return eval(f->tgt[k], x ^ f->cc[k]);
	}
	case K_PTR: return eval(f->a, x + f->c) * f->m;
	case K_RPTR: return eval(f->a, x ^ f->c) + f->d;
	}
	abort();
}

static void plan(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct fn *f = &fns[i];
		uint32_t r = (uint32_t)(next() % 100);

		f->m = next() | 1;
		f->c = next();
		f->d = next();
		if (i % LEVELS == 0) {
			f->kind = r < 70 ? K_LEAF : K_STR;
			snprintf(f->str, sizeof(f->str), "fg-string-%u-%08x", i, (uint32_t)f->c);
			continue;
		}
		f->kind = r < 25 ? K_TAIL :
			  r < 45 ? K_CALL :
			  r < 55 ? K_TWO :
			  r < 70 ? K_SWITCH :
			  r < 85 ? K_PTR :
				   K_RPTR;
		f->a = callee(i);
		f->b = callee(i);
		f->ncase = 6 + (uint32_t)(next() % (MAX_CASES - 5));
		for (uint32_t k = 0; k < f->ncase; k++) {
			f->tgt[k] = callee(i);
			f->cc[k] = next();
		}
	}
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *o;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(o = fopen(path, "w"))) {
		fprintf(stderr, "fggen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return o;
}

static void close_out(FILE *o)
{
	if (ferror(o) || fclose(o)) {
		fprintf(stderr, "fggen: write error\n");
		exit(1);
	}
}

#define U64 "UINT64_C(0x%016" PRIx64 ")"

static void emit_fn(FILE *o, uint32_t i)
{
	const struct fn *f = &fns[i];

	fprintf(o, "FG_FN uint64_t fg_f%u(uint64_t x)\n{\n", i);
	switch (f->kind) {
	case K_LEAF:
		fprintf(o, "\treturn (x * " U64 " + " U64 ") ^ (x >> 29);\n", f->m, f->c);
		break;
	case K_STR:
		fprintf(o, "\treturn (x * " U64 ") ^ fg_strhash(\"%s\");\n", f->m, f->str);
		break;
	case K_CALL:
		fprintf(o, "\tuint64_t y = fg_f%u(x * " U64 " + " U64 ");\n", f->a, f->m, f->c);
		fprintf(o, "\treturn y ^ (x + " U64 ");\n", f->d);
		break;
	case K_TAIL: fprintf(o, "\treturn fg_f%u(x ^ " U64 ");\n", f->a, f->c); break;
	case K_TWO:
		fprintf(o, "\treturn fg_f%u(x + " U64 ") - fg_f%u(x ^ " U64 ");\n", f->a, f->c,
			f->b, f->d);
		break;
	case K_SWITCH:
		fprintf(o, "\tswitch (x %% %u) {\n", f->ncase);
		for (uint32_t k = 0; k < f->ncase; k++)
			fprintf(o, "\tcase %u: return fg_f%u(x ^ " U64 ");\n", k, f->tgt[k],
				f->cc[k]);
		fprintf(o, "\tdefault: return 0;\n\t}\n");
		break;
	case K_PTR:
		fprintf(o, "\treturn fg_data_tab[%u](x + " U64 ") * " U64 ";\n", f->a, f->c, f->m);
		break;
	case K_RPTR:
		fprintf(o, "\treturn fg_relro_tab[%u](x ^ " U64 ") + " U64 ";\n", f->a, f->c, f->d);
		break;
	}
	fprintf(o, "}\n\n");
}

/* Entries of the section fg_set: every SET_STEP-th function. */
#define SET_STEP 5

static int gen(uint32_t n, uint64_t seed, const char *dir)
{
	uint32_t count[K_RPTR + 1] = { 0 }, nset = 0, nstr = 0;
	FILE *o;

	rng = seed;
	nfn = n;
	if (!(fns = calloc(n, sizeof(*fns))))
		return 1;
	plan(n);

	/* The functions, in their own file: they see the pointer tables only
	 * as extern, so the compiler must load them from memory. */
	o = open_out(dir, "fg_funcs.c");
	fprintf(o,
		"/* Generated by tests/kernel-fg/fggen.c: %u functions, seed %" PRIu64
		". */\n#include \"tests/kernel-fg/fg.h\"\n\n",
		n, seed);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "FG_FN uint64_t fg_f%u(uint64_t x);\n", i);
	fprintf(o, "\n");
	for (uint32_t i = 0; i < n; i++) {
		emit_fn(o, i);
		count[fns[i].kind]++;
	}
	close_out(o);

	o = open_out(dir, "fg_tabs.c");
	fprintf(o,
		"/* Generated by tests/kernel-fg/fggen.c: %u functions, seed %" PRIu64
		". */\n#include \"tests/kernel-fg/fg.h\"\n\n",
		n, seed);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "uint64_t fg_f%u(uint64_t x);\n", i);
	fprintf(o, "\nconst uint32_t fg_nfunc = %u;\n", n);
	fprintf(o, "fg_fn fg_data_tab[%u] = {\n", n);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "\tfg_f%u,\n", i);
	fprintf(o, "};\nfg_fn const fg_relro_tab[%u] = {\n", n);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "\tfg_f%u,\n", i);
	/* Arguments and expected results: plain constants, no relocation. */
	fprintf(o, "};\nconst struct fg_case fg_cases[%u] = {\n", n);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = next();
		fprintf(o, "\t{ " U64 ", " U64 " },\n", x, eval(i, x));
	}
	fprintf(o, "};\n");
	/* Strings through a RELRO table of pointers, with their hashes. */
	for (uint32_t i = 0; i < n; i++)
		nstr += fns[i].kind == K_STR;
	fprintf(o, "const uint32_t fg_nstr = %u;\n", nstr);
	fprintf(o, "const char *const fg_strs[%u] = {\n", nstr ? nstr : 1);
	for (uint32_t i = 0; i < n; i++)
		if (fns[i].kind == K_STR)
			fprintf(o, "\t\"%s\",\n", fns[i].str);
	fprintf(o, "};\nconst uint64_t fg_str_hash[%u] = {\n", nstr ? nstr : 1);
	for (uint32_t i = 0; i < n; i++)
		if (fns[i].kind == K_STR)
			fprintf(o, "\t" U64 ",\n", fnv1a(fns[i].str));
	fprintf(o, "};\n");
	/* The linker-collected set. */
	for (uint32_t i = 0; i < n; i += SET_STEP, nset++) {
		uint64_t x = next();
		fprintf(o, "FG_SET_ENTRY(%u, " U64 ", " U64 ");\n", i, x, eval(i, x));
	}
	fprintf(o, "const uint32_t fg_nset = %u;\n", nset);

	/* Link addresses: fggen links fills them in after the link; until
	 * then every entry holds the marker it checks for. */
	fprintf(o, "const struct fg_link fg_links[%u] = {\n", n);
	for (uint32_t i = 0; i < n; i++)
		fprintf(o, "\t{ FG_LINK_UNSET, 0, 0 },\n");
	fprintf(o, "};\n");
	/* The two functions whose run-time distance the kernel reports. */
	fprintf(o, "const uint32_t fg_pair[2] = { %u, %u };\n", n > 2 ? 1 : 0, n - 1);
	close_out(o);

	/* GOT references in data, which the linker keeps as they are: one
	 * GOT slot per fg_set function. */
	o = open_out(dir, "fg_got.c");
	fprintf(o,
		"/* Generated by tests/kernel-fg/fggen.c. */\n#include \"tests/kernel-fg/fg.h\"\n\n"
		"const uint32_t fg_ngotref = %u;\n__asm__(\".pushsection .rodata.fg_gotref, \\\"a\\\"\\n\"\n"
		"\t\".balign 4\\n\"\n\t\".globl fg_gotref\\n\"\n\t\".hidden fg_gotref\\n\"\n"
		"\t\"fg_gotref:\\n\"\n",
		nset);
	for (uint32_t i = 0; i < n; i += SET_STEP)
		fprintf(o, "\t\".long fg_f%u@GOTPCREL, %u\\n\"\n", i, i);
	fprintf(o, "\t\".popsection\");\n");
	close_out(o);

	/* What the build checks in the linked kernel (kernel-fg.mk). */
	o = open_out(dir, "fg_counts.txt");
	fprintf(o, "funcs %u\ntail %u\nswitch %u\nstr %u\nset %u\n", n, count[K_TAIL],
		count[K_SWITCH], nstr, nset);
	close_out(o);
	free(fns);
	return 0;
}

/* ---- fggen links: the post-link step ---- */

static uint8_t *img;
static size_t img_size;

static void *at(uint64_t off, uint64_t len)
{
	if (off > img_size || len > img_size - off) {
		fprintf(stderr, "fggen links: truncated or malformed ELF\n");
		exit(1);
	}
	return img + off;
}

static int links(const char *path)
{
	FILE *f = fopen(path, "r+b");
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh, *symtab = NULL;
	const char *strtab;
	struct fg_link *tab = NULL;
	uint64_t nsym, ntab = 0, filled = 0;

	if (!f || fseek(f, 0, SEEK_END) || (long)(img_size = (size_t)ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(img = malloc(img_size)) ||
	    fread(img, 1, img_size, f) != img_size) {
		fprintf(stderr, "fggen links: %s: cannot read\n", path);
		return 1;
	}
	eh = at(0, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(Elf64_Shdr)) {
		fprintf(stderr, "fggen links: %s: not an ELF64 file\n", path);
		return 1;
	}
	sh = at(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh));
	for (unsigned i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_SYMTAB)
			symtab = &sh[i];
	if (!symtab || symtab->sh_link >= eh->e_shnum) {
		fprintf(stderr, "fggen links: %s: no .symtab\n", path);
		return 1;
	}
	nsym = symtab->sh_size / sizeof(Elf64_Sym);
	const Elf64_Sym *sym = at(symtab->sh_offset, nsym * sizeof(Elf64_Sym));
	strtab = at(sh[symtab->sh_link].sh_offset, sh[symtab->sh_link].sh_size);
	for (uint64_t i = 0; i < nsym; i++) {
		const char *name = strtab + sym[i].st_name;
		const Elf64_Shdr *s;

		if (sym[i].st_name >= sh[symtab->sh_link].sh_size || strcmp(name, "fg_links") ||
		    sym[i].st_shndx >= eh->e_shnum)
			continue;
		s = &sh[sym[i].st_shndx];
		ntab = sym[i].st_size / sizeof(*tab);
		tab = at(s->sh_offset + (sym[i].st_value - s->sh_addr), ntab * sizeof(*tab));
	}
	if (!tab) {
		fprintf(stderr, "fggen links: %s: no fg_links symbol\n", path);
		return 1;
	}
	for (uint64_t i = 0; i < nsym; i++) {
		const char *name = strtab + sym[i].st_name;
		char *end;
		unsigned long idx;

		if (sym[i].st_name >= sh[symtab->sh_link].sh_size || strncmp(name, "fg_f", 4) ||
		    ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC)
			continue;
		idx = strtoul(name + 4, &end, 10);
		if (*end || end == name + 4 || idx >= ntab)
			continue;
		if (tab[idx].link != FG_LINK_UNSET) {
			fprintf(stderr, "fggen links: %s: fg_links[%lu] filled twice\n", path, idx);
			return 1;
		}
		tab[idx].link = sym[i].st_value;
		tab[idx].shndx = sym[i].st_shndx;
		filled++;
	}
	if (filled != ntab) {
		fprintf(stderr, "fggen links: %s: %" PRIu64 " of %" PRIu64 " functions found\n",
			path, filled, ntab);
		return 1;
	}
	if (fseek(f, 0, SEEK_SET) || fwrite(img, 1, img_size, f) != img_size || fclose(f)) {
		fprintf(stderr, "fggen links: %s: cannot write\n", path);
		return 1;
	}
	free(img);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "gen")) {
		char *e1, *e2;
		unsigned long n = strtoul(argv[2], &e1, 10);
		unsigned long long seed = strtoull(argv[3], &e2, 0);

		if (*e1 || *e2 || n < 2 || n > MAX_FUNCS) {
			fprintf(stderr, "fggen: N must be 2..%u, SEED a number\n", MAX_FUNCS);
			return 2;
		}
		return gen((uint32_t)n, seed, argv[4]);
	}
	if (argc == 3 && !strcmp(argv[1], "links"))
		return links(argv[2]);
	fprintf(stderr, "usage: fggen gen N SEED DIR | fggen links KERNEL.elf\n");
	return 2;
}
