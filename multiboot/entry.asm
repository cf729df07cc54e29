; SPDX-License-Identifier: MIT
;
; 32-bit Multiboot entry (Multiboot 1 spec 3.2 / Multiboot 2 spec 3.3: EAX =
; magic, EBX = info, protected mode, paging off, interrupts off, no usable
; stack).  Checks the magic and the CPU (long mode, NX), zeroes .bss, sets
; up a stack and a temporary identity map of the first 4 GiB with 2 MiB
; pages, enables PAE, EFER.LME and EFER.NXE, paging and CR0.WP, enables the
; FPU and SSE the way UEFI firmware leaves them (CR0.MP, CR0.NE, CR0.EM =
; CR0.TS = 0, CR4.OSFXSR, CR4.OSXMMEXCPT, FCW = 0x37f, MXCSR = 0x1f80), so
; a kernel sees one entry state on both paths, and jumps to 64-bit code,
; which calls mb_main(magic, info).  The loader itself never uses SSE.  mb_main replaces the
; temporary map by a W^X one (idmap.c) before it parses anything.
;
; A failure here prints one line on COM1 and halts; under a hypervisor it
; also leaves QEMU through isa-debug-exit (port 0xf4) with MB_EXIT_ERROR.

MB1_BOOT_MAGIC	equ 0x2badb002
MB2_BOOT_MAGIC	equ 0x36d76289
COM1		equ 0x3f8
DEBUG_EXIT	equ 0xf4
MB_EXIT_ERROR	equ 0x20	; QEMU exits with (0x20 << 1) | 1 = 65 (platform.h)
MSR_EFER	equ 0xc0000080
EFER_LME	equ 1 << 8
EFER_NXE	equ 1 << 11
CR0_PE		equ 1 << 0
CR0_MP		equ 1 << 1
CR0_EM		equ 1 << 2
CR0_TS		equ 1 << 3
CR0_NE		equ 1 << 5
CR0_WP		equ 1 << 16
CR0_PG		equ 1 << 31
CR4_PAE		equ 1 << 5
CR4_OSFXSR	equ 1 << 9
CR4_OSXMMEXCPT	equ 1 << 10
PTE_P		equ 1 << 0
PTE_RW		equ 1 << 1
PTE_PS		equ 1 << 7
SEL_CODE	equ 0x08
SEL_DATA	equ 0x10
STACK_SIZE	equ 64 * 1024

extern mb_main
extern __bss_start
extern __bss_end

global mb_start
global mb_boot_magic
global mb_boot_info
global mb_entry_tsc
global mb_ebda_base
global mb_stack_guard
global mb_stack_top

section .text.entry progbits alloc exec nowrite align=16
bits 32

mb_start:
	cli
	cld
	; .data is loaded from the file, so these survive the .bss clear.
	mov [mb_boot_magic], eax
	mov [mb_boot_info], ebx
	rdtsc
	mov [mb_entry_tsc], eax
	mov [mb_entry_tsc + 4], edx
	; The EBDA segment (BDA word at 0x40e): page 0 is unmapped later.
	movzx eax, word [0x40e]
	shl eax, 4
	mov [mb_ebda_base], eax

	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd
	mov esp, mb_stack_top

	mov eax, [mb_boot_magic]
	cmp eax, MB1_BOOT_MAGIC
	je .magic_ok
	cmp eax, MB2_BOOT_MAGIC
	je .magic_ok
	mov esi, msg_magic
	jmp fail32
.magic_ok:
	; CPUID exists on every CPU with long mode; check both features we need.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_lm
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_lm
	test edx, 1 << 20
	jnz .cpu_ok
	mov esi, msg_nx
	jmp fail32
.no_lm:
	mov esi, msg_lm
	jmp fail32
.cpu_ok:
	; PML4[0] -> PDPT; PDPT[0..3] -> four PDs; 2048 x 2 MiB, RW, executable:
	; temporary, for the few instructions before mb_main's W^X map.
	mov eax, boot_pdpt + PTE_P + PTE_RW
	mov [boot_pml4], eax
	xor ecx, ecx
.pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd + PTE_P + PTE_RW
	mov [boot_pdpt + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jb .pdpt
	xor ecx, ecx
.pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P + PTE_RW + PTE_PS
	mov [boot_pd + ecx * 8], eax
	mov eax, ecx
	shr eax, 11		; bits 32+ of the address: index / 2048
	mov [boot_pd + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jb .pd

	mov eax, boot_pml4
	mov cr3, eax
	mov eax, cr4
	or eax, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME | EFER_NXE
	wrmsr
	mov eax, cr0
	and eax, ~(CR0_EM | CR0_TS)
	or eax, CR0_PG | CR0_WP | CR0_NE | CR0_MP | CR0_PE
	mov cr0, eax
	fninit
	ldmxcsr [mxcsr_init]
	lgdt [gdt_ptr]
	jmp SEL_CODE:long_mode

; esi = NUL-terminated message.  Polled COM1, bounded per byte.
fail32:
	mov edx, COM1
.next:
	lodsb
	test al, al
	jz .done
	mov bl, al
	mov ecx, 100000
.wait:
	add edx, 5
	in al, dx
	sub edx, 5
	test al, 0x20
	jnz .put
	pause
	loop .wait
.put:
	mov al, bl
	out dx, al
	jmp .next
.done:
	mov eax, 1
	cpuid
	test ecx, 1 << 31	; CPUID.1:ECX.hypervisor: never poke 0xf4 on hardware
	jz .halt
	mov al, MB_EXIT_ERROR
	out DEBUG_EXIT, al
.halt:
	cli
	hlt
	jmp .halt

bits 64
long_mode:
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	xor eax, eax
	mov fs, eax
	mov gs, eax
	mov rsp, mb_stack_top
	mov edi, [mb_boot_magic]
	mov esi, [mb_boot_info]
	call mb_main
.hang:
	cli
	hlt
	jmp .hang

section .rodata
msg_magic:	db "aslrboot: error: not started by a Multiboot loader (bad magic in EAX) [E_MBI_MAGIC]", 13, 10, 0
msg_lm:		db "aslrboot: error: CPU: no long mode [E_CPU]", 13, 10, 0
msg_nx:		db "aslrboot: error: CPU: no NX (execute-disable): required for W^X page tables [E_CPU]", 13, 10, 0

align 4
mxcsr_init:	dd 0x1f80	; all SSE exceptions masked, round to nearest

section .data
align 8
mb_boot_magic:	dd 0
mb_boot_info:	dd 0
mb_entry_tsc:	dq 0
mb_ebda_base:	dq 0
; Accessed bits preset: no CPU write to the descriptors.
align 16
gdt:
	dq 0
	dq 0x00af9b000000ffff	; 0x08: 64-bit code
	dq 0x00cf93000000ffff	; 0x10: data
gdt_end:
gdt_ptr:
	dw gdt_end - gdt - 1
	dd gdt

section .bss
align 4096
boot_pml4:	resb 4096
boot_pdpt:	resb 4096
boot_pd:	resb 4 * 4096
; idmap.c leaves the guard page unmapped: an overflow faults, not corrupts.
mb_stack_guard:	resb 4096
mb_stack_bottom: resb STACK_SIZE
mb_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
