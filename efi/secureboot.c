/* SPDX-License-Identifier: MIT */
/*
 * Is Secure Boot enforcing?  The global variables SecureBoot (1 = the
 * firmware verifies images) and SetupMode (0 = a platform key is enrolled,
 * UEFI 2.10, 32.3): on only if SecureBoot is 1 and SetupMode is 0.  A
 * missing or unreadable variable means off; one of the wrong size means
 * off too, with a warning line (a firmware bug worth seeing).
 */
#include "efi_fe.h"
#include "../loader/log.h"

static EFI_GUID global_var = EFI_GLOBAL_VARIABLE;

/* The one-byte variable `name` (ASCII, for the warning) as 0 or 1; -1 if
 * absent, unreadable or not one byte. */
static int read_flag(struct efi_ctx *c, const CHAR16 *name16, const char *name)
{
	UINT8 buf[8];
	UINTN size = sizeof(buf);
	UINT32 attr;
	EFI_STATUS s = c->st->RuntimeServices->GetVariable((CHAR16 *)name16, &global_var, &attr,
							   &size, buf);

	if (s == EFI_BUFFER_TOO_SMALL || (!EFI_ERROR(s) && size != 1)) {
		log_printf(
			"warning: %s variable: %llu bytes, expected 1: Secure Boot taken as off\n",
			name, (unsigned long long)size);
		return -1;
	}
	if (EFI_ERROR(s))
		return -1;
	return buf[0];
}

void efi_secure_boot_read(struct efi_ctx *c)
{
	int sb = read_flag(c, L"SecureBoot", "SecureBoot");
	int setup = read_flag(c, L"SetupMode", "SetupMode");

	c->secure_boot = sb == 1 && setup == 0;
}
