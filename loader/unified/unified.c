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

bool unified_text_ok(const uint8_t *p, uint64_t n, bool lines, uint64_t *bad)
{
	for (uint64_t i = 0; i < n; i++) {
		if (p[i] == '\t' || (p[i] >= 0x20 && p[i] != 0x7f))
			continue;
		if (lines && (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')))
			continue;
		*bad = i;
		return false;
	}
	return true;
}

/* .modstr: exactly module_count strings, each a non-empty "name args". */
static enum ldr_err check_modstr(const uint8_t *buf, struct unified_image *u, struct ldr_diag *d)
{
	const uint8_t *p = buf + u->modstr.off;
	uint64_t n = u->modstr.size, pos = 0, bad;
	uint32_t count = 0;

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
		if (!unified_text_ok(p + pos, len, false, &bad))
			return unified_fail(u, d, SECT, ".modstr", "string", count,
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
	uint64_t bad;
	uint32_t set;

	if (u->config.size > CONFIG_MAX_INPUT)
		return unified_fail(u, d, SECT, ".config", "VirtualSize", u->config.size,
				    "longer than a config file may be (64 KiB)");
	/* Checked before the parser, which quotes a bad key in its line. */
	if (!unified_text_ok(buf + u->config.off, u->config.size, true, &bad))
		return unified_fail(u, d, SECT, ".config", "offset", bad,
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
	if (!unified_text_ok(buf + u->cmdline.off, u->cmdline.size, false, &bad))
		return unified_fail(u, d, SECT, ".cmdline", "offset", bad,
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
