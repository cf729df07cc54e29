/* SPDX-License-Identifier: MIT */
/*
 * Entry of the Unikraft-shaped fixture (uk_main.c), shaped like Unikraft's
 * _lxboot_entry: 64-bit, RSI = boot_params, the load offset computed from
 * RIP, a stack of its own, then self-relocation from the private table
 * before any absolute address is used.
 */
/* An absolute address in the text, listed in .uk_reloc for uk_relocate. */
	.macro reloc_movabs sym, reg
9:	movabsq	$\sym, \reg
	.pushsection .uk_reloc, "a"
	.quad	9b + 2
	.popsection
	.endm

	.section .text.start, "ax"
	.balign 4096
	.globl _lxboot_entry
_lxboot_entry:
	cld
	pushfq
	popq	%r12			/* RFLAGS at entry, for the IF check */
	movq	%rsi, %r13		/* boot_params */
	leaq	_lxboot_entry(%rip), %r14 /* where we run */
	movabsq	$_lxboot_entry, %rax	/* where we were linked: not relocated */
	subq	%rax, %r14		/* load offset */
	leaq	stack_top(%rip), %rsp
	movq	%r14, %rdi
	call	uk_relocate
	/* uk_main(offset, boot_params, rflags, the patched absolute uk_main,
	 *         uk_relocate's verdict) */
	movq	%rax, %r8
	movq	%r14, %rdi
	movq	%r13, %rsi
	movq	%r12, %rdx
	reloc_movabs uk_main, %rcx
	call	uk_main
1:	hlt
	jmp	1b

	.section .bss
	.balign 64
	.space 16384
stack_top:

	/* Empty, like the input section behind Unikraft's empty PT_LOAD. */
	.section .uk_empty, "aw"

	.section .note.GNU-stack, "", @progbits
