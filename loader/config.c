/* SPDX-License-Identifier: MIT */
/*
 * Config file and load-option parser (config.h).  Pure and bounded: no
 * allocation, every copy checked against its destination; a command line
 * that is too long is an error, never silently cut.
 */
#include "config.h"
#include "libc.h"
#include "log.h"

struct span {
	const char *p;
	size_t n;
};

/* Where an error is reported: "line" N or "option" N. */
struct where {
	const char *what;
	int64_t index;
};

struct parse_ctx {
	struct boot_config *c;
	struct ldr_diag *diag;
	struct where at;
	bool replace_modules; /* options: the first module= drops the file's list */
};

void config_init(struct boot_config *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->kernel, CONFIG_DEFAULT_KERNEL, sizeof(CONFIG_DEFAULT_KERNEL));
	c->opts.entropy_policy = BOOT_ENTROPY_DEFAULT;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Separators between load-option tokens. */
static bool is_sep(char ch)
{
	return is_space(ch) || ch == '\r' || ch == '\n';
}

static bool has_nul(struct span s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!s.p[i])
			return true;
	return false;
}

static struct span trim(struct span s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && (is_space(s.p[s.n - 1]) || s.p[s.n - 1] == '\r'))
		s.n--;
	return s;
}

static bool span_is(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static enum ldr_err fail(struct parse_ctx *x, struct span key, const char *why, uint64_t value)
{
	struct boot_config *c = x->c;
	size_t n = key.n < CONFIG_MAX_KEY ? key.n : CONFIG_MAX_KEY;

	/* The key is quoted in an error line: anything but printable ASCII
	 * becomes '?', so a config file cannot write escape sequences to the
	 * console. */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)key.p[i];
		c->err_key[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	c->err_key[n] = '\0';
	c->err_why = why;
	return ldr_fail(x->diag, LDR_E_CONFIG, x->at.what, x->at.index, c->err_key, value);
}

/* Printable ASCII only (paths become UCS-2 file names); `text` also admits
 * tabs and bytes >= 0x80 (UTF-8 in a command line). */
static bool valid_chars(struct span v, bool text)
{
	for (size_t i = 0; i < v.n; i++) {
		unsigned char ch = (unsigned char)v.p[i];
		if (ch >= 0x20 && ch < 0x7f)
			continue;
		if (text && (ch == '\t' || ch >= 0x80))
			continue;
		return false;
	}
	return true;
}

/* Copy v into dst[cap] (cap includes the NUL). */
static enum ldr_err copy_str(struct parse_ctx *x, struct span key, struct span v, char *dst,
			     size_t cap, bool text)
{
	if (v.n >= cap)
		return fail(x, key, "value too long", v.n);
	if (!valid_chars(v, text))
		return fail(x, key, "control or non-ASCII character in value", v.n);
	memcpy(dst, v.p, v.n);
	dst[v.n] = '\0';
	return LDR_OK;
}

static enum ldr_err parse_bool(struct parse_ctx *x, struct span key, struct span v, bool *out)
{
	if (span_is(v, "1") || span_is(v, "on") || span_is(v, "yes") || span_is(v, "true"))
		*out = true;
	else if (span_is(v, "0") || span_is(v, "off") || span_is(v, "no") || span_is(v, "false"))
		*out = false;
	else
		return fail(x, key, "expected 0/1 or on/off", v.n);
	return LDR_OK;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static enum ldr_err parse_seed(struct parse_ctx *x, struct span key, struct span v)
{
	struct boot_options *o = &x->c->opts;

	if (v.n != 2 * sizeof(o->fixed_seed))
		return fail(x, key, "expected 64 hex digits", v.n);
	for (size_t i = 0; i < v.n; i++)
		if (hexval(v.p[i]) < 0)
			return fail(x, key, "expected 64 hex digits", i);
	for (size_t i = 0; i < sizeof(o->fixed_seed); i++)
		o->fixed_seed[i] = (uint8_t)(hexval(v.p[2 * i]) << 4 | hexval(v.p[2 * i + 1]));
	o->fixed_seed_set = true;
	return LDR_OK;
}

/* module=<path> [args]: the path ends at the first blank. */
static enum ldr_err parse_module(struct parse_ctx *x, struct span key, struct span v)
{
	struct boot_config *c = x->c;
	struct span path = v, args = { v.p + v.n, 0 };
	struct config_module *m;
	enum ldr_err err;

	if (x->replace_modules) {
		c->module_count = 0;
		x->replace_modules = false;
	}
	for (size_t i = 0; i < v.n; i++) {
		if (is_space(v.p[i])) {
			path.n = i;
			args = trim((struct span){ v.p + i, v.n - i });
			break;
		}
	}
	if (!path.n)
		return fail(x, key, "empty module path", 0);
	if (c->module_count >= BOOT_MAX_MODULES)
		return fail(x, key, "too many modules", c->module_count);
	m = &c->modules[c->module_count];
	if ((err = copy_str(x, key, path, m->path, sizeof(m->path), false)) ||
	    (err = copy_str(x, key, args, m->args, sizeof(m->args), true)))
		return err;
	c->module_count++;
	return LDR_OK;
}

/* bench=K (loader/bench.c): decimal rounds, 0..BENCH_MAX_ROUNDS. */
static enum ldr_err parse_bench(struct parse_ctx *x, struct span key, struct span v)
{
	uint32_t k = 0;

	for (size_t i = 0; i < v.n && i < 3; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return fail(x, key, "expected a round count", v.n);
		k = k * 10 + (uint32_t)(v.p[i] - '0');
	}
	if (!v.n || v.n > 2 || k > BENCH_MAX_ROUNDS)
		return fail(x, key, "expected 0..64 rounds", k);
	x->c->opts.bench = k;
	return LDR_OK;
}

static const char *const key_names[CONFIG_KEY_COUNT] = {
	[CONFIG_KEY_KERNEL] = "kernel",
	[CONFIG_KEY_CMDLINE] = "cmdline",
	[CONFIG_KEY_MODULE] = "module",
	[CONFIG_KEY_VERBOSE] = "verbose",
	[CONFIG_KEY_ASLR] = "aslr",
	[CONFIG_KEY_ENTROPY] = "entropy",
	[CONFIG_KEY_TRUST_CPU_RNG] = "trust_cpu_rng",
	[CONFIG_KEY_TRUST_FW_RNG] = "trust_fw_rng",
	[CONFIG_KEY_SEED] = "seed",
	[CONFIG_KEY_PROTOCOL] = "protocol",
	[CONFIG_KEY_LINUX_SEED_CMDLINE] = "linux_seed_cmdline",
	[CONFIG_KEY_BENCH] = "bench",
	[CONFIG_KEY_GRANULARITY] = "granularity",
};

const char *config_key_name(enum config_key k)
{
	return (unsigned)k < CONFIG_KEY_COUNT ? key_names[k] : "?";
}

void config_key_names(uint32_t mask, char *buf, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return;
	for (unsigned k = 0; k < CONFIG_KEY_COUNT; k++) {
		if (!(mask & CONFIG_KEY_BIT(k)))
			continue;
		for (const char *p = n ? ", " : ""; *p && n + 1 < cap; p++)
			buf[n++] = *p;
		for (const char *p = key_names[k]; *p && n + 1 < cap; p++)
			buf[n++] = *p;
	}
	buf[n] = '\0';
}

/* Key k's value v into *x->c: one E_CONFIG line if v is not one of its
 * values. */
static enum ldr_err set_value(struct parse_ctx *x, enum config_key k, struct span key,
			      struct span v)
{
	struct boot_config *c = x->c;
	struct boot_options *o = &c->opts;
	bool b = false;
	enum ldr_err err;

	switch (k) {
	case CONFIG_KEY_CMDLINE: return copy_str(x, key, v, c->cmdline, sizeof(c->cmdline), true);
	case CONFIG_KEY_MODULE: return parse_module(x, key, v);
	case CONFIG_KEY_SEED: return parse_seed(x, key, v);
	case CONFIG_KEY_BENCH: return parse_bench(x, key, v);
	case CONFIG_KEY_KERNEL:
		if (!v.n)
			return fail(x, key, "empty kernel path", 0);
		return copy_str(x, key, v, c->kernel, sizeof(c->kernel), false);
	case CONFIG_KEY_ENTROPY:
		if (span_is(v, "default"))
			o->entropy_policy = BOOT_ENTROPY_DEFAULT;
		else if (span_is(v, "strict"))
			o->entropy_policy = BOOT_ENTROPY_STRICT;
		else
			return fail(x, key, "expected default or strict", v.n);
		return LDR_OK;
	case CONFIG_KEY_GRANULARITY:
		if (span_is(v, "section"))
			o->granularity = BOOT_GRAN_SECTION;
		else if (span_is(v, "segment"))
			o->granularity = BOOT_GRAN_SEGMENT;
		else
			return fail(x, key, "expected segment or section", v.n);
		return LDR_OK;
	case CONFIG_KEY_PROTOCOL:
		if (span_is(v, "auto"))
			o->protocol = BOOT_PROTO_AUTO;
		else if (span_is(v, "native"))
			o->protocol = BOOT_PROTO_NATIVE;
		else if (span_is(v, "linux64"))
			o->protocol = BOOT_PROTO_LINUX64;
		else
			return fail(x, key, "expected auto, native or linux64", v.n);
		return LDR_OK;
	default: break; /* the booleans */
	}
	if ((err = parse_bool(x, key, v, &b)))
		return err;
	if (k == CONFIG_KEY_VERBOSE)
		o->verbose = b;
	else if (k == CONFIG_KEY_ASLR)
		o->aslr_off = !b;
	else if (k == CONFIG_KEY_LINUX_SEED_CMDLINE)
		o->linux_seed_cmdline = b;
	else if (k == CONFIG_KEY_TRUST_CPU_RNG)
		o->distrust_cpu_rng = !b;
	else
		o->distrust_fw_rng = !b;
	return LDR_OK;
}

/* The key by its name (key_names), its value set, and the key recorded in
 * keys_seen once accepted. */
static enum ldr_err set_key(struct parse_ctx *x, struct span key, struct span v)
{
	enum ldr_err err;
	unsigned k = 0;

	while (k < CONFIG_KEY_COUNT && !span_is(key, key_names[k]))
		k++;
	if (k == CONFIG_KEY_COUNT)
		return fail(x, key, "unknown key", key.n);
	if (!(err = set_value(x, (enum config_key)k, key, v)))
		x->c->keys_seen |= CONFIG_KEY_BIT(k);
	return err;
}

/* "key=value" (already trimmed) -> set_key. */
static enum ldr_err assign(struct parse_ctx *x, struct span kv)
{
	for (size_t i = 0; i < kv.n; i++) {
		if (kv.p[i] != '=')
			continue;
		struct span key = trim((struct span){ kv.p, i });
		struct span v = trim((struct span){ kv.p + i + 1, kv.n - i - 1 });
		if (!key.n)
			return fail(x, key, "empty key", i);
		return set_key(x, key, v);
	}
	return fail(x, kv, "expected key=value", kv.n);
}

enum ldr_err config_parse_file(struct boot_config *c, const char *text, size_t len,
			       struct ldr_diag *diag)
{
	struct parse_ctx x = { c, diag, { "line", 0 }, false };
	size_t pos = 0;

	if (len > CONFIG_MAX_INPUT)
		return fail(&x, (struct span){ "size", 4 }, "config file too large", len);
	/* A UTF-8 byte order mark (Windows editors write one) is not text. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		size_t end = pos;
		enum ldr_err err;

		while (end < len && text[end] != '\n')
			end++;
		x.at.index++;
		struct span line = trim((struct span){ text + pos, end - pos });
		pos = end + 1;
		if (has_nul(line))
			return fail(&x, (struct span){ "", 0 }, "NUL byte in config file", 0);
		if (!line.n || line.p[0] == '#')
			continue;
		if ((err = assign(&x, line)))
			return err;
	}
	return LDR_OK;
}

/* One token of the options: [key=]value with an optional "quoted" value.
 * *pos moves past the token; an unterminated quote fails. */
static enum ldr_err next_token(struct parse_ctx *x, struct span in, size_t *pos, struct span *key,
			       struct span *val, bool *has_eq)
{
	size_t i = *pos, start = i;

	while (i < in.n && !is_sep(in.p[i]) && in.p[i] != '=')
		i++;
	*key = (struct span){ in.p + start, i - start };
	*has_eq = i < in.n && in.p[i] == '=';
	if (!*has_eq) {
		*val = (struct span){ in.p + i, 0 };
		*pos = i;
		return LDR_OK;
	}
	i++;
	if (i < in.n && in.p[i] == '"') {
		size_t q = ++i;
		while (i < in.n && in.p[i] != '"')
			i++;
		if (i >= in.n)
			return fail(x, *key, "unterminated quote", i - q);
		*val = (struct span){ in.p + q, i - q };
		i++;
		if (i < in.n && !is_sep(in.p[i]))
			return fail(x, *key, "text after closing quote", i);
	} else {
		size_t v = i;
		while (i < in.n && !is_sep(in.p[i]))
			i++;
		*val = (struct span){ in.p + v, i - v };
	}
	*pos = i;
	return LDR_OK;
}

/* The image's own path as a leading word: it has a directory separator or
 * a drive (the UEFI shell's fs0:\...), or it ends in ".efi". */
static bool looks_like_image_path(struct span w)
{
	static const char efi[] = ".efi";

	for (size_t i = 0; i < w.n; i++)
		if (w.p[i] == '\\' || w.p[i] == '/' || w.p[i] == ':')
			return true;
	if (w.n < 4)
		return false;
	for (size_t i = 0; i < 4; i++)
		if ((w.p[w.n - 4 + i] | 0x20) != efi[i])
			return false;
	return true;
}

static enum ldr_err parse_words(struct boot_config *c, const char *text, size_t len,
				bool path_first, struct ldr_diag *diag)
{
	struct parse_ctx x = { c, diag, { "option", 0 }, true }; /* options count from 1 */
	struct span in = { text, 0 };
	size_t pos = 0;

	while (in.n < len && text[in.n])
		in.n++;
	if (in.n > CONFIG_MAX_INPUT) {
		x.at.index = -1; /* the whole text, not one option */
		return fail(&x, (struct span){ "size", 4 }, "load options too large", in.n);
	}
	for (;;) {
		struct span key, val;
		bool has_eq;
		enum ldr_err err;

		while (pos < in.n && is_sep(in.p[pos]))
			pos++;
		if (pos >= in.n)
			return LDR_OK;
		x.at.index++;
		if ((err = next_token(&x, in, &pos, &key, &val, &has_eq)))
			return err;
		if (!has_eq) {
			if (x.at.index == 1 && path_first && looks_like_image_path(key))
				continue;
			return fail(&x, key, "expected key=value", key.n);
		}
		if (!key.n)
			return fail(&x, key, "empty key", pos);
		if ((err = set_key(&x, key, val)))
			return err;
	}
}

enum ldr_err config_parse_options(struct boot_config *c, const char *text, size_t len,
				  struct ldr_diag *diag)
{
	return parse_words(c, text, len, true, diag);
}

enum ldr_err config_parse_args(struct boot_config *c, const char *text, size_t len,
			       struct ldr_diag *diag)
{
	return parse_words(c, text, len, false, diag);
}

size_t config_skip_word(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && text[i] && is_sep(text[i]))
		i++;
	if (i < len && text[i] == '"') {
		for (i++; i < len && text[i] && text[i] != '"'; i++)
			;
		if (i < len && text[i] == '"')
			i++;
	}
	while (i < len && text[i] && !is_sep(text[i]))
		i++;
	while (i < len && text[i] && is_sep(text[i]))
		i++;
	return i;
}

enum config_lo_kind config_load_options_kind(const uint8_t *data, size_t size)
{
	size_t n = 0;
	bool eq = false;

	if (!data || size < 2 || (!data[0] && !data[1]))
		return CONFIG_LO_EMPTY;
	/* UTF-16 text has a zero byte in every ASCII character: 8-bit text
	 * has none before its end. */
	while (n < size && data[n] >= 0x20 && data[n] < 0x7f)
		eq |= data[n++] == '=';
	if (n >= 3 && eq && (n == size || !data[n]))
		return CONFIG_LO_EIGHT_BIT;
	for (size_t i = 0; i + 1 < size; i += 2) {
		uint16_t u = (uint16_t)(data[i] | data[i + 1] << 8);
		if (!u)
			break;
		if (u < 0x80)
			return size % 2 ? CONFIG_LO_ODD : CONFIG_LO_TEXT;
	}
	return CONFIG_LO_BINARY;
}

static enum ldr_err utf16_fail(struct boot_config *c, struct ldr_diag *diag, size_t unit,
			       const char *why, uint16_t value)
{
	struct parse_ctx x = { c, diag, { "character", (int64_t)unit + 1 }, false };

	return fail(&x, (struct span){ "UTF-16", 6 }, why, value);
}

enum ldr_err config_utf16_to_utf8(struct boot_config *c, const uint16_t *in, size_t units,
				  char *out, size_t cap, size_t *len, struct ldr_diag *diag)
{
	size_t k = 0;

	*len = 0;
	for (size_t i = 0; i < units && in[i]; i++) {
		uint32_t cp = in[i];
		uint8_t b[4];
		size_t n;

		if (cp >= 0xdc00 && cp <= 0xdfff)
			return utf16_fail(c, diag, i, "low surrogate without a high one", in[i]);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 1 >= units || in[i + 1] < 0xdc00 || in[i + 1] > 0xdfff)
				return utf16_fail(c, diag, i, "high surrogate without a low one",
						  in[i]);
			cp = 0x10000 + ((cp - 0xd800) << 10) + (in[++i] - 0xdc00u);
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') || cp == 0x7f)
			return utf16_fail(c, diag, i, "control character", (uint16_t)cp);
		if (cp < 0x80) {
			b[0] = (uint8_t)cp;
			n = 1;
		} else if (cp < 0x800) {
			b[0] = (uint8_t)(0xc0 | cp >> 6);
			b[1] = (uint8_t)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			b[0] = (uint8_t)(0xe0 | cp >> 12);
			b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
			b[2] = (uint8_t)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			b[0] = (uint8_t)(0xf0 | cp >> 18);
			b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
			b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
			b[3] = (uint8_t)(0x80 | (cp & 0x3f));
			n = 4;
		}
		if (n > cap - k)
			return utf16_fail(c, diag, i, "load options too large", in[i]);
		memcpy(out + k, b, n);
		k += n;
	}
	*len = k;
	return LDR_OK;
}

void config_apply(const struct boot_config *c, struct boot_env *env)
{
	env->opts = c->opts;
	env->cmdline = c->cmdline;
	env->kernel_name = c->kernel;
}

/* Appends to out[cap] (the text cut, always NUL-terminated), counting every
 * byte: the length is the whole text's. */
struct render {
	char *out;
	size_t cap;
	size_t at;
};

static void put_bytes(struct render *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++, r->at++)
		if (r->at + 1 < r->cap)
			r->out[r->at] = p[i];
	if (r->cap)
		r->out[r->at < r->cap ? r->at : r->cap - 1] = '\0';
}

/* key=value\n with at most max bytes of the value, byte for byte. */
static void put_line(struct render *r, const char *key, const char *v, size_t max)
{
	size_t n = 0;

	while (v && n < max && v[n])
		n++;
	put_bytes(r, key, strlen(key));
	put_bytes(r, "=", 1);
	put_bytes(r, v ? v : "", n);
	put_bytes(r, "\n", 1);
}

static const char *on_off(bool b)
{
	return b ? "on" : "off";
}

size_t config_render(const struct boot_env *env, const char *kernel, char *out, size_t cap)
{
	static const char *const protocol[] = { "auto", "native", "linux64" };
	const struct boot_options *o = &env->opts;
	struct render r = { out, cap, 0 };
	char bench[12];

	put_bytes(&r, "", 0); /* an empty text until the first line */
	put_line(&r, "kernel", kernel, CONFIG_MAX_PATH);
	put_line(&r, "cmdline", env->cmdline, BOOT_MAX_CMDLINE);
	for (uint32_t i = 0; i < env->module_count && i < BOOT_MAX_MODULES; i++)
		put_line(&r, "module", env->modules[i].string,
			 CONFIG_MAX_PATH + 1 + CONFIG_MAX_MODULE_ARGS);
	put_line(&r, "verbose", on_off(o->verbose), 3);
	put_line(&r, "aslr", on_off(!o->aslr_off), 3);
	put_line(&r, "entropy", o->entropy_policy == BOOT_ENTROPY_STRICT ? "strict" : "default", 7);
	put_line(&r, "trust_cpu_rng", on_off(!o->distrust_cpu_rng), 3);
	put_line(&r, "trust_fw_rng", on_off(!o->distrust_fw_rng), 3);
	put_line(&r, "seed", o->fixed_seed_set ? "set" : "none", 4);
	put_line(&r, "protocol", o->protocol < 3 ? protocol[o->protocol] : "?", 7);
	put_line(&r, "linux_seed_cmdline", on_off(o->linux_seed_cmdline), 3);
	ldr_snprintf(bench, sizeof(bench), "%u", o->bench);
	put_line(&r, "bench", bench, sizeof(bench));
	put_line(&r, "granularity", o->granularity == BOOT_GRAN_SEGMENT ? "segment" : "section", 7);
	return r.at;
}
