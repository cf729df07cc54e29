/* SPDX-License-Identifier: MIT */
/*
 * The seed file \EFI\aslrboot\random-seed, as systemd-boot's random-seed.c
 * does it: read it, let the core mix it in, and replace it (written and
 * flushed) before the kernel's seed is derived, so no two boots see the
 * same bytes.  A file that cannot be replaced is mixed in but not credited.
 * aslrboot never creates it: `dd if=/dev/urandom of=<ESP>/EFI/aslrboot/random-seed
 * bs=32 count=1` does.
 */
#include "efi_fe.h"
#include "../rand/rand.h"

#define SEED_PATH "\\EFI\\aslrboot\\random-seed"

void efi_seed_read(struct efi_ctx *c, struct boot_entropy_input *in)
{
	void *data;
	uint64_t size;
	EFI_STATUS s = efi_file_read(c, SEED_PATH, RAND_SEED_FILE_MAX, &data, &size);

	__builtin_memset(in, 0, sizeof(*in));
	in->source = ASLRBOOT_SRC_SEED_FILE;
	if (s == EFI_NOT_FOUND) {
		in->status = ASLRBOOT_ENT_ABSENT;
		return;
	}
	if (EFI_ERROR(s)) { /* unreadable or over the cap */
		in->status = ASLRBOOT_ENT_FAILED;
		return;
	}
	in->status = ASLRBOOT_ENT_OK;
	in->data = data;
	in->len = (uint32_t)size;
	in->credit_bits = size * 8 < 256 ? (uint32_t)size * 8 : 256;
	s = efi_file_open(c, SEED_PATH, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, &c->seed_fh);
	if (EFI_ERROR(s)) {
		c->seed_fh = NULL;
		in->read_only = true;
		return;
	}
	c->ops.store_seed = efi_seed_store;
}

enum ldr_err efi_seed_store(void *ctx, const uint8_t *seed, size_t len)
{
	struct efi_ctx *c = ctx;
	EFI_STATUS s;

	if (!c->seed_fh || c->ebs_called)
		return LDR_E_SEED_FILE;
	s = efi_file_rewrite(c->seed_fh, seed, len);
	efi_seed_close(c);
	return EFI_ERROR(s) ? LDR_E_SEED_FILE : LDR_OK;
}

void efi_seed_close(struct efi_ctx *c)
{
	if (c->seed_fh && !c->ebs_called)
		c->seed_fh->Close(c->seed_fh);
	c->seed_fh = NULL;
}
