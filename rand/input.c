/* SPDX-License-Identifier: MIT */
/*
 * Bytes the front ends read: EFI_RNG_PROTOCOL output and the seed file.
 * The front end maps firmware outcomes to a status: protocol
 * absent or GetRNG EFI_NOT_READY -> ABSENT; RAW unsupported -> it retries
 * with the default algorithm itself and reports that result; read errors ->
 * FAILED.  Here: health tests, size rules, credit policy, mixing.
 */
#include "health.h"
#include "rand.h"

static enum ldr_err note_not_ok(struct rand_pool *p, uint32_t src, uint32_t status)
{
	rand_pool_note(p, src,
		       status == ASLRBOOT_ENT_ABSENT ? ASLRBOOT_ENT_ABSENT : ASLRBOOT_ENT_FAILED);
	return status == ASLRBOOT_ENT_ABSENT ? LDR_E_RNG_ABSENT : LDR_E_RNG_FAILED;
}

static enum ldr_err health_check(struct rand_pool *p, const struct rand_input *in)
{
	struct rand_health h;
	enum ldr_err err;

	rand_health_init(&h);
	err = rand_health_bytes(&h, in->data, in->len);
	rand_wipe(&h, sizeof(h));
	if (err)
		rand_pool_note(p, in->source, ASLRBOOT_ENT_UNHEALTHY);
	return err;
}

enum ldr_err rand_fw_add(struct rand_pool *p, const struct rand_input *in, bool distrust)
{
	enum ldr_err err;

	if (in->source >= ASLRBOOT_SRC_COUNT || (in->len && !in->data))
		return LDR_E_RNG_INPUT;
	if (in->status != ASLRBOOT_ENT_OK)
		return note_not_ok(p, in->source, in->status);
	if (!in->len) /* "success" with no bytes */
		return note_not_ok(p, in->source, ASLRBOOT_ENT_FAILED);
	if ((err = health_check(p, in)))
		return err;
	rand_pool_add(p, in->source, in->data, in->len, distrust ? 0 : in->credit_bits);
	if (distrust)
		rand_pool_note(p, in->source, ASLRBOOT_ENT_DISTRUSTED);
	return LDR_OK;
}

enum ldr_err rand_seed_file_add(struct rand_pool *p, const struct rand_input *in)
{
	const uint32_t src = ASLRBOOT_SRC_SEED_FILE;
	enum ldr_err err;

	if (in->len && !in->data)
		return LDR_E_RNG_INPUT;
	if (in->status != ASLRBOOT_ENT_OK) {
		err = note_not_ok(p, src, in->status);
		return err == LDR_E_RNG_FAILED ? LDR_E_SEED_FILE : err;
	}
	if (in->len < RAND_SEED_FILE_MIN || in->len > RAND_SEED_FILE_MAX) {
		/* Truncated or not ours: do not trust any of it. */
		rand_pool_note(p, src, ASLRBOOT_ENT_FAILED);
		return in->len < RAND_SEED_FILE_MIN ? LDR_E_SEED_TOO_SMALL : LDR_E_SEED_TOO_BIG;
	}
	/* A zeroed or repeating file is corrupt, not random. */
	if ((err = health_check(
		     p, &(struct rand_input){ .source = src, .data = in->data, .len = in->len })))
		return err;
	if (in->read_only) {
		/* The same bytes come back next boot: mix, never credit. */
		rand_pool_add(p, src, in->data, in->len, 0);
		rand_pool_note(p, src, ASLRBOOT_ENT_UNCREDITED);
		return LDR_E_SEED_READ_ONLY;
	}
	rand_pool_add(p, src, in->data, in->len, in->credit_bits);
	return LDR_OK;
}
