/* SPDX-License-Identifier: MIT */
/*
 * The aslrboot test kernel, and the example kernel to copy (README, PROTOCOL.md).
 * It checks from inside what the loader promised, prints ONE result line on
 * COM1 and leaves QEMU through isa-debug-exit (0x10 -> exit code 33 = pass,
 * 0x11 -> 35 = fail).  The word `verbose` on its command line first prints
 * the layout and the loader's phase timings, `memmap` the memory map, `echo`
 * the command line, `modules` the MODULE records; `expect_*` words state
 * what the seed record must say (seed.c), the modules' SHA-256 and the
 * UNIFIED flag (modules.c).
 */
#include "kernel.h"
#include "../../loader/handoff/handoff_read.h"

/* Ask for a 64 KiB stack and a 1 MiB heap. */
PARAMS_NOTE("0x10000", "0x100000");

struct entry_regs entry_regs;
static uint64_t bss_probe[512]; /* must be zero: the loader clears .bss */

/*
 * The kernel's own GDT, loaded from a packed {u16 limit; u64 base} template
 * as kernels write their GDTR: `base` sits at offset 2, so the loader's
 * RELATIVE relocation of it is unaligned (in RELRO: read-only now).  The
 * descriptors have their accessed bit set, so loading them never writes
 * to the read-only table.  Same selectors as the trampoline's GDT.
 */
static const uint64_t own_gdt[3] = {
	0, 0x00af9b000000ffff, /* 0x08: 64-bit code, DPL 0, accessed */
	0x00cf93000000ffff,    /* 0x10: flat data, accessed */
};
static const struct {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed)) own_gdtr = { sizeof(own_gdt) - 1, (uint64_t)(uintptr_t)own_gdt };

static const char *load_own_gdt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) now;
	const uint8_t *t = (const uint8_t *)&own_gdtr;
	uint64_t base;

	__asm__("" : "+r"(t)); /* read the template as loaded, not the initializer */
	__builtin_memcpy(&base, t + 2, sizeof(base));
	if (base != (uint64_t)(uintptr_t)own_gdt)
		return "packed GDTR template: base not relocated";
	__asm__ __volatile__("lgdt %1\n\t"
			     "pushq $0x08\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\tmovl $0x10, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "sgdt %0"
			     : "=m"(now)
			     : "m"(own_gdtr)
			     : "rax", "memory");
	return now.base == own_gdtr.base && now.limit == own_gdtr.limit ? 0 : "lgdt did not take";
}

void kmain(const struct aslrboot_info *info)
{
	struct kinfo k = { 0 };
	const char *why = check_boot(info, &k, bss_probe, sizeof(bss_probe) / sizeof(bss_probe[0]));

	if (!why)
		why = load_own_gdt();
	if (!why)
		why = check_seed(&k);
	if (!why)
		why = check_modules(&k);
	exit_qemu(report_result(&k, why));
}
