/* SPDX-License-Identifier: MIT */
/*
 * efi_main: gather what the firmware knows into struct boot_env (config,
 * kernel and modules read once, memory map, ACPI RSDP, EFI_RNG bytes, CPU
 * features), then hand over to the core.  Any error before
 * ExitBootServices prints one line and returns EFI_LOAD_ERROR
 * (EFI_SECURITY_VIOLATION for a Secure Boot refusal), so the boot manager
 * (or GRUB) carries on.
 */
#include "efi_fe.h"
#include "efi_halt.h"
#include "../loader/loader.h"
#include "../loader/log.h"

#define CONFIG_PATH "\\EFI\\aslrboot\\aslrboot.cfg"
#define MMAP_BUF_MAX (UINT64_C(4) << 20) /* far above any real map */
#define MODULE_STRING_MAX (CONFIG_MAX_PATH + 1 + CONFIG_MAX_MODULE_ARGS + 1)

static struct efi_ctx ctx;
static struct efi_unified unified;
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
 * Under Secure Boot the ESP config file and the load options are not
 * signed: every key of theirs could weaken the boot (aslr=off, seed=,
 * trust_*, kernel=) or leak the layout (verbose=), so they are parsed into
 * `scratch` only, to name their keys in one warning line each, and never
 * applied.
 */
static struct boot_config scratch;

/* An unsigned source that cannot be read or parsed: one error line that
 * stops the boot, or under Secure Boot one warning line (it would not have
 * been applied) and LDR_OK: the source is skipped. */
static enum ldr_err source_error(const struct efi_ctx *c, const char *src, const char *what,
				 const char *why)
{
	if (!c->secure_boot) {
		efi_error(src, what, why, LDR_E_CONFIG);
		return LDR_E_CONFIG;
	}
	log_printf("warning: %s: ignored under Secure Boot (not signed; %s: %s)\n", src, what, why);
	return LDR_OK;
}

static enum ldr_err parse_error(const struct efi_ctx *c, const char *src,
				const struct boot_config *cfg, const struct ldr_diag *d)
{
	char what[96];

	if (!c->secure_boot)
		return config_error(src, c, d);
	ldr_snprintf(what, sizeof(what), "it does not parse: %s %lld: %s", d->what,
		     (long long)d->index, d->field);
	return source_error(c, src, what, cfg->err_why);
}

/* Under Secure Boot: the keys an unsigned source set, not applied. */
static void ignored(const struct efi_ctx *c, const char *src, const struct boot_config *cfg)
{
	char keys[CONFIG_KEY_NAMES_MAX];

	if (!c->secure_boot || !cfg->keys_seen)
		return;
	config_key_names(cfg->keys_seen, keys, sizeof(keys));
	log_printf("warning: %s: ignored under Secure Boot (not signed): %s\n", src, keys);
}

/* EDK2's boot manager gives the boot options it creates by itself (the
 * removable-media path among them) this GUID as OptionalData, which arrives
 * as LoadOptions: a marker, not options. */
/* clang-format off */
static const EFI_GUID bds_auto_option = { 0x8108ac4e, 0x9f11, 0x4d59,
					  { 0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2 } };
static EFI_GUID shell_params_guid = { 0x752f3136, 0x4e16, 0x4fdc,
				      { 0xa2, 0x2a, 0xe5, 0xf4, 0x68, 0x12, 0xf4, 0xca } };
/* clang-format on */

/*
 * LoadOptions -> options[] as UTF-8, *n bytes.  Options are UTF-16 text
 * (the UEFI shell, efibootmgr --unicode, GRUB's chainloader): an odd size,
 * an unpaired surrogate, a control character or 8-bit text is one E_CONFIG
 * line, never dropped.  Data without a single ASCII character cannot hold
 * key=value options: a firmware boot entry's binary OptionalData, ignored
 * with one line (silently for EDK2's own marker).  The shell installs its
 * parameters protocol on the images it starts and passes the command's own
 * path first: that word is skipped here (*from_shell), and every other word
 * must be key=value; other callers' options are options, except a leading
 * word that looks like a path (config_parse_options).
 */
static enum ldr_err load_options(struct efi_ctx *c, struct boot_config *dst, size_t *n,
				 bool *from_shell)
{
	const EFI_LOADED_IMAGE *li = c->li;
	struct ldr_diag d;
	enum config_lo_kind kind;
	void *shell;
	size_t skip;

	*n = 0;
	*from_shell = !EFI_ERROR(c->bs->HandleProtocol(c->image, &shell_params_guid, &shell));
	if (li->LoadOptions && li->LoadOptionsSize == sizeof(EFI_GUID) &&
	    !__builtin_memcmp(li->LoadOptions, &bds_auto_option, sizeof(EFI_GUID)))
		return LDR_OK;
	kind = config_load_options_kind(li->LoadOptions, li->LoadOptionsSize);
	if (*from_shell && kind != CONFIG_LO_EMPTY) /* the shell passes text */
		kind = li->LoadOptionsSize % sizeof(CHAR16) ? CONFIG_LO_ODD : CONFIG_LO_TEXT;
	switch (kind) {
	case CONFIG_LO_EMPTY: return LDR_OK;
	case CONFIG_LO_TEXT: break;
	case CONFIG_LO_ODD: return source_error(c, "load options", "not UTF-16 text", "odd size");
	case CONFIG_LO_EIGHT_BIT:
		return source_error(c, "load options", "not UTF-16 text",
				    "8-bit text (a boot entry needs efibootmgr --unicode)");
	case CONFIG_LO_BINARY:
		log_printf("load options: %u bytes of binary data, not options: ignored\n",
			   (unsigned)li->LoadOptionsSize);
		return LDR_OK;
	}
	if (config_utf16_to_utf8(dst, li->LoadOptions, li->LoadOptionsSize / sizeof(CHAR16),
				 options, CONFIG_MAX_INPUT + 1, n, &d))
		return parse_error(c, "load options", dst, &d);
	if (*from_shell) {
		skip = config_skip_word(options, *n);
		__builtin_memmove(options, options + skip, *n - skip);
		*n -= skip;
	}
	return LDR_OK;
}

/*
 * Sources in order, each overriding the one before key by key: a unified
 * image's .config, the ESP config file, the load options; under Secure
 * Boot only the first (see `scratch`).
 */
static enum ldr_err read_config(struct efi_ctx *c, const struct efi_unified *u)
{
	struct boot_config *dst = c->secure_boot ? &scratch : &c->cfg;
	struct ldr_diag d;
	void *data;
	uint64_t size;
	size_t n;
	bool shell;
	EFI_STATUS s;
	enum ldr_err err = LDR_OK;

	config_init(&c->cfg);
	if (u->config && config_parse_file(&c->cfg, u->config, u->config_len, &d))
		return config_error(".config", c, &d);
	c->cfg.keys_seen = 0; /* from here on: what the ESP and the options set */
	config_init(&scratch);
	s = efi_file_read(c, CONFIG_PATH, CONFIG_MAX_INPUT, &data, &size);
	if (s == EFI_BAD_BUFFER_SIZE)
		err = source_error(c, CONFIG_PATH, "file too large", "over 64 KiB");
	else if (EFI_ERROR(s) && s != EFI_NOT_FOUND)
		err = source_error(c, CONFIG_PATH, "cannot read", efi_status_str(s));
	else if (!EFI_ERROR(s) && config_parse_file(dst, data, (size_t)size, &d))
		err = parse_error(c, CONFIG_PATH, dst, &d);
	else if (!EFI_ERROR(s))
		ignored(c, CONFIG_PATH, dst);
	if (err)
		return err;
	config_init(&scratch);
	if ((err = load_options(c, dst, &n, &shell)))
		return err;
	if (n && (shell ? config_parse_args : config_parse_options)(dst, options, n, &d))
		err = parse_error(c, "load options", dst, &d);
	else if (n)
		ignored(c, "load options", dst);
	if (err)
		return err;
	efi_unified_choose(c, u, c->cfg.keys_seen);
	config_apply(&c->cfg, &c->env);
	if (c->kernel_embedded)
		c->env.kernel_name = ".kernel";
	return LDR_OK;
}

/* A kernel or module that is empty or over the cap is refused. */
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

/* The kernel and modules: a unified image's copies, or files on the ESP. */
static enum ldr_err read_files(struct efi_ctx *c, const struct efi_unified *u)
{
	struct boot_env *env = &c->env;
	void *data;
	uint64_t size = u->kernel_size;
	char name[8];
	enum ldr_err err;

	err = c->kernel_embedded ? efi_unified_copy(c, u->kernel, size, ".kernel", &data) :
				   read_one(c, c->cfg.kernel, LDR_E_NO_KERNEL, &data, &size);
	if (err)
		return err;
	env->kernel = data;
	env->kernel_size = size;
	env->reserved[env->reserved_count++] =
		(struct boot_range){ (uintptr_t)data, EFI_SIZE_TO_PAGES(size) * EFI_PAGE_SIZE };
	for (uint32_t i = 0; c->modules_embedded && i < u->module_count; i++) {
		ldr_snprintf(name, sizeof(name), ".mod%u", i);
		if ((err = efi_unified_copy(c, u->modules[i].data, u->modules[i].size, name,
					    &data)))
			return err;
		env->modules[i] = (struct boot_module){ (uintptr_t)data, u->modules[i].size,
							u->modules[i].string };
		env->module_count = i + 1;
	}
	for (uint32_t i = 0; !c->modules_embedded && i < c->cfg.module_count; i++) {
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
	/* DescriptorSize itself is checked when the map is translated. */
	if (__builtin_mul_overflow(dsz + sizeof(EFI_MEMORY_DESCRIPTOR), EFI_FE_MMAP_SLACK,
				   &bytes) ||
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

	efi_find_rsdp(c->st, &env->acpi_rsdp, &env->acpi_revision);
	efi_rng_collect(c, &env->entropy[env->entropy_count++]);
	efi_seed_read(c, &env->entropy[env->entropy_count++]);
	if (efi_tpm_random(c, &env->entropy[env->entropy_count]))
		env->entropy_count++;
	env->cpu_features = efi_cpu_features();
	env->tsc_hz = efi_timestamp_hz(c);
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

	env->info_flags = ASLRBOOT_INFO_F_UEFI;
	efi_secure_boot_read(c);
	if (c->secure_boot)
		env->info_flags |= ASLRBOOT_INFO_F_SECURE_BOOT;
	if ((err = efi_cpu_check()))
		return err;
	env->reserved[env->reserved_count++] =
		(struct boot_range){ (uintptr_t)c->li->ImageBase, c->li->ImageSize };
	if ((err = efi_unified_read(c, &unified)))
		return err;
	/* Only what the signature covers: nothing is read from the ESP. */
	if (c->secure_boot && !unified.present) {
		efi_error(
			CONFIG_DEFAULT_KERNEL, "refused",
			"Secure Boot is on and the kernel is not in this signed image (build one with aslrboot-unify)",
			LDR_E_SECURE_BOOT);
		return LDR_E_SECURE_BOOT;
	}
	if ((err = read_config(c, &unified)) || (err = read_files(c, &unified)))
		return err;
	efi_measure_inputs(c);
	env->tsc[ASLRBOOT_PHASE_FILE_READ] = efi_timestamp(NULL);
	read_platform(c);
	if ((err = read_memmap(c)))
		return err;
	if (env->opts.verbose)
		log_printf(
			"aslrboot %s (UEFI): kernel %s (%llu bytes, %s), %u module(s)%s, %u map entries, EFI RNG %s, seed file %s, Secure Boot %s\n",
			ASLRBOOT_VERSION_STRING, env->kernel_name,
			(unsigned long long)env->kernel_size,
			c->kernel_embedded ? "from this unified image" : "from the ESP",
			env->module_count, c->modules_embedded ? " from this image" : "",
			env->mmap_count, status_name(&env->entropy[0]),
			status_name(&env->entropy[1]), c->secure_boot ? "on" : "off");
	return LDR_OK;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct efi_ctx *c = &ctx;
	uint64_t t0 = efi_timestamp(NULL);
	volatile enum ldr_err err = LDR_OK; /* kept across the longjmp of a halt */

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
	if (setjmp(efi_halt_jb) || (err = gather(c))) {
		efi_seed_close(c);
		efi_entropy_wipe(c);
		efi_free_all(c);
		return err == LDR_E_SECURE_BOOT ? EFI_SECURITY_VIOLATION : EFI_LOAD_ERROR;
	}
	loader_main(&c->env, &c->ops);
}
