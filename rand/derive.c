/* SPDX-License-Identifier: MIT */
/*
 * The pool's outputs, in systemd-boot's order: the next seed
 * file is derived (and stored by the caller) before the kernel's seed
 * exists, so a crash in between cannot make two boots share a seed.  The
 * phase field enforces the order.
 */
#include "rand.h"

#define CREDIT_CAP 512
#define CREDIT_STRONG 256

enum ldr_err rand_next_seed_file(struct rand_pool *p, const uint8_t master[32], void *out,
				 size_t len)
{
	struct rand_drbg d;

	if (p->phase != RAND_POOL_FINISHED)
		return LDR_E_RAND_ORDER;
	if (out && len) {
		rand_drbg_init(&d, master, RAND_DOMAIN_SEED_FILE);
		rand_drbg_bytes(&d, out, len);
		rand_drbg_wipe(&d);
	}
	p->phase = RAND_POOL_SEED_FILE_DONE;
	return LDR_OK;
}

enum ldr_err rand_kernel_seed(struct rand_pool *p, const uint8_t master[32],
			      struct aslrboot_rec_seed *rec)
{
	struct rand_drbg d;

	if (p->phase != RAND_POOL_SEED_FILE_DONE)
		return LDR_E_RAND_ORDER;
	rand_wipe(rec, sizeof(*rec));
	rec->hdr.type = ASLRBOOT_REC_SEED;
	rec->hdr.size = sizeof(*rec);
	rec->sources_used = p->sources_used;
	rec->sources_failed = p->sources_failed;
	rec->credited_bits = p->credited_bits > CREDIT_CAP ? CREDIT_CAP : p->credited_bits;
	rec->flags = p->flags & ASLRBOOT_SEED_F_FIXED;
	if (rec->credited_bits < CREDIT_STRONG)
		rec->flags |= ASLRBOOT_SEED_F_WEAK;
	rand_drbg_init(&d, master, RAND_DOMAIN_KERNEL_SEED);
	rand_drbg_bytes(&d, rec->seed, sizeof(rec->seed));
	rand_drbg_wipe(&d);
	p->phase = RAND_POOL_DONE;
	return LDR_OK;
}
