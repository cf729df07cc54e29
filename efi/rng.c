/* SPDX-License-Identifier: MIT */
/*
 * EFI_RNG_PROTOCOL (UEFI 2.10, 37.5): the RAW algorithm first (unprocessed
 * noise for our own conditioning), then the firmware's default.  Missing,
 * EFI_NOT_READY or EFI_UNSUPPORTED is not fatal: the core mixes in what
 * there is and applies the entropy policy (OpenBSD efirng.c, Linux
 * libstub random.c).
 */
#include "efi_fe.h"

#define EFI_RNG_CREDIT 256 /* bits; the core caps by 8 * len and policy */

static EFI_GUID rng_guid = EFI_RNG_PROTOCOL_GUID;
static EFI_GUID raw_guid = EFI_RNG_ALGORITHM_RAW;

void efi_rng_collect(struct efi_ctx *c, struct boot_entropy_input *in)
{
	EFI_RNG_PROTOCOL *rng = NULL;
	EFI_STATUS s;

	__builtin_memset(in, 0, sizeof(*in));
	in->source = ASLRBOOT_SRC_EFI_RNG;
	s = c->bs->LocateProtocol(&rng_guid, NULL, (void **)&rng);
	if (EFI_ERROR(s) || !rng) {
		in->status = ASLRBOOT_ENT_ABSENT;
		return;
	}
	s = rng->GetRNG(rng, &raw_guid, sizeof(in->bytes), in->bytes);
	if (s == EFI_UNSUPPORTED)
		s = rng->GetRNG(rng, NULL, sizeof(in->bytes), in->bytes);
	if (s == EFI_SUCCESS) {
		in->status = ASLRBOOT_ENT_OK;
		in->len = sizeof(in->bytes);
		in->credit_bits = EFI_RNG_CREDIT;
	} else {
		__builtin_memset(in->bytes, 0, sizeof(in->bytes));
		in->status = (s == EFI_NOT_READY || s == EFI_UNSUPPORTED) ? ASLRBOOT_ENT_ABSENT :
									    ASLRBOOT_ENT_FAILED;
	}
}
