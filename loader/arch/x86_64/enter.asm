; SPDX-License-Identifier: MIT
;
; Kernel entry trampoline, shared by the UEFI and Multiboot front ends.
; Position-independent: ops->enter copies [aslrboot_tramp_start,
; aslrboot_tramp_end) into the trampoline page (identity-mapped, RX in the
; new tables, still executable in the current ones), fills the parameter
; block through enter.h and calls the copy.  It produces the entry state of
; PROTOCOL.md: long mode, interrupts off, EFER.NXE and CR0.WP set, a flat
; GDT inside this page (CS = 0x08, DS = ES = FS = GS = SS = 0x10), CR3 =
; the new tables, RSP = stack_top - 8 with a zero return address there,
; RDI = boot-info virtual address, RSI = the rsi parameter (0 for the
; native protocol; boot_params for linux64), every other GPR zero,
; RFLAGS = 0x2.

bits 64
default rel

section .text

global aslrboot_tramp_start
global aslrboot_tramp_params
global aslrboot_tramp_end

MSR_EFER	equ 0xc0000080
EFER_NXE	equ 1 << 11
CR0_WP		equ 1 << 16
CR4_PGE		equ 1 << 7
SEL_CODE	equ 0x08
SEL_DATA	equ 0x10

align 16
aslrboot_tramp_start:
	cli
	; NX bits in the new tables are reserved bits unless EFER.NXE is set.
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_NXE
	wrmsr
	mov rax, cr0
	or rax, CR0_WP
	mov cr0, rax

	; The GDT descriptor is built on the caller's stack, which is still
	; mapped; the GDT itself is in this page, at its identity address.
	lea rax, [gdt]
	sub rsp, 16
	mov word [rsp], gdt_end - gdt - 1
	mov [rsp + 2], rax
	lgdt [rsp]

	; Only this page is mapped at the same address before and after.
	mov rax, [p_cr3]
	mov cr3, rax
	; Toggling CR4.PGE drops global TLB entries the firmware may have left.
	mov rax, cr4
	test eax, CR4_PGE
	jz .no_pge
	and eax, ~CR4_PGE
	mov cr4, rax
	or eax, CR4_PGE
	mov cr4, rax
.no_pge:
	mov rsp, [p_stack_top]
	lea rax, [.reload_cs]
	push SEL_CODE
	push rax
	retfq
.reload_cs:
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov fs, eax
	mov gs, eax
	mov ss, eax
	mov rdi, [p_info]
	push 0			; fake return address: entry looks like a call
	xor eax, eax
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	mov rsi, [p_rsi]	; 0 natively; linux64: boot_params
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	push 2			; RFLAGS: reserved bit 1 only (IF = DF = AC = 0),
	popfq			; last, since the XORs above set ZF and PF
	jmp [p_entry]

; Accessed bits are preset: the page is read-only once CR3 switches, and
; the CPU would otherwise write them on the first segment load.
align 16
gdt:
	dq 0
	dq 0x00af9b000000ffff	; 0x08: 64-bit code, DPL 0, present, accessed
	dq 0x00cf93000000ffff	; 0x10: data, read/write, DPL 0, present, accessed
gdt_end:

; struct aslrboot_tramp_params (enter.h): filled in the copy, never here.
align 8
aslrboot_tramp_params:
p_cr3:		dq 0
p_entry:	dq 0
p_stack_top:	dq 0
p_info:		dq 0
p_rsi:		dq 0
aslrboot_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
