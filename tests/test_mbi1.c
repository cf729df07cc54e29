/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot 1 walker on well-formed and hostile inputs (memory map,
 * modules, strings) and the bounded string reader.  Every hostile case
 * asserts the exact error code and, where the diag names one, the field.
 */
#include <string.h>

#include "harness.h"
#include "mb_arena.h"
#include "multiboot/mbi.h"

#define BASE 0x100000u
#define INFO (BASE + 0x0000)
#define MMAP (BASE + 0x1000)
#define MODS (BASE + 0x2000)
#define STR (BASE + 0x3000)
#define MOD0 (BASE + 0x10000)
#define MOD1 (BASE + 0x20000)
#define ARENA 0x40000u

static struct mb_info info;
static struct ldr_diag diag;

/* ---- Multiboot 1 ---- */

static void mb1_entry(struct mb_arena *a, uint64_t pa, uint64_t base, uint64_t len, uint32_t type)
{
	put32(a, pa, 20);
	put64(a, pa + 4, base);
	put64(a, pa + 12, len);
	put32(a, pa + 20, type);
}

/* flags: mmap | cmdline | mods; 3 map entries; 2 modules with strings. */
static void mb1_basic(struct mb_arena *a)
{
	mb_arena_init(a, BASE, ARENA);
	put32(a, INFO, (1u << 6) | (1u << 2) | (1u << 3));
	put32(a, INFO + 16, STR);
	put32(a, INFO + 20, 2);
	put32(a, INFO + 24, MODS);
	put32(a, INFO + 44, 3 * 24);
	put32(a, INFO + 48, MMAP);
	mb1_entry(a, MMAP, 0, 0x9fc00, 1);
	mb1_entry(a, MMAP + 24, 0x100000, 0x7f00000, 1);
	mb1_entry(a, MMAP + 48, 0xfffc0000, 0x40000, 2);
	putstr(a, STR, "/boot/aslrboot.mb verbose=1");
	put32(a, MODS, MOD0);
	put32(a, MODS + 4, MOD0 + 0x3000);
	put32(a, MODS + 8, STR + 0x100);
	put32(a, MODS + 16, MOD1);
	put32(a, MODS + 20, MOD1 + 0x100);
	put32(a, MODS + 24, STR + 0x200);
	putstr(a, STR + 0x100, "kernel.elf console=ttyS0");
	putstr(a, STR + 0x200, "initrd");
}

static enum ldr_err mb1(struct mb_arena *a)
{
	memset(&diag, 0, sizeof(diag));
	return mb_parse(MB1_BOOT_MAGIC, INFO, mb_arena_acc, a, &info, &diag);
}

static void test_mb1_valid(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT_EQ(info.proto, 1);
	/* The partial page 0x9f000-0x9fc00 is kept, as RESERVED. */
	EXPECT_EQ(info.mmap_count, 4);
	EXPECT_EQ(info.mmap[0].base, 0);
	EXPECT_EQ(info.mmap[0].len, 0x9f000);
	EXPECT_EQ(info.mmap[0].type, ASLRBOOT_MEM_USABLE);
	EXPECT_EQ(info.mmap[1].base, 0x9f000);
	EXPECT_EQ(info.mmap[1].len, 0xc00);
	EXPECT_EQ(info.mmap[1].type, ASLRBOOT_MEM_RESERVED);
	EXPECT_EQ(info.mmap[2].base, 0x100000);
	EXPECT_EQ(info.mmap[2].len, 0x7f00000);
	EXPECT_EQ(info.mmap[2].type, ASLRBOOT_MEM_USABLE);
	EXPECT_EQ(info.mmap[3].type, ASLRBOOT_MEM_RESERVED);
	REQUIRE(info.cmdline);
	EXPECT(strcmp(info.cmdline, "/boot/aslrboot.mb verbose=1") == 0);
	EXPECT_EQ(info.mod_count, 2);
	EXPECT_EQ(info.mods[0].start, MOD0);
	EXPECT_EQ(info.mods[0].size, 0x3000);
	EXPECT(strcmp(info.mods[0].string, "kernel.elf console=ttyS0") == 0);
	EXPECT(strcmp(info.mods[1].string, "initrd") == 0);
	/* The struct, its map and its module array are reported for reservation. */
	EXPECT_EQ(info.span_count, 3);
	EXPECT_EQ(info.spans[0].base, INFO);
	EXPECT_EQ(info.spans[1].base, MMAP);
	EXPECT_EQ(info.spans[1].len, 72);
	EXPECT_EQ(info.spans[2].base, MODS);
	EXPECT_EQ(info.spans[2].len, 32);
	EXPECT_EQ(info.rsdp, 0);
	mb_arena_free(&a);
}

static void test_mb1_type_translation(void)
{
	static const uint32_t in[] = { 1, 2, 3, 4, 5, 0, 77 };
	static const uint32_t want[] = {
		ASLRBOOT_MEM_USABLE,   ASLRBOOT_MEM_RESERVED, ASLRBOOT_MEM_ACPI_RECLAIMABLE,
		ASLRBOOT_MEM_ACPI_NVS, ASLRBOOT_MEM_BAD,      ASLRBOOT_MEM_RESERVED,
		ASLRBOOT_MEM_RESERVED
	};
	struct mb_arena a;
	mb1_basic(&a);
	for (uint32_t i = 0; i < 7; i++)
		mb1_entry(&a, MMAP + 24 * i, 0x1000 * (i + 1), 0x1000, in[i]);
	put32(&a, INFO + 44, 7 * 24);
	EXPECT_ERR(mb1(&a), LDR_OK);
	REQUIRE(info.mmap_count == 7);
	for (uint32_t i = 0; i < 7; i++)
		EXPECT_EQ(info.mmap[i].type, want[i]);
	mb_arena_free(&a);
}

static void test_mb1_mmap_hostile(void)
{
	struct mb_arena a;

	mb1_basic(&a);
	put32(&a, MMAP + 24, 0); /* entry size 0: would loop forever */
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ENTRY_SIZE);
	EXPECT_EQ(diag.index, 1);
	put32(&a, MMAP + 24, 19);
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ENTRY_SIZE);
	put32(&a, MMAP + 24, 20 + 48); /* steps past the end of the buffer */
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ENTRY_RANGE);
	EXPECT_EQ(diag.value, 68);
	mb_arena_free(&a);

	mb1_basic(&a);
	put32(&a, INFO + 44, 3 * 24 + 2); /* trailing partial size field */
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ENTRY_RANGE);
	put32(&a, INFO + 44, 3 * 24 + 4); /* a size field, then nothing */
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ENTRY_SIZE);
	put32(&a, INFO + 44, 0x10001); /* above the cap */
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_LENGTH);
	put32(&a, INFO + 44, 3 * 24);
	put32(&a, INFO + 48, BASE + ARENA - 24); /* runs off the arena */
	EXPECT_ERR(mb1(&a), LDR_E_MBI);
	EXPECT(strcmp(diag.field, "mmap_addr") == 0);
	mb_arena_free(&a);
}

/* Zero-length and wrapping map entries. */
static void test_mb1_mmap_overflow(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	mb1_entry(&a, MMAP, 0x1000, 0, 1);			 /* zero length: dropped */
	mb1_entry(&a, MMAP + 24, 0xfffffffffffff000, 0x2000, 1); /* wraps, USABLE: dropped */
	mb1_entry(&a, MMAP + 48, 0xfffffffffffff000, 0x2000, 2); /* wraps, RESERVED: clipped */
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT_EQ(info.mmap_dropped, 1);
	EXPECT_EQ(info.mmap_empty, 1);
	REQUIRE(info.mmap_count == 1);
	EXPECT_EQ(info.mmap[0].base, 0xfffffffffffff000);
	EXPECT_EQ(info.mmap[0].len, 0xfff);
	EXPECT_EQ(info.mmap[0].type, ASLRBOOT_MEM_RESERVED);
	mb_arena_free(&a);
}

static void test_mb1_mmap_too_many(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	put32(&a, INFO + 48, BASE + 0x20000);
	for (uint32_t i = 0; i <= BOOT_MAX_MMAP; i++)
		mb1_entry(&a, BASE + 0x20000 + 24 * i, 0x1000 * (uint64_t)i, 0x1000, 1);
	put32(&a, INFO + 44, BOOT_MAX_MMAP * 24);
	put32(&a, INFO + 20, 0);
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT_EQ(info.mmap_count, BOOT_MAX_MMAP);
	put32(&a, INFO + 44, (BOOT_MAX_MMAP + 1) * 24);
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_TOO_MANY);
	mb_arena_free(&a);
}

static void test_mb1_no_mmap(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	put32(&a, INFO, 1u << 0); /* mem_lower / mem_upper only */
	put32(&a, INFO + 4, 639);
	put32(&a, INFO + 8, 64512);
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT(info.mmap_from_meminfo);
	REQUIRE(info.mmap_count == 3);
	EXPECT_EQ(info.mmap[0].len, 0x9f000);
	EXPECT_EQ(info.mmap[1].base, 0x9f000);
	EXPECT_EQ(info.mmap[1].len, 639 * 1024 - 0x9f000);
	EXPECT_EQ(info.mmap[1].type, ASLRBOOT_MEM_RESERVED);
	EXPECT_EQ(info.mmap[2].base, 0x100000);
	EXPECT_EQ(info.mmap[2].len, 64512 * 1024ull);
	EXPECT(!info.cmdline);
	EXPECT_EQ(info.mod_count, 0);
	put32(&a, INFO, 0);
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ABSENT);
	/* A map whose every entry is dropped falls back to mem_*, else fails. */
	for (uint32_t i = 0; i < 3; i++)
		put64(&a, MMAP + 24 * i + 12, 0);
	put32(&a, INFO, (1u << 6) | (1u << 0));
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT(info.mmap_from_meminfo);
	EXPECT_EQ(info.mmap_count, 3);
	EXPECT_EQ(info.mmap_empty, 3);
	put32(&a, INFO, 1u << 6);
	EXPECT_ERR(mb1(&a), LDR_E_MMAP_ABSENT);
	mb_arena_free(&a);
}

/* Module sizes, caps and the module array. */
static void test_mb1_modules_hostile(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	put32(&a, MODS + 4, MOD0 - 1);
	/* Modules are numbered from 1, the kernel, as in every other message. */
	EXPECT_ERR(mb1(&a), LDR_E_MOD_ORDER);
	EXPECT_EQ(diag.index, 1);
	put32(&a, MODS + 4, MOD0);
	EXPECT_ERR(mb1(&a), LDR_E_MOD_EMPTY);
	put32(&a, MODS + 4, MOD0 + 0x3000);
	put32(&a, MODS + 20, MOD1 + (1u << 30) + 1);
	EXPECT_ERR(mb1(&a), LDR_E_MOD_TOO_BIG);
	EXPECT_EQ(diag.index, 2);
	put32(&a, MODS + 20, BASE + ARENA + 1); /* one byte past the arena */
	EXPECT_ERR(mb1(&a), LDR_E_MOD_RANGE);
	put32(&a, MODS + 20, BASE + ARENA); /* ends exactly at the arena end: fine */
	EXPECT_ERR(mb1(&a), LDR_OK);
	put32(&a, INFO + 20, MB_MAX_MODS + 1);
	EXPECT_ERR(mb1(&a), LDR_E_MOD_COUNT);
	put32(&a, INFO + 20, 2);
	put32(&a, INFO + 24, BASE + ARENA - 16);
	EXPECT_ERR(mb1(&a), LDR_E_MBI);
	EXPECT(strcmp(diag.field, "mods_addr") == 0);
	mb_arena_free(&a);
}

/* Strings need a NUL within MB_MAX_STRING + 1 bytes, in memory. */
static void test_mb1_strings(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	memset(a.mem + (STR - BASE), 'x', MB_MAX_STRING);
	a.mem[STR - BASE + MB_MAX_STRING] = 0; /* exactly at the cap: accepted */
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT_EQ(strlen(info.cmdline), MB_MAX_STRING);
	a.mem[STR - BASE + MB_MAX_STRING] = 'x';
	a.mem[STR - BASE + MB_MAX_STRING + 1] = 0; /* one over */
	EXPECT_ERR(mb1(&a), LDR_E_CMDLINE);
	EXPECT(strcmp(diag.what, "cmdline") == 0);
	/* Too long: the message gives a length, not the string's address. */
	EXPECT(strcmp(diag.field, "length") == 0);
	EXPECT_EQ(diag.value, MB_MAX_STRING + 1);
	mb_arena_free(&a);

	mb1_basic(&a);
	put32(&a, INFO + 16, BASE + ARENA - 3); /* runs off the arena */
	memset(a.mem + ARENA - 3, 'y', 3);
	EXPECT_ERR(mb1(&a), LDR_E_STR_RANGE);
	put32(&a, INFO + 16, STR);
	put32(&a, MODS + 24, BASE + ARENA + 100);
	EXPECT_ERR(mb1(&a), LDR_E_STR_RANGE);
	EXPECT(strcmp(diag.what, "module") == 0);
	EXPECT_EQ(diag.index, 2);
	EXPECT(strcmp(diag.field, "string") == 0);
	EXPECT_EQ(diag.value, BASE + ARENA + 100);
	put32(&a, MODS + 24, 0); /* no string: empty */
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT(strcmp(info.mods[1].string, "") == 0);
	mb_arena_free(&a);
}

static void test_mb1_loader_name(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	EXPECT_ERR(mb1(&a), LDR_OK);
	EXPECT(!info.loader_name);
	put32(&a, INFO, (1u << 6) | (1u << 9));
	put32(&a, INFO + 64, STR + 0x300);
	putstr(&a, STR + 0x300, "qemu");
	EXPECT_ERR(mb1(&a), LDR_OK);
	REQUIRE(info.loader_name);
	EXPECT(strcmp(info.loader_name, "qemu") == 0);
	put32(&a, INFO + 64, BASE + ARENA);
	EXPECT_ERR(mb1(&a), LDR_E_STR_RANGE);
	EXPECT(strcmp(diag.what, "boot_loader_name") == 0);
	/* The struct must reach the field when the flag says it is there. */
	memmove(a.mem + ARENA - 60, a.mem, 60);
	EXPECT_ERR(mb_parse(MB1_BOOT_MAGIC, BASE + ARENA - 60, mb_arena_acc, &a, &info, &diag),
		   LDR_E_MBI);
	EXPECT(strcmp(diag.field, "flags") == 0);
	mb_arena_free(&a);
}

static void test_mb1_info_range_and_magic(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	EXPECT_ERR(mb_parse(MB1_BOOT_MAGIC, BASE + ARENA - 51, mb_arena_acc, &a, &info, &diag),
		   LDR_E_MBI);
	EXPECT_ERR(mb_parse(MB1_BOOT_MAGIC, 0x1000, mb_arena_acc, &a, &info, &diag), LDR_E_MBI);
	EXPECT_ERR(mb_parse(0x1badb002, INFO, mb_arena_acc, &a, &info, &diag), LDR_E_MBI_MAGIC);
	EXPECT_EQ(diag.value, 0x1badb002);
	mb_arena_free(&a);
}

static void test_string_across_pages(void)
{
	struct mb_arena a;
	const char *s;
	uint32_t len;
	mb_arena_init(&a, BASE, ARENA);
	memset(a.mem + 0x1ff0, 'z', 0x20);
	a.mem[0x2010] = 0;
	EXPECT_ERR(mb_string(BASE + 0x1ff0, 100, mb_arena_acc, &a, &s, &len), LDR_OK);
	EXPECT_EQ(len, 0x20);
	EXPECT_ERR(mb_string(BASE + 0x1ff0, 0x1f, mb_arena_acc, &a, &s, &len), LDR_E_CMDLINE);
	EXPECT_ERR(mb_string(UINT64_MAX - 2, 100, mb_arena_acc, &a, &s, &len), LDR_E_STR_RANGE);
	/* Memory may end right after the NUL: still a valid string. */
	memcpy(a.mem + ARENA - 4, "abc", 4);
	EXPECT_ERR(mb_string(BASE + ARENA - 4, 100, mb_arena_acc, &a, &s, &len), LDR_OK);
	EXPECT_EQ(len, 3);
	a.mem[ARENA - 1] = 'd';
	EXPECT_ERR(mb_string(BASE + ARENA - 4, 100, mb_arena_acc, &a, &s, &len), LDR_E_STR_RANGE);
	mb_arena_free(&a);
}

/* Usable entries are handed on in whole pages; the partial edges stay in the
 * map as RESERVED; an entry without a whole page is RESERVED. */
static void test_mb1_partial_pages(void)
{
	struct mb_arena a;
	mb1_basic(&a);
	mb1_entry(&a, MMAP, 0x1800, 0x3c00, 1);
	mb1_entry(&a, MMAP + 24, 0x8100, 0x100, 1);
	mb1_entry(&a, MMAP + 48, 0xfffc0800, 0x100, 2); /* reserved: as is */
	EXPECT_ERR(mb1(&a), LDR_OK);
	REQUIRE(info.mmap_count == 5);
	static const struct mm_entry want[] = {
		{ 0x1800, 0x800, ASLRBOOT_MEM_RESERVED },
		{ 0x2000, 0x3000, ASLRBOOT_MEM_USABLE },
		{ 0x5000, 0x400, ASLRBOOT_MEM_RESERVED },
		{ 0x8100, 0x100, ASLRBOOT_MEM_RESERVED },
		{ 0xfffc0800, 0x100, ASLRBOOT_MEM_RESERVED },
	};
	for (uint32_t i = 0; i < 5; i++) {
		EXPECT_EQ(info.mmap[i].base, want[i].base);
		EXPECT_EQ(info.mmap[i].len, want[i].len);
		EXPECT_EQ(info.mmap[i].type, want[i].type);
	}
	mb_arena_free(&a);
}

/* Where aslrboot's options start: after the image path unless GRUB 2. */
static void test_options_start(void)
{
	static const struct {
		const char *loader, *cmdline, *opts;
	} rows[] = {
		/* QEMU -kernel -append: "<file> <append>" */
		{ "qemu", "build/aslrboot.mb entropystrict", "entropystrict" },
		{ "qemu", "aslrboot.mb  verbose=1 aslr=off", "verbose=1 aslr=off" },
		{ "qemu", "aslrboot.mb", "" },
		/* GRUB 2 strips the path: the first word is an option. */
		{ "GRUB 2.06-13+deb12u1", "entropystrict", "entropystrict" },
		{ "GRUB 2.12", " verbose=1", "verbose=1" },
		/* GRUB legacy, unnamed loaders: path first. */
		{ "GNU GRUB 0.97", "(hd0,0)/boot/aslrboot.mb verbose=1", "verbose=1" },
		{ NULL, "/boot/aslrboot.mb\tx=1", "x=1" },
		/* A loader that did not prepend its path: '=' marks an option. */
		{ "Limine", "verbose=1 aslr=off", "verbose=1 aslr=off" },
	};
	struct mb_info in;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.loader_name = rows[i].loader;
		in.cmdline = rows[i].cmdline;
		EXPECT(strcmp(mb_options(&in), rows[i].opts) == 0);
		EXPECT(mb_path_first(&in) == (i < 3 || i > 4));
	}
	memset(&in, 0, sizeof(in));
	EXPECT(strcmp(mb_options(&in), "") == 0);
}

int main(void)
{
	RUN(test_mb1_valid);
	RUN(test_mb1_type_translation);
	RUN(test_mb1_mmap_hostile);
	RUN(test_mb1_mmap_overflow);
	RUN(test_mb1_mmap_too_many);
	RUN(test_mb1_no_mmap);
	RUN(test_mb1_modules_hostile);
	RUN(test_mb1_strings);
	RUN(test_mb1_loader_name);
	RUN(test_mb1_info_range_and_magic);
	RUN(test_string_across_pages);
	RUN(test_mb1_partial_pages);
	RUN(test_options_start);
	return harness_done();
}
