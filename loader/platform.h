/* SPDX-License-Identifier: MIT */
/*
 * The only firmware surface the core sees (FreeBSD's struct arch_switch,
 * Linux's ident_map alloc callback).  Host tests implement it over a malloc'd
 * arena (tests/fake_platform.c).
 */
#ifndef LDR_PLATFORM_H
#define LDR_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "addr.h"
#include "../include/ldr_errors.h"
#include "boot_env.h"

/* What the core hands to platform_ops.enter. */
struct entry_state {
	paddr_t cr3;	    /* top-level table of the new page tables */
	vaddr_t entry;	    /* kernel entry, virtual */
	vaddr_t stack_top;  /* RSP at entry (a zero return address is pushed first) */
	vaddr_t info;	    /* RDI at entry: the boot-info block, virtual */
	paddr_t trampoline; /* identity-mapped page holding the switch code */
	uint64_t rsi;	    /* RSI at entry: 0 natively, boot_params for linux64 */
};

struct platform_ops {
	void *ctx;
	/* Claim exactly [pa, pa + pages*4K) for the kernel; LDR_E_NOMEM if the
	 * firmware disagrees it is free. */
	enum ldr_err (*alloc_at)(void *ctx, paddr_t pa, uint64_t pages);
	/* Loader scratch memory, anywhere. */
	enum ldr_err (*alloc_any)(void *ctx, uint64_t pages, paddr_t *out);
	/* Give back [pa, pa + pages*4K), a file buffer the front end allocated
	 * (kernel or module) after the core moved it; NULL where the front end
	 * allocated nothing (the buffer's env->reserved / env->modules entry is
	 * all that keeps it, and the core updates that). */
	enum ldr_err (*release)(void *ctx, paddr_t pa, uint64_t pages);
	/* A pointer through which the loader can access [pa, pa+len) now.
	 * Identity on firmware; an arena offset in host tests.  NULL if the
	 * range is not accessible. */
	void *(*phys_ptr)(void *ctx, paddr_t pa, uint64_t len);
	void (*console_write)(void *ctx, const char *s, size_t n);
	/* Leave the firmware (ExitBootServices); refresh env->mmap with the
	 * final map if it changed.  After success, no other op but phys_ptr,
	 * console_write (serial only), enter and halt may be called. */
	enum ldr_err (*exit_firmware)(void *ctx, struct boot_env *env);
	/* Copy the trampoline into `st->trampoline`, switch CR3, jump.  Never
	 * returns (host tests longjmp out). */
	void (*enter)(void *ctx, const struct entry_state *st) __attribute__((__noreturn__));
	/* Stop for good after an error: print nothing more, return to firmware
	 * if still possible (EFI_LOAD_ERROR) or halt the CPU. */
	void (*halt)(void *ctx, enum ldr_err err) __attribute__((__noreturn__));
	/* Persist the next seed file (UEFI: \EFI\aslrboot\random-seed, written
	 * and flushed).  Called before the kernel's seed is derived; NULL where
	 * there is no writable storage.  An error only costs the file's credit. */
	enum ldr_err (*store_seed)(void *ctx, const uint8_t *seed, size_t len);
	/* Serialized timestamp counter (RDTSC on x86); may be NULL. */
	uint64_t (*timestamp)(void *ctx);
};

#endif
