// SPDX-License-Identifier: MIT
/*
 * aslrboot-inspect at section granularity (PROTOCOL.md §13): the mode the
 * loader would choose (validate_granularity), the storage its planner needs for the units, and
 * the text listing of the units with the entropy of the whole arrangement
 * (the window's bits plus each unit's).  Section names and the link-time
 * relocation counts come from libelf (elfview_sect.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

#define U(x) ((unsigned long long)(x))

enum ldr_err inspect_units_request(struct inspect_report *r, struct layout_request *req)
{
	uint32_t n = r->img.sec.nunits, gran;
	enum ldr_err err;

	err = validate_granularity(&r->img,
				   r->force_segment ? BOOT_GRAN_SEGMENT : BOOT_GRAN_SECTION, &gran,
				   &r->sections_unusable, &r->diag);
	if (err || gran != ASLRBOOT_GRANULARITY_SECTION)
		return err;
	r->su = calloc(n, sizeof(*r->su));
	r->store_mem = malloc(layout_store_bytes(n));
	if (!r->su || !r->store_mem)
		return LDR_E_NOMEM;
	elf_section_units(&r->img, r->su);
	layout_store_init(&r->store, r->store_mem, n);
	req->su = r->su;
	req->nsu = n;
	req->store = &r->store;
	r->sections = true;
	return LDR_OK;
}

void inspect_units_free(struct inspect_report *r)
{
	free(r->su);
	free(r->store_mem);
	r->su = NULL;
	r->store_mem = NULL;
}

uint64_t inspect_units_mbits(const struct inspect_report *r)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; r->have_plan && i < r->plan->nunits; i++)
		sum += r->plan->unit[i].virt_mbits;
	return sum;
}

static void bits(uint64_t mbits)
{
	printf("%llu.%03llu", U(mbits / 1000), U(mbits % 1000));
}

static void link_relocs(const struct inspect_report *r)
{
	struct ev_type_count t[EV_MAX_TYPES];
	uint32_t nt;
	uint64_t total = ev_link_relocs(&r->view, t, EV_MAX_TYPES, &nt);

	printf("link-time relocations (libelf, --emit-relocs): %llu\n", U(total));
	for (uint32_t i = 0; i < nt; i++) {
		char k[40];
		bool known = ev_rtype_label(r->view.eh.e_machine, t[i].type, ' ', k, sizeof(k));

		printf("  %-25s %10llu%s\n", k, U(t[i].n), known ? "" : " (unknown type)");
	}
}

void inspect_units_text(const struct inspect_report *r)
{
	const struct layout_plan *p = r->plan;
	char pr[4];

	if (r->sections_unusable)
		printf("granularity: segment (%s)\n", VALIDATE_WARN_NO_LRELOCS);
	else if (r->parsed && r->img.sec.usable)
		printf("granularity: %s (the note asks for sections; %u units)%s\n",
		       r->sections ? "section" : "segment", r->img.sec.nunits,
		       r->sections ? "" : ": forced by --granularity segment");
	else if (r->parsed && !r->verdict.linux64)
		printf("granularity: segment (the note does not ask for sections)\n");
	if (r->view_ok && r->parsed && r->img.sec.wanted)
		link_relocs(r);
	if (!r->sections || !r->have_plan)
		return;
	printf("units: %u allocatable sections, each placed on its own in a window of 0x%llx "
	       "bytes (its base: ",
	       p->nunits, U(p->window_size));
	bits(p->window_mbits);
	printf(" bits)\n  %6s %6s %-24s %-18s %-10s %4s %9s %9s\n", "#", "shndx", "section", "link",
	       "size", "prot", "virt bits", "phys bits");
	for (uint32_t i = 0; i < p->nunits; i++) {
		const struct layout_unit *u = &p->unit[i];
		const char *name = r->view_ok ? ev_section_name(&r->view, u->index) : NULL;

		printf("  %6u %6u %-24s 0x%016llx 0x%08llx %4s %5u.%03u %5u.%03u\n", i, u->index,
		       name ? name : "?", U(u->rec_link), U(u->rec_size),
		       inspect_prot_str(u->prot, pr), u->virt_mbits / 1000, u->virt_mbits % 1000,
		       p->r[u->region].phys_mbits / 1000, p->r[u->region].phys_mbits % 1000);
	}
	printf("entropy of the arrangement: window ");
	bits(p->window_mbits);
	printf(" + units ");
	bits(inspect_units_mbits(r));
	printf(" = ");
	bits(p->window_mbits + inspect_units_mbits(r));
	printf(" bits (");
	bits(p->nunits ? inspect_units_mbits(r) / p->nunits : 0);
	printf(" bits per unit on average)\n");
}
