/* SPDX-License-Identifier: MIT */
/*
 * Entries of the fixed-address fixture (fx_main.c).  The 64-bit entry
 * first checks that it runs at its link address using RIP-relative code
 * only; elsewhere every absolute address in the image is wrong, so it
 * prints its failure line RIP-relatively and exits 35.
 */
#define LINK_ADDR 0x200000

	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	cld
	pushfq
	popq	%r12			/* RFLAGS at entry, for the IF check */
	leaq	_start(%rip), %rax
	cmpq	$LINK_ADDR, %rax
	jne	moved
	movq	$stack_top, %rsp
	movq	%rsi, %rdi		/* fx_main(boot_params, rflags) */
	movq	%r12, %rsi
	call	fx_main
1:	hlt
	jmp	1b

moved:
	leaq	moved_msg(%rip), %rsi
	movw	$0x3f8, %dx
2:	lodsb
	testb	%al, %al
	jz	3f
	outb	%al, %dx
	jmp	2b
3:	movb	$0x11, %al
	outb	%al, $0xf4
4:	hlt
	jmp	4b

	/* The PVH entry (32-bit protected mode, as Xen and QEMU's PVH boot
	 * enter it): not the protocol this fixture tests; a loader that uses
	 * it is told so through the exit code (37). */
	.code32
pvh_start32:
	movb	$0x12, %al
	outb	%al, $0xf4
5:	hlt
	jmp	5b

	.section .rodata
moved_msg:
	.asciz	"aslrboot-fixed-shape: FAIL: not running at the link address 0x200000\n"

	.section .note.Xen, "a", @note
	.balign	4
	.long	4			/* namesz */
	.long	4			/* descsz */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	pvh_start32

	.section .bss
	.balign 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
