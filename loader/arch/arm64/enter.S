// SPDX-License-Identifier: MIT
//
// arm64 kernel entry trampoline.  Position-independent: the front end
// copies [aslrboot_tramp_start, aslrboot_tramp_end) into the trampoline
// page (identity-mapped in the new tables, executable in the current
// ones), fills the parameter block through enter.h, cleans the page to the
// point of coherency, invalidates the I-cache and calls the copy.  It
// produces the entry state of PROTOCOL.md: EL1h, DAIF masked, MMU and
// caches on with the loader's tables (TTBR0 = root, TTBR1 = root + 0x800,
// MAIR/TCR/SCTLR from the block, WXN set), FP/SIMD enabled, SP =
// stack_top, x0 = boot-info virtual address, x1 = x2 = x3 = 0, x29 = x30 =
// 0.  Firmware at EL2 is left for EL1 first.  The tables are switched with
// the MMU off: only this page runs in between, at its physical address.

#include "mmu.h"

	.text
	.balign 16
	.globl aslrboot_tramp_start
	.globl aslrboot_tramp_params
	.globl aslrboot_tramp_end

#define HCR_EL2_RW (1 << 31)		// EL1 is AArch64
#define CNTHCTL_EL1PCTEN_PCEN 3		// EL1 may use the physical counter/timer
#define SPSR_EL1H_DAIF 0x3c5		// EL1h, D, A, I, F masked
#define CPACR_FPEN (3 << 20)		// FP/SIMD not trapped at EL1/EL0

aslrboot_tramp_start:
	msr	daifset, #0xf
	adr	x9, aslrboot_tramp_params
	ldp	x10, x11, [x9]			// ttbr0, ttbr1
	ldp	x12, x13, [x9, #16]		// mair, tcr
	ldp	x14, x15, [x9, #32]		// sctlr, entry
	ldp	x16, x17, [x9, #48]		// stack_top, info
	ldr	x18, =MMU_SCTLR_RES1		// SCTLR_EL1: MMU and caches off
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	1f
	// EL2: EL1 gets AArch64, the counters and a zero virtual offset, and
	// starts with its MMU off; eret to the next instruction at EL1h.
	mov	x1, #HCR_EL2_RW
	msr	hcr_el2, x1
	mrs	x1, cnthctl_el2
	orr	x1, x1, #CNTHCTL_EL1PCTEN_PCEN
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	msr	sctlr_el1, x18
	mov	x1, #SPSR_EL1H_DAIF
	msr	spsr_el2, x1
	adr	x1, 1f
	msr	elr_el2, x1
	isb
	eret
1:
	// EL1: MMU off (this page is identity-mapped, so the next fetch is the
	// same instruction), then the new translation regime.
	msr	sctlr_el1, x18
	isb
	msr	mair_el1, x12
	msr	tcr_el1, x13
	msr	ttbr0_el1, x10
	msr	ttbr1_el1, x11
	isb
	tlbi	vmalle1
	dsb	ish
	ic	iallu
	dsb	ish
	isb
	msr	sctlr_el1, x14
	isb
	mov	x1, #CPACR_FPEN
	msr	cpacr_el1, x1
	isb
	mov	sp, x16
	mov	x0, x17
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x29, xzr
	mov	x30, xzr
	br	x15

	.ltorg					// MMU_SCTLR_RES1, inside the copy

// struct aslrboot_tramp_params (enter.h): filled in the copy, never here.
	.balign 8
aslrboot_tramp_params:
	.quad	0, 0, 0, 0, 0, 0, 0, 0
aslrboot_tramp_end:

// aslrboot_tramp_call(page): run the installed copy at `page` (x0) with
// the MMU of the current exception level off, so no attribute of the
// firmware's tables (execute-never on the page) applies any more.  This
// code and the page are identity-mapped: execution carries on at the same
// addresses.  Not part of the copy; never returns.
	.globl aslrboot_tramp_call
aslrboot_tramp_call:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.eq	2f
	mrs	x1, sctlr_el1
	bic	x1, x1, #1			// M
	msr	sctlr_el1, x1
	isb
	br	x0
2:	mrs	x1, sctlr_el2
	bic	x1, x1, #1
	msr	sctlr_el2, x1
	isb
	br	x0

	.section .note.GNU-stack, "", %progbits
