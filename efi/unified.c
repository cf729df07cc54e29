/* SPDX-License-Identifier: MIT */
/*
 * The unified image (loader/unified/unified.h) from the front end's side:
 * the sections of the running image, validated in memory as the firmware
 * loaded them, the kernel and modules copied out, and the choice of what
 * the image supplies once the ESP config and load options are parsed.
 */
#include "efi_fe.h"
#include "../loader/libc.h"
#include "../loader/log.h"
#include "../loader/unified/unified.h"

static struct unified_image img;

/* A fresh copy of image bytes [p.off, p.off + p.size) in loader pages. */
static enum ldr_err copy_out(struct efi_ctx *c, struct unified_piece p, const char *name,
			     void **data)
{
	EFI_PHYSICAL_ADDRESS pa = 0;
	EFI_STATUS s = efi_alloc_pages(c, AllocateAnyPages, EFI_SIZE_TO_PAGES(p.size), &pa);

	if (EFI_ERROR(s)) {
		efi_error(name, "cannot copy section", efi_status_str(s), LDR_E_NOMEM);
		return LDR_E_NOMEM;
	}
	*data = (void *)(uintptr_t)pa;
	memcpy(*data, (const uint8_t *)c->li->ImageBase + p.off, p.size);
	return LDR_OK;
}

enum ldr_err efi_unified_read(struct efi_ctx *c, struct efi_unified *u)
{
	const uint8_t *base = c->li->ImageBase;
	struct ldr_diag d;
	enum ldr_err err;
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
	if ((err = copy_out(c, img.kernel, ".kernel", &u->kernel)))
		return err;
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
		if ((err = copy_out(c, img.modules[i], ".mod", &u->modules[i].data)))
			return err;
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
