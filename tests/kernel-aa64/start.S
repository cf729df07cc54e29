/* SPDX-License-Identifier: MIT */
/*
 * arm64 kernel entry (PROTOCOL.md section 12): aslrboot jumps here at EL1
 * with the MMU on, x0 = boot-info block, x1 = x2 = x3 = 0, x29 = x30 = 0
 * and SP = stack top.  Nothing is set up here: the loader's SP is used as given.  The
 * registers the contract names are recorded first (x9 is the one scratch
 * register, the contract says nothing of it) so kmain can check them.
 */
	.text
	.globl	_start
	.type	_start, %function
_start:
	adrp	x9, entry_regs
	add	x9, x9, :lo12:entry_regs
	stp	x0, x1, [x9, #0]
	stp	x2, x3, [x9, #16]
	stp	x29, x30, [x9, #32]
	mov	x10, sp
	str	x10, [x9, #48]
	bl	kmain
1:	wfi
	b	1b
	.size	_start, . - _start

	.section .note.GNU-stack, "", %progbits
