/* SPDX-License-Identifier: MIT */
/* libFuzzer: the TCG event-log walker (loader/tcg_log.c).  The input is
 * walked twice: as a whole log (header first), and as the events after a
 * valid header naming SHA-1 and SHA-256, so the event parser is reached
 * without a seed corpus.  Each copy sits in an exact-size allocation: ASan
 * sees any read past the end; every event must lie inside what is left. */
#include <stdlib.h>
#include <string.h>

#include "loader/tcg_log.h"

/* pcr, EV_NO_ACTION, SHA-1 digest 0, data size 37, "Spec ID Event03", class,
 * versions, 2 algorithms (SHA-1 20, SHA-256 32), no vendor data. */
static const uint8_t header[32 + 37] = {
	[4] = TCG_EV_NO_ACTION,
	[28] = 37,
	'S',
	'p',
	'e',
	'c',
	' ',
	'I',
	'D',
	' ',
	'E',
	'v',
	'e',
	'n',
	't',
	'0',
	'3',
	0,
	[53] = 2,
	[55] = 2,
	[56] = 2,
	[60] = TCG_ALG_SHA1,
	[62] = 20,
	[64] = TCG_ALG_SHA256,
	[66] = 32,
};

static void walk(const uint8_t *p, size_t len)
{
	struct tcg_log l;
	struct tcg_event e;

	if (!tcg_log_open(&l, p, len))
		return;
	if (l.first > len || !l.nalg || l.nalg > TCG_LOG_MAX_ALGS)
		__builtin_trap();
	for (size_t off = l.first; off < len && tcg_log_event(&l, p + off, len - off, &e);
	     off += e.size)
		if (!e.size || e.size > len - off ||
		    (e.data_size && e.data + e.data_size > p + len) ||
		    (e.sha256 && e.sha256 + 32 > p + len))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	memcpy(p, data, size);
	walk(p, size);
	free(p);
	p = malloc(sizeof(header) + size);
	memcpy(p, header, sizeof(header));
	memcpy(p + sizeof(header), data, size);
	walk(p, sizeof(header) + size);
	free(p);
	return 0;
}
