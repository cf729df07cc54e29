/* SPDX-License-Identifier: MIT */
/* The aslrboot arm64 test kernel: shared declarations. */
#ifndef TEST_KERNEL_AA64_H
#define TEST_KERNEL_AA64_H

#include <stdint.h>

#include "../kernel/kcheck.h"

/* Registers as _start found them (start.S fills this, in this order). */
struct entry_regs {
	uint64_t x0, x1, x2, x3, x29, x30, sp;
};
extern struct entry_regs entry_regs;

#endif
