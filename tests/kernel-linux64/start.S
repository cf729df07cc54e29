/* SPDX-License-Identifier: MIT */
/*
 * Entry of the linux64 test kernel: the Linux x86 64-bit boot protocol
 * (RSI = boot_params, long mode, identity map).  Like Linux's startup_64 it
 * trusts nothing but RIP: it computes its load offset from the link address
 * of _start and sets up its own stack before calling C.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	cld
	pushfq
	popq	%rdx			/* RFLAGS at entry, for the IF check */
	leaq	_start(%rip), %rdi	/* where we run */
	movabsq	$_start, %rax		/* where we were linked (absolute) */
	subq	%rax, %rdi		/* load offset */
	leaq	stack_top(%rip), %rsp
	/* l64_main(offset, boot_params, rflags) */
	call	l64_main
1:	hlt
	jmp	1b

	.section .bss
	.balign 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
