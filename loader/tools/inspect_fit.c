// SPDX-License-Identifier: MIT
/*
 * aslrboot-inspect: does the kernel fit in --ram bytes on every draw?  The
 * planner decides that before it draws anything (it packs every physical
 * region into free memory first; see loader/layout.c), so one plan answers
 * it; the draws with other layout keys show it, and show how often tight
 * memory cost a placement entropy (reduced) or all of it (packed).
 */
#include <stdio.h>
#include <string.h>

#include "inspect.h"

#define U(x) ((unsigned long long)(x))

void inspect_fit(struct inspect_report *r, const struct layout_request *req,
		 const struct memmap *mm)
{
	static struct layout_plan lp;
	struct inspect_fit *f = &r->fit;

	memset(f, 0, sizeof(*f));
	f->checked = true;
	f->min_phys_mbits = UINT32_MAX;
	for (uint32_t k = 0; k < INSPECT_FIT_DRAWS; k++) {
		uint8_t key[32] = "aslrboot-inspect fit key";
		struct ldr_diag d = { 0 };
		struct rand_drbg rng;
		memcpy(key + 28, &k, sizeof(k));
		rand_drbg_init(&rng, key, RAND_DOMAIN_LAYOUT);
		if (layout_plan(req, mm, &rng, &lp, &d) == LDR_OK) {
			f->planned++;
			f->reduced += lp.phys_reduced != 0;
			f->packed += lp.phys_packed != 0;
			for (uint32_t i = 0; i < lp.count; i++) {
				const struct layout_region *g = &lp.r[i];
				if (g->kind == ASLRBOOT_RGN_GUARD ||
				    g->kind == ASLRBOOT_RGN_DIRECT_MAP ||
				    g->phys_mbits >= f->min_phys_mbits)
					continue;
				f->min_phys_mbits = g->phys_mbits;
				memcpy(f->min_name, g->name, sizeof(f->min_name));
			}
		}
		rand_drbg_wipe(&rng);
	}
}

void inspect_fit_text(const struct inspect_report *r)
{
	const struct inspect_fit *f = &r->fit;

	if (!f->checked)
		return;
	if (!f->planned) {
		printf("placement on %llu MiB: does not fit, on any draw (%u layout keys tried)\n",
		       U(r->ram >> 20), INSPECT_FIT_DRAWS);
		return;
	}
	printf("placement on %llu MiB: %s: %u of %u layout keys planned; %u with a placement "
	       "reduced by tight memory, %u with one packed (0 bits); lowest physical entropy "
	       "%u.%03u bits (%s)\n",
	       U(r->ram >> 20),
	       f->planned == INSPECT_FIT_DRAWS ? "fits on every draw" : "FAILS on some draws",
	       f->planned, INSPECT_FIT_DRAWS, f->reduced, f->packed, f->min_phys_mbits / 1000,
	       f->min_phys_mbits % 1000, f->min_name);
}

/* ,"placement":{...} (or null) for the JSON report. */
void inspect_fit_json(const struct inspect_report *r)
{
	const struct inspect_fit *f = &r->fit;

	printf(",\"placement\":");
	if (!f->checked) {
		printf("null");
		return;
	}
	printf("{\"fits_every_draw\":%s,\"draws\":%u,\"planned\":%u,\"reduced_draws\":%u,"
	       "\"packed_draws\":%u",
	       f->planned == INSPECT_FIT_DRAWS ? "true" : "false", INSPECT_FIT_DRAWS, f->planned,
	       f->reduced, f->packed);
	if (f->planned)
		printf(",\"min_phys_bits\":%u.%03u,\"min_phys_region\":\"%s\"",
		       f->min_phys_mbits / 1000, f->min_phys_mbits % 1000, f->min_name);
	printf("}");
}
