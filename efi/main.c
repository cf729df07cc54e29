/* SPDX-License-Identifier: MIT */
/*
 * efi_main: gather what the firmware knows into struct boot_env (config,
 * kernel and modules read once, memory map, ACPI RSDP, EFI_RNG bytes, CPU
 * features), then hand over to the core.  Any error before
 * ExitBootServices prints one line and returns EFI_LOAD_ERROR, so the boot
 * manager (or GRUB) carries on.
 */
#include "efi_fe.h"
#include "efi_halt.h"
#include "../loader/loader.h"
#include "../loader/log.h"

#define CONFIG_PATH "\\EFI\\aslrboot\\aslrboot.cfg"
#define MMAP_BUF_MAX (UINT64_C(4) << 20) /* far above any real map */
#define MODULE_STRING_MAX (CONFIG_MAX_PATH + 1 + CONFIG_MAX_MODULE_ARGS + 1)

static struct efi_ctx ctx;
static char options[CONFIG_MAX_INPUT + 2];
static char module_strings[BOOT_MAX_MODULES][MODULE_STRING_MAX];
static EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

static enum ldr_err config_error(const char *file, const struct efi_ctx *c,
				 const struct ldr_diag *d)
{
	log_printf("error: %s: %s %lld: %s: %s [%s]\n", file, d->what, (long long)d->index,
		   d->field, c->cfg.err_why, ldr_errname(d->err));
	return d->err;
}

/*
 * LoadOptions as ASCII.  The UEFI shell and GRUB's chainloader pass UCS-2
 * text; boot entries may carry binary OptionalData, which is not ours and
 * is ignored (returns 0).  One char past the cap lets the parser refuse an
 * oversized string instead of silently cutting it.
 */
static size_t load_options_ascii(const EFI_LOADED_IMAGE *li, char *out, size_t cap)
{
	const CHAR16 *p = li->LoadOptions;
	size_t n = li->LoadOptionsSize / sizeof(CHAR16), k = 0;

	if (!p || li->LoadOptionsSize % sizeof(CHAR16))
		return 0;
	for (size_t i = 0; i < n && p[i] && k < cap; i++) {
		CHAR16 ch = p[i];
		if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch >= 0x7f)
			return 0;
		out[k++] = (char)ch;
	}
	return k;
}

static enum ldr_err read_config(struct efi_ctx *c)
{
	struct ldr_diag d;
	void *data;
	uint64_t size;
	size_t n;
	EFI_STATUS s;

	config_init(&c->cfg);
	s = efi_file_read(c, CONFIG_PATH, CONFIG_MAX_INPUT, &data, &size);
	if (s == EFI_BAD_BUFFER_SIZE) {
		efi_error(CONFIG_PATH, "file too large", "over 64 KiB", LDR_E_CONFIG);
		return LDR_E_CONFIG;
	}
	if (EFI_ERROR(s) && s != EFI_NOT_FOUND) {
		efi_error(CONFIG_PATH, "cannot read", efi_status_str(s), LDR_E_CONFIG);
		return LDR_E_CONFIG;
	}
	if (!EFI_ERROR(s) && config_parse_file(&c->cfg, data, (size_t)size, &d))
		return config_error(CONFIG_PATH, c, &d);
	n = load_options_ascii(c->li, options, CONFIG_MAX_INPUT + 1);
	if (n && config_parse_options(&c->cfg, options, n, &d))
		return config_error("load options", c, &d);
	config_apply(&c->cfg, &c->env);
	return LDR_OK;
}

/* F4: a kernel or module that is empty or over the cap is refused. */
static enum ldr_err read_one(struct efi_ctx *c, const char *path, enum ldr_err err, void **data,
			     uint64_t *size)
{
	EFI_STATUS s = efi_file_read(c, path, EFI_FE_MAX_FILE, data, size);

	if (s == EFI_BAD_BUFFER_SIZE)
		efi_error(path, "file too large", "over the 1 GiB cap", err);
	else if (EFI_ERROR(s))
		efi_error(path, "cannot read", efi_status_str(s), err);
	else if (!*size)
		efi_error(path, "cannot read", "empty file", err);
	else
		return LDR_OK;
	return err;
}

static enum ldr_err read_files(struct efi_ctx *c)
{
	struct boot_env *env = &c->env;
	void *data;
	uint64_t size;
	enum ldr_err err;

	if ((err = read_one(c, c->cfg.kernel, LDR_E_NO_KERNEL, &data, &size)))
		return err;
	env->kernel = data;
	env->kernel_size = size;
	env->reserved[env->reserved_count++] =
		(struct boot_range){ (uintptr_t)data, EFI_SIZE_TO_PAGES(size) * EFI_PAGE_SIZE };
	for (uint32_t i = 0; i < c->cfg.module_count; i++) {
		const struct config_module *m = &c->cfg.modules[i];
		if ((err = read_one(c, m->path, LDR_E_MODULE, &data, &size)))
			return err;
		ldr_snprintf(module_strings[i], MODULE_STRING_MAX, "%s%s%s", m->path,
			     m->args[0] ? " " : "", m->args);
		env->modules[i] = (struct boot_module){ (uintptr_t)data, size, module_strings[i] };
		env->module_count = i + 1;
	}
	return LDR_OK;
}

/* Size the map buffer once, with slack: nothing may allocate at exit. */
static enum ldr_err read_memmap(struct efi_ctx *c)
{
	struct efi_mmap *m = &c->mmap;
	struct ldr_diag d;
	UINTN size = 0, key, dsz = 0, bytes;
	UINT32 ver;
	EFI_PHYSICAL_ADDRESS pa;
	EFI_STATUS s = c->bs->GetMemoryMap(&size, NULL, &key, &dsz, &ver);

	if (s != EFI_BUFFER_TOO_SMALL) {
		efi_error("firmware", "GetMemoryMap", efi_status_str(s), LDR_E_MEMMAP);
		return LDR_E_MEMMAP;
	}
	/* F3: DescriptorSize itself is checked when the map is translated. */
	if (__builtin_mul_overflow(dsz + sizeof(EFI_MEMORY_DESCRIPTOR), EFI_FE_MMAP_SLACK, &bytes) ||
	    __builtin_add_overflow(bytes, size, &bytes) || bytes > MMAP_BUF_MAX) {
		efi_error("firmware", "GetMemoryMap", "map size out of range", LDR_E_MEMMAP);
		return LDR_E_MEMMAP;
	}
	s = efi_alloc_pages(c, AllocateAnyPages, EFI_SIZE_TO_PAGES(bytes), &pa);
	if (!EFI_ERROR(s)) {
		m->buf = (void *)(uintptr_t)pa;
		m->cap = EFI_SIZE_TO_PAGES(bytes) * EFI_PAGE_SIZE;
		s = efi_mmap_get(c->bs, m);
	}
	if (EFI_ERROR(s)) {
		efi_error("firmware", "GetMemoryMap", efi_status_str(s), LDR_E_MEMMAP);
		return LDR_E_MEMMAP;
	}
	if (efi_mmap_translate(m, EFI_MM_PLAN, c->mm, BOOT_MAX_MMAP, &c->env.mmap_count, &d)) {
		log_diag("firmware memory map", &d);
		return d.err;
	}
	c->env.mmap = c->mm;
	return LDR_OK;
}

static void read_platform(struct efi_ctx *c)
{
	struct boot_env *env = &c->env;
	uint64_t t0;

	efi_find_rsdp(c->st, &env->acpi_rsdp, &env->acpi_revision);
	efi_rng_collect(c, &env->entropy[env->entropy_count++]);
	efi_seed_read(c, &env->entropy[env->entropy_count++]);
	env->cpu_features = efi_cpu_features();
	/* A 1 ms stall is enough to report timings in microseconds. */
	t0 = efi_rdtsc(NULL);
	if (!EFI_ERROR(c->bs->Stall(1000)))
		env->tsc_hz = (efi_rdtsc(NULL) - t0) * 1000;
}

static const char *status_name(const struct boot_entropy_input *in)
{
	if (in->status == ASLRBOOT_ENT_OK)
		return in->read_only ? "read-only" : "ok";
	return in->status == ASLRBOOT_ENT_ABSENT ? "absent" : "failed";
}

static enum ldr_err gather(struct efi_ctx *c)
{
	struct boot_env *env = &c->env;
	enum ldr_err err;

	env->loader_name = "aslrboot-efi";
	env->info_flags = ASLRBOOT_INFO_F_UEFI;
	if (efi_cpu_la57()) {
		efi_error("cpu", "5-level paging is on", "unsupported", LDR_E_CPU);
		return LDR_E_CPU;
	}
	env->reserved[env->reserved_count++] =
		(struct boot_range){ (uintptr_t)c->li->ImageBase, c->li->ImageSize };
	if ((err = read_config(c)) || (err = read_files(c)))
		return err;
	env->tsc[ASLRBOOT_PHASE_FILE_READ] = efi_rdtsc(NULL);
	read_platform(c);
	if ((err = read_memmap(c)))
		return err;
	if (env->opts.verbose)
		log_printf("aslrboot %s (UEFI): kernel %s (%llu bytes), %u module(s), %u map entries, EFI RNG %s, seed file %s\n",
			   ASLRBOOT_VERSION_STRING, env->kernel_name, (unsigned long long)env->kernel_size,
			   env->module_count, env->mmap_count, status_name(&env->entropy[0]),
			   status_name(&env->entropy[1]));
	return LDR_OK;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct efi_ctx *c = &ctx;
	uint64_t t0 = efi_rdtsc(NULL);

	c->image = image;
	c->st = st;
	c->bs = st->BootServices;
	c->env.tsc[ASLRBOOT_PHASE_ENTRY] = t0;
	efi_platform_init(c);
	log_init(&c->ops);
	if (EFI_ERROR(c->bs->HandleProtocol(image, &li_guid, (void **)&c->li))) {
		efi_error("firmware", "LoadedImage protocol", "not found", LDR_E_FIRMWARE);
		return EFI_LOAD_ERROR;
	}
	efi_console_init(c);
	if (setjmp(efi_halt_jb) || gather(c)) {
		efi_seed_close(c);
		efi_entropy_wipe(c);
		efi_free_all(c);
		return EFI_LOAD_ERROR;
	}
	loader_main(&c->env, &c->ops);
}
