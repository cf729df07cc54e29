/* SPDX-License-Identifier: MIT */
/* The aslrboot test kernel: shared declarations. */
#ifndef TEST_KERNEL_H
#define TEST_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../../include/aslrboot.h"

/* Registers as _start found them (start.S fills this, in this order). */
struct entry_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags;
	uint16_t cs, ss, ds, pad;
};
extern struct entry_regs entry_regs;

/* What the checks learned from the boot-info block. */
struct kinfo {
	const struct aslrboot_info *info;
	const struct aslrboot_rec_layout *layout;
	const struct aslrboot_region *rgn; /* layout->count entries */
	const struct aslrboot_rec_seed *seed;
	const char *cmdline;
	uint64_t direct_map; /* virtual address of physical 0 */
	uint64_t dm_size;
};

/* check.c: each returns NULL or a short reason for the FAIL line. */
const char *check_info(const struct aslrboot_info *info, struct kinfo *k);
const char *check_entry_state(const struct kinfo *k);
/* sse.c, the one file built with SSE allowed: 0 if its vector code ran right. */
int sse_check(void);
const char *check_page_tables(const struct kinfo *k);
const char *check_self(const struct kinfo *k);

/* seed.c: the seed record vs the expect_* words of the command line. */
const char *check_seed(const struct kinfo *k);
uint32_t seed_use_and_wipe(const struct kinfo *k);

/* kmain.c */
void kputs(const char *s);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const struct aslrboot_region *find_region(const struct kinfo *k, uint32_t kind, uint64_t va);

#endif
