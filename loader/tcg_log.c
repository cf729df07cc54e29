/* SPDX-License-Identifier: MIT */
/* Walker for the TCG crypto-agile event log (tcg_log.h): bounds first,
 * every read inside len. */
#include "tcg_log.h"
#include "libc.h"

#define HDR_FIXED 32	 /* pcr, type, SHA-1 digest, data size */
#define SPEC_ID_FIXED 28 /* signature, class, versions, uintn size, count */
#define MAX_DIGEST 64

static const char spec_id[16] = "Spec ID Event03";

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

bool tcg_log_open(struct tcg_log *l, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t dsize, n;

	memset(l, 0, sizeof(*l));
	if (len < HDR_FIXED || rd32(b + 4) != TCG_EV_NO_ACTION)
		return false;
	dsize = rd32(b + 28);
	if (dsize < SPEC_ID_FIXED + 1 || dsize > len - HDR_FIXED)
		return false;
	b += HDR_FIXED;
	if (memcmp(b, spec_id, sizeof(spec_id)))
		return false;
	n = rd32(b + 24);
	if (!n || n > TCG_LOG_MAX_ALGS || n > (dsize - SPEC_ID_FIXED - 1) / 4)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		l->alg[i].id = rd16(b + SPEC_ID_FIXED + 4 * i);
		l->alg[i].size = rd16(b + SPEC_ID_FIXED + 4 * i + 2);
		if (!l->alg[i].size || l->alg[i].size > MAX_DIGEST)
			return false;
	}
	l->p = p;
	l->nalg = n;
	l->first = HDR_FIXED + dsize;
	return true;
}

bool tcg_log_event(const struct tcg_log *l, const uint8_t *p, size_t len, struct tcg_event *e)
{
	size_t off = 12;
	uint32_t count;

	memset(e, 0, sizeof(*e));
	if (len < off)
		return false;
	e->pcr = rd32(p);
	e->type = rd32(p + 4);
	count = rd32(p + 8);
	if (count > l->nalg)
		return false;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t id, size = 0;
		if (len - off < 2)
			return false;
		id = rd16(p + off);
		for (uint32_t a = 0; a < l->nalg; a++)
			if (l->alg[a].id == id)
				size = l->alg[a].size;
		if (!size || len - off - 2 < size)
			return false;
		if (id == TCG_ALG_SHA256 && size == 32)
			e->sha256 = p + off + 2;
		off += 2 + (size_t)size;
	}
	if (len - off < 4)
		return false;
	e->data_size = rd32(p + off);
	off += 4;
	if (e->data_size > TCG_LOG_MAX_EVENT || len - off < e->data_size)
		return false;
	e->data = p + off;
	e->size = off + e->data_size;
	return true;
}
