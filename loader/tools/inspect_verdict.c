// SPDX-License-Identifier: MIT
/*
 * The verdict of aslrboot-inspect, shared with aslrboot-unify: would the
 * loader take this kernel?  The loader's own validator (validate_choose),
 * then for the native protocol the real layout planner over a synthetic
 * memory map of r->ram bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../handoff/handoff.h"
#include "../log.h"
#include "../memmap.h"
#include "inspect.h"

static void reject(struct inspect_report *r, const char *stage, const char *file)
{
	r->loadable = false;
	r->failed_stage = stage;
	ldr_format_diag(r->error_line, sizeof(r->error_line), file, &r->diag);
}

/*
 * The layout the loader would make: USABLE [0, ram), no modules or reserved
 * ranges, and the info-block bound the native plan stage uses.  A fixed key
 * makes the report reproducible; slot counts, not the draws, give the bits.
 */
static void plan(struct inspect_report *r)
{
	static struct memmap mm;
	static struct layout_plan lp;
	static const uint8_t key[32] = "aslrboot-inspect fixed key 0001";
	struct mm_entry ram = { 0, r->ram, ASLRBOOT_MEM_USABLE };
	struct boot_env env = { .mmap = &ram, .mmap_count = 1 };
	struct layout_request req = { .img = &r->img, .allow_1g = true };
	struct rand_drbg rng;
	enum ldr_err err;

	if (r->policy & ELF_POL_LINUX64) {
		r->entropy_note =
			r->img.movable == ELF_MOVE_NONE ?
				"this linux64 kernel is not relocatable: loaded at its link address, "
				"no physical or virtual ASLR" :
				"linux64 kernels get one random physical base and no virtual "
				"ASLR; per-region entropy is reported for the native protocol only";
		return;
	}
	if (memmap_normalize(&ram, 1, &mm, &r->diag)) {
		reject(r, "layout", "memory map");
		return;
	}
	req.info_size = handoff_size_bound(&env, LAYOUT_MAX_REGIONS, LAYOUT_MAX_UNITS, mm.count,
					   2 * LAYOUT_MAX_REGIONS + 64);
	err = inspect_units_request(r, &req);
	if (err == LDR_E_NOMEM) {
		fprintf(stderr, "%s: out of memory\n", r->tool);
		exit(2);
	}
	if (err) {
		reject(r, "validate", r->path);
		r->entropy_note = VALIDATE_HINT_ONLY_SECTIONS;
		return;
	}
	if (r->sections)
		req.info_size = handoff_size_bound(&env, LAYOUT_MAX_REGIONS + r->img.sec.nunits,
						   r->img.sec.nunits, mm.count,
						   2 * LAYOUT_MAX_REGIONS + 64);
	rand_drbg_init(&rng, key, RAND_DOMAIN_LAYOUT);
	inspect_fit(r, &req, &mm);
	if (layout_plan(&req, &mm, &rng, &lp, &r->diag)) {
		reject(r, "layout", r->path);
		r->entropy_note = "no layout fits this much RAM";
	} else {
		r->have_plan = true;
		r->plan = &lp;
	}
	rand_drbg_wipe(&rng);
}

/* The machine the verdict is for: the file's own e_machine when aslrboot has
 * a loader for it (x86-64, AArch64); otherwise the host's, which the
 * validator refuses with E_MACHINE. */
static uint16_t file_machine(const uint8_t *buf, size_t size)
{
	uint16_t m = size >= 20 ? (uint16_t)(buf[18] | buf[19] << 8) : 0;

	return m == ELF_MACHINE_X86_64 || m == ELF_MACHINE_AARCH64 ? m : ELF_MACHINE_NATIVE;
}

void inspect_judge(struct inspect_report *r, const uint8_t *buf, size_t size)
{
	r->loadable = true;
	if (validate_choose(buf, size, file_machine(buf, size), r->proto, false, &r->img,
			    &r->verdict, &r->diag)) {
		reject(r, "validate", r->path);
		r->entropy_note = "the validator rejected the file";
		return;
	}
	r->policy = r->img.policy;
	if (r->verdict.linux64)
		validate_why(&r->verdict, &r->img, r->why, sizeof(r->why));
	r->parsed = true;
	plan(r);
}
