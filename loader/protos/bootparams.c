/* SPDX-License-Identifier: MIT */
/* boot_params for the linux64 path (bootparams.h). */
#include "bootparams.h"

#include "../libc.h"

static void put16(uint8_t *p, uint32_t off, uint16_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put64(uint8_t *p, uint32_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

enum ldr_err bp_build(uint8_t *page, size_t page_len, const struct bp_input *in,
		      struct ldr_diag *diag)
{
	if (!page || page_len < BP_SIZE)
		return ldr_fail(diag, LDR_E_BOOTPARAMS, "boot_params", -1, "size", page_len);
	if (in->e820_count > BP_E820_MAX || (in->e820_count && !in->e820))
		return ldr_fail(diag, LDR_E_BOOTPARAMS, "boot_params", -1, "e820_entries",
				in->e820_count);
	if (!in->cmdline || in->cmdline > UINT32_MAX || !in->cmdline_size)
		return ldr_fail(diag, LDR_E_BOOTPARAMS, "boot_params", -1, "cmd_line_ptr",
				in->cmdline);
	memset(page, 0, BP_SIZE);
	put16(page, BP_BOOT_FLAG, BP_BOOT_FLAG_MAGIC);
	put32(page, BP_HEADER, BP_HEADER_MAGIC);
	put16(page, BP_VERSION, BP_PROTOCOL_VERSION);
	page[BP_TYPE_OF_LOADER] = BP_LOADER_UNDEFINED;
	page[BP_LOADFLAGS] = BP_LOADED_HIGH;
	put32(page, BP_CMD_LINE_PTR, (uint32_t)in->cmdline);
	put32(page, BP_EXT_CMD_LINE_PTR, (uint32_t)(in->cmdline >> 32));
	put32(page, BP_CMDLINE_SIZE, in->cmdline_size);
	if (in->initrd_size) {
		put32(page, BP_RAMDISK_IMAGE, (uint32_t)in->initrd);
		put32(page, BP_EXT_RAMDISK_IMAGE, (uint32_t)(in->initrd >> 32));
		put32(page, BP_RAMDISK_SIZE, (uint32_t)in->initrd_size);
		put32(page, BP_EXT_RAMDISK_SIZE, (uint32_t)(in->initrd_size >> 32));
	}
	put64(page, BP_SETUP_DATA, in->setup_data);
	put64(page, BP_ACPI_RSDP_ADDR, in->acpi_rsdp);
	page[BP_E820_ENTRIES] = (uint8_t)in->e820_count;
	for (uint32_t i = 0; i < in->e820_count; i++) {
		uint32_t off = BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
		put64(page, off, in->e820[i].addr);
		put64(page, off + 8, in->e820[i].size);
		put32(page, off + 16, in->e820[i].type);
	}
	return LDR_OK;
}

uint32_t bp_e820_type(uint32_t mem_type)
{
	switch (mem_type) {
	case ASLRBOOT_MEM_USABLE:
	case ASLRBOOT_MEM_LOADER_RECLAIMABLE:
	case ASLRBOOT_MEM_KERNEL: /* the kernel reserves its own image */
	case ASLRBOOT_MEM_MODULE: /* ... and its initrd (ramdisk_image) */ return E820_RAM;
	case ASLRBOOT_MEM_ACPI_RECLAIMABLE: return E820_ACPI;
	case ASLRBOOT_MEM_ACPI_NVS: return E820_NVS;
	case ASLRBOOT_MEM_BAD: return E820_UNUSABLE;
	default: return E820_RESERVED;
	}
}

enum ldr_err bp_e820_from_memmap(const struct memmap *mm, struct bp_e820 *out, uint32_t cap,
				 uint32_t *count, struct ldr_diag *diag)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < mm->count && i < MEMMAP_MAX; i++) {
		const struct mm_entry *e = &mm->e[i];
		uint32_t type = bp_e820_type(e->type);
		if (!e->len)
			continue;
		if (n && out[n - 1].type == type && out[n - 1].addr + out[n - 1].size == e->base &&
		    out[n - 1].size + e->len >= e->len) {
			out[n - 1].size += e->len;
			continue;
		}
		if (n == cap)
			return ldr_fail(diag, LDR_E_E820_FULL, "memory map", i, "base", e->base);
		out[n++] = (struct bp_e820){ e->base, e->len, type };
	}
	*count = n;
	return LDR_OK;
}

#define BP_4G (UINT64_C(1) << 32)

void bp_e820_big_ram_first(struct bp_e820 *e, uint32_t n)
{
	uint32_t best = n;
	struct bp_e820 t;

	for (uint32_t i = 0; i < n; i++)
		if (e[i].type == E820_RAM && e[i].addr <= BP_4G && e[i].size <= BP_4G - e[i].addr &&
		    (best == n || e[i].size > e[best].size))
			best = i;
	if (best == n)
		return;
	t = e[best];
	for (uint32_t i = best; i > 0; i--)
		e[i] = e[i - 1];
	e[0] = t;
}

enum ldr_err bp_rng_seed(uint8_t *buf, size_t cap, const uint8_t *seed, uint32_t n, size_t *len,
			 struct ldr_diag *diag)
{
	if (!n || n > 256 || cap < BP_SETUP_HDR || cap - BP_SETUP_HDR < n)
		return ldr_fail(diag, LDR_E_BOOTPARAMS, "setup_data", -1, "len", n);
	put64(buf, 0, 0);
	put32(buf, 8, SETUP_RNG_SEED);
	put32(buf, 12, n);
	memcpy(buf + BP_SETUP_HDR, seed, n);
	*len = BP_SETUP_HDR + n;
	return LDR_OK;
}

static void put_hex32(char *p, uint32_t v)
{
	static const char hex[] = "0123456789abcdef";
	p[0] = '0';
	p[1] = 'x';
	for (int i = 0; i < 8; i++)
		p[2 + i] = hex[(v >> (28 - 4 * i)) & 0xf];
}

/* "random.seed=[0x........ ... 0x........]" */
static void seed_arg(char *p, const uint32_t *seed)
{
	memcpy(p, "random.seed=[", 13);
	for (int i = 0; i < 8; i++) {
		put_hex32(p + 13 + 11 * i, seed[i]);
		p[13 + 11 * i + 10] = i == 7 ? ']' : ' ';
	}
}

enum ldr_err bp_cmdline(char *dst, size_t cap, const char *cmdline, size_t cmdline_len,
			const uint32_t *seed, size_t *len, struct ldr_diag *diag)
{
	size_t first = 0, rest, need, tail;
	const char *argv0;

	if (!cmdline)
		cmdline = "", cmdline_len = 0;
	argv0 = cmdline;
	for (size_t i = 0; i < cmdline_len; i++)
		if (!cmdline[i])
			cmdline_len = i; /* stop at the first NUL */
	if (!seed) {
		if (cmdline_len >= cap)
			return ldr_fail(diag, LDR_E_BOOTPARAMS, "cmdline", -1, "length",
					cmdline_len);
		if (cmdline_len)
			memcpy(dst, cmdline, cmdline_len);
		dst[cmdline_len] = 0;
		*len = cmdline_len;
		return LDR_OK;
	}
	while (first < cmdline_len && cmdline[first] == ' ')
		first++;
	argv0 += first;
	rest = first;
	while (rest < cmdline_len && cmdline[rest] != ' ')
		rest++;
	first = rest - first; /* argv0's length */
	if (!first)
		argv0 = "kernel", first = 6;
	while (rest < cmdline_len && cmdline[rest] == ' ')
		rest++;
	/* argv0 ' ' seed-arg [' ' rest] NUL */
	tail = cmdline_len - rest;
	need = first + 1 + BP_SEED_ARG_LEN + (tail ? 1 + tail : 0) + 1;
	if (need > cap)
		return ldr_fail(diag, LDR_E_BOOTPARAMS, "cmdline", -1, "length", need);
	memcpy(dst, argv0, first);
	dst[first] = ' ';
	seed_arg(dst + first + 1, seed);
	if (tail) {
		dst[first + 1 + BP_SEED_ARG_LEN] = ' ';
		memcpy(dst + first + 2 + BP_SEED_ARG_LEN, cmdline + rest, tail);
	}
	*len = need - 1;
	dst[*len] = 0;
	return LDR_OK;
}
