/* SPDX-License-Identifier: MIT */
#include "idmap.h"

#include "../loader/arch/x86_64/cpu.h"
#include "../loader/arch/x86_64/pte.h"

#define SZ_4K UINT64_C(0x1000)
#define SZ_2M UINT64_C(0x200000)
#define SMALL_CHUNKS 4 /* 2 MiB chunks mapped with 4 KiB pages: [0, 8 MiB) (linker.ld) */

extern const char __image_start[], __rodata_end[], __text_start[], __text_end[], __image_end[];
extern const char mb_stack_guard[];

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[SMALL_CHUNKS + 1][512] __attribute__((aligned(4096))); /* +1: trampoline */
static uint32_t pt_used = SMALL_CHUNKS;

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint64_t prot4k(uint64_t pa)
{
	if (pa == 0 || pa == addr(mb_stack_guard))
		return 0;
	if (pa >= addr(__image_start) && pa < addr(__rodata_end))
		return PTE_P | PTE_NX;
	if (pa >= addr(__text_start) && pa < addr(__text_end))
		return PTE_P;
	return PTE_P | PTE_RW | PTE_NX;
}

void mb_idmap_init(void)
{
	pml4[0] = addr(pdpt) | PTE_P | PTE_RW;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = addr(pd[i]) | PTE_P | PTE_RW;
	for (uint64_t c = 0; c < 2048; c++) {
		uint64_t base = c * SZ_2M;
		if (c < SMALL_CHUNKS) {
			for (uint64_t k = 0; k < 512; k++)
				pt[c][k] = (base + k * SZ_4K) | prot4k(base + k * SZ_4K);
			pd[c / 512][c % 512] = addr(pt[c]) | PTE_P | PTE_RW;
		} else {
			pd[c / 512][c % 512] = base | PTE_P | PTE_RW | PTE_PS | PTE_NX;
		}
	}
	write_cr3(addr(pml4));
}

bool mb_idmap_make_exec(uint64_t pa)
{
	uint64_t c = pa / SZ_2M, *pde, *tab;

	if (pa & (SZ_4K - 1) || pa >= MB_IDMAP_LIMIT)
		return false;
	pde = &pd[c / 512][c % 512];
	if (*pde & PTE_PS) {
		/* Split the 2 MiB page; one spare table is enough for one page. */
		if (pt_used > SMALL_CHUNKS)
			return false;
		tab = pt[pt_used++];
		for (uint64_t k = 0; k < 512; k++)
			tab[k] = (c * SZ_2M + k * SZ_4K) | PTE_P | PTE_RW | PTE_NX;
		*pde = addr(tab) | PTE_P | PTE_RW;
	} else {
		tab = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR_MASK);
	}
	if (!(tab[(pa / SZ_4K) % 512] & PTE_P))
		return false;
	tab[(pa / SZ_4K) % 512] = pa | PTE_P;
	write_cr3(addr(pml4)); /* the 2 MiB entry may be cached too */
	return true;
}
