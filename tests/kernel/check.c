/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 test kernel's own checks, run from inside the booted kernel:
 * the entry state, the tables CR3 points to (through kcheck.c) and where it
 * runs.
 */
#include "kernel.h"
#include "../../include/ldr_x86_64.h"
#include "../../loader/log.h"
#include "../../loader/paging/paging.h"

#define MSR_EFER 0xc0000080u
#define EFER_NXE (UINT64_C(1) << 11)
/* PROTOCOL.md section 4: paging with WP, x87 native errors, SSE usable. */
#define CR0_PE (UINT64_C(1) << 0)
#define CR0_MP (UINT64_C(1) << 1)
#define CR0_EM (UINT64_C(1) << 2)
#define CR0_TS (UINT64_C(1) << 3)
#define CR0_NE (UINT64_C(1) << 5)
#define CR0_WP (UINT64_C(1) << 16)
#define CR0_PG (UINT64_C(1) << 31)
#define CR0_SET (CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG)
#define CR0_CLEAR (CR0_EM | CR0_TS)
#define CR4_PAE (UINT64_C(1) << 5)
#define CR4_OSFXSR (UINT64_C(1) << 9)
#define CR4_OSXMMEXCPT (UINT64_C(1) << 10)
#define CR4_LA57 (UINT64_C(1) << 12)
#define CR4_SET (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT)
#define CR4_CLEAR CR4_LA57
#define PAGE UINT64_C(4096)

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* PROTOCOL.md entry state, as start.S recorded it. */
const char *check_entry_state(const struct kinfo *k)
{
	const struct entry_regs *r = &entry_regs;
	const struct aslrboot_region *stack = find_region(k, ASLRBOOT_RGN_STACK, 0);
	const struct aslrboot_region *bi = find_region(k, ASLRBOOT_RGN_BOOT_INFO, r->rdi);
	const uint64_t *gpr = &r->rax;

	for (int i = 0; i < 16; i++)
		if (i != 5 && i != 7 && gpr[i]) /* all but RDI and RSP */
			return "a GPR was not zero at entry";
	if (!stack || r->rsp != stack->virt + stack->size - 8 || *(const uint64_t *)r->rsp != 0)
		return "RSP is not stack top - 8 with a zero return address";
	if (!bi || k->info->info_phys != bi->phys + (r->rdi - bi->virt))
		return "RDI is not the boot-info block";
	if (r->rflags != 0x2 || r->cs != 0x08 || r->ss != 0x10 || r->ds != 0x10) {
		static char why[96];
		ldr_snprintf(why, sizeof(why), "entry RFLAGS=0x%llx CS=0x%x SS=0x%x DS=0x%x",
			     (unsigned long long)r->rflags, r->cs, r->ss, r->ds);
		return why;
	}
	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		return "EFER.NXE clear";
	if ((read_cr0() & (CR0_SET | CR0_CLEAR)) != CR0_SET ||
	    (read_cr4() & (CR4_SET | CR4_CLEAR)) != CR4_SET) {
		static char why[80];
		ldr_snprintf(why, sizeof(why), "entry CR0=0x%llx CR4=0x%llx (SSE or paging bits)",
			     (unsigned long long)read_cr0(), (unsigned long long)read_cr4());
		return why;
	}
	/* Both legacy 8259s masked (their interrupt mask registers). */
	if (inb(0x21) != 0xff || inb(0xa1) != 0xff)
		return "legacy PIC lines unmasked at entry";
	/* Built with SSE allowed: faults (#UD, #NM) unless the bits above hold. */
	if (simd_check())
		return "SSE code gave a wrong result";
	if ((read_cr3() & ~(PAGE - 1)) != k->layout->cr3)
		return "CR3 is not the layout's";
	return NULL;
}

const char *check_live_tables(const struct kinfo *k)
{
	return check_page_tables(k, read_cr3() & ~(PAGE - 1), kcheck_dm_ptr, (void *)k);
}

/* Relocated through R_X86_64_RELATIVE: the loader had to apply it. */
void kmain(const struct aslrboot_info *info);
static void (*const volatile self)(const struct aslrboot_info *) = kmain;

/* Running where the layout says, not at the link address. */
const char *check_self(const struct kinfo *k)
{
	uint64_t rip, here = (uint64_t)(uintptr_t)kmain;
	const struct aslrboot_region *text;

	__asm__ __volatile__("lea 0(%%rip), %0" : "=r"(rip));
	text = kernel_region(k, rip);
	if (!text || text->prot != (ASLRBOOT_PROT_R | ASLRBOOT_PROT_X))
		return "RIP is not in an R+X kernel segment or section";
	return check_relocated(k, (uint64_t)(uintptr_t)self, here);
}

const char *check_boot(const struct aslrboot_info *info, struct kinfo *k, const uint64_t *bss,
		       unsigned n)
{
	const char *why = check_info(info, ASLRBOOT_MACHINE_X86_64, k);

	if (!why)
		print_requested(k, false);
	if (!why)
		why = check_entry_state(k);
	if (!why)
		why = check_live_tables(k);
	if (!why)
		why = check_self(k);
	if (!why)
		why = check_memory(k, bss, n);
	return why;
}
