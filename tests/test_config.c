/* SPDX-License-Identifier: MIT */
/* loader/config.c: config file and load-option parsing (config.h). */
#include <string.h>

#include "harness.h"
#include "loader/config.h"

static struct boot_config cfg;
static struct ldr_diag diag;

static enum ldr_err file(const char *text)
{
	config_init(&cfg);
	memset(&diag, 0, sizeof(diag));
	return config_parse_file(&cfg, text, strlen(text), &diag);
}

static enum ldr_err opts(const char *text)
{
	memset(&diag, 0, sizeof(diag));
	return config_parse_options(&cfg, text, strlen(text), &diag);
}

static void test_defaults(void)
{
	EXPECT_ERR(file(""), LDR_OK);
	EXPECT(strcmp(cfg.kernel, CONFIG_DEFAULT_KERNEL) == 0);
	EXPECT(cfg.cmdline[0] == '\0');
	EXPECT_EQ(cfg.module_count, 0);
	EXPECT(!cfg.opts.verbose && !cfg.opts.aslr_off && !cfg.opts.fixed_seed_set);
	EXPECT(!cfg.opts.distrust_cpu_rng && !cfg.opts.distrust_fw_rng);
	EXPECT_EQ(cfg.opts.entropy_policy, BOOT_ENTROPY_DEFAULT);
}

static void test_full_file(void)
{
	const char *t = "# aslrboot config\r\n"
			"kernel=\\EFI\\k\\unikernel.elf\r\n"
			"   \n"
			"cmdline = console=ttyS0 root=x # not a comment \n"
			"module=\\m\\a.bin  arg1 arg2\n"
			"module=\\m\\b.bin\n"
			"verbose=1\n aslr=off\n entropy=strict\n"
			"trust_cpu_rng=0\ntrust_fw_rng=no\n"
			"seed=000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F";
	EXPECT_ERR(file(t), LDR_OK);
	EXPECT(strcmp(cfg.kernel, "\\EFI\\k\\unikernel.elf") == 0);
	EXPECT(strcmp(cfg.cmdline, "console=ttyS0 root=x # not a comment") == 0);
	REQUIRE(cfg.module_count == 2);
	EXPECT(strcmp(cfg.modules[0].path, "\\m\\a.bin") == 0);
	EXPECT(strcmp(cfg.modules[0].args, "arg1 arg2") == 0);
	EXPECT(strcmp(cfg.modules[1].path, "\\m\\b.bin") == 0);
	EXPECT(cfg.modules[1].args[0] == '\0');
	EXPECT(cfg.opts.verbose && cfg.opts.aslr_off);
	EXPECT_EQ(cfg.opts.entropy_policy, BOOT_ENTROPY_STRICT);
	EXPECT(cfg.opts.distrust_cpu_rng && cfg.opts.distrust_fw_rng);
	REQUIRE(cfg.opts.fixed_seed_set);
	for (unsigned i = 0; i < 32; i++)
		EXPECT_EQ(cfg.opts.fixed_seed[i], i);
}

/* Each bad line: the error, its 1-based line number and the key named. */
static void test_file_errors(void)
{
	static const struct {
		const char *text;
		int64_t line;
		const char *key;
	} rows[] = {
		{ "verbose=1\nfoo=1\n", 2, "foo" },
		{ "just words\n", 1, "just words" },
		{ "=1\n", 1, "" },
		{ "verbose=2\n", 1, "verbose" },
		{ "aslr=\n", 1, "aslr" },
		{ "entropy=lax\n", 1, "entropy" },
		{ "granularity=function\n", 1, "granularity" },
		{ "granularity=\n", 1, "granularity" },
		{ "granularity=Section\n", 1, "granularity" },
		{ "kernel=\n", 1, "kernel" },
		{ "kernel=a\x01b\n", 1, "kernel" },
		{ "kernel=caf\xc3\xa9.elf\n", 1, "kernel" },
		{ "module=\n", 1, "module" },
		{ "seed=00\n", 1, "seed" },
		{ "seed=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n", 1,
		  "seed" },
		{ "\n\n#c\ncmdline=a\x7f\n", 4, "cmdline" },
		/* a key is quoted with its non-printable bytes as '?' */
		{ "\x1b[2Jaslr=0\n", 1, "?[2Jaslr" },
		{ "caf\xc3\xa9=1\n", 1, "caf??" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		EXPECT_ERR(file(rows[i].text), LDR_E_CONFIG);
		EXPECT_EQ(diag.err, LDR_E_CONFIG);
		EXPECT(diag.what && strcmp(diag.what, "line") == 0);
		EXPECT_EQ(diag.index, rows[i].line);
		EXPECT(diag.field && strcmp(diag.field, rows[i].key) == 0);
		EXPECT(cfg.err_why != NULL);
	}
}

static void test_nul_and_size(void)
{
	static char big[CONFIG_MAX_INPUT + 2];
	const char t[] = "verbose=1\nkern\0el=x\n";

	config_init(&cfg);
	EXPECT_ERR(config_parse_file(&cfg, t, sizeof(t) - 1, &diag), LDR_E_CONFIG);
	EXPECT_EQ(diag.index, 2);
	memset(big, '#', sizeof(big));
	EXPECT_ERR(config_parse_file(&cfg, big, sizeof(big), &diag), LDR_E_CONFIG);
	EXPECT_EQ(diag.value, sizeof(big));
	/* Exactly the cap is fine: one long comment line. */
	EXPECT_ERR(config_parse_file(&cfg, big, CONFIG_MAX_INPUT, &diag), LDR_OK);
}

/* A command line longer than BOOT_MAX_CMDLINE is refused, not cut. */
static void test_length_caps(void)
{
	static char t[BOOT_MAX_CMDLINE + 64];
	size_t n = strlen("cmdline=");

	memcpy(t, "cmdline=", n);
	memset(t + n, 'a', BOOT_MAX_CMDLINE);
	t[n + BOOT_MAX_CMDLINE] = '\0';
	EXPECT_ERR(file(t), LDR_OK);
	EXPECT_EQ(strlen(cfg.cmdline), BOOT_MAX_CMDLINE);
	t[n + BOOT_MAX_CMDLINE] = 'a';
	t[n + BOOT_MAX_CMDLINE + 1] = '\0';
	EXPECT_ERR(file(t), LDR_E_CONFIG);
	EXPECT(strcmp(diag.field, "cmdline") == 0);
	EXPECT_EQ(diag.value, BOOT_MAX_CMDLINE + 1);

	memcpy(t, "kernel=", 7);
	memset(t + 7, 'k', CONFIG_MAX_PATH);
	t[7 + CONFIG_MAX_PATH] = '\0';
	EXPECT_ERR(file(t), LDR_OK);
	t[7 + CONFIG_MAX_PATH] = 'k';
	t[8 + CONFIG_MAX_PATH] = '\0';
	EXPECT_ERR(file(t), LDR_E_CONFIG);
}

static void test_module_cap(void)
{
	char t[64 * (BOOT_MAX_MODULES + 1)];
	size_t n = 0;

	for (int i = 0; i < BOOT_MAX_MODULES; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "module=\\m%d x\n", i);
	EXPECT_ERR(file(t), LDR_OK);
	EXPECT_EQ(cfg.module_count, BOOT_MAX_MODULES);
	snprintf(t + n, sizeof(t) - n, "module=\\one-too-many\n");
	EXPECT_ERR(file(t), LDR_E_CONFIG);
	EXPECT_EQ(diag.index, BOOT_MAX_MODULES + 1);
	EXPECT_EQ(cfg.module_count, BOOT_MAX_MODULES);
}

static void test_options_override(void)
{
	EXPECT_ERR(file("kernel=\\a.elf\ncmdline=from file\nmodule=\\f1\nmodule=\\f2\nverbose=1\n"),
		   LDR_OK);
	EXPECT_ERR(opts("\\EFI\\BOOT\\BOOTX64.EFI kernel=\\b.elf cmdline=\"x y  z\" verbose=0 "
			"module=\"\\o1 a b\" module=\\o2 aslr=off"),
		   LDR_OK);
	EXPECT(strcmp(cfg.kernel, "\\b.elf") == 0);
	EXPECT(strcmp(cfg.cmdline, "x y  z") == 0);
	EXPECT(!cfg.opts.verbose && cfg.opts.aslr_off);
	REQUIRE(cfg.module_count == 2);
	EXPECT(strcmp(cfg.modules[0].path, "\\o1") == 0);
	EXPECT(strcmp(cfg.modules[0].args, "a b") == 0);
	EXPECT(strcmp(cfg.modules[1].path, "\\o2") == 0);
}

static void test_options_keep_file_modules(void)
{
	EXPECT_ERR(file("module=\\f1\n"), LDR_OK);
	EXPECT_ERR(opts("  verbose=1\t\r\n cmdline=\"\"  "), LDR_OK);
	EXPECT_EQ(cfg.module_count, 1);
	EXPECT(cfg.opts.verbose);
	EXPECT(cfg.cmdline[0] == '\0');
	/* Options stop at the first NUL (UCS-2 strings converted by the caller). */
	config_init(&cfg);
	EXPECT_ERR(config_parse_options(&cfg, "verbose=1\0garbage", 17, &diag), LDR_OK);
	EXPECT(cfg.opts.verbose);
	EXPECT_ERR(opts(""), LDR_OK);
}

static void test_options_errors(void)
{
	static const struct {
		const char *text;
		int64_t index;
		const char *key;
	} rows[] = {
		{ "\\EFI\\BOOT\\BOOTX64.EFI verbose", 2, "verbose" },
		{ "cmdline=\"unterminated", 1, "cmdline" },
		{ "a.efi cmdline=\"x\"y", 2, "cmdline" },
		{ "=1", 1, "" },
		{ "fs0:aslrboot aslr=maybe", 2, "aslr" },
		/* A first word that is not a path is a mistyped option. */
		{ "entropystrict", 1, "entropystrict" },
		{ "prog verbose=1", 1, "prog" },
		{ "efi verbose=1", 1, "efi" },
		{ "bogus=1", 1, "bogus" },
		{ "seed=abc", 1, "seed" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_init(&cfg);
		EXPECT_ERR(opts(rows[i].text), LDR_E_CONFIG);
		EXPECT(diag.what && strcmp(diag.what, "option") == 0);
		EXPECT_EQ(diag.index, rows[i].index);
		EXPECT(diag.field && strcmp(diag.field, rows[i].key) == 0);
	}
}

/* Options count from 1; a text over the cap is one error about its size. */
static void test_options_size(void)
{
	static char big[CONFIG_MAX_INPUT + 2];

	memset(big, 'a', sizeof(big) - 1);
	config_init(&cfg);
	EXPECT_ERR(opts(big), LDR_E_CONFIG);
	EXPECT_EQ(diag.index, -1);
	EXPECT(diag.field && strcmp(diag.field, "size") == 0);
}

/* config_parse_args: no word is skipped, the first included. */
static void test_args_strict(void)
{
	static const char *const bad[] = { "entropystrict", "entropystrict verbose=1",
					   "/boot/aslrboot.mb verbose=1", "aslrboot.efi" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_init(&cfg);
		memset(&diag, 0, sizeof(diag));
		EXPECT_ERR(config_parse_args(&cfg, bad[i], strlen(bad[i]), &diag), LDR_E_CONFIG);
		EXPECT_EQ(diag.index, 1);
		EXPECT(strcmp(cfg.err_why, "expected key=value") == 0);
	}
	config_init(&cfg);
	EXPECT_ERR(config_parse_args(&cfg, " entropy=strict verbose=1 ", 26, &diag), LDR_OK);
	EXPECT(cfg.opts.verbose);
	EXPECT_EQ(cfg.opts.entropy_policy, BOOT_ENTROPY_STRICT);
	/* The path-like first word of load options, any case of ".efi". */
	config_init(&cfg);
	EXPECT_ERR(opts("AslrBoot.EFI verbose=1"), LDR_OK);
	EXPECT(cfg.opts.verbose);
}

static void test_skip_word(void)
{
	static const struct {
		const char *text;
		size_t skip;
	} rows[] = {
		{ "fs0:\\a.efi  verbose=1", 12 },
		{ "  aslrboot\tverbose=1", 11 },
		{ "\"fs0:\\my dir\\a.efi\" x=1", 20 },
		{ "\"unterminated", 13 },
		{ "aslrboot", 8 },
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		EXPECT_EQ(config_skip_word(rows[i].text, strlen(rows[i].text)), rows[i].skip);
	EXPECT_EQ(config_skip_word("ab\0 x=1", 6), 2);
}

static void test_bom(void)
{
	EXPECT_ERR(file("\xef\xbb\xbfkernel=\\k.elf\nverbose=1\n"), LDR_OK);
	EXPECT(strcmp(cfg.kernel, "\\k.elf") == 0);
	EXPECT(cfg.opts.verbose);
	EXPECT_ERR(file("\xef\xbb\xbf# comment\n"), LDR_OK);
	/* Only at the very start. */
	EXPECT_ERR(file("verbose=1\n\xef\xbb\xbf"
			"aslr=off\n"),
		   LDR_E_CONFIG);
	EXPECT_EQ(diag.index, 2);
	EXPECT_ERR(file("\xef\xbb\xbf\xef\xbb\xbfverbose=1\n"), LDR_E_CONFIG);
}

static enum ldr_err utf16(const uint16_t *in, size_t units, char *out, size_t cap, size_t *len)
{
	config_init(&cfg);
	memset(&diag, 0, sizeof(diag));
	return config_utf16_to_utf8(&cfg, in, units, out, cap, len, &diag);
}

static void test_utf16(void)
{
	/* kernel=\k.elf cmdline="café €😀", NUL, then bytes after it. */
	static const char ascii[] = "kernel=\\k.elf cmdline=\"caf";
	static const char want[] =
		"kernel=\\k.elf cmdline=\"caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80\"";
	uint16_t in[64];
	size_t n = 0, len;
	char out[64];

	for (size_t i = 0; ascii[i]; i++)
		in[n++] = (uint8_t)ascii[i];
	in[n++] = 0x00e9;
	in[n++] = ' ';
	in[n++] = 0x20ac;
	in[n++] = 0xd83d;
	in[n++] = 0xde00;
	in[n++] = '"';
	in[n++] = 0;
	in[n++] = 'x';
	EXPECT_ERR(utf16(in, n, out, sizeof(out), &len), LDR_OK);
	REQUIRE(len == sizeof(want) - 1);
	EXPECT(memcmp(out, want, len) == 0);
	/* The same string the config file accepts. */
	EXPECT_ERR(config_parse_options(&cfg, out, len, &diag), LDR_OK);
	EXPECT(strcmp(cfg.cmdline, "caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80") == 0);
	EXPECT(strcmp(cfg.kernel, "\\k.elf") == 0);
	/* Without a NUL: all units; an empty string. */
	EXPECT_ERR(utf16(in, 3, out, sizeof(out), &len), LDR_OK);
	EXPECT(len == 3 && !memcmp(out, "ker", 3));
	EXPECT_ERR(utf16(in, 0, out, sizeof(out), &len), LDR_OK);
	EXPECT_EQ(len, 0);
	/* Exactly full; one byte short. */
	EXPECT_ERR(utf16(in + n - 5, 2, out, 4, &len), LDR_OK);
	EXPECT_EQ(len, 4);
	EXPECT_ERR(utf16(in + n - 5, 2, out, 3, &len), LDR_E_CONFIG);
}

static void test_utf16_errors(void)
{
	static const struct {
		uint16_t in[4];
		size_t units;
		int64_t index;
	} rows[] = {
		{ { 'a', 0xd800 }, 2, 2 },	      /* high surrogate at the end */
		{ { 0xd800, 'a' }, 2, 1 },	      /* high surrogate, no low */
		{ { 0xd800, 0xd800, 0xdc00 }, 3, 1 }, /* two highs */
		{ { 'a', 'b', 0xdc00 }, 3, 3 },	      /* lone low surrogate */
		{ { 'a', 0x0001 }, 2, 2 },	      /* control character */
		{ { 0x001b, 'a' }, 2, 1 },
		{ { 'a', 0x007f }, 2, 2 },
	};
	char out[16];
	size_t len = 99;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		EXPECT_ERR(utf16(rows[i].in, rows[i].units, out, sizeof(out), &len), LDR_E_CONFIG);
		EXPECT_EQ(len, 0);
		EXPECT(diag.what && strcmp(diag.what, "character") == 0);
		EXPECT_EQ(diag.index, rows[i].index);
		EXPECT(diag.field && strcmp(diag.field, "UTF-16") == 0);
	}
	/* Tab, CR and LF are separators, not errors. */
	EXPECT_ERR(utf16((const uint16_t[]){ 'a', '\t', '\r', '\n' }, 4, out, sizeof(out), &len),
		   LDR_OK);
	EXPECT_EQ(len, 4);
}

/* Which LoadOptions are UTF-16 options, and which are not options at all. */
static void test_load_options_kind(void)
{
	/* EDK2's auto-created boot option marker, as it arrives. */
	static const uint8_t guid[16] = { 0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d,
					  0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2 };
	static const struct {
		const char *bytes;
		size_t size;
		enum config_lo_kind kind;
	} rows[] = {
		{ "", 0, CONFIG_LO_EMPTY },
		{ "a", 1, CONFIG_LO_EMPTY },
		{ "\0\0x\0", 4, CONFIG_LO_EMPTY },
		{ "v\0=\0\x31\0\0\0", 8, CONFIG_LO_TEXT },
		/* A non-ASCII first character, an ASCII one after it. */
		{ "\xe9\0v\0", 4, CONFIG_LO_TEXT },
		{ "\x3d\xd8\x00\xde"
		  "a\0",
		  6, CONFIG_LO_TEXT }, /* surrogates: converter's job */
		{ "v\0=\0\x31", 5, CONFIG_LO_ODD },
		{ "aslr=off", 8, CONFIG_LO_EIGHT_BIT },
		{ "verbose=1\0", 10, CONFIG_LO_EIGHT_BIT },
		{ "verbose=1", 9, CONFIG_LO_EIGHT_BIT },
		{ "RC\0\0\x01\x02", 6, CONFIG_LO_BINARY }, /* vendor tag + binary */
		{ "aslroff\x80", 8, CONFIG_LO_BINARY },	   /* no '=': not options */
		{ "\x80\x81\x82\x83", 4, CONFIG_LO_BINARY },
		{ "ab=\x01", 4, CONFIG_LO_BINARY }, /* not 8-bit text to its end */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		EXPECT_EQ(config_load_options_kind((const uint8_t *)rows[i].bytes, rows[i].size),
			  rows[i].kind);
	EXPECT_EQ(config_load_options_kind(guid, sizeof(guid)), CONFIG_LO_BINARY);
	EXPECT_EQ(config_load_options_kind(NULL, 8), CONFIG_LO_EMPTY);
}

/* granularity=segment|section: the default follows the kernel's note
 * (section), the options override the file, anything else is E_CONFIG. */
static void test_granularity(void)
{
	EXPECT_ERR(file(""), LDR_OK);
	EXPECT_EQ(cfg.opts.granularity, BOOT_GRAN_SECTION);
	EXPECT_ERR(file("granularity=segment\n"), LDR_OK);
	EXPECT_EQ(cfg.opts.granularity, BOOT_GRAN_SEGMENT);
	EXPECT_ERR(opts("granularity=section"), LDR_OK);
	EXPECT_EQ(cfg.opts.granularity, BOOT_GRAN_SECTION);
	EXPECT_ERR(opts("verbose=1 granularity=segment"), LDR_OK);
	EXPECT_EQ(cfg.opts.granularity, BOOT_GRAN_SEGMENT);
	EXPECT_ERR(opts("granularity=page"), LDR_E_CONFIG);
	EXPECT_EQ(diag.index, 1); /* 1-based token */
	EXPECT(diag.field && strcmp(diag.field, "granularity") == 0);
	EXPECT(cfg.err_why && strcmp(cfg.err_why, "expected segment or section") == 0);
}

/* keys_seen: one bit per key a parse accepted, none for a refused one. */
static void test_keys_seen(void)
{
	EXPECT_ERR(file("# nothing\n"), LDR_OK);
	EXPECT_EQ(cfg.keys_seen, 0);
	EXPECT_ERR(file("kernel=\\k.elf\ncmdline=\naslr=off\n"), LDR_OK);
	EXPECT_EQ(cfg.keys_seen, CONFIG_KEY_BIT(CONFIG_KEY_KERNEL) |
					 CONFIG_KEY_BIT(CONFIG_KEY_CMDLINE) |
					 CONFIG_KEY_BIT(CONFIG_KEY_ASLR));
	cfg.keys_seen = 0;
	EXPECT_ERR(opts("module=\\m seed=bad"), LDR_E_CONFIG);
	EXPECT_EQ(cfg.keys_seen, CONFIG_KEY_BIT(CONFIG_KEY_MODULE));
	for (unsigned k = 0; k < CONFIG_KEY_COUNT; k++) {
		char line[64];
		EXPECT(strlen(config_key_name(k)) > 2);
		snprintf(line, sizeof(line), "%s=", config_key_name(k));
		file(line); /* most keys refuse an empty value; none sets another's bit */
		EXPECT_EQ(cfg.keys_seen & ~CONFIG_KEY_BIT(k), 0);
	}
	EXPECT_ERR(file("cmdline="), LDR_OK);
	EXPECT_EQ(cfg.keys_seen, CONFIG_KEY_BIT(CONFIG_KEY_CMDLINE));
	EXPECT(strcmp(config_key_name(CONFIG_KEY_COUNT), "?") == 0);
}

/* config_key_names: a mask's key names in enum order, ", "-joined. */
static void test_key_names(void)
{
	char names[CONFIG_KEY_NAMES_MAX];

	config_key_names(CONFIG_KEY_BIT(CONFIG_KEY_SEED) | CONFIG_KEY_BIT(CONFIG_KEY_ASLR), names,
			 sizeof(names));
	EXPECT(strcmp(names, "aslr, seed") == 0);
	EXPECT_ERR(
		file("verbose=1\nseed=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"),
		LDR_OK);
	EXPECT_ERR(opts("aslr=off"), LDR_OK);
	config_key_names(cfg.keys_seen, names, sizeof(names));
	EXPECT(strcmp(names, "verbose, aslr, seed") == 0);
	config_key_names(0, names, sizeof(names));
	EXPECT(names[0] == '\0');
	/* Every key; bits past the last key name nothing. */
	config_key_names(~0u, names, sizeof(names));
	EXPECT(strcmp(names,
		      "kernel, cmdline, module, verbose, aslr, entropy, trust_cpu_rng, "
		      "trust_fw_rng, seed, protocol, linux_seed_cmdline, bench, granularity") == 0);
	/* A short buffer is cut, NUL-ended. */
	config_key_names(CONFIG_KEY_BIT(CONFIG_KEY_ASLR) | CONFIG_KEY_BIT(CONFIG_KEY_SEED), names,
			 7);
	EXPECT(strcmp(names, "aslr, ") == 0);
	names[0] = 'x';
	config_key_names(CONFIG_KEY_BIT(CONFIG_KEY_ASLR), names, 1);
	EXPECT(names[0] == '\0');
}

static void test_apply(void)
{
	struct boot_env env;

	memset(&env, 0, sizeof(env));
	EXPECT_ERR(file("cmdline=hello\nverbose=1\nkernel=\\k.elf\n"), LDR_OK);
	config_apply(&cfg, &env);
	EXPECT(env.opts.verbose);
	EXPECT(env.cmdline && strcmp(env.cmdline, "hello") == 0);
	EXPECT(env.kernel_name && strcmp(env.kernel_name, "\\k.elf") == 0);
}

static char rendered[CONFIG_RENDER_MAX];

/* config_render: every key in its fixed order, effective values, modules
 * as the front end hands them (path and arguments), seed=set without its
 * bytes; the length returned is the text's. */
static void test_render(void)
{
	static const char defaults[] = "kernel=\\EFI\\aslrboot\\kernel.elf\n"
				       "cmdline=\n"
				       "verbose=off\n"
				       "aslr=on\n"
				       "entropy=default\n"
				       "trust_cpu_rng=on\n"
				       "trust_fw_rng=on\n"
				       "seed=none\n"
				       "protocol=auto\n"
				       "linux_seed_cmdline=off\n"
				       "bench=0\n"
				       "granularity=section\n";
	static const char full[] = "kernel=\\k.elf\n"
				   "cmdline=a\tb  c\n"
				   "module=\\m1 x=1 y\n"
				   "module=\\m2\n"
				   "verbose=on\n"
				   "aslr=off\n"
				   "entropy=strict\n"
				   "trust_cpu_rng=off\n"
				   "trust_fw_rng=off\n"
				   "seed=set\n"
				   "protocol=linux64\n"
				   "linux_seed_cmdline=on\n"
				   "bench=64\n"
				   "granularity=segment\n";
	struct boot_env env;
	size_t n;

	memset(&env, 0, sizeof(env));
	config_init(&cfg);
	config_apply(&cfg, &env);
	n = config_render(&env, env.kernel_name, rendered, sizeof(rendered));
	EXPECT_EQ(n, strlen(defaults));
	EXPECT(strcmp(rendered, defaults) == 0);

	EXPECT_ERR(file("kernel=\\k.elf\ncmdline=a\tb  c\nverbose=1\naslr=off\nentropy=strict\n"
			"trust_cpu_rng=0\ntrust_fw_rng=no\nprotocol=linux64\n"
			"linux_seed_cmdline=1\nbench=64\ngranularity=segment\n"
			"seed=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"),
		   LDR_OK);
	memset(&env, 0, sizeof(env));
	config_apply(&cfg, &env);
	env.module_count = 2;
	env.modules[0].string = "\\m1 x=1 y";
	env.modules[1].string = "\\m2";
	n = config_render(&env, env.kernel_name, rendered, sizeof(rendered));
	EXPECT_EQ(n, strlen(full));
	EXPECT(strcmp(rendered, full) == 0);
	EXPECT(strstr(rendered, "0011") == NULL); /* never the seed's bytes */

	/* Cut to the buffer, NUL-terminated; the length is still the whole. */
	EXPECT_EQ(config_render(&env, env.kernel_name, rendered, 10), strlen(full));
	EXPECT(strcmp(rendered, "kernel=\\k") == 0);
	EXPECT_EQ(config_render(&env, env.kernel_name, NULL, 0), strlen(full));

	/* The longest values fit CONFIG_RENDER_MAX. */
	memset(&env, 0, sizeof(env));
	memset(cfg.kernel, 'k', CONFIG_MAX_PATH);
	cfg.kernel[CONFIG_MAX_PATH] = '\0';
	memset(cfg.cmdline, 'c', BOOT_MAX_CMDLINE);
	cfg.cmdline[BOOT_MAX_CMDLINE] = '\0';
	config_apply(&cfg, &env);
	static char modstr[CONFIG_MAX_PATH + 1 + CONFIG_MAX_MODULE_ARGS + 1];
	memset(modstr, 'm', sizeof(modstr) - 1);
	env.module_count = BOOT_MAX_MODULES;
	for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++)
		env.modules[i].string = modstr;
	env.opts.bench = BENCH_MAX_ROUNDS;
	n = config_render(&env, env.kernel_name, rendered, sizeof(rendered));
	EXPECT(n < sizeof(rendered));
	EXPECT_EQ(strlen(rendered), n);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_full_file);
	RUN(test_file_errors);
	RUN(test_nul_and_size);
	RUN(test_length_caps);
	RUN(test_module_cap);
	RUN(test_options_override);
	RUN(test_options_keep_file_modules);
	RUN(test_options_errors);
	RUN(test_options_size);
	RUN(test_args_strict);
	RUN(test_skip_word);
	RUN(test_bom);
	RUN(test_utf16);
	RUN(test_utf16_errors);
	RUN(test_load_options_kind);
	RUN(test_granularity);
	RUN(test_keys_seen);
	RUN(test_key_names);
	RUN(test_apply);
	RUN(test_render);
	return harness_done();
}
