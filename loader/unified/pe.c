/* SPDX-License-Identifier: MIT */
/*
 * PE32+ headers and section table of a unified image (unified.h), checked
 * as hostile input: every offset and size against the buffer, alignments,
 * and no two sections sharing bytes in the file or in memory.  Field names
 * in the diags are the PE format specification's.
 */
#include "unified.h"
#include "../libc.h"
#include "../log.h"
#include "../../include/ldr_range.h"
#include "../../include/ldr_unaligned.h"

#define DOS_LFANEW 0x3c
#define HDR "PE header"

enum ldr_err unified_fail(struct unified_image *u, struct ldr_diag *d, const char *prefix,
			  const char *name, const char *field, uint64_t value, const char *why)
{
	ldr_snprintf(u->err_what, sizeof(u->err_what), "%s%s", prefix, name);
	u->err_why = why;
	return ldr_fail(d, LDR_E_UNIFIED, u->err_what, -1, field, value);
}

static enum ldr_err hdr_fail(struct unified_image *u, struct ldr_diag *d, const char *field,
			     uint64_t value, const char *why)
{
	return unified_fail(u, d, HDR, "", field, value, why);
}

static enum ldr_err sect_fail(struct unified_image *u, struct ldr_diag *d, uint32_t i,
			      const char *field, uint64_t value, const char *why)
{
	const char *name = u->pe.sect[i].name;
	char num[16];

	/* A name that is not printable is shown by its index. */
	for (const char *p = name; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			name = "";
			break;
		}
	}
	if (!name[0]) {
		ldr_snprintf(num, sizeof(num), "%u", i);
		name = num;
	}
	return unified_fail(u, d, "section ", name, field, value, why);
}

/* The optional header's fixed fields and data directories. */
static enum ldr_err parse_optional(const uint8_t *buf, uint64_t size, struct unified_image *u,
				   struct ldr_diag *d)
{
	struct pe_info *pe = &u->pe;
	const uint8_t *o = buf + pe->opt_off;
	uint64_t end;

	if (pe->opt_size < PE_OPT_FIXED_SIZE)
		return hdr_fail(u, d, "SizeOfOptionalHeader", pe->opt_size,
				"shorter than a PE32+ optional header");
	if (!range_end(pe->opt_off, pe->opt_size, &end) || end > size)
		return hdr_fail(u, d, "SizeOfOptionalHeader", pe->opt_size,
				"optional header beyond the image");
	if (rd_le16(o) != PE_OPT_MAGIC_PE32PLUS)
		return hdr_fail(u, d, "Magic", rd_le16(o), "not a PE32+ optional header");
	if (rd_le16(o + 68) != PE_SUBSYSTEM_EFI_APPLICATION)
		return hdr_fail(u, d, "Subsystem", rd_le16(o + 68), "not an EFI application");
	pe->sect_align = rd_le32(o + 32);
	pe->file_align = rd_le32(o + 36);
	pe->size_of_image = rd_le32(o + 56);
	pe->size_of_headers = rd_le32(o + 60);
	pe->nrva = rd_le32(o + 108);
	if (!is_pow2(pe->file_align) || pe->file_align < 512 || pe->file_align > 65536)
		return hdr_fail(u, d, "FileAlignment", pe->file_align,
				"not a power of two from 512 to 64 KiB");
	if (!is_pow2(pe->sect_align) || pe->sect_align < pe->file_align)
		return hdr_fail(u, d, "SectionAlignment", pe->sect_align,
				"not a power of two >= FileAlignment");
	if (pe->nrva > 16 || PE_OPT_FIXED_SIZE + 8 * pe->nrva > pe->opt_size)
		return hdr_fail(u, d, "NumberOfRvaAndSizes", pe->nrva,
				"more data directories than the optional header holds");
	pe->cert_off =
		pe->nrva > PE_DIR_CERTIFICATE ? rd_le32(o + 112 + 8 * PE_DIR_CERTIFICATE) : 0;
	pe->cert_size =
		pe->nrva > PE_DIR_CERTIFICATE ? rd_le32(o + 116 + 8 * PE_DIR_CERTIFICATE) : 0;
	pe->debug_size = pe->nrva > PE_DIR_DEBUG ? rd_le32(o + 116 + 8 * PE_DIR_DEBUG) : 0;
	return LDR_OK;
}

/* DOS stub, "PE\0\0", COFF header, optional header, section table bounds. */
static enum ldr_err parse_headers(const uint8_t *buf, uint64_t size, enum unified_view view,
				  struct unified_image *u, struct ldr_diag *d)
{
	struct pe_info *pe = &u->pe;
	uint32_t lfanew;
	uint64_t end;
	enum ldr_err err;

	if (size < 64)
		return hdr_fail(u, d, "size", size, "shorter than a DOS header");
	if (buf[0] != 'M' || buf[1] != 'Z')
		return hdr_fail(u, d, "e_magic", rd_le16(buf), "not \"MZ\"");
	lfanew = rd_le32(buf + DOS_LFANEW);
	if ((uint64_t)lfanew + 4 + PE_COFF_HEADER_SIZE > size)
		return hdr_fail(u, d, "e_lfanew", lfanew, "PE header beyond the image");
	if (memcmp(buf + lfanew, "PE\0\0", 4))
		return hdr_fail(u, d, "Signature", rd_le32(buf + lfanew), "not \"PE\\0\\0\"");
	pe->coff_off = lfanew + 4;
	pe->machine = rd_le16(buf + pe->coff_off);
	pe->nsections = rd_le16(buf + pe->coff_off + 2);
	pe->opt_size = rd_le16(buf + pe->coff_off + 16);
	pe->opt_off = pe->coff_off + PE_COFF_HEADER_SIZE;
	if (pe->machine != PE_MACHINE_AMD64 && pe->machine != PE_MACHINE_ARM64)
		return hdr_fail(u, d, "Machine", pe->machine, "not x86-64 or AArch64");
	if (!pe->nsections || pe->nsections > UNIFIED_MAX_SECTIONS)
		return hdr_fail(u, d, "NumberOfSections", pe->nsections, "not 1 to 96");
	if ((err = parse_optional(buf, size, u, d)))
		return err;
	pe->sect_off = pe->opt_off + pe->opt_size;
	end = pe->sect_off + (uint64_t)pe->nsections * PE_SECTION_HEADER_SIZE;
	if (end > pe->size_of_headers)
		return hdr_fail(u, d, "SizeOfHeaders", pe->size_of_headers,
				"the section table ends beyond it");
	if (pe->size_of_headers > size || pe->size_of_headers > pe->size_of_image)
		return hdr_fail(u, d, "SizeOfHeaders", pe->size_of_headers,
				"headers beyond the image");
	if (view == UNIFIED_VIEW_MEMORY && pe->size_of_image > size)
		return hdr_fail(u, d, "SizeOfImage", pe->size_of_image,
				"larger than the loaded image");
	return LDR_OK;
}

/* Bytes a section takes in memory: VirtualSize, or SizeOfRawData when it
 * is 0 (as the UEFI PE loader maps it). */
static uint64_t mem_size(const struct pe_section *s)
{
	return s->vsize ? s->vsize : s->raw_size;
}

/* One section header: its own ranges, and order against the previous one. */
static enum ldr_err check_section(uint64_t size, enum unified_view view, struct unified_image *u,
				  uint32_t i, struct ldr_diag *d)
{
	const struct pe_info *pe = &u->pe;
	const struct pe_section *s = &pe->sect[i];
	uint64_t vend = (uint64_t)s->va + mem_size(s), rend = (uint64_t)s->raw_ptr + s->raw_size;

	if (s->va < pe->size_of_headers || !is_aligned(s->va, pe->sect_align))
		return sect_fail(u, d, i, "VirtualAddress", s->va,
				 "not aligned to SectionAlignment above the headers");
	if (i && s->va < pe->sect[i - 1].va + mem_size(&pe->sect[i - 1]))
		return sect_fail(u, d, i, "VirtualAddress", s->va,
				 "overlaps the previous section or is out of order in memory");
	if (vend > pe->size_of_image)
		return sect_fail(u, d, i, "VirtualSize", s->vsize, "section beyond SizeOfImage");
	if (!s->raw_size)
		return LDR_OK;
	if (s->raw_ptr < pe->size_of_headers || !is_aligned(s->raw_ptr, pe->file_align))
		return sect_fail(u, d, i, "PointerToRawData", s->raw_ptr,
				 "not aligned to FileAlignment above the headers");
	if (view == UNIFIED_VIEW_FILE && rend > size)
		return sect_fail(u, d, i, "SizeOfRawData", s->raw_size, "raw data beyond the file");
	for (uint32_t j = 0; j < i; j++) {
		const struct pe_section *t = &pe->sect[j];
		if (ranges_overlap(s->raw_ptr, s->raw_size, t->raw_ptr, t->raw_size))
			return sect_fail(u, d, i, "PointerToRawData", s->raw_ptr,
					 "raw data overlaps another section's");
	}
	return LDR_OK;
}

enum ldr_err unified_parse_pe(const uint8_t *buf, uint64_t size, enum unified_view view,
			      struct unified_image *u, struct ldr_diag *d)
{
	struct pe_info *pe = &u->pe;
	enum ldr_err err;

	memset(u, 0, sizeof(*u));
	if ((err = parse_headers(buf, size, view, u, d)))
		return err;
	for (uint32_t i = 0; i < pe->nsections; i++) {
		const uint8_t *h = buf + pe->sect_off + i * PE_SECTION_HEADER_SIZE;
		struct pe_section *s = &pe->sect[i];

		memcpy(s->name, h, 8);
		s->vsize = rd_le32(h + 8);
		s->va = rd_le32(h + 12);
		s->raw_size = rd_le32(h + 16);
		s->raw_ptr = rd_le32(h + 20);
		s->flags = rd_le32(h + 36);
		if ((err = check_section(size, view, u, i, d)))
			return err;
		if (s->raw_size && (uint64_t)s->raw_ptr + s->raw_size > pe->raw_end)
			pe->raw_end = (uint64_t)s->raw_ptr + s->raw_size;
	}
	pe->first_va = pe->sect[0].va;
	return LDR_OK;
}
