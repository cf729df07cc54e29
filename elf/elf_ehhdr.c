// SPDX-License-Identifier: MIT
/*
 * Section granularity: .eh_frame_hdr (the PT_GNU_EH_FRAME unit).  Its
 * eh_frame_ptr and its binary-search table (initial location, FDE address;
 * sorted by location) hold link-time distances no relocation section
 * records, so after the units move it is rebuilt: every entry re-computed
 * through the units, the table re-sorted (heap sort, in place).  The shape
 * GNU ld and lld emit is the one accepted: version 1, eh_frame_ptr
 * pcrel|sdata4, fde_count udata4, table datarel|sdata4; anything else is
 * E_SORTED_TABLE at parse time.
 */
#include "elf_int.h"

#define EHH ".eh_frame_hdr"
#define PE_PCREL_SDATA4 0x1b
#define PE_UDATA4 0x03
#define PE_DATAREL_SDATA4 0x3b
#define HDR_SIZE 12
#define ENT_SIZE 8

static uint64_t s32_at(const uint8_t *p)
{
	return (uint64_t)(int64_t)(int32_t)rd_le32(p);
}

/* The PT_GNU_EH_FRAME unit's section index, 0 if there is no such header. */
static enum ldr_err find_hdr(const struct elf_image *img, uint32_t *idx, struct ldr_diag *d)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Shdr sh;

	*idx = 0;
	__builtin_memcpy(&eh, img->file, sizeof(eh));
	for (uint32_t i = 0; i < eh.e_phnum; i++) {
		__builtin_memcpy(&ph, img->file + eh.e_phoff + (uint64_t)i * sizeof(ph),
				 sizeof(ph));
		if (ph.p_type != PT_GNU_EH_FRAME)
			continue;
		*idx = elf_sect_find(img, ph.p_vaddr, NULL);
		if (*idx)
			elf_sect_shdr(img, *idx, &sh);
		if (!*idx || sh.sh_addr != ph.p_vaddr || sh.sh_type == SHT_NOBITS ||
		    sh.sh_size < HDR_SIZE)
			return ldr_fail(d, LDR_E_SORTED_TABLE, "program header", i, "p_vaddr",
					ph.p_vaddr);
		return LDR_OK;
	}
	return LDR_OK;
}

/* x strictly inside unit u (section index; 0: none) and, if exec, executable. */
static bool inside(const struct elf_image *img, uint32_t u, uint64_t x, bool exec)
{
	Elf64_Shdr sh;

	if (!u)
		return false;
	elf_sect_shdr(img, u, &sh);
	return x - sh.sh_addr < sh.sh_size && (!exec || (sh.sh_flags & SHF_EXECINSTR));
}

enum ldr_err elf_ehhdr_validate(struct elf_image *img, struct ldr_diag *d)
{
	uint32_t idx, ef, hint = 0;
	uint64_t H, E, count;
	const uint8_t *p;
	enum ldr_err err;
	Elf64_Shdr sh;

	if ((err = find_hdr(img, &idx, d)) || !idx)
		return err;
	elf_sect_shdr(img, idx, &sh);
	p = img->file + sh.sh_offset;
	H = sh.sh_addr;
	if (p[0] != 1)
		return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, -1, "version", p[0]);
	if (p[1] != PE_PCREL_SDATA4)
		return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, -1, "eh_frame_ptr_enc", p[1]);
	if (p[2] != PE_UDATA4)
		return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, -1, "fde_count_enc", p[2]);
	if (p[3] != PE_DATAREL_SDATA4)
		return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, -1, "table_enc", p[3]);
	count = rd_le32(p + 8);
	if (count > (sh.sh_size - HDR_SIZE) / ENT_SIZE)
		return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, -1, "fde_count", count);
	E = H + 4 + s32_at(p + 4);
	ef = elf_sect_find(img, E, NULL);
	if (!inside(img, ef, E, false))
		return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, -1, "eh_frame_ptr", E);
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = p + HDR_SIZE + i * ENT_SIZE;
		uint64_t L = H + s32_at(e), F = H + s32_at(e + 4);

		if (!inside(img, elf_sect_find(img, L, &hint), L, true))
			return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, (int64_t)i, "initial_loc", L);
		if (!inside(img, ef, F, false))
			return ldr_fail(d, LDR_E_SORTED_TABLE, EHH, (int64_t)i, "fde", F);
	}
	img->sec.eh_frame_hdr = idx;
	img->sec.eh_fde_count = (uint32_t)count;
	return LDR_OK;
}

/* An entry as one word: initial location in the low half (little endian). */
static uint64_t ld_ent(const uint8_t *t, uint64_t i)
{
	uint64_t v;

	__builtin_memcpy(&v, t + i * ENT_SIZE, ENT_SIZE);
	return v;
}

static void st_ent(uint8_t *t, uint64_t i, uint64_t v)
{
	__builtin_memcpy(t + i * ENT_SIZE, &v, ENT_SIZE);
}

static int32_t key(uint64_t v)
{
	return (int32_t)(uint32_t)v;
}

/* Heap [0, n) with a hole at i: x sinks below every larger child. */
static void sift(uint8_t *t, uint64_t i, uint64_t n, uint64_t x)
{
	for (uint64_t c; (c = 2 * i + 1) < n; i = c) {
		uint64_t a = ld_ent(t, c), b;

		if (c + 1 < n && key(b = ld_ent(t, c + 1)) > key(a))
			a = b, c++;
		if (key(x) >= key(a))
			break;
		st_ent(t, i, a);
	}
	st_ent(t, i, x);
}

/* Heap [0, n) whose root left: the hole goes down the larger children to
 * a leaf, then x rises from there (fewer comparisons than sifting x down
 * from the root: x, the heap's last leaf, mostly belongs near the bottom). */
static void refill(uint8_t *t, uint64_t n, uint64_t x)
{
	uint64_t i = 0, c, p;

	while ((c = 2 * i + 1) < n) {
		uint64_t a = ld_ent(t, c), b;

		if (c + 1 < n && key(b = ld_ent(t, c + 1)) > key(a))
			a = b, c++;
		st_ent(t, i, a);
		i = c;
	}
	while (i > 0 && key(ld_ent(t, p = (i - 1) / 2)) < key(x)) {
		st_ent(t, i, ld_ent(t, p));
		i = p;
	}
	st_ent(t, i, x);
}

/* Heap sort by initial location: O(n log n), no memory. */
static void sort_table(uint8_t *t, uint64_t n)
{
	for (uint64_t i = n / 2; i > 0; i--)
		sift(t, i - 1, n, ld_ent(t, i - 1));
	for (uint64_t end = n; end > 1; end--) {
		uint64_t x = ld_ent(t, end - 1);

		st_ent(t, end - 1, ld_ent(t, 0));
		refill(t, end - 1, x);
	}
}

static void put32(uint8_t *p, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	__builtin_memcpy(p, &w, 4);
}

void elf_ehhdr_rebuild(const struct elf_image *img, const struct elf_sec_placement *pl)
{
	uint32_t idx = img->sec.eh_frame_hdr, u, hl = 0, hf = 0;
	const struct elf_unit *U;
	uint64_t H, Hv;
	const uint8_t *f;
	uint8_t *m;
	Elf64_Shdr sh;

	if (!idx)
		return;
	elf_sect_shdr(img, idx, &sh);
	u = pl->sec_unit[idx];
	U = &pl->unit[u];
	H = sh.sh_addr;
	Hv = U->va;
	f = img->file + sh.sh_offset;
	m = pl->mem[u] + (H - align_down(H, ELF_PAGE));
	put32(m + 4, elf_sect_place(pl, H + 4 + s32_at(f + 4), &hf) - (Hv + 4));
	for (uint64_t i = 0; i < img->sec.eh_fde_count; i++) {
		const uint8_t *e = f + HDR_SIZE + i * ENT_SIZE;

		put32(m + HDR_SIZE + i * ENT_SIZE, elf_sect_place(pl, H + s32_at(e), &hl) - Hv);
		put32(m + HDR_SIZE + i * ENT_SIZE + 4,
		      elf_sect_place(pl, H + s32_at(e + 4), &hf) - Hv);
	}
	sort_table(m + HDR_SIZE, img->sec.eh_fde_count);
}
