/* SPDX-License-Identifier: MIT */
/* aslrboot-inspect: what one run found, shared by inspect.c and its printers. */
#ifndef TOOLS_INSPECT_H
#define TOOLS_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../elf/elf.h"
#include "../layout/layout.h"
#include "../validate.h"
#include "elfview.h"

struct inspect_report {
	const char *tool; /* program name for its own messages */
	const char *path;
	size_t size;
	const char *policy_name;	 /* "auto", "native" or "linux64" */
	uint32_t proto;			 /* enum boot_protocol, as the loader's protocol= */
	uint32_t policy;		 /* ELF_POL_* the verdict was reached with */
	struct validate_verdict verdict; /* validate_choose: linux64 chosen, W^X hint */
	char why[192];			 /* the loader's "linux64: <why>" text, if linux64 */

	bool view_ok; /* libelf read the headers (listing available) */
	struct elfview view;

	/* Verdict: elf_parse, then (native) layout_plan on `ram` bytes. */
	bool loadable;
	const char *failed_stage; /* "validate" or "layout", NULL if loadable */
	struct ldr_diag diag;
	char error_line[512]; /* ldr_format_diag() output */
	struct elf_image img; /* valid once elf_parse accepted */
	bool parsed;

	uint64_t ram; /* bytes of USABLE RAM in the synthetic memory map */
	bool have_plan;
	const struct layout_plan *plan;
	const char *entropy_note; /* why there is no plan, if there is none */

	/* Section granularity (inspect_units.c): --granularity segment forces
	 * the coarser mode, as the loader's option does. */
	bool force_segment;
	bool sections;		 /* the plan places every allocatable section on its own */
	bool sections_unusable;	 /* the note asks for it, the image has no link-time relocations */
	struct elf_sec_unit *su; /* img.sec.nunits units, when `sections` */
	void *store_mem;	 /* layout_store_bytes(nunits) */
	struct layout_store store;

	/* Native policy: the plan over INSPECT_FIT_DRAWS layout keys (inspect_fit.c). */
	struct inspect_fit {
		bool checked;
		uint32_t planned;	  /* keys whose plan succeeded */
		uint32_t reduced, packed; /* of them, with a reduced / a packed placement */
		uint32_t min_phys_mbits;  /* lowest physical entropy of any region */
		char min_name[16];	  /* its region */
	} fit;
};

#define INSPECT_FIT_DRAWS 1000

/* The verdict on buf[0..size) (the file r->path) under r->proto, r->ram and
 * r->force_segment: r->loadable, and on refusal r->diag, r->error_line and
 * r->failed_stage (inspect_verdict.c). */
void inspect_judge(struct inspect_report *r, const uint8_t *buf, size_t size);

/* Fill r->fit from req and mm (the request and map of the entropy report). */
void inspect_fit(struct inspect_report *r, const struct layout_request *req,
		 const struct memmap *mm);
void inspect_fit_text(const struct inspect_report *r);
void inspect_fit_json(const struct inspect_report *r);

/* Section granularity: choose it as the loader does (the note, the link-time
 * relocations, --granularity) and point req at the units and their storage.
 * The loader's refusal (r->diag filled), or E_NOMEM. */
enum ldr_err inspect_units_request(struct inspect_report *r, struct layout_request *req);
void inspect_units_free(struct inspect_report *r);
/* Sum of the units' virtual entropy (mbits); with the window's, the entropy
 * of the whole arrangement. */
uint64_t inspect_units_mbits(const struct inspect_report *r);
void inspect_units_text(const struct inspect_report *r);
void inspect_units_json(const struct inspect_report *r);

/* "rwx" letters of ASLRBOOT_PROT_* bits, '-' for each one not set. */
const char *inspect_prot_str(uint32_t p, char buf[4]);
void inspect_print_text(const struct inspect_report *r);
void inspect_print_json(const struct inspect_report *r);

/* "kernel-segment", "stack", ... for ASLRBOOT_RGN_*. */
const char *inspect_kind_name(uint32_t kind);
/* 1000 * log2(slots) of the kernel's virtual base (one slide for all
 * segments), or at section granularity of the window holding the units. */
uint32_t inspect_kernel_virt_mbits(const struct inspect_report *r);

/* tool_file.c: the whole of `path` in malloc'd memory, *size bytes; NULL
 * after one "<tool>: <path>: <why>" line if it cannot be read or is larger
 * than max bytes. */
uint8_t *tool_read_file(const char *tool, const char *path, uint64_t max, size_t *size);

#endif
