/* SPDX-License-Identifier: MIT */
/* ACPI RSDP from the configuration table: the ACPI 2.0+ XSDP if the
 * firmware offers one, else the 1.0 RSDP (UEFI 2.10, 4.6). */
#include "efi_fe.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static bool guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	return __builtin_memcmp(a, b, sizeof(*a)) == 0;
}

void efi_find_rsdp(EFI_SYSTEM_TABLE *st, uint64_t *rsdp, uint32_t *revision)
{
	uint64_t v1 = 0;

	*rsdp = 0;
	*revision = 0;
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		const EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (guid_eq(&t->VendorGuid, &acpi20_guid)) {
			*rsdp = (uint64_t)(uintptr_t)t->VendorTable;
			*revision = 2;
			return;
		}
		if (guid_eq(&t->VendorGuid, &acpi10_guid))
			v1 = (uint64_t)(uintptr_t)t->VendorTable;
	}
	*rsdp = v1;
}
