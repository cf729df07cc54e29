/* SPDX-License-Identifier: MIT */
/*
 * The aslrboot arm64 test kernel, and the example arm64 kernel to copy
 * (PROTOCOL.md section 12).  It checks from inside what the loader
 * promised: the boot-info block (machine = 183), the entry state (EL1h,
 * DAIF masked, SCTLR_EL1 M/C/I/WXN, TCR_EL1, MAIR_EL1, TTBR0/TTBR1 = root /
 * root + 0x800, FP/SIMD on, x0..x3, x29, x30, SP), the live tables walked from
 * TTBR0 with the loader's own walker (no W+X leaf, the layout mapped
 * exactly), where it runs, the heap, the seed record.
 *
 * Output and exit go through Arm semihosting (HLT #0xf000, a trap, so it
 * works with the MMU on; QEMU needs -semihosting): each line is written with
 * SYS_WRITE0, one line per entropy source, then ONE result line
 *   aslrboot-test-kernel: PASS virt=0x... phys=0x... seed_flags=0x.. seed_fp=0x........
 *   aslrboot-test-kernel: FAIL <reason>
 * and SYS_EXIT_EXTENDED ends QEMU with exit status 0 (pass) or 1 (fail).
 * The PL011 at 0x09000000 is not used: aslrboot maps no device memory.
 * Command-line words as on x86-64: `verbose` (layout, phase timings),
 * `memmap`, `echo`, `expect_*` (tests/kernel/seed.c).
 */
#include "kernel.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../loader/log.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

#define PAGE UINT64_C(4096)
/* SCTLR_EL1 */
#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_A (UINT64_C(1) << 1)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_SA (UINT64_C(1) << 3)
#define SCTLR_I (UINT64_C(1) << 12)
#define SCTLR_WXN (UINT64_C(1) << 19)
#define SCTLR_EE (UINT64_C(1) << 25)
#define SCTLR_SET (SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN)
#define SCTLR_CLEAR (SCTLR_A | SCTLR_EE)
/* TCR_EL1 fields the contract fixes, and their values: T0SZ = T1SZ = 17,
 * walks inner+outer write-back write-allocate, inner shareable, TG0 4 KiB
 * (0b00), TG1 4 KiB (0b10); EPD0/1, A1, AS, TBI0/1 clear. */
#define TCR_FIXED_MASK UINT64_C(0x00000070ffffffbf)
#define TCR_FIXED UINT64_C(0x00000000b5113511)
#define TCR_IPS(t) ((t) >> 32 & 7)
/* TTBRn_EL1: ASID in 63:48, table address in 47:1, CnP in bit 0. */
#define TTBR_BADDR UINT64_C(0x0000fffffffffffe)
#define CPACR_FPEN(c) ((c) >> 20 & 3)
#define DAIF_ALL UINT64_C(0x3c0)

#define SYSREG(name)                                               \
	({                                                         \
		uint64_t v_;                                       \
		__asm__ __volatile__("mrs %0, " #name : "=r"(v_)); \
		v_;                                                \
	})

/* Ask for a 64 KiB stack and a 1 MiB heap. */
PARAMS_NOTE("0x10000", "0x100000");

struct entry_regs entry_regs;
static uint64_t bss_probe[512]; /* must be zero: the loader clears .bss */

/* One semihosting call: op in w0, parameter block address in x1. */
static uint64_t semihost(uint64_t op, const void *arg)
{
	register uint64_t x0 __asm__("x0") = op;
	register const void *x1 __asm__("x1") = arg;

	__asm__ __volatile__("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	return x0;
}

void kputs(const char *s)
{
	semihost(SYS_WRITE0, s);
}

static void exit_qemu(bool pass)
{
	static const uint64_t block[2][2] = { { ADP_STOPPED_APPLICATION_EXIT, 0 },
					      { ADP_STOPPED_APPLICATION_EXIT, 1 } };

	semihost(SYS_EXIT_EXTENDED, block[!pass]);
	for (;;) /* no semihosting host: stop here */
		__asm__ __volatile__("wfi");
}

/* PROTOCOL.md 12: the registers and system registers at entry. */
static const char *check_entry_state(const struct kinfo *k)
{
	const struct entry_regs *r = &entry_regs;
	const struct aslrboot_region *stack = find_region(k, ASLRBOOT_RGN_STACK, 0);
	const struct aslrboot_region *bi = find_region(k, ASLRBOOT_RGN_BOOT_INFO, r->x0);
	uint64_t sctlr = SYSREG(sctlr_el1), tcr = SYSREG(tcr_el1);
	uint64_t ttbr0 = SYSREG(ttbr0_el1), ttbr1 = SYSREG(ttbr1_el1);
	uint64_t parange = SYSREG(id_aa64mmfr0_el1) & 0xf;
	static char why[96];

	if (r->x1 || r->x2 || r->x3 || r->x29 || r->x30)
		return "x1, x2, x3, x29 or x30 was not zero at entry";
	if (!stack || r->sp != stack->virt + stack->size || r->sp % 16)
		return "SP is not the stack top";
	if (!bi || k->info->info_phys != bi->phys + (r->x0 - bi->virt))
		return "x0 is not the boot-info block";
	if ((SYSREG(CurrentEL) >> 2 & 3) != 1 || !(SYSREG(SPSel) & 1))
		return "not at EL1 with SP_EL1 (EL1h)";
	if ((SYSREG(daif) & DAIF_ALL) != DAIF_ALL)
		return "DAIF not all masked";
	if ((sctlr & (SCTLR_SET | SCTLR_CLEAR)) != SCTLR_SET) {
		ldr_snprintf(why, sizeof(why),
			     "SCTLR_EL1=0x%llx (M, C, I, SA, WXN set; A, EE clear)",
			     (unsigned long long)sctlr);
		return why;
	}
	if ((tcr & TCR_FIXED_MASK) != TCR_FIXED || TCR_IPS(tcr) != (parange < 5 ? parange : 5)) {
		ldr_snprintf(why, sizeof(why), "TCR_EL1=0x%llx", (unsigned long long)tcr);
		return why;
	}
	if ((SYSREG(mair_el1) & 0xffff) != 0x00ff)
		return "MAIR_EL1: Attr0 is not 0xff or Attr1 not 0x00";
	if ((ttbr0 & TTBR_BADDR) != k->layout->cr3 || ttbr0 >> 48 ||
	    (ttbr1 & TTBR_BADDR) != k->layout->cr3 + 0x800 || ttbr1 >> 48) {
		ldr_snprintf(why, sizeof(why), "TTBR0_EL1=0x%llx TTBR1_EL1=0x%llx, root 0x%llx",
			     (unsigned long long)ttbr0, (unsigned long long)ttbr1,
			     (unsigned long long)k->layout->cr3);
		return why;
	}
	if (CPACR_FPEN(SYSREG(cpacr_el1)) != 3)
		return "CPACR_EL1.FPEN: FP/SIMD not enabled";
	/* Built with FP/SIMD allowed: traps unless FPEN holds. */
	if (simd_check())
		return "FP/SIMD code gave a wrong result";
	return NULL;
}

/* Relocated through R_AARCH64_RELATIVE: the loader had to apply it. */
void kmain(const struct aslrboot_info *info);
static void (*const volatile self)(const struct aslrboot_info *) = kmain;

/* Running where the layout says, not at the link address. */
static const char *check_self(const struct kinfo *k)
{
	uint64_t pc;
	const struct aslrboot_region *text;

	__asm__ __volatile__("adr %0, ." : "=r"(pc));
	text = find_region(k, ASLRBOOT_RGN_KERNEL_SEGMENT, pc);
	if (!text || text->prot != (ASLRBOOT_PROT_R | ASLRBOOT_PROT_X))
		return "PC is not in an R+X kernel segment";
	return check_relocated(k, (uint64_t)(uintptr_t)self, (uint64_t)(uintptr_t)kmain);
}

void kmain(const struct aslrboot_info *info)
{
	struct kinfo k = { 0 };
	const char *why = check_info(info, ASLRBOOT_MACHINE_AARCH64, &k);

	/* One line per ENTROPY entry always (README.md: what it prints). */
	if (!why)
		print_requested(&k, true);
	if (!why)
		why = check_entry_state(&k);
	/* TTBR0_EL1 holds the 512-entry root; TTBR1_EL1 its upper half. */
	if (!why)
		why = check_page_tables(&k, SYSREG(ttbr0_el1) & TTBR_BADDR & ~(PAGE - 1),
					kcheck_dm_ptr, &k);
	if (!why)
		why = check_self(&k);
	if (!why)
		why = check_memory(&k, bss_probe, sizeof(bss_probe) / sizeof(bss_probe[0]));
	if (!why)
		why = check_seed(&k);
	exit_qemu(report_result(&k, why));
}
