/* SPDX-License-Identifier: MIT */
/*
 * Conditioning pool (systemd-boot's shape): SHA-256 over a label and one
 * labelled, length-prefixed record per input, so no two different input
 * sequences hash the same bytes.  Credit is
 * bookkeeping beside the hash: only sources that passed their tests keep it.
 */
#include "rand.h"

static const char pool_label[] = "aslrboot/pool/v1";

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t sat_add32(uint32_t a, uint64_t b)
{
	if (b > UINT32_MAX || a + b > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(a + b);
}

static void see(struct rand_pool *p, uint32_t source)
{
	if (!(p->seen & (1u << source))) {
		p->seen |= 1u << source;
		p->report[source].source = source;
	}
}

static void withdraw_credit(struct rand_pool *p, uint32_t source)
{
	p->credited_bits -= p->report[source].credited_bits;
	p->report[source].credited_bits = 0;
}

void rand_pool_init(struct rand_pool *p)
{
	uint8_t len[8];

	rand_wipe(p, sizeof(*p));
	rand_sha256_init(&p->hash);
	put_le(len, sizeof(pool_label) - 1, 8);
	rand_sha256_update(&p->hash, len, sizeof(len));
	rand_sha256_update(&p->hash, pool_label, sizeof(pool_label) - 1);
	p->phase = RAND_POOL_COLLECTING;
}

void rand_pool_add(struct rand_pool *p, uint32_t source, const void *data, size_t len,
		   uint32_t credit_bits)
{
	uint8_t hdr[12];
	uint64_t max_credit;
	struct aslrboot_entropy_entry *e;

	if (p->phase != RAND_POOL_COLLECTING)
		return;
	/* Always mixed, even from an unknown source id: mixing cannot hurt. */
	put_le(hdr, source, 4);
	put_le(hdr + 4, len, 8);
	rand_sha256_update(&p->hash, hdr, sizeof(hdr));
	rand_sha256_update(&p->hash, data, len);
	if (source >= ASLRBOOT_SRC_COUNT || !len)
		return;
	see(p, source);
	e = &p->report[source];
	p->sources_used |= 1u << source;
	e->bytes = sat_add32(e->bytes, len);
	max_credit = len > UINT32_MAX / 8 ? UINT32_MAX : 8 * (uint64_t)len;
	if (credit_bits > max_credit)
		credit_bits = (uint32_t)max_credit;
	if (e->status != ASLRBOOT_ENT_OK && e->status != ASLRBOOT_ENT_UNCREDITED)
		credit_bits = 0; /* a note (failed, distrusted...) already ruled */
	else
		e->status = (credit_bits || e->credited_bits) ? ASLRBOOT_ENT_OK :
								ASLRBOOT_ENT_UNCREDITED;
	credit_bits = sat_add32(e->credited_bits, credit_bits) - e->credited_bits;
	e->credited_bits += credit_bits;
	p->credited_bits = sat_add32(p->credited_bits, credit_bits);
}

void rand_pool_note(struct rand_pool *p, uint32_t source, uint32_t status)
{
	if (source >= ASLRBOOT_SRC_COUNT || p->phase != RAND_POOL_COLLECTING)
		return;
	see(p, source);
	if (p->sources_failed & (1u << source))
		return; /* a failure is final for this boot */
	p->report[source].status = status;
	switch (status) {
	case ASLRBOOT_ENT_OK: break;
	case ASLRBOOT_ENT_FAILED:
	case ASLRBOOT_ENT_UNHEALTHY:
		p->sources_failed |= 1u << source;
		withdraw_credit(p, source);
		break;
	default: /* ABSENT, DISTRUSTED, UNCREDITED, unknown: no credit */
		withdraw_credit(p, source);
		break;
	}
}

void rand_pool_uncredit(struct rand_pool *p, uint32_t source)
{
	if (source >= ASLRBOOT_SRC_COUNT || p->phase == RAND_POOL_DONE ||
	    !(p->seen & (1u << source)))
		return;
	withdraw_credit(p, source);
	if (p->report[source].status == ASLRBOOT_ENT_OK)
		p->report[source].status = ASLRBOOT_ENT_UNCREDITED;
}

enum ldr_err rand_pool_finish(struct rand_pool *p, uint8_t key[32])
{
	if (p->phase != RAND_POOL_COLLECTING) {
		rand_wipe(key, 32);
		return LDR_E_RAND_ORDER;
	}
	rand_sha256_final(&p->hash, key); /* wipes the hash state */
	p->phase = RAND_POOL_FINISHED;
	return LDR_OK;
}

uint32_t rand_pool_report(const struct rand_pool *p, struct aslrboot_entropy_entry *out,
			  uint32_t max)
{
	uint32_t n = 0;

	for (uint32_t s = 0; s < ASLRBOOT_SRC_COUNT && n < max; s++)
		if (p->seen & (1u << s))
			out[n++] = p->report[s];
	return n;
}
