/* SPDX-License-Identifier: MIT */
/* The aslrboot test kernel: shared declarations. */
#ifndef TEST_KERNEL_H
#define TEST_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "kcheck.h"

/* Registers as _start found them (start.S fills this, in this order). */
struct entry_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags;
	uint16_t cs, ss, ds, pad;
};
extern struct entry_regs entry_regs;

/* check.c (x86-64 specific; the portable checks are in kcheck.h): each
 * returns NULL or a short reason for the FAIL line. */
const char *check_entry_state(const struct kinfo *k);
/* check_page_tables over the tables CR3 points to, through the direct map. */
const char *check_live_tables(const struct kinfo *k);
const char *check_self(const struct kinfo *k);
/* The checks every x86-64 test kernel starts with, in order: the boot-info
 * block (into *k; its requested entropy printed), the entry state, the live
 * page tables, the kernel's own placement, memory (bss[0..n) must be 0). */
const char *check_boot(const struct aslrboot_info *info, struct kinfo *k, const uint64_t *bss,
		       unsigned n);

/* console.c: leave QEMU through isa-debug-exit, exit code 33 (pass) or 35
 * (fail); on real hardware, halt. */
__attribute__((noreturn)) void exit_qemu(bool pass);

#endif
