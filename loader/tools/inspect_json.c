// SPDX-License-Identifier: MIT
/*
 * aslrboot-inspect --json: the text report as one JSON object (RFC 8259).
 * Addresses and sizes are "0x..." strings, counts are numbers, entropy is a
 * number of bits with three decimals.  Bytes outside printable ASCII in
 * strings (file names) are escaped as \u00XX, so the output is always valid
 * JSON and ASCII.
 */
#include <stdio.h>

#include "../../include/ldr_errors.h"
#include "inspect.h"

#define U(x) ((unsigned long long)(x))

static void str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void key(const char *k, bool first)
{
	printf("%s", first ? "" : ",");
	str(k);
	putchar(':');
}

static void hex(const char *k, uint64_t v)
{
	key(k, false);
	printf("\"0x%llx\"", U(v));
}

static void num(const char *k, uint64_t v)
{
	key(k, false);
	printf("%llu", U(v));
}

static void bits(const char *k, uint32_t mbits)
{
	key(k, false);
	printf("%u.%03u", mbits / 1000, mbits % 1000);
}

static void flags(uint32_t f)
{
	char s[4] = { f & PF_R ? 'R' : '-', f & PF_W ? 'W' : '-', f & PF_X ? 'X' : '-', 0 };

	key("flags", false);
	str(s);
}

static void json_segments(const struct elfview *v)
{
	key("segments", false);
	putchar('[');
	for (size_t i = 0; i < v->nphdr; i++) {
		const struct ev_phdr *p = &v->ph[i];
		const char *t = ev_ptype_name(p->type);

		printf("%s{", i ? "," : "");
		key("index", true);
		printf("%zu", i);
		key("type", false);
		if (t)
			str(t);
		else
			printf("\"0x%x\"", p->type);
		hex("offset", p->offset);
		hex("vaddr", p->vaddr);
		hex("paddr", p->paddr);
		hex("filesz", p->filesz);
		hex("memsz", p->memsz);
		hex("align", p->align);
		flags(p->flags);
		putchar('}');
	}
	putchar(']');
}

static void json_relro(const struct elfview *v)
{
	key("relro", false);
	if (!v->has_relro) {
		printf("null");
		return;
	}
	putchar('{');
	key("vaddr", true);
	printf("\"0x%llx\"", U(v->relro_vaddr));
	hex("memsz", v->relro_memsz);
	hex("readonly_start", v->relro_vaddr & ~UINT64_C(0xfff));
	hex("readonly_end", (v->relro_vaddr + v->relro_memsz) & ~UINT64_C(0xfff));
	putchar('}');
}

static void json_relocs(const struct elfview *v)
{
	bool first = true;

	key("dynamic", false);
	putchar('{');
	key("present", true);
	printf(v->has_dynamic ? "true" : "false");
	num("rela_entries", v->tab[EV_RELA].count);
	num("jmprel_entries", v->tab[EV_JMPREL].count);
	num("relr_words", v->tab[EV_RELR].count);
	num("relr_addresses", v->relr_addrs);
	key("needed", false);
	printf(v->has_needed ? "true" : "false");
	key("textrel", false);
	printf(v->has_textrel ? "true" : "false");
	putchar('}');
	key("relocations", false);
	putchar('{');
	for (uint32_t i = 0; i < v->ntypes; i++) {
		char k[40];

		ev_rtype_label(v->eh.e_machine, v->by_type[i].type, '_', k, sizeof(k));
		key(k, first);
		printf("%llu", U(v->by_type[i].n));
		first = false;
	}
	if (v->other_types) {
		key("more_types", first);
		printf("%llu", U(v->other_types));
	}
	putchar('}');
}

static void json_note(const struct elfview *v)
{
	key("note", false);
	if (!v->has_note) {
		printf("null");
		return;
	}
	putchar('{');
	key("descsz", true);
	printf("%u", v->note_descsz);
	if (v->note_descsz == sizeof(v->note)) {
		num("version", v->note.version);
		hex("stack_size", v->note.stack_size);
		hex("heap_size", v->note.heap_size);
		num("flags", v->note.flags);
	}
	putchar('}');
}

static void json_entropy(const struct inspect_report *r)
{
	key("entropy", false);
	if (!r->have_plan) {
		printf("null");
		key("entropy_note", false);
		str(r->entropy_note);
		return;
	}
	putchar('{');
	key("ram_bytes", true);
	printf("%llu", U(r->ram));
	key("layout_key", false);
	str("fixed");
	bits("kernel_virt_bits", inspect_kernel_virt_mbits(r));
	key("regions", false);
	putchar('[');
	for (uint32_t i = 0, first = 1; i < r->plan->count; i++) {
		const struct layout_region *g = &r->plan->r[i];

		if (g->kind == ASLRBOOT_RGN_KERNEL_SECTION)
			continue; /* one per unit: "units" has them */
		printf("%s{", first ? "" : ",");
		first = 0;
		key("kind", true);
		str(inspect_kind_name(g->kind));
		key("name", false);
		str(g->name);
		hex("size", g->size);
		num("prot", g->prot);
		bits("virt_bits", g->virt_mbits);
		bits("phys_bits", g->phys_mbits);
		putchar('}');
	}
	printf("]}");
}

/* ,"granularity":...,"units":{...} (null at segment granularity). */
void inspect_units_json(const struct inspect_report *r)
{
	const struct layout_plan *p = r->plan;

	key("granularity", false);
	if (!r->parsed || r->verdict.linux64)
		printf("null");
	else
		str(r->sections ? "section" : "segment");
	key("sections_requested", false);
	printf(r->parsed && r->img.sec.wanted ? "true" : "false");
	key("granularity_warning", false);
	if (r->sections_unusable)
		str(VALIDATE_WARN_NO_LRELOCS);
	else
		printf("null");
	key("units", false);
	if (!r->sections || !r->have_plan) {
		printf("null");
		return;
	}
	putchar('{');
	key("count", true);
	printf("%u", p->nunits);
	hex("window_size", p->window_size);
	bits("window_bits", p->window_mbits);
	key("units_bits", false);
	printf("%llu.%03llu", U(inspect_units_mbits(r) / 1000), U(inspect_units_mbits(r) % 1000));
	key("total_bits", false);
	printf("%llu.%03llu", U((p->window_mbits + inspect_units_mbits(r)) / 1000),
	       U((p->window_mbits + inspect_units_mbits(r)) % 1000));
	num("link_relocs", r->img.sec.nrelocs);
	key("list", false);
	putchar('[');
	for (uint32_t i = 0; i < p->nunits; i++) {
		const struct layout_unit *u = &p->unit[i];
		const char *name = r->view_ok ? ev_section_name(&r->view, u->index) : NULL;

		printf("%s{", i ? "," : "");
		key("shndx", true);
		printf("%u", u->index);
		key("section", false);
		if (name)
			str(name);
		else
			printf("null");
		hex("link", u->rec_link);
		hex("size", u->rec_size);
		num("prot", u->prot);
		bits("virt_bits", u->virt_mbits);
		bits("phys_bits", p->r[u->region].phys_mbits);
		putchar('}');
	}
	printf("]}");
}

void inspect_print_json(const struct inspect_report *r)
{
	putchar('{');
	key("file", true);
	str(r->path);
	num("size", r->size);
	key("policy", false);
	str(r->policy_name);
	key("protocol", false);
	if (r->parsed)
		str(r->verdict.linux64 ? "linux64" : "native");
	else
		printf("null");
	key("why", false);
	if (r->parsed && r->verdict.linux64)
		str(r->why);
	else
		printf("null");
	key("hint", false);
	if (r->verdict.hint)
		str(r->verdict.hint);
	else
		printf("null");
	key("loadable", false);
	printf(r->loadable ? "true" : "false");
	key("error", false);
	if (r->loadable) {
		printf("null");
	} else {
		putchar('{');
		key("stage", true);
		str(r->failed_stage);
		key("code", false);
		str(ldr_errname(r->diag.err));
		key("line", false);
		str(r->error_line);
		putchar('}');
	}
	key("libelf_error", false);
	if (r->view.err[0])
		str(r->view.err);
	else
		printf("null");
	if (r->view_ok) {
		key("elf", false);
		putchar('{');
		key("e_type", true);
		printf("%u", r->view.eh.e_type);
		key("e_type_name", false);
		str(r->view.eh.e_type == ET_DYN	 ? "ET_DYN" :
		    r->view.eh.e_type == ET_EXEC ? "ET_EXEC" :
						   "other");
		num("e_machine", r->view.eh.e_machine);
		hex("e_entry", r->view.eh.e_entry);
		putchar('}');
		json_segments(&r->view);
		json_relro(&r->view);
		json_relocs(&r->view);
		json_note(&r->view);
	}
	json_entropy(r);
	inspect_units_json(r);
	inspect_fit_json(r);
	printf("}\n");
}
