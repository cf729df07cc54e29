/* SPDX-License-Identifier: MIT */
/*
 * mb_main: the boot loader's information -> struct boot_env, then the core.
 *   - the first module is the kernel; its string is its command line (after
 *     the path, which names it in messages, for loaders that prepend it);
 *     further modules are passed on
 *   - aslrboot's own command line (after the image path, mbi.h mb_options)
 *     holds the options of loader/config.h (verbose=1 aslr=off ...)
 *   - env->reserved[]: page 0, this image (code, data, stack, page tables),
 *     the information structure and the kernel module; the other modules
 *     are avoided by the core as modules.  Strings are copied into .bss.
 *   - the ACPI RSDP: a Multiboot 2 copy, else the BIOS scan
 *   - no firmware entropy: the core draws on the CPU RNG itself
 */
#include "mb.h"

#include "../loader/libc.h"
#include "../loader/loader.h"
#include "../loader/log.h"
#include "../loader/arch/x86_64/cpu.h"
#include "idmap.h"
#include "serial.h"

extern const char __image_start[], __image_end[];
extern uint64_t mb_entry_tsc, mb_ebda_base;

static struct mb_ctx ctx;
static char strings[MB_MAX_MODS][MB_MAX_STRING + 1];
static char kernel_name[MB_MAX_STRING + 1];

static enum ldr_err fail(enum ldr_err err, const char *what, const char *field, uint64_t v)
{
	struct ldr_diag d = { err, what, -1, field, v, 0 };
	log_diag("multiboot", &d);
	return err;
}

static void reserve(struct boot_env *env, uint64_t base, uint64_t len)
{
	if (len && env->reserved_count < BOOT_MAX_RESERVED)
		env->reserved[env->reserved_count++] = (struct boot_range){ base, len };
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The first word of s into name[]; returns what follows it. */
static const char *first_word(const char *s, char *name)
{
	size_t n = 0;

	s = skip_blanks(s);
	while (s[n] && s[n] != ' ' && s[n] != '\t') {
		name[n] = s[n];
		n++;
	}
	name[n] = 0;
	return skip_blanks(s + n);
}

/* Only loader options here: the kernel and its modules come from the boot
 * loader, so the UEFI keys kernel=, module= and cmdline= are refused.  After
 * the image's path (mb_options), every word is key=value: a mistyped option
 * is an error, never skipped. */
static enum ldr_err read_options(struct mb_ctx *c)
{
	const char *s = mb_options(&c->info);
	struct ldr_diag d = { 0 };

	config_init(&c->cfg);
	if (config_parse_args(&c->cfg, s, strlen(s), &d)) {
		log_printf("error: multiboot command line: %s %lld: %s: %s [%s]\n", d.what,
			   (long long)d.index, d.field ? d.field : "", c->cfg.err_why,
			   ldr_errname(d.err));
		return d.err;
	}
	if (c->cfg.module_count || c->cfg.cmdline[0] ||
	    strcmp(c->cfg.kernel, CONFIG_DEFAULT_KERNEL))
		return fail(LDR_E_CONFIG,
			    "command line: kernel=, module= and cmdline= are UEFI options; "
			    "pass the kernel as the first module",
			    NULL, 0);
	config_apply(&c->cfg, &c->env);
	return LDR_OK;
}

/* The kernel's module string: "[path] args" -> kernel_name, cmdline (copies). */
static void kernel_string(struct mb_ctx *c, const char *s)
{
	struct boot_env *env = &c->env;

	env->kernel_name = "module 1";
	if (mb_path_first(&c->info)) {
		s = first_word(s, kernel_name);
		if (kernel_name[0])
			env->kernel_name = kernel_name;
	}
	s = skip_blanks(s);
	memcpy(strings[0], s, strlen(s) + 1);
	env->cmdline = strings[0];
}

/* The loader image, page 0 and each other module are off limits.
 * Module i is "module i + 1": the kernel is module 1. */
static enum ldr_err check_module(const struct mb_info *in, uint32_t i)
{
	const struct mb_module *m = &in->mods[i];
	uint64_t img = (uintptr_t)__image_start, img_len = (uintptr_t)__image_end - img;
	struct ldr_diag d = {
		LDR_E_MOD_OVERLAP, "module", (int64_t)i + 1, "mod_start", m->start, 0
	};

	if (ranges_overlap(m->start, m->size, img, img_len)) {
		log_diag("multiboot: module overlaps aslrboot", &d);
		return d.err;
	}
	for (uint32_t j = 0; j < i; j++) {
		if (ranges_overlap(m->start, m->size, in->mods[j].start, in->mods[j].size)) {
			log_diag("multiboot: modules overlap", &d);
			return d.err;
		}
	}
	return LDR_OK;
}

static enum ldr_err take_modules(struct mb_ctx *c)
{
	struct boot_env *env = &c->env;
	const struct mb_info *in = &c->info;
	enum ldr_err err;

	if (!in->mod_count)
		return fail(LDR_E_NO_KERNEL, "no module: load the kernel as the first module", NULL,
			    0);
	for (uint32_t i = 0; i < in->mod_count; i++)
		if ((err = check_module(in, i)))
			return err;
	env->kernel = (const uint8_t *)(uintptr_t)in->mods[0].start;
	env->kernel_size = in->mods[0].size;
	reserve(env, in->mods[0].start, in->mods[0].size);
	kernel_string(c, in->mods[0].string);
	for (uint32_t i = 1; i < in->mod_count; i++) {
		const char *s = in->mods[i].string;
		memcpy(strings[i], s, strlen(s) + 1);
		env->modules[i - 1] =
			(struct boot_module){ in->mods[i].start, in->mods[i].size, strings[i] };
	}
	env->module_count = in->mod_count - 1;
	return LDR_OK;
}

/* Prefer the firmware's own RSDP (it outlives the information structure)
 * when it matches the boot loader's copy; else the copy; else the scan. */
static void find_rsdp(struct mb_ctx *c)
{
	uint32_t rev = 0;
	uint64_t scan = mb_rsdp_scan(mb_ebda_base, mb_phys_access, NULL, &rev);
	const struct mb_info *in = &c->info;

	if (in->rsdp &&
	    !(scan && rev == in->rsdp_rev &&
	      !memcmp((const void *)(uintptr_t)scan, (const void *)(uintptr_t)in->rsdp, 20))) {
		c->env.acpi_rsdp = in->rsdp;
		c->env.acpi_revision = in->rsdp_rev;
	} else {
		c->env.acpi_rsdp = scan;
		c->env.acpi_revision = rev;
	}
}

static enum ldr_err gather(struct mb_ctx *c, uint32_t magic, uint32_t mbi)
{
	struct boot_env *env = &c->env;
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	env->info_flags = ASLRBOOT_INFO_F_MULTIBOOT;
	env->phys_limit = MB_IDMAP_LIMIT;
	env->tsc[ASLRBOOT_PHASE_ENTRY] = mb_entry_tsc;
	reserve(env, 0, PAGE_SIZE);
	reserve(env, (uintptr_t)__image_start, (uintptr_t)__image_end - (uintptr_t)__image_start);
	if ((err = mb_parse(magic, mbi, mb_phys_access, NULL, &c->info, &d))) {
		log_diag("multiboot information", &d);
		return err;
	}
	for (uint32_t i = 0; i < c->info.span_count; i++)
		reserve(env, c->info.spans[i].base, c->info.spans[i].len);
	if ((err = read_options(c)) || (err = take_modules(c)))
		return err;
	env->mmap = c->info.mmap;
	env->mmap_count = c->info.mmap_count;
	/* A wrapping entry is a boot-loader bug worth a line; an empty one
	 * (qboot has one) only in verbose mode. */
	if (c->info.mmap_dropped || (env->opts.verbose && c->info.mmap_empty))
		log_printf("warning: memory map: %u wrapping and %u zero-length entries ignored\n",
			   c->info.mmap_dropped, c->info.mmap_empty);
	env->tsc[ASLRBOOT_PHASE_FILE_READ] = rdtsc_serialized();
	find_rsdp(c);
	env->cpu_features = mb_cpu_features();
	if (env->opts.verbose)
		log_printf(
			"aslrboot %s (Multiboot %u): kernel %s (%llu bytes), %u module(s), %u map entries%s, ACPI %s\n",
			ASLRBOOT_VERSION_STRING, c->info.proto, env->kernel_name,
			(unsigned long long)env->kernel_size, env->module_count, env->mmap_count,
			c->info.mmap_from_meminfo ? " (from mem_lower/mem_upper)" : "",
			env->acpi_rsdp ? "found" : "absent");
	return LDR_OK;
}

noreturn void mb_main(uint32_t magic, uint32_t mbi)
{
	struct mb_ctx *c = &ctx;
	enum ldr_err err;

	mb_tsc_calibrate_start();
	serial_init();
	mb_trap_init();
	mb_idmap_init();
	mb_platform_init(c);
	log_init(&c->ops);
	if ((err = gather(c, magic, mbi)))
		c->ops.halt(c, err);
	loader_main(&c->env, &c->ops);
}
