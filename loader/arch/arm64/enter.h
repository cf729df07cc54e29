/* SPDX-License-Identifier: MIT */
/*
 * The arm64 kernel entry trampoline (enter.S): copy it into the
 * identity-mapped trampoline page, fill its parameters (the tables' root
 * and the MMU settings of the entry state), then clean the page to the
 * point of coherency and call the copy.  It never returns.
 */
#ifndef LDR_ARM64_ENTER_H
#define LDR_ARM64_ENTER_H

#include <stdbool.h>
#include <stdint.h>

#include "../../platform.h"
#include "cpu.h"
#include "mmu.h"

extern const uint8_t aslrboot_tramp_start[];
extern const uint8_t aslrboot_tramp_params[];
extern const uint8_t aslrboot_tramp_end[];
/* Run the installed copy at `page` with the current MMU off (enter.S). */
__attribute__((__noreturn__)) void aslrboot_tramp_call(void *page);

/* Layout of the block at aslrboot_tramp_params (enter.S loads it in pairs). */
struct aslrboot_tramp_params {
	uint64_t ttbr0;
	uint64_t ttbr1;
	uint64_t mair;
	uint64_t tcr;
	uint64_t sctlr;
	uint64_t entry;
	uint64_t stack_top;
	uint64_t info;
};

/* Copy the code into `page` (4 KiB, writable through this pointer now),
 * fill its parameters and clean the page to the point of coherency; false
 * if it would not fit in one page or the root cannot be split in two
 * halves (it must be 4 KiB aligned). */
static inline bool tramp_install(void *page, const struct entry_state *st)
{
	uint64_t size = (uint64_t)(aslrboot_tramp_end - aslrboot_tramp_start);
	uint64_t off = (uint64_t)(aslrboot_tramp_params - aslrboot_tramp_start);
	struct aslrboot_tramp_params p = {
		.ttbr0 = pa_addr(st->cr3),
		.ttbr1 = pa_addr(st->cr3) + MMU_TTBR1_OFFSET,
		.mair = MMU_MAIR_EL1,
		.tcr = mmu_tcr_el1(read_sysreg(id_aa64mmfr0_el1)),
		.sctlr = MMU_SCTLR_EL1,
		.entry = va_addr(st->entry),
		.stack_top = va_addr(st->stack_top),
		.info = va_addr(st->info),
	};

	if (size > PAGE_SIZE || off + sizeof(p) > size || (p.ttbr0 & (PAGE_SIZE - 1)))
		return false;
	__builtin_memcpy(page, aslrboot_tramp_start, size);
	__builtin_memcpy((uint8_t *)page + off, &p, sizeof(p));
	dcache_clean_poc((uint64_t)(uintptr_t)page, size);
	return true;
}

#endif
