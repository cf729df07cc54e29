/* SPDX-License-Identifier: MIT */
/* See l64lib.h. */
#include "l64lib.h"

#include "../../include/ldr_x86_64.h" /* outb, inb */

void l64_putc(char c)
{
	outb(0x3f8, (uint8_t)c);
}

void l64_puts(const char *s)
{
	while (*s)
		l64_putc(*s++);
}

void l64_puthex(uint64_t v)
{
	l64_puts("0x");
	for (int i = 60; i >= 0; i -= 4)
		l64_putc("0123456789abcdef"[(v >> i) & 0xf]);
}

void l64_line(const char *what, const char *text)
{
	l64_puts(l64_name);
	l64_puts(": ");
	l64_puts(what);
	l64_puts(text);
	l64_putc('\n');
}

uint32_t l64_rd32(const void *p, uint32_t off)
{
	const uint8_t *b = (const uint8_t *)p + off;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t l64_rd64(const void *p, uint32_t off)
{
	return l64_rd32(p, off) | (uint64_t)l64_rd32(p, off + 4) << 32;
}

void l64_finish(const char *why, uint64_t phys)
{
	l64_puts(l64_name);
	l64_puts(": ");
	if (why) {
		l64_puts("FAIL: ");
		l64_puts(why);
	} else {
		l64_puts("PASS phys=");
		l64_puthex(phys);
	}
	l64_putc('\n');
	outb(0xf4, why ? 0x11 : 0x10);
	for (;;)
		__asm__ volatile("cli; hlt");
}

const char *l64_check_cpu(uint64_t rflags)
{
	uint64_t cr0, cr3;
	uint32_t lo, hi;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
	if (!(cr0 & (1u << 31)) || !(lo & (1u << 10)))
		return "not in long mode with paging";
	if (rflags & (1u << 9))
		return "interrupts enabled at entry";
	if (inb(0x21) != 0xff || inb(0xa1) != 0xff)
		return "legacy PIC lines unmasked at entry";
	if (!cr3)
		return "no page tables";
	return 0;
}

static const char *check_cmdline(const uint8_t *bp, const char **cmdline)
{
	const char *cl =
		(const char *)(uint64_t)(l64_rd32(bp, 0x228) | (uint64_t)l64_rd32(bp, 0x0c8) << 32);
	uint32_t size = l64_rd32(bp, 0x238), n = 0;

	if (!cl)
		return "cmd_line_ptr is 0";
	if (!size || size > 8192)
		return "cmdline_size not in 1..8192";
	while (n < size && cl[n])
		n++;
	if (n != size - 1)
		return "cmdline_size is not strlen + 1";
	l64_line("cmdline: ", cl);
	*cmdline = cl;
	return 0;
}

/* The e820 entry holding [phys, phys + 4 KiB) must be RAM. */
static const char *check_e820(const uint8_t *bp, uint64_t phys)
{
	uint32_t n = bp[0x1e8];
	uint64_t ram = 0;
	int found = 0;

	if (!n || n > 128)
		return "e820_entries not in 1..128";
	for (uint32_t i = 0; i < n; i++) {
		uint32_t off = 0x2d0 + 20 * i;
		uint64_t a = l64_rd64(bp, off), len = l64_rd64(bp, off + 8);
		if (l64_rd32(bp, off + 16) != 1)
			continue;
		ram += len;
		found |= a <= phys && phys + 4096 <= a + len;
	}
	if (!found)
		return "image not inside an e820 RAM entry";
	if (ram < (16ull << 20))
		return "less than 16 MiB of e820 RAM";
	return 0;
}

const char *l64_check_boot_params(const uint8_t *bp, uint64_t phys, const char **cmdline)
{
	const char *why;

	if (!bp)
		return "RSI (boot_params) is 0";
	if (l64_rd32(bp, 0x1fc) >> 16 != 0xaa55 || l64_rd32(bp, 0x202) != 0x53726448)
		return "boot_params: no 0xAA55 / HdrS";
	why = check_cmdline(bp, cmdline);
	return why ? why : check_e820(bp, phys);
}

const char *l64_virt_to_phys(uint64_t va, uint64_t *pa)
{
	uint64_t cr3, cr4, e;
	const uint64_t addr = 0x000ffffffffff000ull;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & (1u << 12))
		return "5-level paging";
	e = cr3;
	for (int shift = 39;; shift -= 9) {
		e = ((const volatile uint64_t *)(e & addr))[(va >> shift) & 511];
		if (!(e & 1))
			return "address not mapped";
		if (shift == 12 || ((e & 0x80) && shift <= 30)) {
			uint64_t page = 1ull << shift;
			*pa = (e & addr & ~(page - 1)) | (va & (page - 1));
			return 0;
		}
	}
}
