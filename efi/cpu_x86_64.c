/* SPDX-License-Identifier: MIT */
/* The x86-64 pieces the UEFI front end needs (efi_fe.h, cpu_<arch>.c):
 * CPUID, TSC, COM1, halting, and one edit to the firmware's page tables
 * before the final jump. */
#include "efi_fe.h"
#include "../loader/arch/x86_64/cpu.h"
#include "../loader/arch/x86_64/enter.h"
#include "../loader/arch/x86_64/pte.h"
#include "../loader/arch/x86_64/uart16550.h"

#define CR0_MP (UINT64_C(1) << 1)
#define CR0_EM (UINT64_C(1) << 2)
#define CR0_TS (UINT64_C(1) << 3)
#define CR0_NE (UINT64_C(1) << 5)
#define CR0_WP (UINT64_C(1) << 16)
#define CR4_OSFXSR (UINT64_C(1) << 9)
#define CR4_OSXMMEXCPT (UINT64_C(1) << 10)
#define CR4_LA57 (UINT64_C(1) << 12)

uint64_t efi_timestamp(void *ctx)
{
	(void)ctx;
	return rdtsc_serialized();
}

/* A 1 ms stall is enough to report timings in microseconds. */
uint64_t efi_timestamp_hz(struct efi_ctx *c)
{
	uint64_t t0 = rdtsc_serialized();

	if (EFI_ERROR(c->bs->Stall(1000)))
		return 0;
	return (rdtsc_serialized() - t0) * 1000;
}

uint32_t efi_cpu_features(void)
{
	return cpu_boot_features();
}

/* 5-level paging cannot be left without leaving long mode; the core
 * builds 4-level tables. */
static bool cpu_la57(void)
{
	uint64_t cr4;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	return (cr4 & CR4_LA57) != 0;
}

/* The FPU/SSE entry state of PROTOCOL.md, which the UEFI specification has
 * x64 firmware leave (CR0.MP, CR0.NE, CR4.OSFXSR, CR4.OSXMMEXCPT; EM = TS
 * = 0): made certain rather than assumed.  The Multiboot entry sets the same
 * bits.  FCW and MXCSR stay the firmware's: nothing here uses the FPU. */
static void cpu_fpu_state(void)
{
	uint64_t cr0, cr4;

	__asm__ __volatile__("mov %%cr0, %0\n\tmov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ __volatile__("mov %0, %%cr0\n\tmov %1, %%cr4" : : "r"(cr0), "r"(cr4) : "memory");
}

enum ldr_err efi_cpu_check(void)
{
	if (cpu_la57()) {
		efi_error("CPU", "5-level paging is on", "unsupported", LDR_E_CPU);
		return LDR_E_CPU;
	}
	/* The trampoline sets EFER.NXE (a #GP without NX) after the firmware
	 * is gone: the last moment to say so is now. */
	if (!(cpu_boot_features() & BOOT_CPU_NX)) {
		efi_error("CPU", "no NX (execute-disable)", "required for W^X page tables",
			  LDR_E_CPU);
		return LDR_E_CPU;
	}
	cpu_fpu_state();
	return LDR_OK;
}

void efi_cpu_quiesce(void)
{
	__asm__ __volatile__("cli");
	pic_mask_all(); /* whatever the firmware left unmasked */
}

/* COM1 at 115200 8N1; only when the firmware does not own the port. */
void efi_serial_init(void)
{
	uart_init(UART_COM1);
}

void efi_serial_putc(char ch)
{
	uart_putc(UART_COM1, ch);
}

/*
 * The trampoline page is EfiLoaderData, which firmware with DXE memory
 * protection (edk2 PcdDxeNxMemoryProtectionPolicy) maps NX.  Its first
 * instructions run on the firmware's tables, so clear XD on the path to
 * it.  Only after ExitBootServices: the tables are ours then.  False if the
 * page is not mapped (or 5-level paging is on).
 */
static bool make_executable(uint64_t pa)
{
	uint64_t cr0, cr3, *table;
	bool ok = false;

	if (cpu_la57())
		return false;
	__asm__ __volatile__("mov %%cr0, %0\n\tmov %%cr3, %1" : "=r"(cr0), "=r"(cr3));
	/* The tables may themselves be read-only. */
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0 & ~CR0_WP) : "memory");
	table = (uint64_t *)(uintptr_t)(cr3 & PTE_ADDR_MASK);
	for (int level = PTE_LEVELS; level >= 1; level--) {
		uint64_t *e = &table[pte_index(pa, level)];
		if (!(*e & PTE_P))
			break;
		*e &= ~PTE_NX;
		if (level == 1 || (pte_level_can_leaf(level, true) && (*e & PTE_PS))) {
			ok = true;
			break;
		}
		table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	}
	__asm__ __volatile__("invlpg (%0)\n\tmov %1, %%cr0" : : "r"(pa), "r"(cr0) : "memory");
	return ok;
}

void efi_cpu_enter(struct efi_ctx *c, void *page, const struct entry_state *st)
{
	(void)c;
	if (tramp_install(page, st) && make_executable(pa_addr(st->trampoline)))
		((void (*)(void))page)();
}

noreturn void efi_cpu_halt(void)
{
	for (;;)
		__asm__ __volatile__("cli\n\thlt");
}
