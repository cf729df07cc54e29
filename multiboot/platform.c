/* SPDX-License-Identifier: MIT */
/*
 * platform_ops on bare metal after a Multiboot loader: no firmware to ask,
 * so allocation is checked against the boot loader's map (alloc.c), memory
 * is reached through the identity map below 4 GiB (idmap.c), the console
 * is COM1, and there is no firmware to exit.
 */
#include "mb.h"

#include "../loader/addr.h"
#include "../loader/log.h"
#include "../loader/arch/x86_64/enter.h"
#include "../loader/arch/x86_64/cpu.h"
#include "idmap.h"
#include "serial.h"

noreturn void mb_stop(uint8_t code)
{
	if (cpu_hypervisor())
		outb(MB_DEBUG_EXIT_PORT, code);
	for (;;)
		__asm__ __volatile__("cli\n\thlt");
}

const void *mb_phys_access(void *ctx, uint64_t pa, uint64_t len)
{
	uint64_t end;

	(void)ctx;
	/* Page 0 is unmapped (idmap.c); nothing above 4 GiB is mapped. */
	if (pa < PAGE_SIZE || !range_end(pa, len, &end) || end > MB_IDMAP_LIMIT)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static enum ldr_err p_alloc_at(void *ctx, paddr_t pa, uint64_t pages)
{
	struct mb_ctx *c = ctx;
	return mb_alloc_at(&c->alloc, pa_addr(pa), pages);
}

static enum ldr_err p_alloc_any(void *ctx, uint64_t pages, paddr_t *out)
{
	struct mb_ctx *c = ctx;
	uint64_t pa;
	enum ldr_err err = mb_alloc_any(&c->alloc, pages, &pa);

	if (!err)
		*out = pa_init(pa);
	return err;
}

static void *p_phys_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	return (void *)(uintptr_t)mb_phys_access(ctx, pa_addr(pa), len);
}

static void p_console(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	serial_write(s, n);
}

/* Nothing to leave; the map the boot loader gave stays the final one.  The
 * TSC calibration started at entry is read now, just before the handoff;
 * the legacy PICs are masked. */
static enum ldr_err p_exit(void *ctx, struct boot_env *env)
{
	(void)ctx;
	env->tsc_hz = mb_tsc_hz();
	pic_mask_all();
	return LDR_OK;
}

/* The trampoline page is RW+NX in our map: write it, make it RX, call it. */
static __attribute__((__noreturn__)) void p_enter(void *ctx, const struct entry_state *st)
{
	uint64_t pa = pa_addr(st->trampoline);
	void *page = p_phys_ptr(ctx, st->trampoline, PAGE_SIZE);

	if (!page || !tramp_install(page, st) || !mb_idmap_make_exec(pa)) {
		struct ldr_diag d = { LDR_E_FIRMWARE, "trampoline", -1, "page", pa, 0 };
		log_diag("multiboot", &d);
		mb_stop(MB_EXIT_ERROR);
	}
	((void (*)(void))(uintptr_t)pa)();
	mb_stop(MB_EXIT_CRASH);
}

/* The core printed the error line already. */
static __attribute__((__noreturn__)) void p_halt(void *ctx, enum ldr_err err)
{
	(void)ctx;
	(void)err;
	mb_stop(MB_EXIT_ERROR);
}

static uint64_t p_timestamp(void *ctx)
{
	(void)ctx;
	return rdtsc_serialized();
}

void mb_platform_init(struct mb_ctx *c)
{
	c->ops = (struct platform_ops){
		.ctx = c,
		.alloc_at = p_alloc_at,
		.alloc_any = p_alloc_any,
		.phys_ptr = p_phys_ptr,
		.console_write = p_console,
		.exit_firmware = p_exit,
		.enter = p_enter,
		.halt = p_halt,
		.store_seed = NULL, /* no writable storage on this path */
		.timestamp = p_timestamp,
	};
	mb_alloc_init(&c->alloc, &c->env);
}
