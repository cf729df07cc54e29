/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for loader/unified: the input parsed as a file and as a
 * loaded image.  An accepted image's pieces must lie inside the input and
 * hold what the rules say; a refusal must be E_UNIFIED with a diag and a
 * reason.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/unified/unified.h"

static void in_bounds(struct unified_piece p, size_t size)
{
	if (p.off > size || p.size > size - p.off)
		abort();
}

static void check(const uint8_t *b, size_t size, enum unified_view v)
{
	static struct unified_image u;
	struct ldr_diag d = { 0 };
	char line[512];
	enum ldr_err err = unified_parse(b, size, v, &u, &d);

	if (err) {
		if (err != LDR_E_UNIFIED || d.err != err || !d.what || !d.field || !u.err_why ||
		    !unified_format_error(line, sizeof(line), "f", &u, &d))
			abort();
		return;
	}
	if (!u.present)
		return;
	in_bounds(u.kernel, size);
	in_bounds(u.cmdline, size);
	in_bounds(u.config, size);
	in_bounds(u.modstr, size);
	if (!u.kernel.size || u.cmdline.size > BOOT_MAX_CMDLINE ||
	    u.module_count > BOOT_MAX_MODULES || !u.module_count != !u.modstr.size)
		abort();
	if (memchr(b + u.cmdline.off, 0, u.cmdline.size) ||
	    memchr(b + u.config.off, 0, u.config.size) ||
	    memchr(b + u.config.off, 033, u.config.size))
		abort();
	for (uint32_t i = 0; i < u.module_count; i++) {
		in_bounds(u.modules[i], size);
		if (!u.modules[i].size || u.module_string[i] < u.modstr.off ||
		    u.module_string[i] >= u.modstr.off + u.modstr.size || !b[u.module_string[i]] ||
		    !memchr(b + u.module_string[i], 0,
			    u.modstr.off + u.modstr.size - u.module_string[i]))
			abort();
	}
	if (u.config_parsed.keys_seen &
	    (CONFIG_KEY_BIT(CONFIG_KEY_KERNEL) | CONFIG_KEY_BIT(CONFIG_KEY_MODULE) |
	     CONFIG_KEY_BIT(CONFIG_KEY_CMDLINE)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes: ASan sees any over-read. */
	uint8_t *b = malloc(size ? size : 1);

	memcpy(b, data, size);
	check(b, size, UNIFIED_VIEW_FILE);
	check(b, size, UNIFIED_VIEW_MEMORY);
	free(b);
	return 0;
}
