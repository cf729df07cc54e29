; SPDX-License-Identifier: MIT
;
; Both Multiboot headers, first in the image (linker.ld puts .mbheader at
; the start of the first PT_LOAD, file offset 0x1000).  scripts/check-mb.sh
; verifies their placement and checksums in the final build/aslrboot.mb.
;
; Multiboot 1 (spec 0.6.96, 3.1): QEMU's -kernel speaks only this.  The
; image is ELF32, so no a.out-kludge address fields are needed.
; Multiboot 2 (spec 2.0, 3.1): for GRUB's `multiboot2`.  The ELF headers
; give the load addresses and entry; the only tag asks for page-aligned
; modules.

MB1_MAGIC	equ 0x1badb002
MB1_F_ALIGN	equ 1 << 0	; modules on 4 KiB boundaries
MB1_F_MEMINFO	equ 1 << 1	; mem_* and the memory map
MB1_FLAGS	equ MB1_F_ALIGN | MB1_F_MEMINFO

MB2_MAGIC	equ 0xe85250d6
MB2_ARCH_I386	equ 0

global mb1_header
global mb2_header

section .mbheader progbits alloc noexec nowrite align=8

align 4
mb1_header:
	dd MB1_MAGIC
	dd MB1_FLAGS
	dd -(MB1_MAGIC + MB1_FLAGS) & 0xffffffff

align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header)) & 0xffffffff
	align 8
	dw 6, 0			; module alignment tag
	dd 8
	align 8
	dw 0, 0			; end tag
	dd 8
mb2_header_end:

section .note.GNU-stack noalloc noexec nowrite progbits
