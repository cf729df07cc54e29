/* SPDX-License-Identifier: MIT */
/*
 * The arm64 pieces the UEFI front end needs (efi_fe.h, cpu_<arch>.c): the
 * generic timer, the CPU checks, and the final jump: cache maintenance,
 * then the trampoline run with the firmware's MMU off.
 */
#include "efi_fe.h"
#include "../loader/arch/arm64/cpu.h"
#include "../loader/arch/arm64/enter.h"

uint64_t efi_timestamp(void *ctx)
{
	(void)ctx;
	return cntvct();
}

/* The generic timer states its own frequency. */
uint64_t efi_timestamp_hz(struct efi_ctx *c)
{
	(void)c;
	return cntfrq();
}

uint32_t efi_cpu_features(void)
{
	return cpu_boot_features();
}

/* The trampoline leaves EL2 for EL1 itself; EL3 cannot be left that way.
 * The tables use the 4 KiB granule. */
enum ldr_err efi_cpu_check(void)
{
	if (current_el() != 1 && current_el() != 2) {
		efi_error("CPU", "running at EL3", "the kernel is entered at EL1 from EL1 or EL2",
			  LDR_E_CPU);
		return LDR_E_CPU;
	}
	if (!cpu_has_4k_granule()) {
		efi_error("CPU", "no 4 KiB translation granule", "required for the page tables",
			  LDR_E_CPU);
		return LDR_E_CPU;
	}
	return LDR_OK;
}

void efi_cpu_quiesce(void)
{
	__asm__ __volatile__("msr daifset, #0xf" : : : "memory");
}

/* RAM the firmware map says the loader may have written. */
static bool loader_ram(uint32_t type)
{
	return type == ASLRBOOT_MEM_USABLE || type == ASLRBOOT_MEM_LOADER_RECLAIMABLE ||
	       type == ASLRBOOT_MEM_KERNEL || type == ASLRBOOT_MEM_MODULE;
}

/*
 * Everything the loader wrote for the kernel (image, relocations, tables,
 * boot info, stack, modules) is in its page allocations: cleaned to the
 * point of coherency, since the trampoline reads the tables and the kernel
 * runs its first instructions through new mappings, and the I-cache is
 * invalidated.  Allocations beyond the list's cap are not tracked: then
 * every RAM range of the final map is cleaned.  The trampoline page needs
 * no executable mapping in the firmware's tables: it runs with their MMU
 * off (aslrboot_tramp_call).
 */
void efi_cpu_enter(struct efi_ctx *c, void *page, const struct entry_state *st)
{
	if (!tramp_install(page, st))
		return;
	for (uint32_t i = 0; i < c->alloc_count; i++)
		dcache_clean_poc(c->allocs[i].pa, c->allocs[i].pages * EFI_PAGE_SIZE);
	if (c->allocs_untracked)
		for (uint32_t i = 0; i < c->env.mmap_count; i++)
			if (loader_ram(c->env.mmap[i].type))
				dcache_clean_poc(c->env.mmap[i].base, c->env.mmap[i].len);
	icache_inval_all();
	aslrboot_tramp_call(page);
}

noreturn void efi_cpu_halt(void)
{
	for (;;)
		__asm__ __volatile__("msr daifset, #0xf\n\twfi");
}
