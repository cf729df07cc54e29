/* SPDX-License-Identifier: MIT */
/*
 * efi/memmap.c and efi/exit.c on the host: memory-map translation (stepping
 * by DescriptorSize, which is checked), and the ExitBootServices retry against a scripted
 * firmware.
 */
#include <string.h>

#include "harness.h"
#include "efi/efi_fe.h"

#define DSZ 48 /* OVMF's DescriptorSize: larger than the struct, as allowed */

static uint8_t raw[64 * DSZ];
static struct efi_mmap m;
static struct mm_entry out[16];
static uint32_t count;
static struct ldr_diag diag;

static void add(uint32_t type, uint64_t base, uint64_t pages, uint64_t attr)
{
	EFI_MEMORY_DESCRIPTOR d = {
		.Type = type, .PhysicalStart = base, .NumberOfPages = pages, .Attribute = attr
	};
	memset(raw + m.size, 0xee, m.desc_size); /* padding must be ignored */
	memcpy(raw + m.size, &d, sizeof(d));
	m.size += m.desc_size;
}

static void reset(UINTN desc_size)
{
	memset(&m, 0, sizeof(m));
	m.buf = raw;
	m.cap = sizeof(raw);
	m.desc_size = desc_size;
}

static enum ldr_err xlate(enum efi_mm_mode mode, uint32_t cap)
{
	memset(&diag, 0, sizeof(diag));
	return efi_mmap_translate(&m, mode, out, cap, &count, &diag);
}

static void test_types(void)
{
	reset(DSZ);
	add(EfiConventionalMemory, 0x0, 0x9f, 0);
	add(EfiBootServicesData, 0x100000, 0x10, 0);
	add(EfiLoaderCode, 0x200000, 1, 0);
	add(EfiRuntimeServicesData, 0x300000, 1, 0);
	add(EfiACPIReclaimMemory, 0x400000, 1, 0);
	add(EfiACPIMemoryNVS, 0x500000, 1, 0);
	add(EfiUnusableMemory, 0x600000, 1, 0);
	add(EfiMemoryMappedIO, 0xfee00000, 1, 0);
	add(14 /* persistent */, 0x700000, 1, 0);
	add(EfiConventionalMemory, 0x800000, 4, 0x40000 /* EFI_MEMORY_SP */);
	EXPECT_ERR(xlate(EFI_MM_PLAN, 16), LDR_OK);
	REQUIRE(count == 10);
	static const uint32_t want[] = {
		ASLRBOOT_MEM_USABLE,
		ASLRBOOT_MEM_LOADER_RECLAIMABLE,
		ASLRBOOT_MEM_LOADER_RECLAIMABLE,
		ASLRBOOT_MEM_FIRMWARE_RUNTIME,
		ASLRBOOT_MEM_ACPI_RECLAIMABLE,
		ASLRBOOT_MEM_ACPI_NVS,
		ASLRBOOT_MEM_BAD,
		ASLRBOOT_MEM_RESERVED,
		ASLRBOOT_MEM_RESERVED,
		ASLRBOOT_MEM_RESERVED,
	};
	for (unsigned i = 0; i < 10; i++)
		EXPECT_EQ(out[i].type, want[i]);
	EXPECT_EQ(out[0].len, 0x9f000);
	EXPECT_EQ(out[7].base, 0xfee00000);
	/* After ExitBootServices, boot-services memory is free. */
	EXPECT_ERR(xlate(EFI_MM_FINAL, 16), LDR_OK);
	EXPECT_EQ(out[1].type, ASLRBOOT_MEM_USABLE);
	EXPECT_EQ(out[2].type, ASLRBOOT_MEM_LOADER_RECLAIMABLE);
}

static void test_merge_and_cap(void)
{
	reset(DSZ);
	add(EfiConventionalMemory, 0x100000, 1, 0);
	add(EfiConventionalMemory, 0x101000, 2, 0);
	add(EfiBootServicesCode, 0x103000, 1, 0); /* merges in FINAL mode only */
	add(EfiLoaderData, 0x200000, 0, 0);	  /* empty: dropped */
	add(EfiConventionalMemory, 0x300000, 1, 0);
	EXPECT_ERR(xlate(EFI_MM_PLAN, 16), LDR_OK);
	EXPECT_EQ(count, 3);
	EXPECT_EQ(out[0].len, 0x3000);
	EXPECT_ERR(xlate(EFI_MM_FINAL, 16), LDR_OK);
	EXPECT_EQ(count, 2);
	EXPECT_EQ(out[0].len, 0x4000);
	EXPECT_ERR(xlate(EFI_MM_FINAL, 1), LDR_E_MEMMAP);
	EXPECT(strcmp(diag.field, "entries") == 0);
}

/* DescriptorSize below the struct (or not 8-aligned, or absurd). */
static void test_descriptor_size(void)
{
	static const UINTN bad[] = { 0, 8, sizeof(EFI_MEMORY_DESCRIPTOR) - 8, 44, 8192 };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset(bad[i]);
		m.size = 2 * sizeof(EFI_MEMORY_DESCRIPTOR);
		EXPECT_ERR(xlate(EFI_MM_PLAN, 16), LDR_E_MEMMAP);
		EXPECT(strcmp(diag.field, "DescriptorSize") == 0);
		EXPECT_EQ(diag.value, bad[i]);
		EXPECT_EQ(count, 0);
	}
	/* Exactly the struct size is fine; a partial trailing entry is ignored. */
	reset(sizeof(EFI_MEMORY_DESCRIPTOR));
	add(EfiConventionalMemory, 0x1000, 1, 0);
	m.size += 8;
	EXPECT_ERR(xlate(EFI_MM_PLAN, 16), LDR_OK);
	EXPECT_EQ(count, 1);
}

static void test_bad_sizes(void)
{
	reset(DSZ);
	add(EfiConventionalMemory, 0x1000, UINT64_C(1) << 53, 0); /* pages * 4K wraps */
	EXPECT_ERR(xlate(EFI_MM_PLAN, 16), LDR_E_MEMMAP);
	EXPECT(strcmp(diag.field, "NumberOfPages") == 0);
	reset(DSZ);
	m.size = m.cap + DSZ; /* firmware claims more than the buffer */
	EXPECT_ERR(xlate(EFI_MM_PLAN, 16), LDR_E_MEMMAP);
}

/* A scripted firmware: the map key changes under the first exit. */
static int gmm_calls, ebs_calls, ebs_fail_first;
static EFI_STATUS gmm_status;

static EFI_STATUS EFIAPI fake_gmm(UINTN *size, EFI_MEMORY_DESCRIPTOR *map, UINTN *key, UINTN *dsz,
				  UINT32 *ver)
{
	(void)map;
	gmm_calls++;
	if (gmm_status)
		return gmm_status;
	*size = DSZ;
	*key = 100 + gmm_calls;
	*dsz = DSZ;
	*ver = 1;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_ebs(EFI_HANDLE image, UINTN key)
{
	(void)image;
	ebs_calls++;
	if (ebs_calls <= ebs_fail_first)
		return EFI_INVALID_PARAMETER;
	return key == (UINTN)(100 + gmm_calls) ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

static EFI_STATUS run_exit(int fail_first, EFI_STATUS gmm)
{
	EFI_BOOT_SERVICES bs;

	memset(&bs, 0, sizeof(bs));
	bs.GetMemoryMap = fake_gmm;
	bs.ExitBootServices = fake_ebs;
	gmm_calls = ebs_calls = 0;
	ebs_fail_first = fail_first;
	gmm_status = gmm;
	reset(DSZ);
	return efi_exit_boot_services(&bs, NULL, &m);
}

static void test_exit_retry(void)
{
	EXPECT_EQ(run_exit(0, EFI_SUCCESS), EFI_SUCCESS);
	EXPECT_EQ(gmm_calls, 1);
	EXPECT_EQ(ebs_calls, 1);
	/* Stale key: one fresh map, one more try (UEFI 2.10, 7.4). */
	EXPECT_EQ(run_exit(1, EFI_SUCCESS), EFI_SUCCESS);
	EXPECT_EQ(gmm_calls, 2);
	EXPECT_EQ(ebs_calls, 2);
	EXPECT_EQ(m.key, 102);
	/* Only one retry. */
	EXPECT_EQ(run_exit(2, EFI_SUCCESS), EFI_INVALID_PARAMETER);
	EXPECT_EQ(ebs_calls, 2);
	/* No map, no exit. */
	EXPECT_EQ(run_exit(0, EFI_BUFFER_TOO_SMALL), EFI_BUFFER_TOO_SMALL);
	EXPECT_EQ(ebs_calls, 0);
}

int main(void)
{
	RUN(test_types);
	RUN(test_merge_and_cap);
	RUN(test_descriptor_size);
	RUN(test_bad_sizes);
	RUN(test_exit_retry);
	return harness_done();
}
