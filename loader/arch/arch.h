/* SPDX-License-Identifier: MIT */
/*
 * What the core needs from a CPU architecture, and the choice of the one
 * being compiled for.  A port is a folder loader/arch/<arch>/ giving the
 * items below under the same names, a case here, and a build fragment
 * (LDR_ARCH in loader/loader.mk, its front ends' .mk).  The core includes
 * this file only, never <arch>/ directly; front ends may use <arch>/ files
 * that only they need (cpu.h, enter.h, uart16550.h; arm64's mmu.h).
 *
 * 1. Page-table format (<arch>/pte.h, pte.c), driving loader/paging/:
 *    - PTE_LEVELS tables of PTE_ENTRIES 8-byte entries, PTE_TABLE_SIZE
 *      bytes each; levels counted from the leaf up; pte_level_shift/size,
 *      pte_index(va, level), pte_level_can_leaf(level, allow_1g): the
 *      geometry both ports share, written once in pte4k.h.
 *      x86-64: 4 levels, 4 KiB / 2 MiB / 1 GiB leaves (1 GiB if CPUID says).
 *      arm64, 4 KiB granule, 48-bit VA: the same numbers (Arm's levels 3..0
 *      are our 1..4): pages at level 1, blocks at 2 and 3.
 *    - pte_table(pa), pte_leaf(level, pa, ASLRBOOT_PROT_*), pte_decode()
 *      back to frame and W/X/user, pte_present(e); pte_leaf refuses W|X.
 *      Tables never restrict, the leaf alone does.  x86-64: P, RW, NX,
 *      PS.  arm64: descriptor type bits, AF, inner shareable, AttrIndx of
 *      normal write-back memory in MAIR_EL1, AP[2] = 1 unless W, PXN
 *      unless X, UXN and AP[1] = 0 always (no user access).
 *    - The table root: pte_root_table(register value) -> table address.
 *      x86-64: CR3 (PCID/PWT/PCD dropped).  arm64: TTBR0_EL1 / TTBR1_EL1
 *      (ASID, CnP and TTBR1's 0x800 dropped: both lead to the one tree
 *      below).  The core names the root `cr3`.
 *    - Virtual addresses: pte_va_canonical(), pte_va_sign_extend(), the
 *      low half [0, PTE_VA_LOW_END) and the high half from
 *      PTE_VA_HIGH_BASE, where the layout places the kernel.  x86-64: one
 *      root serves both halves (bits 63:47 equal).  arm64: the same one
 *      512-entry tree with two roots: T0SZ = T1SZ = 17 make each half 47
 *      bits, so the hardware's level-0 table of a half has 256 entries;
 *      TTBR0 = root reads entries 0..255 (the low half), TTBR1 = root +
 *      0x800 entries 256..511 (the high half).  pt_build(), pt_walk() and
 *      wx_verify() see exactly what the hardware sees, unchanged.
 *    - PTE_PA_LIMIT: frames end there (x86-64 2^52; arm64 2^48 without LPA2).
 * 2. Entry (<arch>/enter.*): struct entry_state (loader/platform.h): the
 *    front end copies a trampoline into an identity-mapped page and calls
 *    it; it switches to the new root, stack and argument registers and
 *    jumps to the kernel.  x86-64: CR3, RSP, RDI/RSI.  arm64: MAIR_EL1,
 *    TCR_EL1, TTBR0/TTBR1, SCTLR_EL1 (values in arm64/mmu.h), TLBI + DSB
 *    + ISB, SP, x0/x1.
 * 3. CPU checks: the front end fills BOOT_CPU_* (loader/boot_env.h) with
 *    <arch>/cpu.h.  x86-64: CPUID (NX, 1 GiB pages).  arm64: execute-never
 *    and 1 GiB blocks always exist; ID_AA64MMFR0_EL1 gives the 4 KiB
 *    granule (TGran4) and the physical address range.
 * 4. RNG instructions: rand/hw_<arch>.c fills struct rand_cpu_ops
 *    (rand/collect.h).  x86-64: RDSEED, RDRAND, RDTSC.  arm64: RNDRRS
 *    (ID_AA64ISAR0_EL1.RNDR), CNTVCT_EL0.
 * 5. Boot protocols: LDR_ARCH_LINUX64 is 1 where the Linux x86 64-bit boot
 *    protocol exists (x86-64).  Elsewhere validate.c refuses protocol=linux64
 *    (E_CONFIG), protocol=auto never chooses it, and loader/loader.mk leaves
 *    its files (loader/protos/linux64*.c, bootparams.c) out.
 */
#ifndef LDR_ARCH_H
#define LDR_ARCH_H

#include "leaf_prot.h" /* the permission rule every port's pte_leaf applies */

/* LDR_ARCH_ARM64 builds the arm64 core on another host (its host tests). */
#if defined(LDR_ARCH_ARM64) || defined(__aarch64__)
#include "arm64/pte.h"
#define LDR_ARCH_LINUX64 0
#elif defined(__x86_64__)
#include "x86_64/pte.h"
#define LDR_ARCH_LINUX64 1
#else
#error "aslrboot: no loader/arch/ port for this architecture"
#endif

#endif
