/* SPDX-License-Identifier: MIT */
/* struct platform_ops for UEFI: the only firmware surface the core sees. */
#include "efi_fe.h"
#include "efi_halt.h"
#include "../loader/log.h"

jmp_buf efi_halt_jb;

EFI_STATUS efi_alloc_pages(struct efi_ctx *c, EFI_ALLOCATE_TYPE type, UINTN pages,
			   EFI_PHYSICAL_ADDRESS *pa)
{
	EFI_STATUS s = c->bs->AllocatePages(type, EfiLoaderData, pages, pa);

	/* Untracked pages (past the cap) are only leaked if we return to
	 * the firmware; they are never handed out twice. */
	if (!EFI_ERROR(s) && c->alloc_count < EFI_FE_MAX_ALLOCS)
		c->allocs[c->alloc_count++] = (struct efi_alloc){ *pa, pages };
	else if (!EFI_ERROR(s))
		c->allocs_untracked = true;
	return s;
}

/* Before returning to the firmware: give back everything we took. */
void efi_free_all(struct efi_ctx *c)
{
	while (c->alloc_count) {
		struct efi_alloc *a = &c->allocs[--c->alloc_count];
		c->bs->FreePages(a->pa, a->pages);
	}
}

static enum ldr_err efi_alloc_at(void *ctx, paddr_t pa, uint64_t pages)
{
	EFI_PHYSICAL_ADDRESS a = pa_addr(pa);

	if (!pages || pages > UINT64_MAX / EFI_PAGE_SIZE)
		return LDR_E_RANGE;
	if (EFI_ERROR(efi_alloc_pages(ctx, AllocateAddress, (UINTN)pages, &a)))
		return LDR_E_NOMEM;
	return LDR_OK;
}

static enum ldr_err efi_alloc_any(void *ctx, uint64_t pages, paddr_t *out)
{
	EFI_PHYSICAL_ADDRESS a = 0;

	if (!pages || pages > UINT64_MAX / EFI_PAGE_SIZE)
		return LDR_E_RANGE;
	if (EFI_ERROR(efi_alloc_pages(ctx, AllocateAnyPages, (UINTN)pages, &a)))
		return LDR_E_NOMEM;
	*out = pa_init(a);
	return LDR_OK;
}

/* A file buffer efi_file_read allocated, moved away by the core. */
static enum ldr_err efi_release(void *ctx, paddr_t pa, uint64_t pages)
{
	struct efi_ctx *c = ctx;

	for (uint32_t i = 0; i < c->alloc_count; i++) {
		struct efi_alloc *a = &c->allocs[i];
		if (a->pa != pa_addr(pa) || a->pages != pages)
			continue;
		if (EFI_ERROR(c->bs->FreePages(a->pa, a->pages)))
			return LDR_E_FIRMWARE;
		*a = c->allocs[--c->alloc_count];
		return LDR_OK;
	}
	return LDR_E_RANGE;
}

/* UEFI identity-maps all memory on x86-64 and AArch64 (UEFI 2.10, 2.3.4
 * and 2.3.6). */
static void *efi_phys_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	uint64_t end;

	(void)ctx;
	if (!range_end(pa_addr(pa), len, &end) || end > (UINT64_C(1) << 47))
		return NULL;
	return (void *)(uintptr_t)pa_addr(pa);
}

static enum ldr_err efi_exit_firmware(void *ctx, struct boot_env *env)
{
	struct efi_ctx *c = ctx;
	struct ldr_diag diag;
	uint32_t n;
	EFI_STATUS s;

	c->ebs_called = true; /* from here on: serial only, no return */
	s = efi_exit_boot_services(c->bs, c->image, &c->mmap);
	if (EFI_ERROR(s)) {
		efi_error("firmware", "ExitBootServices", efi_status_str(s), LDR_E_FIRMWARE);
		return LDR_E_FIRMWARE;
	}
	efi_cpu_quiesce();
	if (efi_mmap_translate(&c->mmap, EFI_MM_FINAL, c->mm, BOOT_MAX_MMAP, &n, &diag)) {
		log_diag("final memory map", &diag);
		return diag.err;
	}
	env->mmap = c->mm;
	env->mmap_count = n;
	env->info_flags |= ASLRBOOT_INFO_F_UEFI;
	return LDR_OK;
}

static __attribute__((__noreturn__)) void efi_enter(void *ctx, const struct entry_state *st)
{
	void *page = efi_phys_ptr(ctx, st->trampoline, PAGE_SIZE);

	if (page)
		efi_cpu_enter(ctx, page, st);
	log_printf("error: trampoline page 0x%llx unusable [E_FIRMWARE]\n",
		   (unsigned long long)pa_addr(st->trampoline));
	efi_cpu_halt();
}

/* Before ExitBootServices the firmware gets control back (efi_main returns
 * EFI_LOAD_ERROR, so the boot menu or GRUB carries on); after, stop. */
static __attribute__((__noreturn__)) void efi_halt(void *ctx, enum ldr_err err)
{
	struct efi_ctx *c = ctx;

	if (!c->ebs_called)
		longjmp(efi_halt_jb, err ? (UINTN)err : (UINTN)LDR_E_FIRMWARE);
	efi_cpu_halt();
}

void efi_platform_init(struct efi_ctx *c)
{
	c->ops = (struct platform_ops){
		.ctx = c,
		.alloc_at = efi_alloc_at,
		.alloc_any = efi_alloc_any,
		.release = efi_release,
		.phys_ptr = efi_phys_ptr,
		.console_write = efi_console_write,
		.exit_firmware = efi_exit_firmware,
		.enter = efi_enter,
		.halt = efi_halt,
		.timestamp = efi_timestamp,
	};
}
