/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry (PROTOCOL.md, "Entry state"): aslrboot jumps here in 64-bit
 * mode with RDI = boot-info block, RSP = stack top - 8 holding a zero
 * return address, interrupts off and every other GPR zero.  A real kernel
 * could make kmain itself the ELF entry; this one first records the
 * registers so kmain can check the contract.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	/* RIP-relative stores need no scratch register. */
	mov	%rax, entry_regs+0(%rip)
	mov	%rbx, entry_regs+8(%rip)
	mov	%rcx, entry_regs+16(%rip)
	mov	%rdx, entry_regs+24(%rip)
	mov	%rsi, entry_regs+32(%rip)
	mov	%rdi, entry_regs+40(%rip)
	mov	%rbp, entry_regs+48(%rip)
	mov	%rsp, entry_regs+56(%rip)
	mov	%r8, entry_regs+64(%rip)
	mov	%r9, entry_regs+72(%rip)
	mov	%r10, entry_regs+80(%rip)
	mov	%r11, entry_regs+88(%rip)
	mov	%r12, entry_regs+96(%rip)
	mov	%r13, entry_regs+104(%rip)
	mov	%r14, entry_regs+112(%rip)
	mov	%r15, entry_regs+120(%rip)
	pushfq
	popq	entry_regs+128(%rip)
	mov	%cs, entry_regs+136(%rip)
	mov	%ss, entry_regs+138(%rip)
	mov	%ds, entry_regs+140(%rip)
	/* RSP is 8 mod 16 here, as after a call; realign for the next call. */
	sub	$8, %rsp
	call	kmain
1:	cli
	hlt
	jmp	1b
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
