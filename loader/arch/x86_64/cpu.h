/* SPDX-License-Identifier: MIT */
/* x86-64 CPU access both front ends need (target only: privileged); the
 * bare instructions are in include/ldr_x86_64.h. */
#ifndef LDR_X86_64_CPU_H
#define LDR_X86_64_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "../../boot_env.h"
#include "../../../include/ldr_x86_64.h"

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline bool cpu_hypervisor(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	return (c >> 31) & 1;
}

/*
 * Mask every line of both legacy 8259 PICs (OCW1 = 0xff) before the handoff.
 * Firmware leaves the PIT's IRQ 0 unmasked and ticking (SeaBIOS on vector 8,
 * an exception vector); a kernel that never programs the PIC, masks LINT0
 * and then enables interrupts (Nanos) takes that request as a bogus vector.
 * Kernels that use the PIC program it themselves (Linux does); Firecracker
 * has no firmware to leave it running.
 */
static inline void pic_mask_all(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/* BOOT_CPU_* from CPUID 0x80000001 EDX: NX (bit 20), 1 GiB pages (bit 26). */
static inline uint32_t cpu_boot_features(void)
{
	uint32_t a, b, c, d, f = 0;

	cpuid(0x80000000u, &a, &b, &c, &d);
	if (a < 0x80000001u)
		return 0;
	cpuid(0x80000001u, &a, &b, &c, &d);
	if (d & (1u << 20))
		f |= BOOT_CPU_NX;
	if (d & (1u << 26))
		f |= BOOT_CPU_1G_PAGES;
	return f;
}

#endif
