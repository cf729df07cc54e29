/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86 boot_params "zero page", built from scratch for the linux64
 * path (Documentation/arch/x86/boot.rst, zero-page.rst; offsets below are
 * those of Linux's struct boot_params).  Pure functions
 * over caller buffers: host-testable, no sizes trusted.
 */
#ifndef LDR_BOOTPARAMS_H
#define LDR_BOOTPARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "../../include/ldr_errors.h"
#include "../memmap.h"

#define BP_SIZE 4096u
#define BP_ACPI_RSDP_ADDR 0x070	   /* u64 (protocol 2.14+) */
#define BP_EXT_RAMDISK_IMAGE 0x0c0 /* u32: high halves of the 0x218/0x21c fields */
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8	/* u8 */
#define BP_BOOT_FLAG 0x1fe	/* u16 0xAA55 */
#define BP_HEADER 0x202		/* u32 "HdrS" */
#define BP_VERSION 0x206	/* u16 */
#define BP_TYPE_OF_LOADER 0x210 /* u8 */
#define BP_LOADFLAGS 0x211	/* u8 */
#define BP_RAMDISK_IMAGE 0x218	/* u32 */
#define BP_RAMDISK_SIZE 0x21c	/* u32 */
#define BP_CMD_LINE_PTR 0x228	/* u32 */
#define BP_CMDLINE_SIZE 0x238	/* u32, strlen + 1 (memtest86+ needs the NUL inside) */
#define BP_SETUP_DATA 0x250	/* u64, physical address of the first record */
#define BP_E820_TABLE 0x2d0	/* 128 x {u64 addr, u64 size, u32 type}, packed */

#define BP_BOOT_FLAG_MAGIC 0xaa55u
#define BP_HEADER_MAGIC 0x53726448u /* "HdrS" */
#define BP_PROTOCOL_VERSION 0x020fu
#define BP_LOADER_UNDEFINED 0xffu /* type_of_loader: no assigned id */
#define BP_LOADED_HIGH 0x01u
#define BP_E820_MAX 128u
#define BP_E820_ENTRY_SIZE 20u

#define E820_RAM 1u
#define E820_RESERVED 2u
#define E820_ACPI 3u
#define E820_NVS 4u
#define E820_UNUSABLE 5u

#define SETUP_RNG_SEED 9u
#define BP_SETUP_HDR 16u /* u64 next, u32 type, u32 len */
#define BP_SEED_BYTES 32u

struct bp_e820 {
	uint64_t addr, size;
	uint32_t type;
};

struct bp_input {
	uint64_t cmdline;	      /* physical address (< 4 GiB), NUL-terminated */
	uint32_t cmdline_size;	      /* strlen + 1 */
	uint64_t initrd, initrd_size; /* 0, 0 if none */
	uint64_t setup_data;	      /* physical address of the first record, or 0 */
	uint64_t acpi_rsdp;	      /* 0 if none (UEFI: not in the legacy BIOS area) */
	const struct bp_e820 *e820;
	uint32_t e820_count; /* <= BP_E820_MAX */
};

/* Zero the page and fill the fields above.  E_BOOTPARAMS if page_len <
 * BP_SIZE, e820_count > BP_E820_MAX, the cmdline pointer or size is 0 or
 * the cmdline pointer is >= 4 GiB (Linux reads it through a u32 first). */
enum ldr_err bp_build(uint8_t *page, size_t page_len, const struct bp_input *in,
		      struct ldr_diag *diag);

/* e820 type of an ASLRBOOT_MEM_* type: what the kernel may use as RAM. */
uint32_t bp_e820_type(uint32_t mem_type);

/* The normalized map as an e820 table, adjacent ranges of one e820 type
 * merged.  E_E820_FULL if more than `cap` entries would be needed. */
enum ldr_err bp_e820_from_memmap(const struct memmap *mm, struct bp_e820 *out, uint32_t cap,
				 uint32_t *count, struct ldr_diag *diag);

/*
 * Move the largest RAM entry that ends at or below 4 GiB to the front of the
 * table, the others keeping their order (e820 order is not promised: Linux
 * and memtest86+ sort the table, Unikraft inserts each entry in address
 * order).  For a kernel that takes its early page
 * tables from the top of the first RAM entry below 4 GiB big enough, as
 * Nanos does: that entry is then the big one, as on Firecracker, not a few
 * MiB between firmware ranges.
 */
void bp_e820_big_ram_first(struct bp_e820 *e, uint32_t n);

/* One SETUP_RNG_SEED record (next = 0) of `n` seed bytes at buf.  *len =
 * its size.  E_BOOTPARAMS if it does not fit in cap or n is 0 or > 256. */
enum ldr_err bp_rng_seed(uint8_t *buf, size_t cap, const uint8_t *seed, uint32_t n, size_t *len,
			 struct ldr_diag *diag);

/* strlen("random.seed=[0x........ x8]"): Unikraft's libparam array syntax. */
#define BP_SEED_ARG_LEN (13u + 8u * 11u)

/*
 * The kernel's command line into dst: `cmdline` (NULL = empty) as is, or,
 * with `seed` (8 words), its first token (argv[0] for Unikraft; "kernel" if
 * there is none), then `random.seed=[0x........ ...]`, then the rest.
 * *len = strlen of the result.  E_BOOTPARAMS if it does not fit in cap
 * with its NUL.
 */
enum ldr_err bp_cmdline(char *dst, size_t cap, const char *cmdline, size_t cmdline_len,
			const uint32_t *seed, size_t *len, struct ldr_diag *diag);

#endif
