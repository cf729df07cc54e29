/* SPDX-License-Identifier: MIT */
/* exec-kernel.elf: a non-PIE ET_EXEC with no relocations.  aslrboot must
 * refuse it (E_TYPE) unless aslr=off; if it ever runs, it fails loudly. */
	.text
	.globl	_start
_start:
	mov	$0x11, %al
	outb	%al, $0xf4
1:	cli
	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits
