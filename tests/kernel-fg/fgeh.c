/* SPDX-License-Identifier: MIT */
/*
 * The fine-grained test kernel's unwind tables, read as an unwinder would
 * at run time: .eh_frame_hdr's search table (GNU ld's layout: version 1,
 * eh_frame_ptr pc-relative sdata4, fde_count udata4, table entries
 * {initial_loc, fde} as sdata4 relative to the header) must be sorted by
 * run-time address, every entry must point at an FDE whose pc_begin is
 * that entry's location, and every generated function must be found
 * through it.  When the loader moves the sections apart it has to rebuild
 * this table; at segment granularity it holds as linked.
 */
#include <stdbool.h>
#include <stddef.h>

#include "fg.h"

#define DW_EH_PE_udata4 0x03
#define DW_EH_PE_sdata4 0x0b
#define DW_EH_PE_pcrel 0x10
#define DW_EH_PE_datarel 0x30

extern const uint8_t __GNU_EH_FRAME_HDR[];

static int32_t rd32(const uint8_t *p)
{
	int32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static const uint8_t *skip_leb128(const uint8_t *p)
{
	while (*p++ & 0x80)
		;
	return p;
}

/* The FDE pointer encoding of the CIE an FDE names: "zR" augmentation with
 * pc-relative sdata4 (what gcc writes for position-independent code), or
 * false. */
static bool cie_is_pcrel_sdata4(const uint8_t *fde)
{
	const uint8_t *cie = fde + 4 - (uint32_t)rd32(fde + 4);
	const uint8_t *p = cie + 8;

	if (rd32(cie + 4) != 0 || (p[0] != 1 && p[0] != 3) || p[1] != 'z' || p[2] != 'R' || p[3])
		return false;
	p = skip_leb128(p + 4);			  /* code alignment */
	p = skip_leb128(p);			  /* data alignment */
	p = cie[8] == 1 ? p + 1 : skip_leb128(p); /* return address register */
	p = skip_leb128(p);			  /* augmentation length */
	return *p == (DW_EH_PE_pcrel | DW_EH_PE_sdata4);
}

/* pc_begin of the FDE at f. */
static uintptr_t fde_pc_begin(const uint8_t *f)
{
	return (uintptr_t)(f + 8) + (uintptr_t)(intptr_t)rd32(f + 8);
}

const char *fg_check_unwind(void)
{
	const uint8_t *h = __GNU_EH_FRAME_HDR;
	const uint8_t *t;
	uint32_t n;

	__asm__("" : "+r"(h)); /* read the table as loaded */
	if (h[0] != 1 || h[1] != (DW_EH_PE_pcrel | DW_EH_PE_sdata4) || h[2] != DW_EH_PE_udata4 ||
	    h[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return ".eh_frame_hdr: not GNU ld's encodings";
	if (rd32(h + 4 + 4 + rd32(h + 4)) != 0)
		return ".eh_frame_hdr: eh_frame_ptr does not point at a CIE";
	n = (uint32_t)rd32(h + 8);
	t = h + 12;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *f = h + rd32(t + 8 * i + 4);
		if (i && rd32(t + 8 * i) <= rd32(t + 8 * (i - 1)))
			return ".eh_frame_hdr: table not sorted by run-time address";
		if (!rd32(f) || !rd32(f + 4) || !cie_is_pcrel_sdata4(f))
			return ".eh_frame_hdr: an entry does not point at a pc-relative FDE";
		if (fde_pc_begin(f) != (uintptr_t)(h + rd32(t + 8 * i)))
			return ".eh_frame_hdr: an entry's location is not its FDE's pc_begin";
	}
	/* Every generated function through the table, as an unwinder looks
	 * up a return address: the last entry at or below it. */
	for (uint32_t i = 0; i < fg_nfunc; i++) {
		uintptr_t a = (uintptr_t)fg_data_tab[i];
		uint32_t lo = 0, hi = n;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if ((uintptr_t)(h + rd32(t + 8 * mid)) <= a)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo || (uintptr_t)(h + rd32(t + 8 * (lo - 1))) != a)
			return ".eh_frame_hdr: a generated function has no FDE of its own";
	}
	return NULL;
}
