; SPDX-License-Identifier: MIT
;
; Exception stubs for vectors 0-31: push a zero error code where the CPU
; does not push one (SDM vol. 3A, table 6-1), push the vector, and call
; mb_exception(frame), which reports on COM1 and stops.  Nothing returns:
; a fault in the loader is a bug, and resuming would hide it.

bits 64
default rel

extern mb_exception
global mb_isr_table

section .text

%macro ISR 1
isr_%1:
%if %1 != 8 && %1 != 10 && %1 != 11 && %1 != 12 && %1 != 13 && %1 != 14 && %1 != 17 && %1 != 21 && %1 != 29 && %1 != 30
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 32
ISR v
%assign v v + 1
%endrep

isr_common:
	mov rdi, rsp
	and rsp, -16
	call mb_exception
.hang:
	cli
	hlt
	jmp .hang

section .rodata
align 8
mb_isr_table:
%assign v 0
%rep 32
	dq isr_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
