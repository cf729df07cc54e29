/* SPDX-License-Identifier: MIT */
/* Synthetic PE32+ EFI applications (pe_gen.h). */
#include <stdlib.h>
#include <string.h>

#include "pe_gen.h"
#include "harness.h"

#define TEXT_SIZE 0x200

void pe_gen_put16(uint8_t *p, uint32_t off, uint16_t v)
{
	memcpy(p + off, &v, 2);
}

void pe_gen_put32(uint8_t *p, uint32_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static size_t up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

static void section(uint8_t *b, unsigned i, const char *name, uint32_t vsize, uint32_t va,
		    uint32_t raw, uint32_t flags)
{
	uint32_t h = PE_GEN_SECT + 40 * i;

	memcpy(b + h, name, strnlen(name, 8));
	pe_gen_put32(b, h + 8, vsize);
	pe_gen_put32(b, h + 12, va);
	pe_gen_put32(b, h + 16, (uint32_t)up(vsize, PE_GEN_FILE_ALIGN));
	pe_gen_put32(b, h + 20, raw);
	pe_gen_put32(b, h + 36, flags);
}

uint8_t *pe_gen(const struct pe_gen_section *s, unsigned n, size_t *size)
{
	size_t total = PE_GEN_HEADERS + TEXT_SIZE, raw, va = PE_GEN_SECT_ALIGN * 2;
	uint8_t *b;

	for (unsigned i = 0; i < n; i++)
		total += up(s[i].size, PE_GEN_FILE_ALIGN);
	b = calloc(1, total);
	b[0] = 'M';
	b[1] = 'Z';
	pe_gen_put32(b, 0x3c, PE_GEN_LFANEW);
	memcpy(b + PE_GEN_LFANEW, "PE\0\0", 4);
	pe_gen_put16(b, PE_GEN_LFANEW + 4, 0x8664);
	pe_gen_put16(b, PE_GEN_LFANEW + 6, (uint16_t)(n + 1));
	pe_gen_put16(b, PE_GEN_LFANEW + 20, 240);
	pe_gen_put16(b, PE_GEN_LFANEW + 22, 0x206);
	pe_gen_put16(b, PE_GEN_OPT, 0x20b);
	pe_gen_put32(b, PE_GEN_OPT + 16, PE_GEN_SECT_ALIGN); /* AddressOfEntryPoint */
	pe_gen_put32(b, PE_GEN_OPT + 32, PE_GEN_SECT_ALIGN);
	pe_gen_put32(b, PE_GEN_OPT + 36, PE_GEN_FILE_ALIGN);
	pe_gen_put32(b, PE_GEN_OPT + 60, PE_GEN_HEADERS);
	pe_gen_put16(b, PE_GEN_OPT + 68, 10);
	pe_gen_put32(b, PE_GEN_OPT + 108, 16);
	section(b, 0, ".text", TEXT_SIZE, PE_GEN_SECT_ALIGN, PE_GEN_HEADERS, 0x60000020);
	memset(b + PE_GEN_HEADERS, 0xc3, TEXT_SIZE); /* ret */
	raw = PE_GEN_HEADERS + TEXT_SIZE;
	for (unsigned i = 0; i < n; i++) {
		section(b, i + 1, s[i].name, (uint32_t)s[i].size, (uint32_t)va, (uint32_t)raw,
			s[i].flags ? s[i].flags : 0x40000040);
		if (s[i].size)
			memcpy(b + raw, s[i].data, s[i].size);
		raw += up(s[i].size, PE_GEN_FILE_ALIGN);
		va += up(s[i].size ? s[i].size : 1, PE_GEN_SECT_ALIGN);
	}
	pe_gen_put32(b, PE_GEN_OPT + 56, (uint32_t)va); /* SizeOfImage */
	*size = total;
	return b;
}

uint8_t *pe_gen_load(const uint8_t *file, size_t size, size_t *image_size)
{
	uint32_t lfanew = g32(file, 0x3c);
	uint32_t opt = lfanew + 24, nsec = file[lfanew + 6] | file[lfanew + 7] << 8;
	uint32_t sect = opt + (file[lfanew + 20] | file[lfanew + 21] << 8);
	uint8_t *m;

	*image_size = g32(file, opt + 56);
	m = calloc(1, *image_size);
	memcpy(m, file, g32(file, opt + 60) < size ? g32(file, opt + 60) : size);
	for (uint32_t i = 0; i < nsec; i++) {
		uint32_t h = sect + 40 * i, vs = g32(file, h + 8), va = g32(file, h + 12);
		uint32_t rs = g32(file, h + 16), rp = g32(file, h + 20);
		uint32_t n = rs < vs ? rs : vs;
		if (n && (uint64_t)va + n <= *image_size && (uint64_t)rp + n <= size)
			memcpy(m + va, file + rp, n);
	}
	return m;
}

uint32_t pe_gen_section_header(const uint8_t *file, const char *name)
{
	uint32_t lfanew = g32(file, 0x3c);
	uint32_t nsec = file[lfanew + 6] | file[lfanew + 7] << 8;
	uint32_t sect = lfanew + 24 + (file[lfanew + 20] | file[lfanew + 21] << 8);
	char n8[8] = { 0 };

	memcpy(n8, name, strnlen(name, 8));
	for (uint32_t i = 0; i < nsec; i++)
		if (!memcmp(file + sect + 40 * i, n8, 8))
			return sect + 40 * i;
	return 0;
}
