/* SPDX-License-Identifier: MIT */
/*
 * Boot-info serializer: serialize() is the one function, run to measure
 * (w->buf == NULL) and then to write.  Record order and contents are the
 * contract in PROTOCOL.md ("Records").  Inputs come from the loader itself,
 * but every count is still checked against its cap before anything is
 * written (validate, then commit).
 */
#include "handoff.h"
#include "../libc.h"
#include "../loader.h"

/* A write cursor; buf == NULL measures.  Nothing is written past cap. */
struct hw {
	uint8_t *buf;
	uint64_t cap;
	uint64_t off;
	bool overflow;
};

static void hw_put(struct hw *w, const void *p, uint64_t n)
{
	if (w->buf) {
		if (w->overflow || w->off > w->cap || n > w->cap - w->off)
			w->overflow = true;
		else if (p)
			memcpy(w->buf + w->off, p, n);
		else
			memset(w->buf + w->off, 0, n);
	}
	w->off += n; /* bounded by the caps: cannot wrap */
}

/* Pad the record that started at `start` to 8 bytes and store its size. */
static void hw_end(struct hw *w, uint64_t start)
{
	uint32_t size;

	hw_put(w, NULL, (8 - (w->off & 7)) & 7);
	size = (uint32_t)(w->off - start);
	if (w->buf && !w->overflow)
		memcpy(w->buf + start + __builtin_offsetof(struct aslrboot_record, size), &size,
		       sizeof(size));
}

static uint32_t bounded_len(const char *s, uint32_t max)
{
	uint32_t n = 0;

	while (s && n < max && s[n])
		n++;
	return n;
}

/* Copy at most dst_len - 1 bytes: the ABI's names are NUL-padded C strings. */
static void copy_name(char *dst, size_t dst_len, const char *src)
{
	uint32_t n = bounded_len(src, (uint32_t)dst_len - 1);

	memset(dst, 0, dst_len);
	memcpy(dst, src ? src : "", n);
}

static void put_header(struct hw *w, const struct handoff_input *in, uint64_t total)
{
	const struct boot_env *env = in->env;
	struct aslrboot_info h;

	memset(&h, 0, sizeof(h));
	h.magic = ASLRBOOT_MAGIC;
	h.version = ASLRBOOT_VERSION;
	h.header_size = sizeof(h);
	h.total_size = (uint32_t)total;
	h.flags = env->info_flags;
	if (env->opts.aslr_off)
		h.flags |= ASLRBOOT_INFO_F_ASLR_OFF;
	if (env->opts.verbose)
		h.flags |= ASLRBOOT_INFO_F_VERBOSE;
	h.info_phys = pa_addr(in->plan->info_phys);
	h.machine = HANDOFF_MACHINE;
	hw_put(w, &h, sizeof(h));
}

static void put_loader(struct hw *w, const struct handoff_input *in)
{
	struct aslrboot_rec_loader r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_LOADER;
	copy_name(r.name, sizeof(r.name), "aslrboot");
	copy_name(r.version, sizeof(r.version),
		  in->loader_version ? in->loader_version : ASLRBOOT_VERSION_STRING);
	hw_put(w, &r, sizeof(r));
	hw_end(w, start);
}

/* The seed bytes go straight from the input: no copy of them on the stack. */
static void put_seed(struct hw *w, const struct aslrboot_rec_seed *seed)
{
	struct aslrboot_rec_seed r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_SEED;
	r.sources_used = seed->sources_used;
	r.sources_failed = seed->sources_failed;
	r.credited_bits = seed->credited_bits;
	r.flags = seed->flags;
	hw_put(w, &r, __builtin_offsetof(struct aslrboot_rec_seed, seed));
	hw_put(w, seed->seed, sizeof(seed->seed));
	hw_end(w, start);
}

static void put_entropy(struct hw *w, const struct handoff_input *in)
{
	struct aslrboot_rec_entropy r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_ENTROPY;
	r.count = in->entropy_count;
	r.entry_size = sizeof(struct aslrboot_entropy_entry);
	hw_put(w, &r, sizeof(r));
	if (in->entropy_count)
		hw_put(w, in->entropy, (uint64_t)in->entropy_count * sizeof(*in->entropy));
	hw_end(w, start);
}

static void put_memmap(struct hw *w, const struct memmap *mm)
{
	struct aslrboot_rec_memmap r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_MEMMAP;
	r.count = mm->count;
	r.entry_size = sizeof(struct aslrboot_mmap_entry);
	hw_put(w, &r, sizeof(r));
	for (uint32_t i = 0; i < mm->count; i++) {
		struct aslrboot_mmap_entry e = {
			.base = mm->e[i].base,
			.length = mm->e[i].len,
			.type = mm->e[i].type,
		};
		hw_put(w, &e, sizeof(e));
	}
	hw_end(w, start);
}

static void put_region(struct hw *w, const struct layout_region *lr)
{
	struct aslrboot_region g;

	memset(&g, 0, sizeof(g));
	g.virt = va_addr(lr->virt);
	g.phys = pa_addr(lr->phys);
	g.size = lr->size;
	g.kind = lr->kind;
	g.prot = lr->prot;
	g.virt_entropy_mbits = lr->virt_mbits;
	g.phys_entropy_mbits = lr->phys_mbits;
	g.flags = lr->flags;
	/* layout_region.name may fill all 16 bytes: cut it to keep the NUL. */
	memcpy(g.name, lr->name, bounded_len(lr->name, sizeof(g.name) - 1));
	hw_put(w, &g, sizeof(g));
}

static void put_layout(struct hw *w, const struct handoff_input *in)
{
	const struct layout_plan *plan = in->plan;
	struct aslrboot_rec_layout r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_LAYOUT;
	r.count = plan->count;
	r.entry_size = sizeof(struct aslrboot_region);
	r.kernel_slide = plan->slide;
	r.kernel_link_base = in->kernel_link_base;
	r.cr3 = in->cr3;
	hw_put(w, &r, sizeof(r));
	for (uint32_t i = 0; i < plan->count; i++)
		put_region(w, &plan->r[i]);
	hw_end(w, start);
}

/* One entry per placement unit: where each piece of the link-address space
 * runs (its bytes: a segment's p_vaddr/p_memsz, a section's sh_addr/size). */
static void put_units(struct hw *w, const struct layout_plan *plan)
{
	struct aslrboot_rec_units r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_UNITS;
	r.count = plan->nunits;
	r.entry_size = sizeof(struct aslrboot_unit);
	r.granularity = plan->granularity;
	hw_put(w, &r, sizeof(r));
	for (uint32_t i = 0; i < plan->nunits; i++) {
		const struct layout_unit *u = &plan->unit[i];
		uint64_t d = u->rec_link - u->link; /* 0 for a section */
		struct aslrboot_unit e = {
			.link = u->rec_link,
			.size = u->rec_size,
			.virt = va_addr(u->virt) + d,
			.phys = pa_addr(u->phys) + d,
			.prot = u->prot,
			.index = u->index,
			.virt_entropy_mbits = u->virt_mbits,
		};
		hw_put(w, &e, sizeof(e));
	}
	hw_end(w, start);
}

static void put_cmdline(struct hw *w, const char *cmdline)
{
	struct aslrboot_rec_cmdline r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_CMDLINE;
	r.length = bounded_len(cmdline, HANDOFF_MAX_STRING);
	hw_put(w, &r, sizeof(r));
	hw_put(w, cmdline, r.length);
	hw_put(w, NULL, 1);
	hw_end(w, start);
}

static void put_module(struct hw *w, const struct boot_module *m, uint64_t direct_map)
{
	struct aslrboot_rec_module r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_MODULE;
	r.phys = m->phys;
	r.virt = direct_map + m->phys; /* checked in check_input */
	r.size = m->size;
	r.string_length = bounded_len(m->string, HANDOFF_MAX_STRING);
	hw_put(w, &r, sizeof(r));
	hw_put(w, m->string, r.string_length);
	hw_put(w, NULL, 1);
	hw_end(w, start);
}

static void put_acpi(struct hw *w, const struct boot_env *env)
{
	struct aslrboot_rec_acpi r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_ACPI_RSDP;
	r.rsdp_phys = env->acpi_rsdp;
	r.revision = env->acpi_revision;
	hw_put(w, &r, sizeof(r));
	hw_end(w, start);
}

static void put_timings(struct hw *w, const struct handoff_input *in)
{
	struct aslrboot_rec_timings r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_TIMINGS;
	r.count = ASLRBOOT_PHASE_COUNT;
	r.tsc_hz = in->tsc_hz;
	if (in->tsc)
		memcpy(r.tsc, in->tsc, sizeof(r.tsc));
	hw_put(w, &r, sizeof(r));
	hw_end(w, start);
}

/* What the front end measured, and where its copy of the TPM event log is. */
static void put_measure(struct hw *w, const struct boot_env *env)
{
	struct aslrboot_rec_measure r;
	uint64_t start = w->off;

	memset(&r, 0, sizeof(r));
	r.hdr.type = ASLRBOOT_REC_MEASURE;
	r.count = env->measure_count;
	r.entry_size = sizeof(struct aslrboot_measurement);
	r.event_log = env->tpm_log;
	r.event_log_size = env->tpm_log_size;
	r.final_events = env->tpm_final_events;
	r.flags = env->measure_flags;
	hw_put(w, &r, sizeof(r));
	for (uint32_t i = 0; i < env->measure_count; i++) {
		struct aslrboot_measurement m = env->measure[i];
		m.description[sizeof(m.description) - 1] = '\0';
		hw_put(w, &m, sizeof(m));
	}
	hw_end(w, start);
}

static void serialize(struct hw *w, const struct handoff_input *in, uint64_t total)
{
	const struct boot_env *env = in->env;
	const struct aslrboot_record end = { ASLRBOOT_REC_END, sizeof(end) };

	put_header(w, in, total);
	put_loader(w, in);
	put_seed(w, in->seed);
	put_entropy(w, in);
	put_memmap(w, in->mm);
	put_layout(w, in);
	put_units(w, in->plan);
	put_cmdline(w, env->cmdline);
	for (uint32_t i = 0; i < env->module_count; i++)
		put_module(w, &env->modules[i], va_addr(in->plan->direct_map));
	if (env->acpi_rsdp)
		put_acpi(w, env);
	put_timings(w, in);
	if (env->measure_present)
		put_measure(w, env);
	hw_put(w, &end, sizeof(end));
}

static enum ldr_err check_input(const struct handoff_input *in)
{
	const struct boot_env *env;
	uint64_t va;

	if (!in || !in->env || !in->plan || !in->mm || !in->seed)
		return LDR_E_HANDOFF_INPUT;
	env = in->env;
	if ((in->plan->count && !in->plan->r) || in->plan->count > in->plan->r_cap ||
	    in->plan->count > HANDOFF_MAX_REGIONS || (in->plan->nunits && !in->plan->unit) ||
	    in->plan->nunits > in->plan->unit_cap || in->plan->nunits > HANDOFF_MAX_UNITS ||
	    in->mm->count > MEMMAP_MAX || env->module_count > BOOT_MAX_MODULES ||
	    env->measure_count > BOOT_MAX_MEASURE || in->entropy_count > HANDOFF_MAX_ENTROPY ||
	    (in->entropy_count && !in->entropy))
		return LDR_E_HANDOFF_INPUT;
	for (uint32_t i = 0; i < env->module_count; i++)
		if (__builtin_add_overflow(va_addr(in->plan->direct_map), env->modules[i].phys,
					   &va))
			return LDR_E_HANDOFF_INPUT;
	return LDR_OK;
}

enum ldr_err handoff_write(const struct handoff_input *in, void *buf, uint64_t cap, uint64_t *size)
{
	struct hw m = { 0 };
	struct hw w = { 0 };
	enum ldr_err err = check_input(in);

	if (err)
		return err;
	serialize(&m, in, 0);
	if (m.off > UINT32_MAX) /* total_size is 32-bit */
		return LDR_E_HANDOFF;
	if (size)
		*size = m.off;
	if (!buf)
		return LDR_OK;
	if (m.off > cap)
		return LDR_E_HANDOFF;
	w.buf = buf;
	w.cap = cap;
	serialize(&w, in, m.off);
	/* Both passes run the same code on the same input. */
	return w.overflow || w.off != m.off ? LDR_E_HANDOFF : LDR_OK;
}

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~UINT64_C(7);
}

static uint64_t string_rec_bound(uint64_t fixed, const char *s)
{
	return align8(fixed + bounded_len(s, HANDOFF_MAX_STRING) + 1);
}

uint64_t handoff_size_bound(const struct boot_env *env, uint32_t nregions, uint32_t nunits,
			    uint32_t mm_entries, uint32_t extra_mm)
{
	uint64_t mm = (uint64_t)mm_entries + extra_mm;
	uint64_t rg = nregions < HANDOFF_MAX_REGIONS ? nregions : HANDOFF_MAX_REGIONS;
	uint64_t un = nunits < HANDOFF_MAX_UNITS ? nunits : HANDOFF_MAX_UNITS;
	uint32_t mods = 0;
	uint64_t n;

	if (mm > MEMMAP_MAX)
		mm = MEMMAP_MAX;
	n = sizeof(struct aslrboot_info) + sizeof(struct aslrboot_rec_loader) +
	    sizeof(struct aslrboot_rec_seed) + sizeof(struct aslrboot_rec_entropy) +
	    HANDOFF_MAX_ENTROPY * sizeof(struct aslrboot_entropy_entry) +
	    sizeof(struct aslrboot_rec_memmap) + mm * sizeof(struct aslrboot_mmap_entry) +
	    sizeof(struct aslrboot_rec_layout) + rg * sizeof(struct aslrboot_region) +
	    sizeof(struct aslrboot_rec_units) + un * sizeof(struct aslrboot_unit) +
	    sizeof(struct aslrboot_rec_acpi) + sizeof(struct aslrboot_rec_timings) +
	    sizeof(struct aslrboot_record);
	if (env && env->measure_present)
		n += sizeof(struct aslrboot_rec_measure) +
		     (env->measure_count < BOOT_MAX_MEASURE ? env->measure_count :
							      BOOT_MAX_MEASURE) *
			     sizeof(struct aslrboot_measurement);
	n += string_rec_bound(sizeof(struct aslrboot_rec_cmdline), env ? env->cmdline : NULL);
	if (env)
		mods = env->module_count < BOOT_MAX_MODULES ? env->module_count : BOOT_MAX_MODULES;
	for (uint32_t i = 0; i < mods; i++)
		n += string_rec_bound(sizeof(struct aslrboot_rec_module), env->modules[i].string);
	return n;
}
