/* SPDX-License-Identifier: MIT */
/*
 * The kernel entry trampoline (enter.asm), shared by the UEFI and Multiboot
 * front ends: copy it into the identity-mapped trampoline page, fill its
 * parameters, then call the copy.  It never returns.
 */
#ifndef LDR_X86_64_ENTER_H
#define LDR_X86_64_ENTER_H

#include <stdbool.h>
#include <stdint.h>

#include "../../platform.h"

extern const uint8_t aslrboot_tramp_start[];
extern const uint8_t aslrboot_tramp_params[];
extern const uint8_t aslrboot_tramp_end[];

/* Layout of the block at aslrboot_tramp_params. */
struct aslrboot_tramp_params {
	uint64_t cr3;
	uint64_t entry;
	uint64_t stack_top;
	uint64_t info;
	uint64_t rsi;
};

/* Copy the code into `page` (4 KiB, writable through this pointer now) and
 * fill its parameters; false if it would not fit in one page. */
static inline bool tramp_install(void *page, const struct entry_state *st)
{
	uint64_t size = (uint64_t)(aslrboot_tramp_end - aslrboot_tramp_start);
	uint64_t off = (uint64_t)(aslrboot_tramp_params - aslrboot_tramp_start);
	struct aslrboot_tramp_params p = {
		.cr3 = pa_addr(st->cr3),
		.entry = va_addr(st->entry),
		.stack_top = va_addr(st->stack_top),
		.info = va_addr(st->info),
		.rsi = st->rsi,
	};

	if (size > PAGE_SIZE || off + sizeof(p) > size)
		return false;
	__builtin_memcpy(page, aslrboot_tramp_start, size);
	__builtin_memcpy((uint8_t *)page + off, &p, sizeof(p));
	return true;
}

#endif
