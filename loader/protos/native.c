/* SPDX-License-Identifier: MIT */
/* The steps of loader_run(), in boot order. */
#include "../stages.h"

#include "../handoff/handoff.h"
#include "../libc.h"
#include "../loader.h"
#include "../log.h"
#include "../paging/paging.h"

void stage_mark(struct loader_state *s, enum aslrboot_phase phase)
{
	if (s->ops->timestamp)
		s->tsc[phase] = s->ops->timestamp(s->ops->ctx);
}

/* One LLVM-style line for an error without a field. */
static enum ldr_err fail(struct loader_state *s, enum ldr_err err, const char *what)
{
	struct ldr_diag d = { .err = err, .what = what, .index = -1 };
	log_diag(s->env->kernel_name ? s->env->kernel_name : "kernel", &d);
	return err;
}

static uint32_t avoid_list(const struct boot_env *env, struct boot_range *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < env->reserved_count && n < BOOT_MAX_RESERVED; i++)
		out[n++] = env->reserved[i];
	for (uint32_t i = 0; i < env->module_count && n < BOOT_MAX_RESERVED + BOOT_MAX_MODULES; i++)
		out[n++] = (struct boot_range){ env->modules[i].phys, env->modules[i].size };
	return n;
}

enum ldr_err stage_plan(struct loader_state *s)
{
	static struct boot_range avoid[BOOT_MAX_RESERVED + BOOT_MAX_MODULES];
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
		log_printf("memory map: %u firmware entries repaired (overlap, zero length or wrap)\n",
			   s->mm.fixups);
	s->info_size = handoff_size_bound(env, LAYOUT_MAX_REGIONS, s->mm.count,
					  2 * LAYOUT_MAX_REGIONS + 64);
	req.img = &s->img;
	req.info_size = s->info_size;
	req.phys_limit = env->phys_limit;
	req.aslr_off = env->opts.aslr_off;
	req.allow_1g = (env->cpu_features & BOOT_CPU_1G_PAGES) != 0;
	req.avoid = avoid;
	req.avoid_count = avoid_list(env, avoid);
	err = layout_plan(&req, &s->mm, &s->layout_rng, &s->plan, &d);
	if (err) {
		log_diag(env->kernel_name ? env->kernel_name : "kernel", &d);
		return err;
	}
	if (s->plan.phys_reduced)
		log_printf("warning: layout: memory is tight: %u physical placements lost entropy "
			   "to leave room for the others, %u of them packed with none\n",
			   s->plan.phys_reduced, s->plan.phys_packed);
	stage_mark(s, ASLRBOOT_PHASE_PLAN);
	if (env->opts.verbose)
		stage_print_layout(s);
	return LDR_OK;
}

static bool region_backed(const struct layout_region *r)
{
	return r->kind != ASLRBOOT_RGN_GUARD && r->kind != ASLRBOOT_RGN_DIRECT_MAP && r->size;
}

/* Claim every planned physical range from the firmware: the first write to
 * target memory happens only after all of these succeeded. */
enum ldr_err stage_commit(struct loader_state *s)
{
	const struct platform_ops *ops = s->ops;

	for (uint32_t i = 0; i < s->plan.count; i++) {
		const struct layout_region *r = &s->plan.r[i];
		enum ldr_err err;
		if (!region_backed(r))
			continue;
		err = ops->alloc_at(ops->ctx, r->phys, r->size / PAGE_SIZE);
		if (err) {
			struct ldr_diag d = { err, "allocate region", i, r->name, pa_addr(r->phys), 0 };
			log_diag("memory", &d);
			return err;
		}
	}
	return LDR_OK;
}

static void *phys(struct loader_state *s, paddr_t pa, uint64_t len)
{
	return s->ops->phys_ptr(s->ops->ctx, pa, len);
}

enum ldr_err stage_load(struct loader_state *s)
{
	struct elf_placement pl = { 0 };
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	for (uint32_t i = 0; i < s->plan.count; i++) {
		const struct layout_region *r = &s->plan.r[i];
		if (region_backed(r))
			if (!phys(s, r->phys, r->size))
				return fail(s, LDR_E_RANGE, "region not accessible");
		if (region_backed(r) && r->kind != ASLRBOOT_RGN_KERNEL_SEGMENT &&
		    r->kind != ASLRBOOT_RGN_PAGE_TABLES)
			memset(phys(s, r->phys, r->size), 0, r->size);
	}
	/* Each unit's bytes are contiguous (its regions, relro + data, are
	 * consecutive): one buffer per segment. */
	layout_elf_units(&s->plan, &pl);
	for (uint32_t i = 0; i < s->plan.nunits; i++) {
		const struct layout_unit *u = &s->plan.unit[i];
		if (u->seg < s->img.nsegs && !pl.seg_mem[u->seg])
			pl.seg_mem[u->seg] = phys(s, u->phys, u->size);
	}
	for (uint32_t i = 0; i < s->img.nsegs; i++)
		if (!pl.seg_mem[i])
			return fail(s, LDR_E_LAYOUT, "segment without a region");
	if ((err = elf_load(&s->img, &pl)))
		return fail(s, err, "load");
	stage_mark(s, ASLRBOOT_PHASE_COPY);
	if ((err = elf_relocate(&s->img, &pl, &d))) {
		log_diag(s->env->kernel_name ? s->env->kernel_name : "kernel", &d);
		return err;
	}
	stage_mark(s, ASLRBOOT_PHASE_RELOCATE);
	return LDR_OK;
}

enum ldr_err stage_map(struct loader_state *s)
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
				s->plan.map_count, &d);
	if (err) {
		log_diag("page tables", &d);
		return err;
	}
	stage_mark(s, ASLRBOOT_PHASE_PAGE_TABLES);
	return LDR_OK;
}

/* The final map: the firmware's, then what the loader and the front end
 * hand over on top (loader ranges only where the firmware said USABLE). */
enum ldr_err stage_final_map(struct loader_state *s, struct ldr_diag *d)
{
	struct boot_env *env = s->env;
	enum ldr_err err = memmap_normalize(env->mmap, env->mmap_count, &s->mm, d);

	for (uint32_t i = 0; !err && i < env->reserved_count; i++)
		err = memmap_mark_usable(&s->mm, env->reserved[i].base, env->reserved[i].len,
					 ASLRBOOT_MEM_LOADER_RECLAIMABLE);
	for (uint32_t i = 0; !err && i < env->module_count; i++)
		err = memmap_mark(&s->mm, env->modules[i].phys, env->modules[i].size,
				  ASLRBOOT_MEM_MODULE);
	return err;
}

enum ldr_err stage_exit(struct loader_state *s)
{
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	err = s->ops->exit_firmware(s->ops->ctx, s->env);
	if (err)
		return fail(s, err, "exit firmware");
	stage_mark(s, ASLRBOOT_PHASE_FW_EXIT);
	err = stage_final_map(s, &d);
	for (uint32_t i = 0; !err && i < s->plan.count; i++)
		if (region_backed(&s->plan.r[i]))
			err = memmap_mark(&s->mm, pa_addr(s->plan.r[i].phys), s->plan.r[i].size,
					  ASLRBOOT_MEM_KERNEL);
	if (err)
		return fail(s, err, "final memory map");
	return LDR_OK;
}

enum ldr_err stage_handoff(struct loader_state *s)
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
		return fail(s, LDR_E_RANGE, "boot info");
	err = handoff_write(&in, buf, s->plan.info_size, &size);
	if (err)
		return fail(s, err, "boot info");
	log_printf("entering kernel\n");
	return LDR_OK;
}

void stage_wipe(struct loader_state *s)
{
	rand_wipe(s->master, sizeof(s->master));
	rand_drbg_wipe(&s->layout_rng);
	rand_wipe(&s->pool, sizeof(s->pool));
	rand_wipe(&s->seed, sizeof(s->seed));
}

static void prot_str(uint32_t prot, char out[4])
{
	out[0] = prot & ASLRBOOT_PROT_R ? 'r' : '-';
	out[1] = prot & ASLRBOOT_PROT_W ? 'w' : '-';
	out[2] = prot & ASLRBOOT_PROT_X ? 'x' : '-';
	out[3] = 0;
}

/* verbose=1 only: printing the layout defeats its purpose on a shared console. */
void stage_print_layout(const struct loader_state *s)
{
	log_printf("layout (verbose: this output reveals the randomized addresses)\n");
	for (uint32_t i = 0; i < s->plan.count; i++) {
		const struct layout_region *r = &s->plan.r[i];
		char p[4];
		prot_str(r->prot, p);
		log_printf("  %s virt=0x%016llx phys=0x%012llx size=0x%llx %s entropy v=%u.%03u p=%u.%03u bits\n",
			   r->name, (unsigned long long)va_addr(r->virt),
			   (unsigned long long)pa_addr(r->phys), (unsigned long long)r->size, p,
			   r->virt_mbits / 1000, r->virt_mbits % 1000, r->phys_mbits / 1000,
			   r->phys_mbits % 1000);
	}
	log_printf("  entry=0x%016llx slide=0x%llx\n",
		   (unsigned long long)va_addr(s->plan.entry), (unsigned long long)s->plan.slide);
}
