/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot front end (multiboot/): the boot loader's information ->
 * struct boot_env, and the platform_ops the core calls.  Internal to
 * multiboot/; the core never sees it.
 */
#ifndef MB_MB_H
#define MB_MB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "../loader/boot_env.h"
#include "../loader/config.h"
#include "../loader/platform.h"
#include "alloc.h"
#include "mbi.h"

/*
 * isa-debug-exit codes written on the way to a halt, only when CPUID says
 * a hypervisor is present (QEMU exits with (code << 1) | 1).  The test
 * kernel uses 0x10 (33, pass) and 0x11 (35, fail).
 */
#define MB_DEBUG_EXIT_PORT 0xf4
#define MB_EXIT_ERROR 0x20 /* 65: aslrboot printed an error line and refused to boot */
#define MB_EXIT_CRASH 0x21 /* 67: CPU exception inside aslrboot (a bug) */

struct mb_ctx {
	struct boot_env env;
	struct mb_info info;
	struct boot_config cfg;
	struct mb_alloc alloc;
	struct platform_ops ops;
};

/* main.c: called by entry.asm in long mode on the W^X-able boot stack. */
noreturn void mb_main(uint32_t magic, uint32_t mbi);

/* platform.c */
void mb_platform_init(struct mb_ctx *c);
/* mb_access_fn over the identity map: [pa, pa+len) inside [4 KiB, 4 GiB). */
const void *mb_phys_access(void *ctx, uint64_t pa, uint64_t len);
/* Debug-exit (under a hypervisor) with `code`, then cli; hlt forever. */
noreturn void mb_stop(uint8_t code);

/* cpu.c */
uint32_t mb_cpu_features(void);
/* TSC frequency for the TIMINGS record, 0 if implausible: CPUID leaf 0x15
 * (or the hypervisor leaf), else a PIT one-shot started by
 * mb_tsc_calibrate_start() and read here (a 2 ms wait only when that span
 * is too short or ran out). */
void mb_tsc_calibrate_start(void);
uint64_t mb_tsc_hz(void);

/* trap.c */
void mb_trap_init(void);

#endif
