/* SPDX-License-Identifier: MIT */
/*
 * The "GRUB boots the kernel directly" arm of scripts/bench.sh: a fixed-
 * address Multiboot2 kernel (no aslrboot, no relocation) that prints the
 * same first line as the test kernel and exits QEMU through isa-debug-exit.
 * Build: as --32 + ld -m elf_i386 -Ttext=0x100000.
 */
	.section .text
	.code32
	.balign 8
mb2:	.long 0xe85250d6, 0, mb2_end - mb2
	.long -(0xe85250d6 + (mb2_end - mb2))
	.word 0, 0
	.long 8
mb2_end:
	.globl _start
_start:	mov $msg, %esi
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %bl
	mov $0x3fd, %dx
2:	inb %dx, %al		/* wait for THR empty */
	test $0x20, %al
	jz 2b
	mov $0x3f8, %dx
	mov %bl, %al
	outb %al, %dx
	jmp 1b
3:	mov $0x10, %al		/* pass: QEMU exits with 33 */
	outb %al, $0xf4
4:	cli
	hlt
	jmp 4b
msg:	.asciz "aslrboot-test-kernel: PASS virt=0x100000 phys=0x100000 direct\n"
	.section .note.GNU-stack,"",@progbits
