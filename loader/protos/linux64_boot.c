/* SPDX-License-Identifier: MIT */
/* The linux64 protocol (linux64.h): its stages, in boot order (proto.h). */
#include "proto.h"

#include "../libc.h"
#include "../log.h"
#include "bootparams.h"
#include "linux64.h"

static void *phys(struct loader_state *s, uint64_t pa, uint64_t len)
{
	return s->ops->phys_ptr(s->ops->ctx, pa_init(pa), len);
}

/* The env->reserved entry holding the kernel file's bytes, or -1. */
static int kernel_buffer(struct loader_state *s)
{
	const struct boot_env *env = s->env;

	for (uint32_t i = 0; i < env->reserved_count; i++)
		if (env->reserved[i].len >= env->kernel_size &&
		    phys(s, env->reserved[i].base, env->kernel_size) == env->kernel)
			return (int)i;
	return -1;
}

/*
 * Copy the `len` bytes at *pa (a buffer of `bytes` bytes) out of the fixed
 * range [lo, hi) to fresh pages and give the old ones back.  *pa is updated;
 * *ptr (may be NULL) gets the new pointer.
 */
static enum ldr_err move_buffer(struct loader_state *s, uint64_t *pa, uint64_t bytes, uint64_t len,
				uint64_t lo, uint64_t hi, const uint8_t **ptr)
{
	const struct platform_ops *ops = s->ops;
	uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	const uint8_t *src = phys(s, *pa, len);
	paddr_t to;
	uint8_t *dst;

	if (!src || ops->alloc_any(ops->ctx, pages, &to))
		return LDR_E_NO_SPACE;
	if (ranges_overlap(pa_addr(to), pages * PAGE_SIZE, lo, hi - lo) ||
	    !(dst = phys(s, pa_addr(to), len))) {
		if (ops->release)
			ops->release(ops->ctx, to, pages);
		return LDR_E_NO_SPACE;
	}
	memcpy(dst, src, len);
	if (ops->release && !ops->release(ops->ctx, pa_init(*pa), pages))
		memmap_mark(&s->mm, *pa, pages * PAGE_SIZE, ASLRBOOT_MEM_USABLE);
	*pa = pa_addr(to);
	if (ptr)
		*ptr = dst;
	return LDR_OK;
}

/*
 * A non-movable image goes to [link_base, link_end) whatever it takes: the
 * kernel file buffer and the modules are moved out of that range (the range
 * is reserved meanwhile, so their new pages are not in it).  What else
 * overlaps it (the loader itself, firmware memory) makes l64_plan_image fail.
 */
static enum ldr_err make_room(struct loader_state *s)
{
	struct boot_env *env = s->env;
	uint64_t lo = s->img.link_base, hi = s->img.link_end;
	uint32_t saved = env->reserved_count;
	int k = kernel_buffer(s);
	struct ldr_diag d = { 0 };
	enum ldr_err err = LDR_OK;

	if (s->img.movable != ELF_MOVE_NONE || saved == BOOT_MAX_RESERVED)
		return LDR_OK;
	env->reserved[env->reserved_count++] = (struct boot_range){ lo, hi - lo };
	if (k >= 0 && ranges_overlap(env->reserved[k].base, env->reserved[k].len, lo, hi - lo)) {
		const uint8_t *moved;
		err = move_buffer(s, &env->reserved[k].base, env->reserved[k].len, env->kernel_size,
				  lo, hi, &moved);
		if (!err) {
			env->kernel = moved;
			s->img.file = moved; /* the same validated bytes */
			log_printf(
				"linux64: moved the kernel file out of the link-address range\n");
		} else {
			ldr_fail(&d, err, "kernel file buffer (moving it off the link address)", -1,
				 "p_paddr", lo);
		}
	}
	for (uint32_t i = 0; !err && i < env->module_count && i < BOOT_MAX_MODULES; i++) {
		struct boot_module *m = &env->modules[i];
		if (!m->size || !ranges_overlap(m->phys, m->size, lo, hi - lo))
			continue;
		if ((err = move_buffer(s, &m->phys, m->size, m->size, lo, hi, NULL)))
			ldr_fail(&d, err, "module", (int64_t)i + 2, "mod_start", m->phys);
		else
			log_printf("linux64: moved module %u out of the link-address range\n",
				   i + 2);
	}
	env->reserved_count = saved;
	return err ? stage_diag(s, err, &d) : LDR_OK;
}

static enum ldr_err linux64_plan(struct loader_state *s)
{
	const struct boot_env *env = s->env;
	struct l64_plan *p = &s->l64;
	struct ldr_diag d = { 0 };
	uint64_t map_min = 0; /* the modules' end: the initrd is identity-mapped */
	enum ldr_err err;

	if ((err = memmap_normalize(env->mmap, env->mmap_count, &s->mm, &d)))
		return stage_diag(s, err, &d);
	if ((err = make_room(s)))
		return err;
	stage_avoid(s); /* after make_room: the buffers it moved */
	for (uint32_t i = 0; i < env->module_count && i < BOOT_MAX_MODULES; i++) {
		uint64_t end;
		if (!range_end(env->modules[i].phys, env->modules[i].size, &end))
			end = UINT64_MAX;
		map_min = end > map_min ? end : map_min;
	}
	err = l64_plan_image(&s->img, &s->mm, s->avoid, s->avoid_count, env->phys_limit, map_min,
			     (env->cpu_features & BOOT_CPU_1G_PAGES) != 0,
			     env->opts.aslr_off ? NULL : &s->layout_rng, p, &d);
	if (err)
		return stage_diag(s, err, &d);
	if (!p->fixed)
		log_printf("linux64: physical base: %llu KiB alignment, %u.%03u bits of entropy\n",
			   (unsigned long long)(p->align >> 10), p->mbits / 1000, p->mbits % 1000);
	if (env->opts.verbose)
		log_printf("linux64: image phys=0x%llx size=0x%llx entry=0x%llx boot data=0x%llx\n",
			   (unsigned long long)p->base, (unsigned long long)p->span,
			   (unsigned long long)p->entry, (unsigned long long)p->scratch);
	stage_mark(s, ASLRBOOT_PHASE_PLAN);
	return LDR_OK;
}

static enum ldr_err linux64_commit(struct loader_state *s)
{
	const struct platform_ops *ops = s->ops;
	const struct l64_plan *p = &s->l64;
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	if ((err = ops->alloc_at(ops->ctx, pa_init(p->base), p->span / PAGE_SIZE)) ||
	    (err = ops->alloc_at(ops->ctx, pa_init(p->scratch), p->scratch_pages))) {
		ldr_fail(&d, err, "allocate region", -1, "linux64", p->base);
		log_diag("memory", &d);
		return err;
	}
	return LDR_OK;
}

/* The image, and the boot data block zeroed (boot_params, cmdline, tables). */
static enum ldr_err linux64_load(struct loader_state *s)
{
	const struct l64_plan *p = &s->l64;
	struct ldr_diag d = { 0 };
	uint64_t sbytes = p->scratch_pages * PAGE_SIZE;
	uint8_t *img = phys(s, p->base, p->span), *scr = phys(s, p->scratch, sbytes);
	enum ldr_err err;

	if (!img || !scr)
		return stage_diag(s, ldr_fail(&d, LDR_E_RANGE, "linux64", -1, "phys", p->base), &d);
	memset(scr, 0, sbytes);
	if ((err = l64_load(&s->img, p, img, &d)))
		return stage_diag(s, err, &d);
	stage_mark(s, ASLRBOOT_PHASE_COPY);
	return LDR_OK;
}

/* The RWX identity map, in the boot data block. */
static enum ldr_err linux64_map(struct loader_state *s)
{
	const struct l64_plan *p = &s->l64;
	uint64_t pt_phys = p->scratch + L64_PG_TABLES * PAGE_SIZE;
	uint64_t *pt = phys(s, pt_phys, p->pt_pages * PAGE_SIZE);
	struct ldr_diag d = { 0 };

	if (!pt)
		return stage_diag(s, ldr_fail(&d, LDR_E_RANGE, "linux64", -1, "phys", pt_phys), &d);
	l64_build_tables(p, pt, pt_phys, (s->env->cpu_features & BOOT_CPU_1G_PAGES) != 0);
	stage_mark(s, ASLRBOOT_PHASE_PAGE_TABLES);
	return LDR_OK;
}

/* Leave the firmware; its final map, with what we hand over on top. */
static enum ldr_err linux64_exit(struct loader_state *s)
{
	const struct l64_plan *p = &s->l64;
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	if ((err = s->ops->exit_firmware(s->ops->ctx, s->env)))
		return stage_diag(s, ldr_fail(&d, err, "exit firmware", -1, NULL, 0), &d);
	stage_mark(s, ASLRBOOT_PHASE_FW_EXIT);
	err = stage_final_map(s, &d);
	if (!err)
		err = memmap_mark(&s->mm, p->base, p->span, ASLRBOOT_MEM_KERNEL);
	/* boot_params, cmdline, seed, tables, stack: e820 reserved, so no
	 * kernel reuses them before it has read them. */
	if (!err)
		err = memmap_mark(&s->mm, p->scratch, p->scratch_pages * PAGE_SIZE,
				  ASLRBOOT_MEM_RESERVED);
	if (err)
		return stage_diag(s, ldr_fail(&d, err, "final memory map", -1, NULL, 0), &d);
	return LDR_OK;
}

/* boot_params (cmdline, seed, e820, initrd), then the entry state: RSI =
 * boot_params, identity-mapped. */
static enum ldr_err linux64_handoff(struct loader_state *s, struct entry_state *st)
{
	static struct bp_e820 e820[BP_E820_MAX];
	const struct l64_plan *p = &s->l64;
	uint8_t *scr = phys(s, p->scratch, p->scratch_pages * PAGE_SIZE);
	const struct boot_env *env = s->env;
	struct bp_input in = { .e820 = e820 };
	struct ldr_diag d = { 0 };
	uint32_t words[8];
	size_t len, slen;
	enum ldr_err err;

	if (!scr)
		return stage_diag(s, ldr_fail(&d, LDR_E_RANGE, "linux64", -1, "phys", p->scratch),
				  &d);
	/* Both seeds come from the kernel-seed domain (s->seed), distinct halves. */
	memcpy(words, s->seed.seed + BP_SEED_BYTES, sizeof(words));
	err = bp_cmdline((char *)scr + L64_PG_CMDLINE * PAGE_SIZE, 2 * PAGE_SIZE, env->cmdline,
			 env->cmdline ? strlen(env->cmdline) : 0,
			 env->opts.linux_seed_cmdline ? words : NULL, &len, &d);
	rand_wipe(words, sizeof(words));
	if (!err)
		err = bp_rng_seed(scr + L64_PG_SETUP * PAGE_SIZE, PAGE_SIZE, s->seed.seed,
				  BP_SEED_BYTES, &slen, &d);
	if (!err)
		err = bp_e820_from_memmap(&s->mm, e820, BP_E820_MAX, &in.e820_count, &d);
	if (err)
		return stage_diag(s, err, &d);
	if (p->fixed)
		bp_e820_big_ram_first(e820, in.e820_count);
	in.cmdline = p->scratch + L64_PG_CMDLINE * PAGE_SIZE;
	in.cmdline_size = (uint32_t)len + 1;
	in.setup_data = p->scratch + L64_PG_SETUP * PAGE_SIZE;
	in.acpi_rsdp = env->acpi_rsdp;
	if (env->module_count) {
		in.initrd = env->modules[0].phys;
		in.initrd_size = env->modules[0].size;
	}
	if ((err = bp_build(scr + L64_PG_BOOTPARAMS * PAGE_SIZE, BP_SIZE, &in, &d)))
		return stage_diag(s, err, &d);
	stage_mark(s, ASLRBOOT_PHASE_KERNEL_ENTRY);
	st->cr3 = pa_init(p->scratch + L64_PG_TABLES * PAGE_SIZE);
	st->entry = va_init(p->entry);
	st->stack_top = va_init(p->scratch + L64_PG_TABLES * PAGE_SIZE);
	st->info = va_init(0);
	st->trampoline = pa_init(p->scratch + L64_PG_TRAMP * PAGE_SIZE);
	st->rsi = p->scratch + L64_PG_BOOTPARAMS * PAGE_SIZE;
	log_printf("entering kernel (linux64, W^X not enforced)\n");
	return LDR_OK;
}

const struct boot_proto proto_linux64 = {
	.name = "linux64",
	.plan = linux64_plan,
	.commit = linux64_commit,
	.load = linux64_load,
	.map = linux64_map,
	.exit = linux64_exit,
	.handoff = linux64_handoff,
};
