/* SPDX-License-Identifier: MIT */
/*
 * The unified image: aslrboot.efi plus PE sections that carry the kernel
 * and what goes with it, signed as one file.  This parser reads the PE32+
 * headers and section table of either the file (raw data at
 * PointerToRawData) or the image as the firmware loaded it (at
 * VirtualAddress), validates them as hostile input and says where each
 * piece is.  Freestanding: the UEFI front end, aslrboot-unify and the host
 * tests share it.
 *
 *   .kernel          the kernel ELF, byte for byte (required once any of
 *                    these sections is there; non-empty)
 *   .cmdline         the kernel command line: UTF-8, no NUL, no control
 *                    character but tab, <= BOOT_MAX_CMDLINE bytes
 *   .config          aslrboot.cfg text, <= CONFIG_MAX_INPUT bytes, UTF-8 with
 *                    no NUL or control character but tab and line ends; it
 *                    may not set kernel=, module= or cmdline= (they have
 *                    sections)
 *   .mod0 .. .mod15  module N's bytes, numbered from 0 without gaps
 *   .modstr          one NUL-terminated "name args" string per module; there
 *                    iff modules are
 * Content size is VirtualSize (SizeOfRawData >= VirtualSize); each is
 * initialized read-only data, neither writable nor executable.
 */
#ifndef LDR_UNIFIED_H
#define LDR_UNIFIED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../boot_env.h"
#include "../config.h"
#include "../../include/ldr_errors.h"

#define UNIFIED_MAX_SECTIONS 96			/* the PE loaders' limit */
#define UNIFIED_MAX_PAYLOAD (UINT64_C(1) << 30) /* kernel/module cap, as for files */
/* One .modstr string without its NUL: a module path, a blank, its args. */
#define UNIFIED_MAX_MODULE_STRING (CONFIG_MAX_PATH + 1 + CONFIG_MAX_MODULE_ARGS)

/* PE/COFF constants (Microsoft PE format specification). */
#define PE_MACHINE_AMD64 0x8664
#define PE_MACHINE_ARM64 0xaa64
#define PE_OPT_MAGIC_PE32PLUS 0x20b
#define PE_SUBSYSTEM_EFI_APPLICATION 10
#define PE_DIR_CERTIFICATE 4 /* data directory: the Authenticode signatures */
#define PE_DIR_DEBUG 6
#define PE_COFF_HEADER_SIZE 20
#define PE_OPT_FIXED_SIZE 112 /* PE32+ optional header before the data directories */
#define PE_SECTION_HEADER_SIZE 40
#define PE_SCN_CNT_CODE 0x20u
#define PE_SCN_CNT_INITIALIZED_DATA 0x40u
#define PE_SCN_CNT_UNINITIALIZED_DATA 0x80u
#define PE_SCN_MEM_EXECUTE 0x20000000u
#define PE_SCN_MEM_READ 0x40000000u
#define PE_SCN_MEM_WRITE 0x80000000u
/* What every unified-image section is, among these bits: read-only data. */
#define UNIFIED_SCN_KIND_MASK                                                            \
	(PE_SCN_CNT_CODE | PE_SCN_CNT_INITIALIZED_DATA | PE_SCN_CNT_UNINITIALIZED_DATA | \
	 PE_SCN_MEM_EXECUTE | PE_SCN_MEM_READ | PE_SCN_MEM_WRITE)
#define UNIFIED_SCN_FLAGS (PE_SCN_CNT_INITIALIZED_DATA | PE_SCN_MEM_READ)

/* Where raw section data is: at PointerToRawData (a file) or at
 * VirtualAddress (an image the firmware loaded). */
enum unified_view {
	UNIFIED_VIEW_FILE,
	UNIFIED_VIEW_MEMORY,
};

struct pe_section {
	char name[9]; /* NUL-terminated copy of the 8-byte field */
	uint32_t vsize, va, raw_size, raw_ptr, flags;
};

/* The PE facts the checks and aslrboot-unify need; offsets into the file. */
struct pe_info {
	uint16_t machine;
	uint16_t nsections;
	uint32_t coff_off; /* the COFF file header, after "PE\0\0" */
	uint32_t opt_off, opt_size;
	uint32_t sect_off; /* the section table */
	uint32_t file_align, sect_align;
	uint32_t size_of_image, size_of_headers;
	uint32_t nrva;		      /* data directories */
	uint32_t cert_off, cert_size; /* the certificate table's entry (a file range) */
	uint32_t debug_size;	      /* the debug directory's size (0: none) */
	uint64_t raw_end;	      /* end of the last raw data in the file */
	uint32_t first_va;	      /* lowest section VirtualAddress */
	struct pe_section sect[UNIFIED_MAX_SECTIONS];
};

/* Bytes [off, off + size) of the parsed buffer; size 0: absent. */
struct unified_piece {
	uint64_t off, size;
};

struct unified_image {
	struct pe_info pe;
	bool present; /* the image has a .kernel section */
	struct unified_piece kernel, cmdline, config, modstr;
	uint32_t module_count;
	struct unified_piece modules[BOOT_MAX_MODULES];
	/* Module i's NUL-terminated string: an offset into the buffer. */
	uint64_t module_string[BOOT_MAX_MODULES];
	/* The .config, parsed to validate it (keys_seen tells what it set). */
	struct boot_config config_parsed;
	/* The last refusal: diag->what points at err_what ("section .mod3",
	 * "PE header"), err_why says what is wrong. */
	char err_what[48];
	const char *err_why;
};

/*
 * Parse buf[0..size) (a file, or a loaded image of SizeOfImage bytes) into
 * *u.  LDR_OK with u->present = false for a PE32+ EFI application without
 * any of the sections above.  Every refusal is LDR_E_UNIFIED with *d naming
 * the header or section and the field (d->what = u->err_what, d->field, the
 * value; for a "Name" the section's index in the table) and u->err_why the
 * rule it breaks.
 */
enum ldr_err unified_parse(const uint8_t *buf, uint64_t size, enum unified_view view,
			   struct unified_image *u, struct ldr_diag *d);

/* Headers and section table only (unified_parse's first half). */
enum ldr_err unified_parse_pe(const uint8_t *buf, uint64_t size, enum unified_view view,
			      struct unified_image *u, struct ldr_diag *d);

/*
 * The refusal as one line, without prefix or newline:
 *   error: <file>: section .mod3: VirtualSize = 0x0: empty section [E_UNIFIED]
 * Returns the length it needed (as ldr_snprintf).
 */
size_t unified_format_error(char *buf, size_t n, const char *file, const struct unified_image *u,
			    const struct ldr_diag *d);

/*
 * Text a .cmdline or .modstr string may hold (lines false) or a .config
 * (lines true): UTF-8 without NUL or control characters (C0, DEL, C1) but
 * tab, and for lines also newline and CR before a newline.  Anything else
 * is CONTROL or UTF8 with *bad its offset.
 */
enum unified_text {
	UNIFIED_TEXT_OK,
	UNIFIED_TEXT_CONTROL,
	UNIFIED_TEXT_UTF8,
};
enum unified_text unified_text_check(const uint8_t *p, uint64_t n, bool lines, uint64_t *bad);

/* Record a refusal in *u and *d: what = "<prefix><name>". */
enum ldr_err unified_fail(struct unified_image *u, struct ldr_diag *d, const char *prefix,
			  const char *name, const char *field, uint64_t value, const char *why);

#endif
