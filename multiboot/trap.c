/* SPDX-License-Identifier: MIT */
/*
 * An IDT for vectors 0-31 (stubs in isr.asm): a fault inside aslrboot
 * prints one line and stops with MB_EXIT_CRASH instead of triple-faulting
 * into a silent reset.
 */
#include "mb.h"

#include "../loader/log.h"
#include "serial.h"

#define SEL_CODE 0x08
#define GATE_INTR64 UINT64_C(0x8e00) /* present, DPL 0, 64-bit interrupt gate */

struct trap_frame {
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

extern const uint64_t mb_isr_table[32];
static uint64_t idt[64] __attribute__((aligned(16)));

void mb_trap_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (int v = 0; v < 32; v++) {
		uint64_t h = mb_isr_table[v];
		idt[2 * v] = (h & 0xffff) | ((uint64_t)SEL_CODE << 16) | (GATE_INTR64 << 32) |
			     ((h >> 16) & 0xffff) << 48;
		idt[2 * v + 1] = h >> 32;
	}
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

noreturn void mb_exception(const struct trap_frame *f);

noreturn void mb_exception(const struct trap_frame *f)
{
	char line[160];
	uint64_t cr2;
	size_t n;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	n = ldr_snprintf(
		line, sizeof(line),
		"aslrboot: fatal: CPU exception %llu (error 0x%llx) at rip=0x%llx cr2=0x%llx rsp=0x%llx\n",
		(unsigned long long)f->vector, (unsigned long long)f->error,
		(unsigned long long)f->rip, (unsigned long long)cr2, (unsigned long long)f->rsp);
	serial_write(line, n < sizeof(line) ? n : sizeof(line) - 1);
	mb_stop(MB_EXIT_CRASH);
}
