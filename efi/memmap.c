/* SPDX-License-Identifier: MIT */
/*
 * The firmware memory map: fetch it into a buffer sized once (no allocation
 * at exit time, when the map must not change) and translate it into
 * enum aslrboot_mem_type.  Compiles for the host (tests/test_efi_memmap.c).
 */
#include "efi_fe.h"

/* Types and attributes newer than gnu-efi 3.0.15's headers (UEFI 2.10 7.2). */
#define EFI_PERSISTENT_MEMORY 14
#define EFI_UNACCEPTED_MEMORY 15
#define EFI_MEMORY_SP_ATTR UINT64_C(0x40000) /* specific-purpose: not general RAM */

EFI_STATUS efi_mmap_get(EFI_BOOT_SERVICES *bs, struct efi_mmap *m)
{
	UINTN size = m->cap;
	EFI_STATUS s = bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)m->buf, &m->key,
					&m->desc_size, &m->desc_ver);

	m->size = EFI_ERROR(s) ? 0 : size;
	return s;
}

/*
 * While boot services run, only EfiConventionalMemory can be claimed with
 * AllocatePages(AllocateAddress); boot-services memory becomes usable once
 * they exit.  Loader code/data is ours (image, file buffers, the kernel's
 * own allocations, which the core re-marks as KERNEL).
 */
static uint32_t xlate_type(uint32_t t, uint64_t attr, enum efi_mm_mode mode)
{
	switch (t) {
	case EfiConventionalMemory:
		return (attr & EFI_MEMORY_SP_ATTR) ? ASLRBOOT_MEM_RESERVED : ASLRBOOT_MEM_USABLE;
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return mode == EFI_MM_FINAL ? ASLRBOOT_MEM_USABLE : ASLRBOOT_MEM_LOADER_RECLAIMABLE;
	case EfiLoaderCode:
	case EfiLoaderData: return ASLRBOOT_MEM_LOADER_RECLAIMABLE;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData: return ASLRBOOT_MEM_FIRMWARE_RUNTIME;
	case EfiACPIReclaimMemory: return ASLRBOOT_MEM_ACPI_RECLAIMABLE;
	case EfiACPIMemoryNVS: return ASLRBOOT_MEM_ACPI_NVS;
	case EfiUnusableMemory: return ASLRBOOT_MEM_BAD;
	default: /* reserved, MMIO, PAL code, persistent, unaccepted, unknown */
		return ASLRBOOT_MEM_RESERVED;
	}
}

/* Step by DescriptorSize, never by sizeof; adjacent entries of one
 * translated type are merged so large firmware maps still fit. */
enum ldr_err efi_mmap_translate(const struct efi_mmap *m, enum efi_mm_mode mode,
				struct mm_entry *out, uint32_t cap, uint32_t *count,
				struct ldr_diag *diag)
{
	const uint8_t *p = m->buf;
	uint32_t n = 0;

	*count = 0;
	if (m->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR) || m->desc_size > EFI_PAGE_SIZE ||
	    m->desc_size % 8)
		return ldr_fail(diag, LDR_E_MEMMAP, "memory map", -1, "DescriptorSize",
				m->desc_size);
	if (!p || m->size > m->cap)
		return ldr_fail(diag, LDR_E_MEMMAP, "memory map", -1, "MapSize", m->size);
	for (UINTN off = 0, i = 0; m->size - off >= m->desc_size; off += m->desc_size, i++) {
		EFI_MEMORY_DESCRIPTOR d;
		uint64_t len;
		uint32_t type;

		__builtin_memcpy(&d, p + off, sizeof(d));
		if (__builtin_mul_overflow(d.NumberOfPages, (uint64_t)EFI_PAGE_SIZE, &len))
			return ldr_fail(diag, LDR_E_MEMMAP, "memory descriptor", (int64_t)i,
					"NumberOfPages", d.NumberOfPages);
		if (!len)
			continue;
		type = xlate_type(d.Type, d.Attribute, mode);
		if (n && out[n - 1].type == type &&
		    out[n - 1].base + out[n - 1].len == d.PhysicalStart &&
		    !__builtin_add_overflow(out[n - 1].len, len, &out[n - 1].len))
			continue;
		if (n == cap)
			return ldr_fail(diag, LDR_E_MEMMAP, "memory map", -1, "entries", i);
		out[n++] = (struct mm_entry){ d.PhysicalStart, len, type };
	}
	*count = n;
	return LDR_OK;
}
