/* SPDX-License-Identifier: MIT */
/*
 * ExitBootServices with the retry the UEFI spec allows (UEFI 2.10, 7.4
 * EFI_BOOT_SERVICES.ExitBootServices(): EFI_INVALID_PARAMETER means MapKey
 * is stale; the caller gets the map again and retries, and may call only
 * GetMemoryMap() and ExitBootServices() in between).  Same pattern as
 * Linux's efi_exit_boot_services() (drivers/firmware/efi/libstub).
 * Nothing may print between the last GetMemoryMap() and the exit: console
 * output can allocate and change the map.  Compiles for the host.
 */
#include "efi_fe.h"

EFI_STATUS efi_exit_boot_services(EFI_BOOT_SERVICES *bs, EFI_HANDLE image, struct efi_mmap *m)
{
	EFI_STATUS s = efi_mmap_get(bs, m);

	if (EFI_ERROR(s))
		return s;
	s = bs->ExitBootServices(image, m->key);
	if (s != EFI_INVALID_PARAMETER)
		return s;
	/* The buffer was sized with slack, so this cannot need an allocation. */
	s = efi_mmap_get(bs, m);
	if (EFI_ERROR(s))
		return s;
	return bs->ExitBootServices(image, m->key);
}
