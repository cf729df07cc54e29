/* SPDX-License-Identifier: MIT */
/*
 * Entries of the memtest86+-shaped fixture (mt_main.c), where memtest86+
 * has them: the 32-bit entry at 0 and the 64-bit one at 0x200.
 */
	.section .text.head, "ax"
	.code32
	.globl startup32
startup32:
	/* The 32-bit entry: a loader that enters here did not use the 64-bit
	 * boot protocol; say so through the exit code (39). */
	movb	$0x13, %al
	outb	%al, $0xf4
1:	hlt
	jmp	1b

	.code64
	.org	0x200
	.globl startup64
startup64:
	cld
	pushfq
	popq	%r12			/* RFLAGS at entry, for the IF check */
	movq	%rsi, %r13		/* boot_params */
	leaq	stack_top(%rip), %rsp
	/* The image is linked at 0: the load offset is where startup32 runs. */
	leaq	startup32(%rip), %rdi
	leaq	_DYNAMIC(%rip), %rsi
	call	mt_relocate
	/* mt_main(offset, boot_params, rflags, mt_relocate's verdict) */
	leaq	startup32(%rip), %rdi
	movq	%r13, %rsi
	movq	%r12, %rdx
	movq	%rax, %rcx
	call	mt_main
1:	hlt
	jmp	1b

	.section .bss
	.balign 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
