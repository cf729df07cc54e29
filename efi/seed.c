/* SPDX-License-Identifier: MIT */
/*
 * The seed file \EFI\aslrboot\random-seed, as systemd-boot's random-seed.c
 * does it: read it, let the core mix it in, and replace it (written and
 * flushed) before the kernel's seed is derived, so no two boots see the
 * same bytes.  A missing one is created when the core stores the next seed,
 * so a boot refused before that leaves nothing behind.  The only file ever
 * deleted is one this boot created and then failed to fill; a directory in
 * its place is reported and left alone.
 * Missing, unreadable, wrong-sized or unwritable files are not fatal and
 * earn no credit; one line says why (no layout data in it).
 */
#include "efi_fe.h"
#include "../loader/log.h"
#include "../rand/rand.h"

#define SEED_DIR "\\EFI\\aslrboot"
#define SEED_PATH SEED_DIR "\\random-seed"

static void note(const char *why, const char *detail)
{
	log_printf("seed file %s: %s%s%s; not credited\n", SEED_PATH, why, detail ? ": " : "",
		   detail ? detail : "");
}

/* Create the file (and its directory if need be), open for writing.  Only
 * a new, empty regular file counts as created. */
static EFI_STATUS create(struct efi_ctx *c)
{
	EFI_FILE_HANDLE dir;
	EFI_STATUS s = efi_file_create(c, SEED_PATH, 0, &c->seed_fh);

	if (s == EFI_NOT_FOUND &&
	    !EFI_ERROR(efi_file_create(c, SEED_DIR, EFI_FILE_DIRECTORY, &dir))) {
		dir->Close(dir);
		s = efi_file_create(c, SEED_PATH, 0, &c->seed_fh);
	}
	if (!EFI_ERROR(s) && !efi_file_is(c->seed_fh, 0)) {
		c->seed_fh->Close(c->seed_fh);
		s = EFI_ACCESS_DENIED;
	}
	if (EFI_ERROR(s))
		c->seed_fh = NULL;
	return s;
}

/* Open the file for replacing.  A good file that cannot be replaced is
 * read-only: its bytes would come back next boot, so they earn no credit. */
static void open_rw(struct efi_ctx *c, struct boot_entropy_input *in)
{
	EFI_STATUS s =
		efi_file_open(c, SEED_PATH, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, &c->seed_fh);

	if (!EFI_ERROR(s)) {
		c->ops.store_seed = efi_seed_store;
		return;
	}
	c->seed_fh = NULL;
	if (in->status == ASLRBOOT_ENT_OK) {
		in->read_only = true;
		note("cannot be replaced (mixed in)", efi_status_str(s));
	}
}

void efi_seed_read(struct efi_ctx *c, struct boot_entropy_input *in)
{
	void *data;
	uint64_t size;
	EFI_STATUS s = efi_file_read(c, SEED_PATH, RAND_SEED_FILE_MAX, &data, &size);

	__builtin_memset(in, 0, sizeof(*in));
	in->source = ASLRBOOT_SRC_SEED_FILE;
	if (s == EFI_NOT_FOUND) {
		in->status = ASLRBOOT_ENT_ABSENT;
		if (c->env.opts.fixed_seed_set) { /* seed= stores nothing */
			note("absent", NULL);
			return;
		}
		c->seed_absent = true;
		c->ops.store_seed = efi_seed_store;
		return;
	}
	if (s == EFI_FE_IS_DIRECTORY) {
		in->status = ASLRBOOT_ENT_FAILED;
		note("is a directory (left alone)", NULL);
		return;
	}
	if (EFI_ERROR(s) || size < RAND_SEED_FILE_MIN) {
		/* Unreadable, over 32 KiB or under 32 B: not ours to trust,
		 * but ours to replace if the volume lets us. */
		in->status = ASLRBOOT_ENT_FAILED;
		if (s == EFI_BAD_BUFFER_SIZE)
			note("larger than 32 KiB", NULL);
		else if (EFI_ERROR(s))
			note("cannot be read", efi_status_str(s));
		else
			note("smaller than 32 bytes", NULL);
		if (data)
			rand_wipe(data, size);
		open_rw(c, in);
		return;
	}
	in->status = ASLRBOOT_ENT_OK;
	in->data = data; /* wiped by the core once mixed in */
	in->len = (uint32_t)size;
	/* Under Secure Boot the ESP is not signed: whoever can write it could
	 * plant known bytes, which must not make a boot count as strong.  The
	 * file is still mixed in (it cannot lower the pool's entropy) and
	 * replaced, but only the CPU's and firmware's RNGs earn credit. */
	in->credit_bits = c->secure_boot ? 0 : RAND_STRONG_BITS; /* capped at 8 * len */
	open_rw(c, in);
}

/* No file yet: create it and fill it.  A file this call created and could
 * not fill is deleted: an empty one would only be refused next boot. */
static enum ldr_err store_new(struct efi_ctx *c, const uint8_t *seed, size_t len)
{
	EFI_STATUS s = create(c);

	c->seed_absent = false;
	if (EFI_ERROR(s)) {
		note("absent and cannot be created", efi_status_str(s));
		return LDR_E_SEED_FILE;
	}
	s = efi_file_rewrite(c->seed_fh, seed, len);
	if (EFI_ERROR(s)) {
		c->seed_fh->Delete(c->seed_fh); /* closes the handle too */
		c->seed_fh = NULL;
		note("absent and cannot be written", efi_status_str(s));
		return LDR_E_SEED_FILE;
	}
	efi_seed_close(c);
	note("absent, created for the next boot", NULL);
	return LDR_OK;
}

/* The core logs a failure (one line) and withdraws the file's credit. */
enum ldr_err efi_seed_store(void *ctx, const uint8_t *seed, size_t len)
{
	struct efi_ctx *c = ctx;
	EFI_STATUS s;

	if (c->ebs_called)
		return LDR_E_SEED_FILE;
	if (c->seed_absent)
		return store_new(c, seed, len);
	if (!c->seed_fh)
		return LDR_E_SEED_FILE;
	s = efi_file_rewrite(c->seed_fh, seed, len);
	efi_seed_close(c);
	return EFI_ERROR(s) ? LDR_E_SEED_FILE : LDR_OK;
}

/* Close the file if it is still open; nothing is deleted here. */
void efi_seed_close(struct efi_ctx *c)
{
	if (c->seed_fh && !c->ebs_called)
		c->seed_fh->Close(c->seed_fh);
	c->seed_fh = NULL;
}

/* Return to firmware before the core ran (or after it failed): the inputs
 * may still hold seed material, and their pages go back to the firmware. */
void efi_entropy_wipe(struct efi_ctx *c)
{
	for (uint32_t i = 0; i < c->env.entropy_count; i++) {
		struct boot_entropy_input *e = &c->env.entropy[i];
		if (e->data)
			rand_wipe((void *)(uintptr_t)e->data, e->len);
		rand_wipe(e, sizeof(*e));
	}
}
