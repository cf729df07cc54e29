/* SPDX-License-Identifier: MIT */
/* The native protocol (PROTOCOL.md): its stages, in boot order (proto.h). */
#include "proto.h"

#include "../handoff/handoff.h"
#include "../libc.h"
#include "../loader.h"
#include "../log.h"
#include "../paging/paging.h"

static void prot_str(uint32_t prot, char out[4])
{
	out[0] = prot & ASLRBOOT_PROT_R ? 'r' : '-';
	out[1] = prot & ASLRBOOT_PROT_W ? 'w' : '-';
	out[2] = prot & ASLRBOOT_PROT_X ? 'x' : '-';
	out[3] = 0;
}

static void *phys(struct loader_state *s, paddr_t pa, uint64_t len)
{
	return s->ops->phys_ptr(s->ops->ctx, pa, len);
}

/* verbose=1 only: printing the layout defeats its purpose on a shared console. */
static void print_layout(const struct loader_state *s)
{
	log_printf("layout (verbose: this output reveals the randomized addresses)\n");
	for (uint32_t i = 0; i < s->plan.count; i++) {
		const struct layout_region *r = &s->plan.r[i];
		char p[4];
		prot_str(r->prot, p);
		log_printf(
			"  %s virt=0x%016llx phys=0x%012llx size=0x%llx %s entropy v=%u.%03u p=%u.%03u bits\n",
			r->name, (unsigned long long)va_addr(r->virt),
			(unsigned long long)pa_addr(r->phys), (unsigned long long)r->size, p,
			r->virt_mbits / 1000, r->virt_mbits % 1000, r->phys_mbits / 1000,
			r->phys_mbits % 1000);
	}
	log_printf("  entry=0x%016llx slide=0x%llx\n", (unsigned long long)va_addr(s->plan.entry),
		   (unsigned long long)s->plan.slide);
	log_printf("  units: %u (%s granularity)\n", s->plan.nunits,
		   s->plan.granularity == ASLRBOOT_GRANULARITY_SECTION ? "section" : "segment");
	for (uint32_t i = 0; i < s->plan.nunits; i++) {
		const struct layout_unit *u = &s->plan.unit[i];
		uint64_t d = u->rec_link - u->link;
		char p[4];
		prot_str(u->prot, p);
		log_printf(
			"  unit %u (%s %u) link=0x%llx size=0x%llx virt=0x%016llx "
			"phys=0x%012llx %s entropy v=%u.%03u bits\n",
			i,
			s->plan.granularity == ASLRBOOT_GRANULARITY_SECTION ? "section" : "segment",
			u->index, (unsigned long long)u->rec_link, (unsigned long long)u->rec_size,
			(unsigned long long)(va_addr(u->virt) + d),
			(unsigned long long)(pa_addr(u->phys) + d), p, u->virt_mbits / 1000,
			u->virt_mbits % 1000);
	}
}

/* The scratch's pieces, each 8-byte aligned, in carving order. */
static uint64_t piece(uint64_t *off, uint64_t bytes)
{
	uint64_t at = *off;

	*off += (bytes + 7) & ~UINT64_C(7);
	return at;
}

/*
 * Section granularity: the storage whose size grows with the units (the
 * plan's regions, units and mappings, the elf/ placement arrays), asked of
 * the platform once per boot as LOADER memory and kept out of the plan
 * (stage_avoid); then the units themselves.
 */
static enum ldr_err sections_scratch(struct loader_state *s)
{
	uint32_t n = s->img.sec.nunits, shnum = s->img.sec.shnum;
	uint64_t off = 0, o_st = piece(&off, layout_store_bytes(n));
	uint64_t o_su = piece(&off, (uint64_t)n * sizeof(struct elf_sec_unit));
	uint64_t o_ix = piece(&off, (uint64_t)shnum * sizeof(uint32_t));
	uint64_t o_eu = piece(&off, (uint64_t)n * sizeof(struct elf_unit));
	uint64_t o_mem = piece(&off, (uint64_t)n * sizeof(uint8_t *));
	uint64_t o_sv = piece(&off, s->img.sec.sym_count * sizeof(uint64_t));
	uint64_t pages = (off + PAGE_SIZE - 1) / PAGE_SIZE;
	uint8_t *m;
	enum ldr_err err;

	if (s->scratch_pages)
		return LDR_OK; /* bench rounds plan again on the same state */
	if ((err = s->ops->alloc_any(s->ops->ctx, pages, &s->scratch)))
		return stage_fail(s, err, "section scratch");
	if (!(m = phys(s, s->scratch, pages * PAGE_SIZE)))
		return stage_fail(s, LDR_E_RANGE, "section scratch");
	s->scratch_pages = pages;
	/* Loader memory from now on: a planner that runs after this one (the
	 * boot after bench=K rounds) avoids it too, and the kernel's memory
	 * map shows it reclaimable.  A full list leaves that planner's commit
	 * to refuse an overlap (E_NOMEM), never to reuse the pages. */
	if (s->env->reserved_count < BOOT_MAX_RESERVED)
		s->env->reserved[s->env->reserved_count++] =
			(struct boot_range){ pa_addr(s->scratch), pages * PAGE_SIZE };
	layout_store_init(&s->store, m + o_st, n);
	s->su = (struct elf_sec_unit *)(void *)(m + o_su);
	s->sec_unit = (uint32_t *)(void *)(m + o_ix);
	s->eunit = (struct elf_unit *)(void *)(m + o_eu);
	s->umem = (uint8_t **)(void *)(m + o_mem);
	s->sym_val = (uint64_t *)(void *)(m + o_sv);
	elf_section_units(&s->img, s->su);
	elf_section_index(&s->img, s->sec_unit);
	return LDR_OK;
}

static enum ldr_err native_plan(struct loader_state *s)
{
	struct boot_env *env = s->env;
	struct layout_request req = { 0 };
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	err = memmap_normalize(env->mmap, env->mmap_count, &s->mm, &d);
	if (err) {
		log_diag("memory map", &d);
		return err;
	}
	if (s->mm.fixups)
		log_printf(
			"memory map: %u firmware entries repaired (overlap, zero length or wrap)\n",
			s->mm.fixups);
	if (s->sections && (err = sections_scratch(s)))
		return err;
	if (s->sections)
		s->info_size = handoff_size_bound(env, LAYOUT_MAX_REGIONS + s->img.sec.nunits,
						  s->img.sec.nunits, s->mm.count,
						  2 * LAYOUT_MAX_REGIONS + 64);
	else
		s->info_size = handoff_size_bound(env, LAYOUT_MAX_REGIONS, LAYOUT_MAX_UNITS,
						  s->mm.count, 2 * LAYOUT_MAX_REGIONS + 64);
	req.img = &s->img;
	req.info_size = s->info_size;
	req.phys_limit = env->phys_limit;
	req.aslr_off = env->opts.aslr_off;
	req.allow_1g = (env->cpu_features & BOOT_CPU_1G_PAGES) != 0;
	stage_avoid(s);
	req.avoid = s->avoid;
	req.avoid_count = s->avoid_count;
	if (s->sections) {
		req.su = s->su;
		req.nsu = s->img.sec.nunits;
		req.store = &s->store;
	}
	err = layout_plan(&req, &s->mm, &s->layout_rng, &s->plan, &d);
	if (err)
		return stage_diag(s, err, &d);
	if (s->plan.phys_reduced)
		log_printf("warning: layout: memory is tight: %u physical placements lost entropy "
			   "to leave room for the others, %u of them packed with none\n",
			   s->plan.phys_reduced, s->plan.phys_packed);
	stage_mark(s, ASLRBOOT_PHASE_PLAN);
	if (env->opts.verbose)
		print_layout(s);
	return LDR_OK;
}

static bool region_backed(const struct layout_region *r)
{
	return r->kind != ASLRBOOT_RGN_GUARD && r->kind != ASLRBOOT_RGN_DIRECT_MAP && r->size;
}

/* Claim every planned physical range from the firmware: the first write to
 * target memory happens only after all of these succeeded. */
/*
 * Physical range i of the plan (i < plan.count + plan.nblk): every backed
 * region, except that the units of a section-granularity kernel are taken
 * block by block (one range per permission class, not one per unit).
 */
static bool plan_frames(const struct loader_state *s, uint32_t i, paddr_t *pa, uint64_t *len,
			const char **name)
{
	const struct layout_region *r = &s->plan.r[i];

	if (i >= s->plan.count) {
		*pa = s->plan.blk[i - s->plan.count].phys;
		*len = s->plan.blk[i - s->plan.count].size;
		*name = "kernel sections";
		return true;
	}
	*pa = r->phys;
	*len = r->size;
	*name = r->name;
	return region_backed(r) && r->kind != ASLRBOOT_RGN_KERNEL_SECTION;
}

static enum ldr_err native_commit(struct loader_state *s)
{
	const struct platform_ops *ops = s->ops;

	for (uint32_t i = 0; i < s->plan.count + s->plan.nblk; i++) {
		const char *name;
		paddr_t pa;
		uint64_t len;
		enum ldr_err err;
		if (!plan_frames(s, i, &pa, &len, &name))
			continue;
		err = ops->alloc_at(ops->ctx, pa, len / PAGE_SIZE);
		if (err) {
			struct ldr_diag d = { err, "allocate region", i, name, pa_addr(pa), 0 };
			log_diag("memory", &d);
			return err;
		}
	}
	return LDR_OK;
}

/* Section granularity: each unit's pages at its region's frames, copied
 * and relocated by elf/ (the placement is checked before any write). */
static enum ldr_err load_sections(struct loader_state *s)
{
	struct elf_sec_placement pl = { .su = s->su,
					.unit = s->eunit,
					.mem = s->umem,
					.sec_unit = s->sec_unit,
					.nunits = s->plan.nunits,
					.sym_val = s->sym_val };
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	for (uint32_t i = 0; i < s->plan.nunits; i++) {
		const struct layout_unit *u = &s->plan.unit[i];
		const struct layout_region *r = &s->plan.r[u->region];
		s->eunit[i] = (struct elf_unit){ u->link, u->size, va_addr(u->virt) };
		s->umem[i] = phys(s, r->phys, r->size);
	}
	/* elf_load_sections refuses a unit left without memory (E_RANGE). */
	if ((err = elf_load_sections(&s->img, &pl)))
		return stage_fail(s, err, "load");
	stage_mark(s, ASLRBOOT_PHASE_COPY);
	if ((err = elf_relocate_sections(&s->img, &pl, &d)))
		return stage_diag(s, err, &d);
	stage_mark(s, ASLRBOOT_PHASE_RELOCATE);
	return LDR_OK;
}

static enum ldr_err native_load(struct loader_state *s)
{
	struct elf_placement pl = { 0 };
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	for (uint32_t i = 0; i < s->plan.count; i++) {
		const struct layout_region *r = &s->plan.r[i];
		if (region_backed(r))
			if (!phys(s, r->phys, r->size))
				return stage_fail(s, LDR_E_RANGE, "region not accessible");
		if (region_backed(r) && r->kind != ASLRBOOT_RGN_KERNEL_SEGMENT &&
		    r->kind != ASLRBOOT_RGN_KERNEL_SECTION && r->kind != ASLRBOOT_RGN_PAGE_TABLES)
			memset(phys(s, r->phys, r->size), 0, r->size);
	}
	if (s->sections)
		return load_sections(s);
	/* Each unit's bytes are contiguous (its regions, relro + data, are
	 * consecutive): one buffer per segment. */
	layout_elf_units(&s->plan, &pl);
	for (uint32_t i = 0; i < s->plan.nunits; i++) {
		const struct layout_unit *u = &s->plan.unit[i];
		if (u->seg < s->img.nsegs && !pl.seg_mem[u->seg])
			pl.seg_mem[u->seg] = phys(s, u->phys, u->size);
	}
	/* elf_load refuses a segment left without memory (E_RANGE). */
	if ((err = elf_load(&s->img, &pl)))
		return stage_fail(s, err, "load");
	stage_mark(s, ASLRBOOT_PHASE_COPY);
	if ((err = elf_relocate(&s->img, &pl, &d)))
		return stage_diag(s, err, &d);
	stage_mark(s, ASLRBOOT_PHASE_RELOCATE);
	return LDR_OK;
}

static enum ldr_err native_map(struct loader_state *s)
{
	struct pt_pool pool = {
		.base = s->plan.pt_phys,
		.pages = s->plan.pt_pages,
		.phys_ptr = s->ops->phys_ptr,
		.ctx = s->ops->ctx,
		.allow_1g = (s->env->cpu_features & BOOT_CPU_1G_PAGES) != 0,
	};
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	err = pt_build(s->plan.map, s->plan.map_count, &pool, &s->cr3, &d);
	if (!err)
		err = wx_verify(s->cr3, s->ops->phys_ptr, s->ops->ctx, s->plan.map,
				s->plan.map_count, s->sections ? s->store.map_idx : NULL, &d);
	if (err) {
		log_diag("page tables", &d);
		return err;
	}
	stage_mark(s, ASLRBOOT_PHASE_PAGE_TABLES);
	return LDR_OK;
}

static enum ldr_err native_exit(struct loader_state *s)
{
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	err = s->ops->exit_firmware(s->ops->ctx, s->env);
	if (err)
		return stage_fail(s, err, "exit firmware");
	stage_mark(s, ASLRBOOT_PHASE_FW_EXIT);
	err = stage_final_map(s, &d);
	for (uint32_t i = 0; !err && i < s->plan.count + s->plan.nblk; i++) {
		const char *name;
		paddr_t pa;
		uint64_t len;
		if (plan_frames(s, i, &pa, &len, &name))
			err = memmap_mark(&s->mm, pa_addr(pa), len, ASLRBOOT_MEM_KERNEL);
	}
	if (err)
		return stage_fail(s, err, "final memory map");
	return LDR_OK;
}

static enum ldr_err native_handoff(struct loader_state *s, struct entry_state *st)
{
	struct aslrboot_entropy_entry report[ASLRBOOT_SRC_COUNT];
	struct handoff_input in = {
		.env = s->env,
		.plan = &s->plan,
		.mm = &s->mm,
		.seed = &s->seed,
		.entropy = report,
		.entropy_count = rand_pool_report(&s->pool, report, ASLRBOOT_SRC_COUNT),
		.tsc = s->tsc,
		.tsc_hz = s->env->tsc_hz,
		.cr3 = pa_addr(s->cr3),
		.kernel_link_base = s->img.link_base,
		.loader_version = ASLRBOOT_VERSION_STRING,
	};
	void *buf = phys(s, s->plan.info_phys, s->plan.info_size);
	uint64_t size = 0;
	enum ldr_err err;

	stage_mark(s, ASLRBOOT_PHASE_KERNEL_ENTRY);
	if (!buf)
		return stage_fail(s, LDR_E_RANGE, "boot info");
	err = handoff_write(&in, buf, s->plan.info_size, &size);
	if (err)
		return stage_fail(s, err, "boot info");
	st->cr3 = s->cr3;
	st->entry = s->plan.entry;
	st->stack_top = s->plan.stack_top;
	st->info = s->plan.info_virt;
	st->trampoline = s->plan.trampoline;
	st->rsi = 0;
	log_printf("entering kernel\n");
	return LDR_OK;
}

const struct boot_proto proto_native = {
	.name = "native",
	.plan = native_plan,
	.commit = native_commit,
	.load = native_load,
	.map = native_map,
	.exit = native_exit,
	.handoff = native_handoff,
};
