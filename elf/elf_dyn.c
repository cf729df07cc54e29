// SPDX-License-Identifier: MIT
/*
 * PT_DYNAMIC: read the tags once, then turn every
 * table address into a file offset inside a PT_LOAD's file-backed bytes.
 * Relocation entries themselves are checked by elf_reloc.c.
 */
#include "elf_int.h"

#define DYN "dynamic entry"

/* clang-format off */
enum slot {
	S_PLTRELSZ, S_HASH, S_SYMTAB, S_RELA, S_RELASZ, S_RELAENT, S_SYMENT, S_PLTREL,
	S_JMPREL, S_FLAGS, S_RELRSZ, S_RELR, S_RELRENT, S_GNU_HASH, S_STRTAB, S_COUNT
};

static const struct {
	uint64_t tag;
	const char *name;
} slots[S_COUNT] = {
	[S_PLTRELSZ] = { DT_PLTRELSZ, "DT_PLTRELSZ" }, [S_HASH] = { DT_HASH, "DT_HASH" },
	[S_SYMTAB] = { DT_SYMTAB, "DT_SYMTAB" },       [S_RELA] = { DT_RELA, "DT_RELA" },
	[S_RELASZ] = { DT_RELASZ, "DT_RELASZ" },       [S_RELAENT] = { DT_RELAENT, "DT_RELAENT" },
	[S_SYMENT] = { DT_SYMENT, "DT_SYMENT" },       [S_PLTREL] = { DT_PLTREL, "DT_PLTREL" },
	[S_JMPREL] = { DT_JMPREL, "DT_JMPREL" },       [S_FLAGS] = { DT_FLAGS, "DT_FLAGS" },
	[S_RELRSZ] = { DT_RELRSZ, "DT_RELRSZ" },       [S_RELR] = { DT_RELR, "DT_RELR" },
	[S_RELRENT] = { DT_RELRENT, "DT_RELRENT" },    [S_GNU_HASH] = { DT_GNU_HASH, "DT_GNU_HASH" },
	[S_STRTAB] = { DT_STRTAB, "DT_STRTAB" },
};
/* clang-format on */

struct dyn {
	uint64_t v[S_COUNT];
	uint32_t seen; /* bit per slot */
};

static bool has(const struct dyn *dv, enum slot s)
{
	return dv->seen & (1u << s);
}

static int slot_of(uint64_t tag)
{
	for (int s = 0; s < S_COUNT; s++)
		if (slots[s].tag == tag)
			return s;
	return -1;
}

/* DT_NULL within the table; no conflicting repeats, DT_REL, DT_NEEDED or
 * DT_TEXTREL. */
static enum ldr_err read_tags(const struct elf_image *img, uint64_t off, const Elf64_Phdr *ph,
			      uint32_t index, struct dyn *dv, struct ldr_diag *d)
{
	for (uint64_t i = 0; i < ph->p_filesz / sizeof(Elf64_Dyn); i++) {
		const uint8_t *e = img->file + off + i * sizeof(Elf64_Dyn);
		uint64_t tag = rd_le64(e), val = rd_le64(e + 8);
		int s;

		switch (tag) {
		case DT_NULL: return LDR_OK;
		case DT_NEEDED:
			if (img->policy & ELF_POL_INSPECT)
				continue;
			return ldr_fail(d, LDR_E_NEEDED, DYN, (int64_t)i, "DT_NEEDED", val);
		case DT_REL:
		case DT_RELSZ:
		case DT_RELENT:
			return ldr_fail(d, LDR_E_REL_UNSUPPORTED, DYN, (int64_t)i, "d_tag", tag);
		case DT_TEXTREL: return ldr_fail(d, LDR_E_TEXTREL, DYN, (int64_t)i, "d_tag", tag);
		}
		if ((s = slot_of(tag)) < 0)
			continue;
		if (has(dv, (enum slot)s) && dv->v[s] != val)
			return ldr_fail(d, LDR_E_DYN_DUP, DYN, (int64_t)i, slots[s].name, val);
		dv->v[s] = val;
		dv->seen |= 1u << s;
	}
	return ldr_fail(d, LDR_E_DYN_UNTERMINATED, "program header", index, "p_filesz",
			ph->p_filesz);
}

/* A table needs its address, size and entry size (or PLTREL) together. */
static enum ldr_err complete(const struct dyn *dv, enum slot a, enum slot b, enum slot c,
			     struct ldr_diag *d)
{
	enum slot g[3] = { a, b, c };
	int n = has(dv, a) + has(dv, b) + has(dv, c);

	if (n == 0 || n == 3)
		return LDR_OK;
	for (int i = 0; i < 3; i++)
		if (!has(dv, g[i]))
			return ldr_fail(d, LDR_E_DYN_INCOMPLETE, DYN, -1, slots[g[i]].name, 0);
	return LDR_OK;
}

/* Complete tables, entry sizes and table sizes; PLTREL is RELA; no
 * DF_TEXTREL. */
static enum ldr_err check_tags(const struct dyn *dv, struct ldr_diag *d)
{
	enum ldr_err err;
	const uint64_t *v = dv->v;

	if ((err = complete(dv, S_RELA, S_RELASZ, S_RELAENT, d)) ||
	    (err = complete(dv, S_JMPREL, S_PLTRELSZ, S_PLTREL, d)) ||
	    (err = complete(dv, S_RELR, S_RELRSZ, S_RELRENT, d)))
		return err;
	if (has(dv, S_RELAENT) && v[S_RELAENT] != sizeof(Elf64_Rela))
		return ldr_fail(d, LDR_E_DYN_ENTSIZE, DYN, -1, "DT_RELAENT", v[S_RELAENT]);
	if (has(dv, S_RELRENT) && v[S_RELRENT] != sizeof(uint64_t))
		return ldr_fail(d, LDR_E_DYN_ENTSIZE, DYN, -1, "DT_RELRENT", v[S_RELRENT]);
	if (has(dv, S_SYMENT) && v[S_SYMENT] != sizeof(Elf64_Sym))
		return ldr_fail(d, LDR_E_DYN_ENTSIZE, DYN, -1, "DT_SYMENT", v[S_SYMENT]);
	if (has(dv, S_PLTREL) && v[S_PLTREL] != DT_RELA)
		return ldr_fail(d, LDR_E_PLTREL, DYN, -1, "DT_PLTREL", v[S_PLTREL]);
	if (v[S_RELASZ] % sizeof(Elf64_Rela))
		return ldr_fail(d, LDR_E_DYN_SIZE, DYN, -1, "DT_RELASZ", v[S_RELASZ]);
	if (v[S_PLTRELSZ] % sizeof(Elf64_Rela))
		return ldr_fail(d, LDR_E_DYN_SIZE, DYN, -1, "DT_PLTRELSZ", v[S_PLTRELSZ]);
	if (v[S_RELRSZ] % sizeof(uint64_t))
		return ldr_fail(d, LDR_E_DYN_SIZE, DYN, -1, "DT_RELRSZ", v[S_RELRSZ]);
	if (v[S_FLAGS] & DF_TEXTREL)
		return ldr_fail(d, LDR_E_TEXTREL, DYN, -1, "DT_FLAGS", v[S_FLAGS]);
	return LDR_OK;
}

/* [addr, addr + size) must be file-backed; an empty table is never read. */
static enum ldr_err table(const struct elf_image *img, const struct dyn *dv, enum slot at,
			  uint64_t size, uint64_t *off, struct ldr_diag *d)
{
	if (size == 0)
		return LDR_OK;
	if (!elf_vaddr_to_off(img, dv->v[at], size, off, NULL))
		return ldr_fail(d, LDR_E_RELTAB_RANGE, DYN, -1, slots[at].name, dv->v[at]);
	return LDR_OK;
}

/* SysV hash: nchain is the symbol count; the whole table must be file-backed. */
static enum ldr_err hash_count(const struct elf_image *img, uint64_t addr, uint64_t *count,
			       struct ldr_diag *d)
{
	uint64_t off, avail, words;

	if (!elf_vaddr_to_off(img, addr, 8, &off, &avail))
		return ldr_fail(d, LDR_E_HASH, DYN, -1, "DT_HASH", addr);
	*count = rd_le32(img->file + off + 4);
	words = 2 + (uint64_t)rd_le32(img->file + off) + *count;
	if (words > avail / 4)
		return ldr_fail(d, LDR_E_HASH, "hash table", -1, "nchain", *count);
	return LDR_OK;
}

/*
 * GNU hash: symbols below symoffset are unhashed; the last hashed symbol
 * ends the chain that starts at the largest bucket.  Every read is inside
 * the table's file-backed bytes, so the walk ends within avail / 4 steps.
 */
static enum ldr_err gnu_hash_count(const struct elf_image *img, uint64_t addr, uint64_t *count,
				   bool *empty, struct ldr_diag *d)
{
	const uint8_t *p;
	uint64_t off, avail, nbuckets, symoff, buckets, chain, maxb = 0, i;

	if (!elf_vaddr_to_off(img, addr, 16, &off, &avail))
		return ldr_fail(d, LDR_E_HASH, DYN, -1, "DT_GNU_HASH", addr);
	p = img->file + off;
	nbuckets = rd_le32(p);
	symoff = rd_le32(p + 4);
	buckets = 16 + (uint64_t)rd_le32(p + 8) * 8; /* bloom words are 64-bit in ELF64 */
	chain = buckets + nbuckets * 4;		     /* < 2^36: no wrap */
	if (chain > avail)
		return ldr_fail(d, LDR_E_HASH, "GNU hash table", -1, "nbuckets", nbuckets);
	for (i = 0; i < nbuckets; i++) {
		uint64_t b = rd_le32(p + buckets + i * 4);

		maxb = b > maxb ? b : maxb;
	}
	*empty = maxb == 0;
	if (maxb == 0) {
		*count = symoff;
		return LDR_OK;
	}
	if (maxb < symoff)
		return ldr_fail(d, LDR_E_HASH, "GNU hash table", -1, "bucket", maxb);
	for (i = maxb;; i++) {
		uint64_t at = chain + (i - symoff) * 4;

		if (avail < 4 || at > avail - 4)
			return ldr_fail(d, LDR_E_HASH, "GNU hash table", -1, "chain", i);
		if (rd_le32(p + at) & 1)
			break;
	}
	*count = i + 1;
	return LDR_OK;
}

/* How many symbols relocations may name, and where they are. */
static enum ldr_err symbols(struct elf_image *img, const struct dyn *dv, struct ldr_diag *d)
{
	enum ldr_err err = LDR_OK;
	uint64_t n = 0, strtab_bound;
	bool empty = false;

	if (!has(dv, S_SYMTAB))
		return LDR_OK; /* sym_count 0: any r_sym != 0 is E_SYM_RANGE */
	if (has(dv, S_HASH))
		err = hash_count(img, dv->v[S_HASH], &n, d);
	else if (has(dv, S_GNU_HASH))
		err = gnu_hash_count(img, dv->v[S_GNU_HASH], &n, &empty, d);
	/* GNU ld gives a library that exports nothing an empty GNU hash with
	 * symoffset 1 yet undefined symbols after it; .dynstr follows .dynsym. */
	if (!err && empty && has(dv, S_STRTAB) && dv->v[S_STRTAB] > dv->v[S_SYMTAB]) {
		strtab_bound = (dv->v[S_STRTAB] - dv->v[S_SYMTAB]) / sizeof(Elf64_Sym);
		n = strtab_bound > n ? strtab_bound : n;
	}
	if (err || n == 0)
		return err;
	if (!elf_vaddr_to_off(img, dv->v[S_SYMTAB], n * sizeof(Elf64_Sym), &img->symtab_off, NULL))
		return ldr_fail(d, LDR_E_SYMTAB_RANGE, DYN, -1, "DT_SYMTAB", dv->v[S_SYMTAB]);
	img->sym_count = n;
	return LDR_OK;
}

/* A non-empty table of whole entries inside a segment's file bytes, then
 * the tags and tables. */
enum ldr_err elf_parse_dynamic(struct elf_image *img, const Elf64_Phdr *ph, uint32_t index,
			       struct ldr_diag *d)
{
	struct dyn dv = { { 0 }, 0 };
	enum ldr_err err;
	uint64_t off;
	const uint64_t *v = dv.v;

	if (ph->p_filesz == 0 || ph->p_filesz % sizeof(Elf64_Dyn))
		return ldr_fail(d, LDR_E_DYN_SIZE, "program header", index, "p_filesz",
				ph->p_filesz);
	if (!elf_vaddr_to_off(img, ph->p_vaddr, ph->p_filesz, &off, NULL) || off != ph->p_offset)
		return ldr_fail(d, LDR_E_DYN_RANGE, "program header", index, "p_vaddr",
				ph->p_vaddr);
	if ((err = read_tags(img, off, ph, index, &dv, d)) || (err = check_tags(&dv, d)))
		return err;
	img->rela_count = v[S_RELASZ] / sizeof(Elf64_Rela);
	img->jmprel_count = v[S_PLTRELSZ] / sizeof(Elf64_Rela);
	img->relr_count = v[S_RELRSZ] / sizeof(uint64_t);
	/* The relocation cap before any table walk: each count alone is < 2^61, the sum cannot wrap. */
	if (img->rela_count + img->jmprel_count + img->relr_count > ELF_MAX_RELOCS)
		return ldr_fail(d, LDR_E_TOO_MANY_RELOCS, DYN, -1, "count",
				img->rela_count + img->jmprel_count + img->relr_count);
	if ((err = table(img, &dv, S_RELA, v[S_RELASZ], &img->rela_off, d)) ||
	    (err = table(img, &dv, S_JMPREL, v[S_PLTRELSZ], &img->jmprel_off, d)) ||
	    (err = table(img, &dv, S_RELR, v[S_RELRSZ], &img->relr_off, d)) ||
	    (err = symbols(img, &dv, d)))
		return err;
	img->has_dynamic = true;
	return LDR_OK;
}
