/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for loader/config.c.  The input (not NUL-terminated, so
 * ASan sees any over-read) is parsed as a config file, then as load options
 * on top; every result must keep the struct's invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/config.h"

static void check(const struct boot_config *c, enum ldr_err err, const struct ldr_diag *d)
{
	if (memchr(c->kernel, 0, sizeof(c->kernel)) == NULL ||
	    memchr(c->cmdline, 0, sizeof(c->cmdline)) == NULL || c->module_count > BOOT_MAX_MODULES)
		abort();
	for (uint32_t i = 0; i < c->module_count; i++)
		if (!memchr(c->modules[i].path, 0, sizeof(c->modules[i].path)) ||
		    !memchr(c->modules[i].args, 0, sizeof(c->modules[i].args)) ||
		    !c->modules[i].path[0])
			abort();
	if (!c->kernel[0])
		abort();
	if (err != LDR_OK && (err != LDR_E_CONFIG || d->err != LDR_E_CONFIG || !d->field ||
			      !d->what || !c->err_why || strlen(c->err_key) > CONFIG_MAX_KEY))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_config c;
	struct ldr_diag d = { 0 };
	enum ldr_err err;
	size_t split = size ? data[0] % (size + 1) : 0;

	config_init(&c);
	err = config_parse_file(&c, (const char *)data, size, &d);
	check(&c, err, &d);
	config_init(&c);
	err = config_parse_file(&c, (const char *)data, split, &d);
	check(&c, err, &d);
	err = config_parse_options(&c, (const char *)data + split, size - split, &d);
	check(&c, err, &d);
	/* The same bytes as UEFI load options (UTF-16LE), then as strict args. */
	{
		static uint16_t units[4096];
		static char utf8[3 * 4096];
		size_t n = size / 2 < 4096 ? size / 2 : 4096, len = 0;

		if (config_load_options_kind(data, size) > CONFIG_LO_BINARY)
			abort();
		memcpy(units, data, 2 * n);
		config_init(&c);
		err = config_utf16_to_utf8(&c, units, n, utf8, sizeof(utf8), &len, &d);
		check(&c, err, &d);
		if (len > sizeof(utf8))
			abort();
		if (!err)
			check(&c, config_parse_args(&c, utf8, len, &d), &d);
	}
	return 0;
}
