/* SPDX-License-Identifier: MIT */
/*
 * arm64 CPU access the front ends need (target only: privileged): system
 * registers, the exception level, feature registers, the generic timer,
 * cache maintenance, and BOOT_CPU_* (the MMU register values are in mmu.h;
 * the TLB and MMU switch is enter.S's).
 * Arm ARM chapter D17 (AArch64 system registers) for every field below.
 */
#ifndef LDR_ARM64_CPU_H
#define LDR_ARM64_CPU_H

#ifndef __aarch64__
#error "arm64/cpu.h: arm64 instructions on another architecture"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "../../boot_env.h"

#define read_sysreg(r)                                           \
	({                                                       \
		uint64_t v__;                                    \
		__asm__ __volatile__("mrs %0, " #r : "=r"(v__)); \
		v__;                                             \
	})

static inline void isb(void)
{
	__asm__ __volatile__("isb" : : : "memory");
}

static inline void dsb_ish(void)
{
	__asm__ __volatile__("dsb ish" : : : "memory");
}

/* The exception level this code runs at (CurrentEL bits 3:2). */
static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3;
}

/* The virtual count of the generic timer, not taken before the code that
 * precedes it (ISB), and its frequency in Hz. */
static inline uint64_t cntvct(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t cntfrq(void)
{
	return read_sysreg(cntfrq_el0) & 0xffffffff;
}

/* ID_AA64MMFR0_EL1.TGran4 (bits 31:28): 0b1111 = no 4 KiB granule. */
static inline bool cpu_has_4k_granule(void)
{
	return ((read_sysreg(id_aa64mmfr0_el1) >> 28) & 0xf) != 0xf;
}

/* Smallest data cache line in bytes: CTR_EL0.DminLine (bits 19:16) is log2
 * of the line in 4-byte words. */
static inline uint64_t dcache_line(void)
{
	return UINT64_C(4) << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* Clean [va, va + len) to the point of coherency (DC CVAC by line), so a
 * reader with the caches off or through another mapping sees it; DSB ISH
 * after. */
static inline void dcache_clean_poc(uint64_t va, uint64_t len)
{
	uint64_t line = dcache_line(), end = va + len;

	if (end < va)
		end = UINT64_MAX;
	for (uint64_t p = va & ~(line - 1); p < end && p >= (va & ~(line - 1)); p += line)
		__asm__ __volatile__("dc cvac, %0" : : "r"(p) : "memory");
	dsb_ish();
}

/* Invalidate the whole instruction cache to the point of unification, then
 * wait for it (the copied trampoline and the kernel are fetched fresh). */
static inline void icache_inval_all(void)
{
	__asm__ __volatile__("ic iallu\n\tdsb ish\n\tisb" : : : "memory");
}

/* BOOT_CPU_*: execute-never and 1 GiB blocks (4 KiB granule) are
 * architectural; the granule is what may be missing. */
static inline uint32_t cpu_boot_features(void)
{
	return cpu_has_4k_granule() ? BOOT_CPU_NX | BOOT_CPU_1G_PAGES : 0;
}

#endif
