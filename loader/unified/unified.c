/* SPDX-License-Identifier: MIT */
/*
 * The unified image's own sections (unified.h): names, counts, sizes,
 * numbering, the .modstr strings and the .config text, each checked before
 * the front end uses a byte of it.
 */
#include "unified.h"
#include "../libc.h"
#include "../log.h"

#define SECT "section "

enum kind {
	K_OTHER, /* a section of the stub */
	K_KERNEL,
	K_CMDLINE,
	K_CONFIG,
	K_MODSTR,
	K_MODULE,
};

/* .mod<digits>: a module section.  *n = its number, or BOOT_MAX_MODULES
 * when that is too large or not written as plain decimal (".mod01"). */
static bool module_number(const char *name, uint32_t *n)
{
	const char *p = name + 4;

	if (memcmp(name, ".mod", 4) || !*p)
		return false;
	*n = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		*n = *n * 10 + (uint32_t)(*p - '0');
		if (*n >= BOOT_MAX_MODULES)
			*n = BOOT_MAX_MODULES;
	}
	if (name[4] == '0' && name[5])
		*n = BOOT_MAX_MODULES;
	return true;
}

static enum kind kind_of(const char *name, uint32_t *n)
{
	if (!strcmp(name, ".kernel"))
		return K_KERNEL;
	if (!strcmp(name, ".cmdline"))
		return K_CMDLINE;
	if (!strcmp(name, ".config"))
		return K_CONFIG;
	if (!strcmp(name, ".modstr"))
		return K_MODSTR;
	return module_number(name, n) ? K_MODULE : K_OTHER;
}

/* Where a section's content is in the buffer. */
static struct unified_piece piece(const struct pe_section *s, enum unified_view view)
{
	return (struct unified_piece){ view == UNIFIED_VIEW_FILE ? s->raw_ptr : s->va, s->vsize };
}

/* Size and flags every section of ours must have. */
static enum ldr_err check_ours(struct unified_image *u, const struct pe_section *s,
			       struct ldr_diag *d)
{
	if (!s->vsize)
		return unified_fail(u, d, SECT, s->name, "VirtualSize", 0, "empty section");
	if (s->raw_size < s->vsize)
		return unified_fail(u, d, SECT, s->name, "SizeOfRawData", s->raw_size,
				    "less than VirtualSize: the content is not all in the file");
	if ((s->flags & UNIFIED_SCN_KIND_MASK) != UNIFIED_SCN_FLAGS)
		return unified_fail(u, d, SECT, s->name, "Characteristics", s->flags,
				    "not read-only initialized data");
	return LDR_OK;
}

/* Each section of ours into its slot, once. */
static enum ldr_err collect(struct unified_image *u, enum unified_view view, struct ldr_diag *d,
			    const struct pe_section **first)
{
	struct unified_piece *slot;
	enum ldr_err err;

	*first = NULL;
	for (uint32_t i = 0; i < u->pe.nsections; i++) {
		const struct pe_section *s = &u->pe.sect[i];
		uint32_t n = 0;

		switch (kind_of(s->name, &n)) {
		case K_OTHER: continue;
		case K_KERNEL: slot = &u->kernel; break;
		case K_CMDLINE: slot = &u->cmdline; break;
		case K_CONFIG: slot = &u->config; break;
		case K_MODSTR: slot = &u->modstr; break;
		case K_MODULE:
			if (n >= BOOT_MAX_MODULES)
				return unified_fail(u, d, SECT, s->name, "Name", i,
						    "not .mod0 to .mod15");
			slot = &u->modules[n];
			if (n >= u->module_count)
				u->module_count = n + 1;
			break;
		}
		if (!*first)
			*first = s;
		if (slot->size)
			return unified_fail(u, d, SECT, s->name, "Name", i, "duplicate section");
		if ((err = check_ours(u, s, d)))
			return err;
		*slot = piece(s, view);
	}
	return LDR_OK;
}

/* The code point at p[0..n) (p[0] >= 0x80) and its length; 0 for a
 * malformed or overlong sequence, a surrogate, or one past U+10FFFF. */
static unsigned utf8_decode(const uint8_t *p, uint64_t n, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;

	if (!len || len > n || p[0] >= 0xf8)
		return 0;
	*cp = p[0] & (0x7fu >> len);
	for (unsigned i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3fu);
	}
	if (*cp < min[len] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
		return 0;
	return len;
}

enum unified_text unified_text_check(const uint8_t *p, uint64_t n, bool lines, uint64_t *bad)
{
	unsigned len;

	for (uint64_t i = 0; i < n; i += len) {
		uint32_t cp = p[i];

		len = 1;
		if (cp >= 0x80 && !(len = utf8_decode(p + i, n - i, &cp))) {
			*bad = i;
			return UNIFIED_TEXT_UTF8;
		}
		if (cp == '\t' || (cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp >= 0xa0)))
			continue;
		if (lines && (cp == '\n' || (cp == '\r' && i + 1 < n && p[i + 1] == '\n')))
			continue;
		*bad = i;
		return UNIFIED_TEXT_CONTROL;
	}
	return UNIFIED_TEXT_OK;
}

/* .modstr: exactly module_count strings, each a non-empty "name args". */
static enum ldr_err check_modstr(const uint8_t *buf, struct unified_image *u, struct ldr_diag *d)
{
	const uint8_t *p = buf + u->modstr.off;
	uint64_t n = u->modstr.size, pos = 0, bad;
	uint32_t count = 0;
	enum unified_text t;

	if (p[n - 1])
		return unified_fail(u, d, SECT, ".modstr", "VirtualSize", n,
				    "the last string is not NUL-terminated");
	while (pos < n) {
		uint64_t len = strlen((const char *)p + pos);
		if (count == u->module_count)
			return unified_fail(u, d, SECT, ".modstr", "strings", count + 1u,
					    "more strings than module sections");
		if (!len || p[pos] == ' ' || p[pos] == '\t')
			return unified_fail(u, d, SECT, ".modstr", "string", count,
					    "empty, or it starts with a blank");
		if (len > UNIFIED_MAX_MODULE_STRING)
			return unified_fail(u, d, SECT, ".modstr", "string", count,
					    "longer than a module path, a blank and its args");
		if ((t = unified_text_check(p + pos, len, false, &bad)))
			return unified_fail(u, d, SECT, ".modstr", "string", count,
					    t == UNIFIED_TEXT_UTF8 ?
						    "invalid UTF-8 in a module string" :
						    "control character in a module string");
		u->module_string[count++] = u->modstr.off + pos;
		pos += len + 1;
	}
	if (count != u->module_count)
		return unified_fail(u, d, SECT, ".modstr", "strings", count,
				    "fewer strings than module sections");
	return LDR_OK;
}

static enum ldr_err check_config(const uint8_t *buf, struct unified_image *u, struct ldr_diag *d)
{
	static const uint32_t own = CONFIG_KEY_BIT(CONFIG_KEY_KERNEL) |
				    CONFIG_KEY_BIT(CONFIG_KEY_MODULE) |
				    CONFIG_KEY_BIT(CONFIG_KEY_CMDLINE);
	struct boot_config *c = &u->config_parsed;
	struct ldr_diag cd;
	enum unified_text t;
	uint64_t bad;
	uint32_t set;

	if (u->config.size > CONFIG_MAX_INPUT)
		return unified_fail(u, d, SECT, ".config", "VirtualSize", u->config.size,
				    "longer than a config file may be (64 KiB)");
	/* Checked before the parser, which quotes a bad key in its line. */
	if ((t = unified_text_check(buf + u->config.off, u->config.size, true, &bad)))
		return unified_fail(u, d, SECT, ".config", "offset", bad,
				    t == UNIFIED_TEXT_UTF8 ?
					    "invalid UTF-8 in the config" :
					    "NUL or control character in the config");
	config_init(c);
	if (config_parse_file(c, (const char *)buf + u->config.off, u->config.size, &cd)) {
		char line[24];
		ldr_snprintf(line, sizeof(line), " line %lld", (long long)cd.index);
		return unified_fail(u, d, SECT ".config", line, cd.field, cd.value, c->err_why);
	}
	if ((set = c->keys_seen & own)) {
		enum config_key k = set & CONFIG_KEY_BIT(CONFIG_KEY_KERNEL) ? CONFIG_KEY_KERNEL :
				    set & CONFIG_KEY_BIT(CONFIG_KEY_MODULE) ? CONFIG_KEY_MODULE :
									      CONFIG_KEY_CMDLINE;
		return unified_fail(u, d, SECT, ".config", config_key_name(k), 1,
				    "sets a key that has its own section "
				    "(.kernel, .mod<N>/.modstr, .cmdline)");
	}
	return LDR_OK;
}

/* Counts, numbering, sizes and contents once every section is in its slot. */
static enum ldr_err check_pieces(const uint8_t *buf, struct unified_image *u, struct ldr_diag *d)
{
	enum unified_text t;
	uint64_t bad;

	for (uint32_t i = 0; i < u->module_count; i++) {
		char name[8];
		ldr_snprintf(name, sizeof(name), ".mod%u", i);
		if (!u->modules[i].size)
			return unified_fail(u, d, SECT, name, "module_count", u->module_count,
					    "missing: module sections are numbered from .mod0 "
					    "without gaps");
		if (u->modules[i].size > UNIFIED_MAX_PAYLOAD)
			return unified_fail(u, d, SECT, name, "VirtualSize", u->modules[i].size,
					    "over the 1 GiB cap");
	}
	if (u->module_count && !u->modstr.size)
		return unified_fail(u, d, SECT, ".modstr", "VirtualSize", 0,
				    "missing: modules need their strings");
	if (!u->module_count && u->modstr.size)
		return unified_fail(u, d, SECT, ".modstr", "module_count", 0,
				    "there are no module sections");
	if (u->kernel.size > UNIFIED_MAX_PAYLOAD)
		return unified_fail(u, d, SECT, ".kernel", "VirtualSize", u->kernel.size,
				    "over the 1 GiB cap");
	if (u->cmdline.size > BOOT_MAX_CMDLINE)
		return unified_fail(u, d, SECT, ".cmdline", "VirtualSize", u->cmdline.size,
				    "longer than a command line may be (4096 bytes)");
	if ((t = unified_text_check(buf + u->cmdline.off, u->cmdline.size, false, &bad)))
		return unified_fail(u, d, SECT, ".cmdline", "offset", bad,
				    t == UNIFIED_TEXT_UTF8 ?
					    "invalid UTF-8 in the command line" :
					    "NUL or control character in the command line");
	if (u->module_count) {
		enum ldr_err err = check_modstr(buf, u, d);
		if (err)
			return err;
	}
	return u->config.size ? check_config(buf, u, d) : LDR_OK;
}

enum ldr_err unified_parse(const uint8_t *buf, uint64_t size, enum unified_view view,
			   struct unified_image *u, struct ldr_diag *d)
{
	const struct pe_section *first;
	enum ldr_err err;

	if ((err = unified_parse_pe(buf, size, view, u, d)) || (err = collect(u, view, d, &first)))
		return err;
	if (!first)
		return LDR_OK; /* a plain aslrboot.efi */
	if (!u->kernel.size)
		return unified_fail(u, d, SECT, first->name, "Name", (uint64_t)(first - u->pe.sect),
				    "a unified-image section without a .kernel section");
	u->present = true;
	return check_pieces(buf, u, d);
}

size_t unified_format_error(char *buf, size_t n, const char *file, const struct unified_image *u,
			    const struct ldr_diag *d)
{
	return ldr_snprintf(buf, n, "error: %s: %s: %s = 0x%llx: %s [%s]", file, d->what,
			    d->field ? d->field : "?", (unsigned long long)d->value,
			    u->err_why ? u->err_why : ldr_strerror(d->err), ldr_errname(d->err));
}
