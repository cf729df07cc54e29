/* SPDX-License-Identifier: MIT */
/*
 * Boot configuration: the config file (\EFI\aslrboot\aslrboot.cfg) and the
 * image's load options (or a Multiboot command line), parsed into one struct
 * the front ends fill struct boot_env from.  Syntax:
 *
 *   file:     one `key=value` per line; lines starting with `#` are comments
 *   options:  space-separated `key=value` tokens; `key="a b c"` quotes a value;
 *             any other word is an error, except that config_parse_options
 *             skips a leading word that is the image's own path
 * A config file may start with a UTF-8 byte order mark (skipped).
 *
 * Keys: kernel, cmdline, module (path + optional args; repeatable), verbose,
 * aslr, entropy, trust_cpu_rng, trust_fw_rng, seed, protocol (auto|native|
  * linux64), linux_seed_cmdline, bench (0..64 timed rounds, loader/bench.c),
 * granularity (segment|section).
 * The options override
 * the file key by key (a module= in the options replaces the file's list).
 * Input is untrusted: every length is bounded, nothing is assumed
 * NUL-terminated, and each failure is E_CONFIG with the key in the diag.
 */
#ifndef LDR_CONFIG_H
#define LDR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_env.h"
#include "../include/ldr_errors.h"

#define CONFIG_MAX_PATH 255	     /* bytes of a kernel or module path */
#define CONFIG_MAX_MODULE_ARGS 255   /* bytes of a module's argument string */
#define CONFIG_MAX_INPUT (64u << 10) /* config file / options size cap */
#define CONFIG_MAX_KEY 31
#define BENCH_MAX_ROUNDS 64 /* bench=K upper bound (loader/bench.c) */
#define CONFIG_DEFAULT_KERNEL "\\EFI\\aslrboot\\kernel.elf"

/* Bits of boot_config.keys_seen: which keys a parse set. */
enum config_key {
	CONFIG_KEY_KERNEL,
	CONFIG_KEY_CMDLINE,
	CONFIG_KEY_MODULE,
	CONFIG_KEY_VERBOSE,
	CONFIG_KEY_ASLR,
	CONFIG_KEY_ENTROPY,
	CONFIG_KEY_TRUST_CPU_RNG,
	CONFIG_KEY_TRUST_FW_RNG,
	CONFIG_KEY_SEED,
	CONFIG_KEY_PROTOCOL,
	CONFIG_KEY_LINUX_SEED_CMDLINE,
	CONFIG_KEY_BENCH,
	CONFIG_KEY_GRANULARITY,
	CONFIG_KEY_COUNT,
};
#define CONFIG_KEY_BIT(k) (UINT32_C(1) << (k))

/* The key's name ("kernel", ...) for CONFIG_KEY_*. */
const char *config_key_name(enum config_key k);
/* Room for every key name of a mask, ", "-separated, and the NUL. */
#define CONFIG_KEY_NAMES_MAX 192
/* The names of the keys in `mask` (CONFIG_KEY_BIT), in enum order, joined
 * by ", " (e.g. "aslr, seed"; "" for 0) into buf[cap]; cut short with a NUL
 * if cap is too small (CONFIG_KEY_NAMES_MAX always suffices). */
void config_key_names(uint32_t mask, char *buf, size_t cap);

struct config_module {
	char path[CONFIG_MAX_PATH + 1];
	char args[CONFIG_MAX_MODULE_ARGS + 1];
};

struct boot_config {
	char kernel[CONFIG_MAX_PATH + 1];
	char cmdline[BOOT_MAX_CMDLINE + 1];
	struct config_module modules[BOOT_MAX_MODULES];
	uint32_t module_count;
	struct boot_options opts;
	/* CONFIG_KEY_BIT of every key a parse accepted since config_init (the
	 * caller may clear it to tell one source's keys from another's). */
	uint32_t keys_seen;
	/* Last error: the key (diag->field points here) and why it failed. */
	char err_key[CONFIG_MAX_KEY + 1];
	const char *err_why;
};

/* Defaults: CONFIG_DEFAULT_KERNEL, empty cmdline, no modules, aslr on,
 * verbose off, entropy=default, both RNGs trusted, no fixed seed. */
void config_init(struct boot_config *c);

/*
 * Parse a config file of `len` bytes (no NUL needed; a NUL byte is an
 * error).  On error *c may hold the keys before the bad line; diag names the
 * line (what = "line", index = 1-based line number) and the key.
 */
enum ldr_err config_parse_file(struct boot_config *c, const char *text, size_t len,
			       struct ldr_diag *diag);

/*
 * Parse load options / a command line of `len` bytes on top of *c.  Parsing
 * stops at the first NUL.  diag: what = "option", index = 0-based token.
 * config_parse_args: every word must be key=value.
 * config_parse_options: the same, but a leading word without `=` that looks
 * like a path (a `\`, `/` or `:` in it, or a ".efi" suffix) is the image's
 * own path, passed first by some boot managers, and is skipped.
 */
enum ldr_err config_parse_args(struct boot_config *c, const char *text, size_t len,
			       struct ldr_diag *diag);
enum ldr_err config_parse_options(struct boot_config *c, const char *text, size_t len,
				  struct ldr_diag *diag);

/* Offset of the second word of text[0..len) (after blanks): skips a first
 * word that is known to be the image's path (argv[0]); a "quoted" first
 * word may hold blanks.  Stops at a NUL. */
size_t config_skip_word(const char *text, size_t len);

/*
 * What a UEFI image's LoadOptions hold, by their bytes alone (an image
 * started by the UEFI shell always gets text):
 *   EMPTY    nothing, or an empty string (a NUL first)
 *   EIGHT_BIT  8-bit text (efibootmgr without --unicode): three or more
 *            printable ASCII bytes with a '=', up to the end or a zero byte
 *   TEXT     otherwise, UTF-16 text: an ASCII character before the first NUL
 *            (options are ASCII key=value words); config_utf16_to_utf8
 *   ODD      such text, but an odd number of bytes: not UTF-16
 *   BINARY   anything else: a firmware boot entry's binary OptionalData
 */
enum config_lo_kind {
	CONFIG_LO_EMPTY,
	CONFIG_LO_TEXT,
	CONFIG_LO_ODD,
	CONFIG_LO_EIGHT_BIT,
	CONFIG_LO_BINARY,
};
enum config_lo_kind config_load_options_kind(const uint8_t *data, size_t size);

/*
 * UEFI load options are UTF-16LE: `units` code units -> UTF-8 in out[cap],
 * *len bytes (no NUL added), up to the first NUL unit.  Surrogate pairs
 * become one 4-byte sequence.  E_CONFIG (diag: what = "character", index =
 * 1-based unit, field "UTF-16") for an unpaired surrogate, a control
 * character other than tab/CR/LF, or output longer than cap.
 */
enum ldr_err config_utf16_to_utf8(struct boot_config *c, const uint16_t *in, size_t units,
				  char *out, size_t cap, size_t *len, struct ldr_diag *diag);

/* Copy options and cmdline into env (cmdline pointer into *c). */
void config_apply(const struct boot_config *c, struct boot_env *env);

/* Bytes config_render may need: every line at its longest. */
#define CONFIG_RENDER_MAX                               \
	(16 + CONFIG_MAX_PATH + 16 + BOOT_MAX_CMDLINE + \
	 BOOT_MAX_MODULES * (16 + CONFIG_MAX_PATH + 1 + CONFIG_MAX_MODULE_ARGS) + 512)

/*
 * The configuration env was booted with, as canonical text (what measured
 * boot hashes into PCR 12, so equal settings always give equal bytes),
 * whatever file, options or image section set it: one `key=value` line per
 * key, each ending in '\n', in this fixed order:
 *   kernel=<kernel: where it came from, an ESP path or ".kernel">
 *   cmdline=<env->cmdline>
 *   module=<the module's string>   (one line per module, in order)
 *   verbose=on|off  aslr=on|off  entropy=default|strict
 *   trust_cpu_rng=on|off  trust_fw_rng=on|off  seed=none|set
 *   protocol=auto|native|linux64  linux_seed_cmdline=on|off  bench=<0..64>
 *   granularity=section|segment
 * A fixed seed shows as seed=set, never its bytes.  Strings are cut at
 * CONFIG_MAX_PATH / BOOT_MAX_CMDLINE bytes.  Writes at most cap bytes
 * including a NUL and returns the text's length (without the NUL); a
 * result >= cap means the text was cut.
 */
size_t config_render(const struct boot_env *env, const char *kernel, char *out, size_t cap);

#endif
