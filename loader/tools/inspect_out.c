// SPDX-License-Identifier: MIT
/* aslrboot-inspect: the text and JSON forms of one report (same content). */
#include <stdio.h>
#include <string.h>

#include "../../include/aslrboot.h"
#include "../../include/ldr_errors.h"
#include "inspect.h"

#define U(x) ((unsigned long long)(x))

const char *inspect_kind_name(uint32_t kind)
{
	switch (kind) {
	case ASLRBOOT_RGN_KERNEL_SEGMENT: return "kernel-segment";
	case ASLRBOOT_RGN_STACK: return "stack";
	case ASLRBOOT_RGN_GUARD: return "guard";
	case ASLRBOOT_RGN_HEAP: return "heap";
	case ASLRBOOT_RGN_BOOT_INFO: return "boot-info";
	case ASLRBOOT_RGN_PAGE_TABLES: return "page-tables";
	case ASLRBOOT_RGN_DIRECT_MAP: return "direct-map";
	case ASLRBOOT_RGN_TRAMPOLINE: return "trampoline";
	case ASLRBOOT_RGN_KERNEL_SECTION: return "kernel-section";
	}
	return "unknown";
}

uint32_t inspect_kernel_virt_mbits(const struct inspect_report *r)
{
	int i = r->have_plan ? layout_find(r->plan, ASLRBOOT_RGN_KERNEL_SEGMENT) : -1;

	if (r->have_plan && r->sections)
		return r->plan->window_mbits;
	return i < 0 ? 0 : r->plan->r[i].virt_mbits;
}

static const char *pflags(uint32_t f, char buf[4])
{
	buf[0] = f & PF_R ? 'R' : '-';
	buf[1] = f & PF_W ? 'W' : '-';
	buf[2] = f & PF_X ? 'X' : '-';
	buf[3] = 0;
	return buf;
}

const char *inspect_prot_str(uint32_t p, char buf[4])
{
	buf[0] = p & ASLRBOOT_PROT_R ? 'r' : '-';
	buf[1] = p & ASLRBOOT_PROT_W ? 'w' : '-';
	buf[2] = p & ASLRBOOT_PROT_X ? 'x' : '-';
	buf[3] = 0;
	return buf;
}

static const char *etype(uint16_t t)
{
	return t == ET_DYN ? "ET_DYN" : t == ET_EXEC ? "ET_EXEC" : t == ET_REL ? "ET_REL" : "other";
}

/* glibc's _dl_protect_relro rounding (both ends down), as elf/ does. */
static void relro_pages(const struct elfview *v, uint64_t *lo, uint64_t *hi)
{
	*lo = v->relro_vaddr & ~UINT64_C(0xfff);
	*hi = (v->relro_vaddr + v->relro_memsz) & ~UINT64_C(0xfff);
}

/* ---- text ---- */

static void text_listing(const struct elfview *v)
{
	char f[4], buf[16];

	printf("ELF: %s, e_machine %u, entry 0x%llx\n", etype(v->eh.e_type), v->eh.e_machine,
	       U(v->eh.e_entry));
	printf("program headers (libelf):\n  %3s %-13s %-10s %-18s %-10s %-10s %-9s %s\n", "#",
	       "type", "offset", "vaddr", "filesz", "memsz", "align", "flags");
	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];
		const char *t = ev_ptype_name(p->type);

		if (!t)
			snprintf(buf, sizeof(buf), "0x%x", p->type);
		printf("  %3zu %-13s 0x%08llx 0x%016llx 0x%08llx 0x%08llx 0x%07llx %s\n", i,
		       t ? t : buf, U(p->offset), U(p->vaddr), U(p->filesz), U(p->memsz),
		       U(p->align), pflags(p->flags, f));
	}
	if (v->has_relro) {
		uint64_t lo, hi;

		relro_pages(v, &lo, &hi);
		printf("RELRO: 0x%llx + 0x%llx; read-only after relocation: [0x%llx, 0x%llx)\n",
		       U(v->relro_vaddr), U(v->relro_memsz), U(lo), U(hi));
	} else {
		printf("RELRO: none\n");
	}
}

static void text_relocs(const struct elfview *v)
{
	if (!v->has_dynamic) {
		printf("dynamic section: none (no relocations)\n");
		return;
	}
	printf("dynamic section (libelf): DT_RELA %llu entries, DT_JMPREL %llu, DT_RELR %llu "
	       "words (%llu addresses)%s%s\n",
	       U(v->tab[EV_RELA].count), U(v->tab[EV_JMPREL].count), U(v->tab[EV_RELR].count),
	       U(v->relr_addrs), v->has_needed ? ", DT_NEEDED" : "",
	       v->has_textrel ? ", TEXTREL" : "");
	printf("relocations by type:\n");
	for (uint32_t i = 0; i < v->ntypes; i++) {
		char k[40];
		bool known = ev_rtype_label(v->eh.e_machine, v->by_type[i].type, ' ', k, sizeof(k));

		printf("  %-25s %10llu%s\n", k, U(v->by_type[i].n), known ? "" : " (unknown type)");
	}
	if (v->other_types)
		printf("  %-25s %10llu\n", "more types", U(v->other_types));
	if (v->relr_addrs)
		printf("  %-25s %10llu\n", "RELR (relative)", U(v->relr_addrs));
}

static void text_note(const struct elfview *v)
{
	if (!v->has_note)
		printf("aslrboot note: none (defaults: stack 64 KiB, heap 1 MiB)\n");
	else if (v->note_descsz != sizeof(v->note))
		printf("aslrboot note: descriptor of %u bytes (want %zu)\n", v->note_descsz,
		       sizeof(v->note));
	else
		printf("aslrboot note: version %u, stack 0x%llx, heap 0x%llx, flags 0x%x\n",
		       v->note.version, U(v->note.stack_size), U(v->note.heap_size), v->note.flags);
}

static void text_entropy(const struct inspect_report *r)
{
	char p[4];

	if (!r->have_plan) {
		printf("entropy: not reported: %s\n", r->entropy_note);
		return;
	}
	printf("entropy on %llu MiB of RAM (layout_plan, fixed key; bits = log2 of equally "
	       "likely slots):\n  %-15s %-15s %-18s %4s %10s %10s\n",
	       U(r->ram >> 20), "kind", "name", "size", "prot", "virt bits", "phys bits");
	for (uint32_t i = 0; i < r->plan->count; i++) {
		const struct layout_region *g = &r->plan->r[i];

		if (g->kind == ASLRBOOT_RGN_KERNEL_SECTION)
			continue; /* one per unit: the units listing has them */
		printf("  %-15s %-15s 0x%016llx %4s %6u.%03u %6u.%03u\n",
		       inspect_kind_name(g->kind), g->name, U(g->size),
		       inspect_prot_str(g->prot, p), g->virt_mbits / 1000, g->virt_mbits % 1000,
		       g->phys_mbits / 1000, g->phys_mbits % 1000);
	}
	if (r->sections)
		printf("  %-15s %u regions, one per unit: see units\n", "kernel-section",
		       r->plan->nunits);
	printf("kernel %s: %u.%03u bits\n", r->sections ? "window" : "virtual base",
	       inspect_kernel_virt_mbits(r) / 1000, inspect_kernel_virt_mbits(r) % 1000);
}

void inspect_print_text(const struct inspect_report *r)
{
	printf("%s: %zu bytes, policy %s\n", r->path, r->size, r->policy_name);
	if (r->loadable)
		printf("verdict: loadable\n");
	else
		printf("verdict: NOT loadable (%s): %s\n", r->failed_stage, r->error_line);
	if (r->verdict.hint)
		printf("hint: %s\n", r->verdict.hint);
	if (r->parsed)
		printf("protocol: %s%s\n", r->verdict.linux64 ? "linux64: " : "native",
		       r->verdict.linux64 ? r->why : "");
	if (r->view_ok) {
		text_listing(&r->view);
		text_relocs(&r->view);
		text_note(&r->view);
	}
	if (r->view.err[0])
		printf("libelf: %s\n", r->view.err);
	text_entropy(r);
	inspect_units_text(r);
	inspect_fit_text(r);
}
