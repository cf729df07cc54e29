/* SPDX-License-Identifier: MIT */
/*
 * The unified image (loader/unified/unified.h) from the front end's side:
 * the sections of the running image, validated in memory as the firmware
 * loaded them, the choice of what the image supplies once the ESP config
 * and load options are parsed, and a copy of what is used.
 */
#include "efi_fe.h"
#include "../loader/libc.h"
#include "../loader/log.h"
#include "../loader/unified/unified.h"

static struct unified_image img;

enum ldr_err efi_unified_copy(struct efi_ctx *c, const void *src, uint64_t size, const char *name,
			      void **data)
{
	EFI_PHYSICAL_ADDRESS pa = 0;
	EFI_STATUS s = efi_alloc_pages(c, AllocateAnyPages, EFI_SIZE_TO_PAGES(size), &pa);

	if (EFI_ERROR(s)) {
		efi_error(name, "cannot copy section", efi_status_str(s), LDR_E_NOMEM);
		return LDR_E_NOMEM;
	}
	*data = (void *)(uintptr_t)pa;
	memcpy(*data, src, size);
	return LDR_OK;
}

enum ldr_err efi_unified_read(struct efi_ctx *c, struct efi_unified *u)
{
	const uint8_t *base = c->li->ImageBase;
	struct ldr_diag d;
	char line[256];

	memset(u, 0, sizeof(*u));
	if (unified_parse(base, c->li->ImageSize, UNIFIED_VIEW_MEMORY, &img, &d)) {
		unified_format_error(line, sizeof(line), "unified image", &img, &d);
		log_printf("%s\n", line);
		return d.err;
	}
	if (!img.present)
		return LDR_OK;
	u->present = true;
	u->kernel = base + img.kernel.off;
	u->kernel_size = img.kernel.size;
	if (img.cmdline.size) {
		u->cmdline = (const char *)base + img.cmdline.off;
		u->cmdline_len = img.cmdline.size;
	}
	if (img.config.size) {
		u->config = (const char *)base + img.config.off;
		u->config_len = img.config.size;
	}
	for (uint32_t i = 0; i < img.module_count; i++) {
		u->modules[i].data = base + img.modules[i].off;
		u->modules[i].size = img.modules[i].size;
		u->modules[i].string = (const char *)base + img.module_string[i];
	}
	u->module_count = img.module_count;
	return LDR_OK;
}

void efi_unified_choose(struct efi_ctx *c, const struct efi_unified *u, uint32_t later_keys)
{
	struct boot_config *cfg = &c->cfg;

	if (!u->present)
		return;
	c->kernel_embedded = !(later_keys & CONFIG_KEY_BIT(CONFIG_KEY_KERNEL));
	c->modules_embedded = !(later_keys & CONFIG_KEY_BIT(CONFIG_KEY_MODULE));
	c->cmdline_embedded = !(later_keys & CONFIG_KEY_BIT(CONFIG_KEY_CMDLINE));
	/* The parser bounds .cmdline by BOOT_MAX_CMDLINE: it fits with its NUL. */
	if (c->cmdline_embedded && u->cmdline) {
		memcpy(cfg->cmdline, u->cmdline, u->cmdline_len);
		cfg->cmdline[u->cmdline_len] = '\0';
	}
	if (c->kernel_embedded)
		c->env.info_flags |= ASLRBOOT_INFO_F_UNIFIED;
}
