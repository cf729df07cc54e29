// SPDX-License-Identifier: MIT
/*
 * Copy each PT_LOAD's file bytes into its page span and zero the rest (the
 * head before p_vaddr, the BSS tail and the slack up to the page end), so no
 * stale memory survives in a mapped page.  Bytes up to an 8-byte aligned
 * destination one by one, then the bulk through memcpy / memset (the
 * firmware builds' loader/libc.c moves 8 bytes per `rep movsq` / `rep
 * stosq` step when both ends are aligned), then a byte tail.  A source
 * that stays unaligned is copied 8 bytes per move (a memcpy of a constant
 * size: one load and one store).
 */
#include "elf_int.h"

void elf_copy8(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	for (; n && ((uintptr_t)dst & 7); n--)
		*dst++ = *src++;
	if (!((uintptr_t)src & 7)) {
		__builtin_memcpy(dst, src, n & ~UINT64_C(7));
		dst += n & ~UINT64_C(7);
		src += n & ~UINT64_C(7);
		n &= 7;
	}
	for (; n >= 8; n -= 8, dst += 8, src += 8) {
		uint64_t w;

		__builtin_memcpy(&w, src, 8);
		__builtin_memcpy(dst, &w, 8);
	}
	for (; n; n--)
		*dst++ = *src++;
}

void elf_zero8(uint8_t *dst, uint64_t n)
{
	for (; n && ((uintptr_t)dst & 7); n--)
		*dst++ = 0;
	__builtin_memset(dst, 0, n & ~UINT64_C(7));
	dst += n & ~UINT64_C(7);
	for (n &= 7; n; n--)
		*dst++ = 0;
}

enum ldr_err elf_load(const struct elf_image *img, const struct elf_placement *pl)
{
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		uint8_t *dst = pl->seg_mem[i];
		uint64_t head = elf_seg_addr(img, s) - s->page_start;
		uint64_t span = s->page_end - s->page_start, end;

		/* Cheap re-checks of what elf_parse established. */
		if (!dst)
			return LDR_E_RANGE;
		if (!range_end(s->offset, s->filesz, &end) || end > img->file_size ||
		    s->filesz > s->memsz || head + s->memsz > span)
			return LDR_E_SEG_FILE_RANGE;
		elf_zero8(dst, head);
		elf_copy8(dst + head, img->file + s->offset, s->filesz);
		elf_zero8(dst + head + s->filesz, span - head - s->filesz);
	}
	return LDR_OK;
}
