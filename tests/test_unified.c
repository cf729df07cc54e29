/* SPDX-License-Identifier: MIT */
/*
 * loader/unified: the unified-image parser on the real aslrboot.efi, on an
 * image aslrboot-unify builds from it, and on synthetic images (pe_gen.c),
 * good and broken one field at a time: each refusal's exact line.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pe_gen.h"
#include "loader/unified/unified.h"

static struct unified_image u;
static struct ldr_diag d;
static char line[512];

static const char kernel[] = "\177ELF pretend kernel bytes";
static const char cmdline[] = "console=ttyS0 quiet";
static const char config[] = "verbose=1\naslr=on\n";
static const char mod0[] = "module zero";
static const char mod1[] = "module one, longer";
static const char modstr[] = "initrd.img rw\0fw.bin";

/* The good image: every kind of section, in this order. */
static const struct pe_gen_section good[] = {
	{ ".kernel", kernel, sizeof(kernel) - 1, 0 },
	{ ".cmdline", cmdline, sizeof(cmdline) - 1, 0 },
	{ ".config", config, sizeof(config) - 1, 0 },
	{ ".mod0", mod0, sizeof(mod0) - 1, 0 },
	{ ".mod1", mod1, sizeof(mod1) - 1, 0 },
	{ ".modstr", modstr, sizeof(modstr), 0 },
};
#define NGOOD (sizeof(good) / sizeof(good[0]))
enum { S_KERNEL, S_CMDLINE, S_CONFIG, S_MOD0, S_MOD1, S_MODSTR };

static enum ldr_err parse_view(const uint8_t *b, size_t n, enum unified_view v)
{
	enum ldr_err err;

	memset(&d, 0, sizeof(d));
	err = unified_parse(b, n, v, &u, &d);
	line[0] = '\0';
	if (err)
		unified_format_error(line, sizeof(line), "x.efi", &u, &d);
	return err;
}

static enum ldr_err parse(const uint8_t *b, size_t n)
{
	return parse_view(b, n, UNIFIED_VIEW_FILE);
}

#define EXPECT_LINE(want)                                                                         \
	do {                                                                                      \
		if (strcmp(line, want))                                                           \
			harness_fail(__FILE__, __LINE__, "line \"%s\", want \"%s\"", line, want); \
	} while (0)

/* Refused with exactly `want` (after "error: x.efi: "). */
#define EXPECT_REFUSED(b, n, want)                                 \
	do {                                                       \
		EXPECT_ERR(parse(b, n), LDR_E_UNIFIED);            \
		EXPECT_LINE("error: x.efi: " want " [E_UNIFIED]"); \
	} while (0)

static bool piece_is(const uint8_t *b, struct unified_piece p, const void *data, size_t size)
{
	return p.size == size && !memcmp(b + p.off, data, size);
}

static void expect_good(const uint8_t *b)
{
	EXPECT(u.present);
	EXPECT(piece_is(b, u.kernel, kernel, sizeof(kernel) - 1));
	EXPECT(piece_is(b, u.cmdline, cmdline, sizeof(cmdline) - 1));
	EXPECT(piece_is(b, u.config, config, sizeof(config) - 1));
	EXPECT_EQ(u.module_count, 2);
	EXPECT(piece_is(b, u.modules[0], mod0, sizeof(mod0) - 1));
	EXPECT(piece_is(b, u.modules[1], mod1, sizeof(mod1) - 1));
	EXPECT(strcmp((const char *)b + u.module_string[0], "initrd.img rw") == 0);
	EXPECT(strcmp((const char *)b + u.module_string[1], "fw.bin") == 0);
	EXPECT(u.config_parsed.opts.verbose);
}

/* The good image with section i replaced by r (r.name NULL: left out). */
static uint8_t *variant(unsigned i, struct pe_gen_section r, size_t *n)
{
	struct pe_gen_section s[NGOOD];
	unsigned k = 0;

	for (unsigned j = 0; j < NGOOD; j++) {
		if (j != i)
			s[k++] = good[j];
		else if (r.name)
			s[k++] = r;
	}
	return pe_gen(s, k, n);
}

/* A plain aslrboot.efi (and the arm64 one, when built): no sections of
 * ours, as a file and as the firmware loads it. */
static void real_stub(const char *name, uint16_t machine, bool required)
{
	const char *bd = getenv("B");
	char path[256];
	size_t n, mn;
	uint8_t *b, *m;

	snprintf(path, sizeof(path), "%s/%s", bd && *bd ? bd : "build", name);
	if (!required && access(path, R_OK))
		return;
	b = harness_read_file(path, &n);
	REQUIRE(b);
	EXPECT_ERR(parse(b, n), LDR_OK);
	EXPECT(!u.present);
	EXPECT_EQ(u.pe.machine, machine);
	EXPECT(u.pe.nsections >= 2);
	EXPECT_EQ(u.pe.cert_size, 0);
	m = pe_gen_load(b, n, &mn);
	EXPECT_ERR(parse_view(m, mn, UNIFIED_VIEW_MEMORY), LDR_OK);
	EXPECT(!u.present);
	free(m);
	free(b);
}

static void test_real_stub(void)
{
	real_stub("aslrboot.efi", PE_MACHINE_AMD64, true);
	real_stub("aslrboot-aa64.efi", PE_MACHINE_ARM64, false);
}

/* aslrboot-unify on the real stub: the file and its loaded view. */
static void test_tool_image(void)
{
	const char *bd = getenv("B");
	const char *b0 = bd && *bd ? bd : "build";
	char dir[] = "/tmp/test_unified.XXXXXX", cmd[1024], out[300];
	size_t n, in, kn, ln;
	uint8_t *f, *k, *m;
	FILE *cfg;

	REQUIRE(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/cfg", dir);
	REQUIRE((cfg = fopen(out, "w")));
	fputs("aslr=on\n", cfg);
	fclose(cfg);
	snprintf(cmd, sizeof(cmd),
		 "%s/aslrboot-unify --stub %s/aslrboot.efi --kernel %s/kernel/test-kernel.elf "
		 "--cmdline 'a b' --config %s/cfg --module %s/cfg:cfg-as-module -o %s/u.efi",
		 b0, b0, b0, dir, dir, dir);
	EXPECT_EQ(system(cmd), 0);
	snprintf(out, sizeof(out), "%s/u.efi", dir);
	f = harness_read_file(out, &n);
	snprintf(cmd, sizeof(cmd), "%s/kernel/test-kernel.elf", b0);
	k = harness_read_file(cmd, &kn);
	REQUIRE(f && k);
	EXPECT_ERR(parse(f, n), LDR_OK);
	EXPECT(u.present && piece_is(f, u.kernel, k, kn));
	EXPECT(piece_is(f, u.cmdline, "a b", 3));
	EXPECT_EQ(u.module_count, 1);
	EXPECT(strcmp((const char *)f + u.module_string[0], "cfg-as-module") == 0);
	m = pe_gen_load(f, n, &in);
	EXPECT_ERR(parse_view(m, in, UNIFIED_VIEW_MEMORY), LDR_OK);
	EXPECT(u.present && piece_is(m, u.kernel, k, kn));
	ln = u.modules[0].size;
	EXPECT(piece_is(m, u.modules[0], "aslr=on\n", 8) && ln == 8);
	free(m);
	free(f);
	free(k);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	EXPECT_EQ(system(cmd), 0);
}

/*
 * 16 modules: the section table outgrows the stub's header area and every
 * raw offset moves.  The loaded image must not: from the first section to
 * the stub's SizeOfImage it is the stub's, byte for byte, and the entry
 * point and data directories (base relocations) are unchanged, so the
 * stub's relocation and its .dynamic see what they always saw.
 */
static void test_tool_grown_headers(void)
{
	const char *bd = getenv("B");
	const char *b0 = bd && *bd ? bd : "build";
	char dir[] = "/tmp/test_unified.XXXXXX", cmd[4096], path[300];
	static struct pe_info sp;
	size_t sn, fn, smn, fmn, len;
	uint8_t *s, *f, *sm, *fm;
	FILE *mod;

	REQUIRE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m", dir);
	REQUIRE((mod = fopen(path, "w")));
	fputs("module bytes", mod);
	fclose(mod);
	len = (size_t)snprintf(cmd, sizeof(cmd),
			       "%s/aslrboot-unify --stub %s/aslrboot.efi --kernel "
			       "%s/kernel/test-kernel.elf -o %s/u.efi",
			       b0, b0, b0, dir);
	for (int i = 0; i < BOOT_MAX_MODULES; i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " --module %s:m%d", path, i);
	REQUIRE(len < sizeof(cmd));
	EXPECT_EQ(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/aslrboot.efi", b0);
	snprintf(path, sizeof(path), "%s/u.efi", dir);
	s = harness_read_file(cmd, &sn);
	f = harness_read_file(path, &fn);
	REQUIRE(s && f);
	EXPECT_ERR(parse(s, sn), LDR_OK);
	sp = u.pe;
	EXPECT_ERR(parse(f, fn), LDR_OK);
	EXPECT(u.present && u.module_count == BOOT_MAX_MODULES);
	EXPECT(u.pe.size_of_headers > sp.size_of_headers);
	EXPECT(u.pe.sect[0].raw_ptr > sp.sect[0].raw_ptr);
	EXPECT_EQ(u.pe.first_va, sp.first_va);
	EXPECT(!memcmp(f + sp.opt_off + 16, s + sp.opt_off + 16, 16)); /* entry, bases */
	EXPECT(!memcmp(f + sp.opt_off + 112, s + sp.opt_off + 112, 8 * sp.nrva));
	sm = pe_gen_load(s, sn, &smn);
	fm = pe_gen_load(f, fn, &fmn);
	EXPECT_ERR(parse_view(fm, fmn, UNIFIED_VIEW_MEMORY), LDR_OK);
	REQUIRE(fmn > smn);
	EXPECT(!memcmp(fm + sp.first_va, sm + sp.first_va, smn - sp.first_va));
	free(fm);
	free(sm);
	free(f);
	free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	EXPECT_EQ(system(cmd), 0);
}

static void test_good_file_and_memory(void)
{
	size_t n, mn;
	uint8_t *b = pe_gen(good, NGOOD, &n), *m;

	EXPECT_ERR(parse(b, n), LDR_OK);
	expect_good(b);
	m = pe_gen_load(b, n, &mn);
	EXPECT_ERR(parse_view(m, mn, UNIFIED_VIEW_MEMORY), LDR_OK);
	expect_good(m);
	/* The loaded image must be all there. */
	EXPECT_ERR(parse_view(m, mn - 1, UNIFIED_VIEW_MEMORY), LDR_E_UNIFIED);
	EXPECT_LINE("error: x.efi: PE header: SizeOfImage = 0x8000: larger than the loaded image "
		    "[E_UNIFIED]");
	free(m);
	free(b);
}

static void test_plain_and_minimal(void)
{
	static const struct pe_gen_section k1 = { ".kernel", kernel, 1, 0 };
	static const struct pe_gen_section other = { ".data", mod0, 4, 0xc0000040 };
	size_t n;
	uint8_t *b = pe_gen(&other, 1, &n);

	EXPECT_ERR(parse(b, n), LDR_OK);
	EXPECT(!u.present);
	free(b);
	b = pe_gen(&k1, 1, &n);
	EXPECT_ERR(parse(b, n), LDR_OK);
	EXPECT(u.present && u.kernel.size == 1 && !u.cmdline.size && !u.module_count);
	free(b);
}

static void test_header_refusals(void)
{
	size_t n;
	uint8_t *b = pe_gen(good, NGOOD, &n), *c = malloc(n);

#define MUTATE(stmt, want)                  \
	do {                                \
		memcpy(c, b, n);            \
		stmt;                       \
		EXPECT_REFUSED(c, n, want); \
	} while (0)
	EXPECT_REFUSED(b, 63, "PE header: size = 0x3f: shorter than a DOS header");
	EXPECT_REFUSED(b, PE_GEN_OPT + 100,
		       "PE header: SizeOfOptionalHeader = 0xf0: optional header beyond the image");
	EXPECT_REFUSED(b, PE_GEN_SECT + 100,
		       "PE header: SizeOfHeaders = 0x800: headers beyond the image");
	MUTATE(c[0] = 'Z', "PE header: e_magic = 0x5a5a: not \"MZ\"");
	MUTATE(pe_gen_put32(c, 0x3c, 0xfffffff0),
	       "PE header: e_lfanew = 0xfffffff0: PE header beyond the image");
	MUTATE(c[PE_GEN_LFANEW + 1] = 'X', "PE header: Signature = 0x5850: not \"PE\\0\\0\"");
	MUTATE(pe_gen_put16(c, PE_GEN_LFANEW + 4, 0x14c),
	       "PE header: Machine = 0x14c: not x86-64 or AArch64");
	MUTATE(pe_gen_put16(c, PE_GEN_LFANEW + 6, 0),
	       "PE header: NumberOfSections = 0x0: not 1 to 96");
	MUTATE(pe_gen_put16(c, PE_GEN_LFANEW + 6, 97),
	       "PE header: NumberOfSections = 0x61: not 1 to 96");
	MUTATE(pe_gen_put16(c, PE_GEN_LFANEW + 20, 100),
	       "PE header: SizeOfOptionalHeader = 0x64: shorter than a PE32+ optional header");
	MUTATE(pe_gen_put16(c, PE_GEN_OPT, 0x10b),
	       "PE header: Magic = 0x10b: not a PE32+ optional header");
	MUTATE(pe_gen_put16(c, PE_GEN_OPT + 68, 3),
	       "PE header: Subsystem = 0x3: not an EFI application");
	MUTATE(pe_gen_put32(c, PE_GEN_OPT + 36, 0x100),
	       "PE header: FileAlignment = 0x100: not a power of two from 512 to 64 KiB");
	MUTATE(pe_gen_put32(c, PE_GEN_OPT + 32, 0x300),
	       "PE header: SectionAlignment = 0x300: not a power of two >= FileAlignment");
	MUTATE(pe_gen_put32(c, PE_GEN_OPT + 108, 17),
	       "PE header: NumberOfRvaAndSizes = 0x11: more data directories than the optional "
	       "header holds");
	MUTATE(pe_gen_put32(c, PE_GEN_OPT + 60, 0x200),
	       "PE header: SizeOfHeaders = 0x200: the section table ends beyond it");
	MUTATE(pe_gen_put32(c, PE_GEN_OPT + 56, 0x400),
	       "PE header: SizeOfHeaders = 0x800: headers beyond the image");
	free(c);
	free(b);
}

static void test_section_table_refusals(void)
{
	size_t n;
	uint8_t *b = pe_gen(good, NGOOD, &n), *c = malloc(n);
	uint32_t hk = pe_gen_section_header(b, ".kernel"),
		 hc = pe_gen_section_header(b, ".cmdline");

	/* The last section's raw data cut off. */
	EXPECT_REFUSED(b, n - 1,
		       "section .modstr: SizeOfRawData = 0x200: raw data beyond the file");
	MUTATE(pe_gen_put32(c, hc + 12, g32(b, hk + 12)),
	       "section .cmdline: VirtualAddress = 0x2000: overlaps the previous section or is "
	       "out of order in memory");
	MUTATE(pe_gen_put32(c, hc + 12, g32(b, hc + 12) + 8),
	       "section .cmdline: VirtualAddress = 0x3008: not aligned to SectionAlignment above "
	       "the headers");
	MUTATE(pe_gen_put32(c, hc + 20, g32(b, hk + 20)),
	       "section .cmdline: PointerToRawData = 0xa00: raw data overlaps another section's");
	MUTATE(pe_gen_put32(c, hc + 20, 0x600),
	       "section .cmdline: PointerToRawData = 0x600: not aligned to FileAlignment above "
	       "the headers");
	MUTATE(pe_gen_put32(c, hk + 8, 0x100000),
	       "section .kernel: VirtualSize = 0x100000: section beyond SizeOfImage");
	MUTATE(memcpy(c + hk, "\x01\x02\x03\x04\x05\x06\x07\x08", 8),
	       "section .cmdline: Name = 0x2: a unified-image section without a .kernel section");
	MUTATE(pe_gen_put32(c, hk + 8, 0x300),
	       "section .kernel: SizeOfRawData = 0x200: less than VirtualSize: the content is not "
	       "all in the file");
	MUTATE(pe_gen_put32(c, hk + 8, 0), "section .kernel: VirtualSize = 0x0: empty section");
	MUTATE(pe_gen_put32(c, hk + 36, 0xc0000040),
	       "section .kernel: Characteristics = 0xc0000040: not read-only initialized data");
	MUTATE(pe_gen_put32(c, hc + 36, 0x60000020),
	       "section .cmdline: Characteristics = 0x60000020: not read-only initialized data");
	free(c);
	free(b);
}

static void test_names_and_numbering(void)
{
	size_t n;
	uint8_t *b = pe_gen(good, NGOOD, &n), *c = malloc(n);
	uint32_t h1 = pe_gen_section_header(b, ".mod1"), hs = pe_gen_section_header(b, ".modstr");

	MUTATE(memcpy(c + h1, ".mod0", 5), "section .mod0: Name = 0x5: duplicate section");
	MUTATE(memcpy(c + hs, ".kernel\0", 8), "section .kernel: Name = 0x6: duplicate section");
	MUTATE(memcpy(c + h1, ".mod2", 5),
	       "section .mod1: module_count = 0x3: missing: module sections are numbered from "
	       ".mod0 without gaps");
	MUTATE(memcpy(c + h1, ".mod16", 6), "section .mod16: Name = 0x5: not .mod0 to .mod15");
	MUTATE(memcpy(c + h1, ".mod01", 6), "section .mod01: Name = 0x5: not .mod0 to .mod15");
	MUTATE(memcpy(c + hs, ".mod2\0\0", 7),
	       "section .modstr: VirtualSize = 0x0: missing: modules need their strings");
	/* Names that are not ours are the stub's business. */
	memcpy(c, b, n);
	memcpy(c + h1, ".modx\0", 6);
	EXPECT_ERR(parse(c, n), LDR_E_UNIFIED); /* .mod1 is gone: only .mod0, two strings */
	EXPECT_LINE("error: x.efi: section .modstr: strings = 0x2: more strings than module "
		    "sections [E_UNIFIED]");
	free(c);
	free(b);
}

static void test_modstr(void)
{
	static const char two_empty[] = "a\0\0";
	static const char one[] = "only";
	static const char three[] = "a\0b\0c";
	static const char unterminated[] = { 'a', 0, 'b' };
	static const char blank[] = " a\0b";
	static const char ctrl[] = "a\x01\0b";
	static const char latin1[] = "a\0caf\xe9";
	static const struct pe_gen_section mods[] = {
		{ ".kernel", kernel, 4, 0 },
		{ ".modstr", "x", 2, 0 },
	};
	char longs[UNIFIED_MAX_MODULE_STRING + 4];
	size_t n;
	uint8_t *b;

#define MODSTR(text, size, want)                                                                \
	do {                                                                                    \
		b = variant(S_MODSTR, (struct pe_gen_section){ ".modstr", text, size, 0 }, &n); \
		EXPECT_REFUSED(b, n, want);                                                     \
		free(b);                                                                        \
	} while (0)
	MODSTR(one, sizeof(one),
	       "section .modstr: strings = 0x1: fewer strings than module sections");
	MODSTR(three, sizeof(three),
	       "section .modstr: strings = 0x3: more strings than module sections");
	MODSTR(unterminated, sizeof(unterminated),
	       "section .modstr: VirtualSize = 0x3: the last string is not NUL-terminated");
	MODSTR(two_empty, sizeof(two_empty),
	       "section .modstr: string = 0x1: empty, or it starts with a blank");
	MODSTR(blank, sizeof(blank),
	       "section .modstr: string = 0x0: empty, or it starts with a blank");
	MODSTR(ctrl, sizeof(ctrl),
	       "section .modstr: string = 0x0: control character in a module string");
	MODSTR(latin1, sizeof(latin1),
	       "section .modstr: string = 0x1: invalid UTF-8 in a module string");
	memset(longs, 'x', sizeof(longs));
	longs[UNIFIED_MAX_MODULE_STRING + 1] = '\0';
	memcpy(longs + UNIFIED_MAX_MODULE_STRING + 2, "b", 2);
	MODSTR(longs, sizeof(longs),
	       "section .modstr: string = 0x0: longer than a module path, a blank and its args");
	b = pe_gen(mods, 2, &n);
	EXPECT_REFUSED(b, n, "section .modstr: module_count = 0x0: there are no module sections");
	free(b);
}

static void test_cmdline_and_config(void)
{
	char big[CONFIG_MAX_INPUT + 1];
	size_t n;
	uint8_t *b;

#define SECTION(i, name, text, size, want)                                          \
	do {                                                                        \
		b = variant(i, (struct pe_gen_section){ name, text, size, 0 }, &n); \
		EXPECT_REFUSED(b, n, want);                                         \
		free(b);                                                            \
	} while (0)
	memset(big, 'a', sizeof(big));
	SECTION(S_CMDLINE, ".cmdline", big, BOOT_MAX_CMDLINE + 1,
		"section .cmdline: VirtualSize = 0x1001: longer than a command line may be (4096 "
		"bytes)");
	SECTION(S_CMDLINE, ".cmdline", "ab\ncd", 5,
		"section .cmdline: offset = 0x2: NUL or control character in the command line");
	SECTION(S_CMDLINE, ".cmdline", "ab\0", 3,
		"section .cmdline: offset = 0x2: NUL or control character in the command line");
	/* C1 controls too; and UTF-8 only: cut short, Latin-1, overlong, a
	 * surrogate, past U+10FFFF. */
	SECTION(S_CMDLINE, ".cmdline", "a\xc2\x9b", 3,
		"section .cmdline: offset = 0x1: NUL or control character in the command line");
	SECTION(S_CMDLINE, ".cmdline", "caf\xc3", 4,
		"section .cmdline: offset = 0x3: invalid UTF-8 in the command line");
	SECTION(S_CMDLINE, ".cmdline", "caf\xe9 x", 6,
		"section .cmdline: offset = 0x3: invalid UTF-8 in the command line");
	SECTION(S_CMDLINE, ".cmdline", "x\xc0\xaf", 3,
		"section .cmdline: offset = 0x1: invalid UTF-8 in the command line");
	SECTION(S_CMDLINE, ".cmdline", "x\xe0\x80\xaf", 4,
		"section .cmdline: offset = 0x1: invalid UTF-8 in the command line");
	SECTION(S_CMDLINE, ".cmdline", "x\xed\xa0\x80", 4,
		"section .cmdline: offset = 0x1: invalid UTF-8 in the command line");
	SECTION(S_CMDLINE, ".cmdline", "x\xf4\x90\x80\x80", 5,
		"section .cmdline: offset = 0x1: invalid UTF-8 in the command line");
	SECTION(S_CMDLINE, ".cmdline", "x\xbf", 2,
		"section .cmdline: offset = 0x1: invalid UTF-8 in the command line");
	/* Tab and UTF-8 (two, three and four bytes, the largest code point) are
	 * text, as in cmdline=. */
	b = variant(S_CMDLINE,
		    (struct pe_gen_section){ ".cmdline",
					     "a\tcaf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
					     "\xf4\x8f\xbf\xbf",
					     21, 0 },
		    &n);
	EXPECT_ERR(parse(b, n), LDR_OK);
	free(b);
	memset(big, '#', sizeof(big));
	SECTION(S_CONFIG, ".config", big, CONFIG_MAX_INPUT + 1,
		"section .config: VirtualSize = 0x10001: longer than a config file may be (64 KiB)");
	SECTION(S_CONFIG, ".config", "verbose=1\nkernel=\\k.elf\n", 24,
		"section .config: kernel = 0x1: sets a key that has its own section (.kernel, "
		".mod<N>/.modstr, .cmdline)");
	SECTION(S_CONFIG, ".config", "module=\\m.bin", 13,
		"section .config: module = 0x1: sets a key that has its own section (.kernel, "
		".mod<N>/.modstr, .cmdline)");
	SECTION(S_CONFIG, ".config", "cmdline=", 8,
		"section .config: cmdline = 0x1: sets a key that has its own section (.kernel, "
		".mod<N>/.modstr, .cmdline)");
	SECTION(S_CONFIG, ".config", "verbose=1\naslr=maybe\n", 21,
		"section .config line 2: aslr = 0x5: expected 0/1 or on/off");
	/* Refused before the parser, whose line would quote the key as is. */
	SECTION(S_CONFIG, ".config", "verbose=1\n\033[2Jaslr=on\n", 22,
		"section .config: offset = 0xa: NUL or control character in the config");
	SECTION(S_CONFIG, ".config", "verbose=1\0\n", 11,
		"section .config: offset = 0x9: NUL or control character in the config");
	SECTION(S_CONFIG, ".config", "aslr=on\rverbose=1\n", 18,
		"section .config: offset = 0x7: NUL or control character in the config");
	SECTION(S_CONFIG, ".config", "aslr=on\r", 8,
		"section .config: offset = 0x7: NUL or control character in the config");
	SECTION(S_CONFIG, ".config", "aslr=on\n# caf\xe9\n", 15,
		"section .config: offset = 0xd: invalid UTF-8 in the config");
	/* CRLF line ends and tabs are text. */
	b = variant(S_CONFIG,
		    (struct pe_gen_section){ ".config", "aslr=on\r\n\tverbose=1\r\n", 21, 0 }, &n);
	EXPECT_ERR(parse(b, n), LDR_OK);
	EXPECT(u.config_parsed.opts.verbose);
	free(b);
}

int main(void)
{
	RUN(test_real_stub);
	RUN(test_tool_image);
	RUN(test_tool_grown_headers);
	RUN(test_good_file_and_memory);
	RUN(test_plain_and_minimal);
	RUN(test_header_refusals);
	RUN(test_section_table_refusals);
	RUN(test_names_and_numbering);
	RUN(test_modstr);
	RUN(test_cmdline_and_config);
	return harness_done();
}
