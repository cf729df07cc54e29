/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot 2 tag walker on well-formed and hostile inputs (tag sizes,
 * memory map, modules, strings), and the RSDP check and BIOS scan.  Every
 * hostile case asserts the exact error code and, where the diag names one,
 * the field.
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

/* ---- Multiboot 2 ---- */

struct mb2b {
	struct mb_arena *a;
	uint64_t off; /* next tag, from INFO */
};

static uint64_t tag(struct mb2b *b, uint32_t type, uint32_t size)
{
	uint64_t pa = INFO + b->off;
	put32(b->a, pa, type);
	put32(b->a, pa + 4, size);
	b->off += (size + 7) & ~7u;
	return pa;
}

static void tag_str(struct mb2b *b, uint32_t type, const char *s)
{
	uint64_t pa = tag(b, type, 8 + (uint32_t)strlen(s) + 1);
	putstr(b->a, pa + 8, s);
}

static void tag_mod(struct mb2b *b, uint32_t start, uint32_t end, const char *s)
{
	uint64_t pa = tag(b, 3, 16 + (uint32_t)strlen(s) + 1);
	put32(b->a, pa + 8, start);
	put32(b->a, pa + 12, end);
	putstr(b->a, pa + 16, s);
}

static void tag_mmap(struct mb2b *b, uint32_t n)
{
	uint64_t pa = tag(b, 6, 16 + 24 * n);
	put32(b->a, pa + 8, 24);
	put32(b->a, pa + 12, 0);
	for (uint32_t i = 0; i < n; i++) {
		put64(b->a, pa + 16 + 24 * i, 0x100000 * (uint64_t)(i + 1));
		put64(b->a, pa + 24 + 24 * i, 0x80000);
		put32(b->a, pa + 32 + 24 * i, i == 1 ? 2 : 1);
	}
}

static void finish(struct mb2b *b)
{
	tag(b, 0, 8);
	put32(b->a, INFO, (uint32_t)b->off);
}

static void rsdp_make(uint8_t *p, uint8_t rev)
{
	uint8_t s = 0;
	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "QEMU  ", 6);
	p[15] = rev;
	for (int i = 0; i < 20; i++)
		s = (uint8_t)(s + p[i]);
	p[8] = (uint8_t)-s;
	if (rev >= 2) {
		uint32_t len = 36;
		memcpy(p + 20, &len, 4);
		s = 0;
		for (int i = 0; i < 36; i++)
			s = (uint8_t)(s + p[i]);
		p[32] = (uint8_t)-s;
	}
}

/* cmdline, kernel + one module, a 3-entry map, ACPI old and new. */
static void mb2_basic(struct mb_arena *a, struct mb2b *b)
{
	uint64_t pa;
	mb_arena_init(a, BASE, ARENA);
	b->a = a;
	b->off = 8;
	tag_str(b, 1, "aslr=off");
	tag_str(b, 2, "GRUB 2.06");
	tag_mod(b, MOD0, MOD0 + 0x3000, "/boot/kernel.elf arg");
	tag_mod(b, MOD1, MOD1 + 1, "m1");
	tag_mmap(b, 3);
	pa = tag(b, 14, 8 + 20);
	rsdp_make(a->mem + (pa + 8 - BASE), 0);
	pa = tag(b, 15, 8 + 36);
	rsdp_make(a->mem + (pa + 8 - BASE), 2);
	finish(b);
}

static enum ldr_err mb2(struct mb_arena *a)
{
	memset(&diag, 0, sizeof(diag));
	return mb_parse(MB2_BOOT_MAGIC, INFO, mb_arena_acc, a, &info, &diag);
}

static void test_mb2_valid(void)
{
	struct mb_arena a;
	struct mb2b b;
	mb2_basic(&a, &b);
	EXPECT_ERR(mb2(&a), LDR_OK);
	EXPECT_EQ(info.proto, 2);
	REQUIRE(info.cmdline);
	EXPECT(strcmp(info.cmdline, "aslr=off") == 0);
	REQUIRE(info.loader_name);
	EXPECT(strcmp(info.loader_name, "GRUB 2.06") == 0);
	EXPECT_EQ(info.mod_count, 2);
	EXPECT_EQ(info.mods[0].size, 0x3000);
	EXPECT(strcmp(info.mods[0].string, "/boot/kernel.elf arg") == 0);
	EXPECT_EQ(info.mods[1].size, 1);
	EXPECT_EQ(info.mmap_count, 3);
	EXPECT_EQ(info.mmap[1].type, ASLRBOOT_MEM_RESERVED);
	EXPECT_EQ(info.mmap[2].base, 0x300000);
	/* The ACPI 2.0 copy wins over the 1.0 one. */
	EXPECT_EQ(info.rsdp_rev, 2);
	EXPECT(info.rsdp > INFO && info.rsdp < INFO + b.off);
	EXPECT(memcmp(a.mem + (info.rsdp - BASE), "RSD PTR ", 8) == 0);
	EXPECT_EQ(info.span_count, 1);
	EXPECT_EQ(info.spans[0].len, b.off);
	mb_arena_free(&a);
}

/* Truncated list, tag size < 8, tag past total_size, total_size caps. */
static void test_mb2_tag_list_hostile(void)
{
	struct mb_arena a;
	struct mb2b b;
	uint32_t total;

	mb2_basic(&a, &b);
	total = (uint32_t)b.off;
	put32(&a, INFO, total - 8); /* END tag cut off: truncated list */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_NO_END);
	put32(&a, INFO, total - 4); /* half an END tag */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_NO_END);
	put32(&a, INFO, total);
	put32(&a, INFO + 8 + 4, 7); /* first tag's size < 8 */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_SIZE);
	EXPECT_EQ(diag.index, 0);
	put32(&a, INFO + 8 + 4, 0);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_SIZE);
	put32(&a, INFO + 8 + 4, total - 8 + 1); /* past total_size by one */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_RANGE);
	put32(&a, INFO + 8 + 4, total - 8); /* swallows the END tag */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_NO_END);
	mb_arena_free(&a);

	mb2_basic(&a, &b);
	put32(&a, INFO, MB2_MAX_TOTAL + 8);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TOTAL);
	EXPECT_EQ(diag.value, MB2_MAX_TOTAL + 8);
	put32(&a, INFO, 15);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TOTAL);
	put32(&a, INFO, 0xffffffff);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TOTAL);
	put32(&a, INFO, 16); /* first tag, then the block ends: no END */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_RANGE);
	mb_arena_free(&a);

	/* total_size fits the cap but not the memory behind the block. */
	mb2_basic(&a, &b);
	EXPECT_ERR(mb_parse(MB2_BOOT_MAGIC, BASE + ARENA - 0x1000, mb_arena_acc, &a, &info, &diag),
		   LDR_E_MBI_TOTAL);
	put32(&a, BASE + ARENA - 0x1000, 0x2000);
	EXPECT_ERR(mb_parse(MB2_BOOT_MAGIC, BASE + ARENA - 0x1000, mb_arena_acc, &a, &info, &diag),
		   LDR_E_MBI);
	EXPECT_ERR(mb_parse(MB2_BOOT_MAGIC, INFO + 4, mb_arena_acc, &a, &info, &diag),
		   LDR_E_MBI_ALIGN);
	mb_arena_free(&a);
}

/* The last tag's size is not a multiple of 8 and its padding passes total. */
static void test_mb2_padding_past_total(void)
{
	struct mb_arena a;
	struct mb2b b;
	mb2_basic(&a, &b);
	b.off = 8;
	tag(&b, 77, 13); /* unknown type, odd size: skipped, next at 24 */
	put32(&a, INFO, 8 + 13);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_NO_END);
	finish(&b);
	tag_mmap(&b, 0); /* unreachable after END */
	EXPECT_ERR(mb2(&a), LDR_E_MMAP_ABSENT);
	mb_arena_free(&a);
}

static void test_mb2_mmap_hostile(void)
{
	struct mb_arena a;
	struct mb2b b;
	uint64_t pa;

	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	pa = tag(&b, 6, 16 + 24 * 2);
	finish(&b);
	put32(&a, pa + 8, 0); /* entry_size 0: no division by zero */
	EXPECT_ERR(mb2(&a), LDR_E_MMAP_ENTRY_SIZE);
	put32(&a, pa + 8, 16);
	EXPECT_ERR(mb2(&a), LDR_E_MMAP_ENTRY_SIZE);
	put32(&a, pa + 8, 28); /* not a multiple of 8 */
	EXPECT_ERR(mb2(&a), LDR_E_MMAP_ENTRY_SIZE);
	put32(&a, pa + 8, 32); /* 48 bytes of entries: 1.5 entries */
	EXPECT_ERR(mb2(&a), LDR_E_MMAP_ENTRY_RANGE);
	put32(&a, pa + 8, 24);
	put64(&a, pa + 16, 0xfffffffffffff000); /* wraps: dropped */
	put64(&a, pa + 24, 0x1001);
	put32(&a, pa + 32, 1);
	put64(&a, pa + 40, 0x100000);
	put64(&a, pa + 48, 0x100000);
	put32(&a, pa + 56, 1);
	EXPECT_ERR(mb2(&a), LDR_OK);
	EXPECT_EQ(info.mmap_count, 1);
	EXPECT_EQ(info.mmap_dropped, 1);
	put32(&a, pa + 4, 15); /* mmap tag too small for its header */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_SIZE);
	mb_arena_free(&a);
}

static void test_mb2_strings_and_dups(void)
{
	struct mb_arena a;
	struct mb2b b;
	uint64_t pa;

	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	tag_mmap(&b, 1);
	pa = tag(&b, 1, 8 + 5);
	memcpy(a.mem + (pa + 8 - BASE), "abcde", 5); /* no NUL inside the tag */
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_E_CMDLINE);
	a.mem[pa + 12 - BASE] = 0;
	EXPECT_ERR(mb2(&a), LDR_OK);
	EXPECT(strcmp(info.cmdline, "abcd") == 0);
	b.off -= 8; /* overwrite END with a second cmdline */
	tag_str(&b, 1, "again");
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_DUP);
	EXPECT_EQ(diag.value, 1);
	mb_arena_free(&a);

	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	tag_mmap(&b, 1);
	tag_mmap(&b, 1);
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_DUP);
	mb_arena_free(&a);

	/* The string cap inside a tag: MB_MAX_STRING bytes + NUL fit, one more does not. */
	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	tag_mmap(&b, 1);
	pa = tag(&b, 1, 8 + MB_MAX_STRING + 2);
	memset(a.mem + (pa + 8 - BASE), 'q', MB_MAX_STRING + 1);
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_E_CMDLINE);
	a.mem[pa + 8 + MB_MAX_STRING - BASE] = 0;
	EXPECT_ERR(mb2(&a), LDR_OK);
	EXPECT_EQ(strlen(info.cmdline), MB_MAX_STRING);
	mb_arena_free(&a);
}

static void test_mb2_modules_hostile(void)
{
	struct mb_arena a;
	struct mb2b b;
	uint64_t pa;

	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	tag_mmap(&b, 1);
	pa = b.off + INFO;
	tag_mod(&b, MOD0, MOD0 + 16, "k");
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_OK);
	put32(&a, pa + 4, 16); /* no room for the string's NUL */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_SIZE);
	put32(&a, pa + 4, 18);
	put32(&a, pa + 12, MOD0 - 16);
	EXPECT_ERR(mb2(&a), LDR_E_MOD_ORDER);
	EXPECT(strcmp(diag.what, "module") == 0);
	EXPECT_EQ(diag.index, 1); /* the kernel is module 1 */
	put32(&a, pa + 12, MOD0);
	EXPECT_ERR(mb2(&a), LDR_E_MOD_EMPTY);
	put32(&a, pa + 8, 0x1000);
	put32(&a, pa + 12, 0x2000);
	EXPECT_ERR(mb2(&a), LDR_E_MOD_RANGE);
	mb_arena_free(&a);

	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	tag_mmap(&b, 1);
	for (uint32_t i = 0; i <= MB_MAX_MODS; i++)
		tag_mod(&b, MOD0, MOD0 + 1, "m");
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_E_MOD_COUNT);
	mb_arena_free(&a);
}

static void test_mb2_meminfo_and_acpi(void)
{
	struct mb_arena a;
	struct mb2b b;
	uint64_t pa, rs;

	mb_arena_init(&a, BASE, ARENA);
	b = (struct mb2b){ &a, 8 };
	pa = tag(&b, 4, 16);
	put32(&a, pa + 8, 639);
	put32(&a, pa + 12, 1024);
	rs = tag(&b, 14, 8 + 20);
	rsdp_make(a.mem + (rs + 8 - BASE), 0);
	a.mem[rs + 8 + 9 - BASE] ^= 1; /* bad checksum: ignored */
	finish(&b);
	EXPECT_ERR(mb2(&a), LDR_OK);
	EXPECT(info.mmap_from_meminfo);
	EXPECT_EQ(info.mmap_count, 3);
	EXPECT_EQ(info.mmap[2].len, 1024 * 1024);
	EXPECT_EQ(info.rsdp, 0);
	a.mem[rs + 8 + 9 - BASE] ^= 1;
	EXPECT_ERR(mb2(&a), LDR_OK);
	EXPECT_EQ(info.rsdp, rs + 8);
	EXPECT_EQ(info.rsdp_rev, 0);
	put32(&a, pa + 4, 12); /* meminfo too short */
	EXPECT_ERR(mb2(&a), LDR_E_MBI_TAG_SIZE);
	put32(&a, pa, 99); /* neither mmap nor meminfo */
	EXPECT_ERR(mb2(&a), LDR_E_MMAP_ABSENT);
	mb_arena_free(&a);
}

static void test_rsdp_check(void)
{
	uint8_t p[64];
	rsdp_make(p, 2);
	EXPECT_EQ(mb_rsdp_check(p, 36), 2);
	EXPECT_EQ(mb_rsdp_check(p, 35), -1);
	p[33] ^= 1; /* reserved byte: only the extended checksum covers it */
	EXPECT_EQ(mb_rsdp_check(p, 36), -1);
	rsdp_make(p, 2);
	memcpy(p + 20, &(uint32_t){ 0x10000 }, 4); /* length beyond what we have */
	EXPECT_EQ(mb_rsdp_check(p, 64), -1);
	rsdp_make(p, 0);
	EXPECT_EQ(mb_rsdp_check(p, 20), 0);
	EXPECT_EQ(mb_rsdp_check(p, 19), -1);
	p[0] = 'r';
	EXPECT_EQ(mb_rsdp_check(p, 20), -1);
}

static void test_rsdp_scan(void)
{
	struct mb_arena a;
	uint32_t rev = 99;
	mb_arena_init(&a, 0x80000, 0x80000);
	EXPECT_EQ(mb_rsdp_scan(0x9fc00, mb_arena_acc, &a, &rev), 0);
	rsdp_make(a.mem + (0xf5a48 - 0x80000), 0); /* not on a 16-byte boundary */
	EXPECT_EQ(mb_rsdp_scan(0x9fc00, mb_arena_acc, &a, &rev), 0);
	rsdp_make(a.mem + (0xf5a40 - 0x80000), 2);
	EXPECT_EQ(mb_rsdp_scan(0x9fc00, mb_arena_acc, &a, &rev), 0xf5a40);
	EXPECT_EQ(rev, 2);
	rsdp_make(a.mem + (0x9fc10 - 0x80000), 0); /* the EBDA comes first */
	EXPECT_EQ(mb_rsdp_scan(0x9fc00, mb_arena_acc, &a, &rev), 0x9fc10);
	EXPECT_EQ(rev, 0);
	/* An EBDA pointer outside 0x80000-0x9ffff is not followed. */
	EXPECT_EQ(mb_rsdp_scan(0x70000, mb_arena_acc, &a, &rev), 0xf5a40);
	/* No BIOS area in memory at all. */
	a.size = 0x10000;
	EXPECT_EQ(mb_rsdp_scan(0x9fc00, mb_arena_acc, &a, &rev), 0);
	mb_arena_free(&a);
}

int main(void)
{
	RUN(test_mb2_valid);
	RUN(test_mb2_tag_list_hostile);
	RUN(test_mb2_padding_past_total);
	RUN(test_mb2_mmap_hostile);
	RUN(test_mb2_strings_and_dups);
	RUN(test_mb2_modules_hostile);
	RUN(test_mb2_meminfo_and_acpi);
	RUN(test_rsdp_check);
	RUN(test_rsdp_scan);
	return harness_done();
}
