/* SPDX-License-Identifier: MIT */
/*
 * The linux64 test kernel: uses the Linux x86 64-bit boot protocol the way
 * Linux, Unikraft and memtest86+ do, and checks from inside what aslrboot
 * promised (PROTOCOL.md "Linux 64-bit boot protocol"):
 *   - it runs where it was placed: it relocates its own pointer table (kept
 *     in its read-only segment, as Unikraft's is) by the load offset, which
 *     also proves the image is writable at entry
 *   - long mode, paging on, interrupts off
 *   - RSI: boot_params with 0xAA55 / "HdrS", a cmdline read by cmdline_size
 *     (NUL inside), an e820 table that holds its image as RAM, and a
 *     SETUP_RNG_SEED record in setup_data
 * Prints "aslrboot-linux64-kernel: PASS phys=0x..." (or FAIL: why) on COM1
 * and exits QEMU through isa-debug-exit (0x10: pass -> 33, 0x11 -> 35).
 * Only RIP-relative code: no relocation is applied by the loader.
 */
#include <stdint.h>

#ifndef LINK_BASE /* the linker script's L64K_BASE */
#define LINK_BASE 0x1000000ull
#endif

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void putc_(char c)
{
	outb(0x3f8, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(uint64_t v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 0xf]);
}

static uint32_t rd32(const uint8_t *p, uint32_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

static uint64_t rd64(const uint8_t *p, uint32_t off)
{
	return rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static __attribute__((noreturn)) void finish(const char *why, uint64_t phys)
{
	puts_("aslrboot-linux64-kernel: ");
	if (why) {
		puts_("FAIL: ");
		puts_(why);
	} else {
		puts_("PASS phys=");
		puthex(phys);
	}
	putc_('\n');
	outb(0xf4, why ? 0x11 : 0x10);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Absolute link-time addresses in the read-only segment: the kernel's own
 * "relocation table", fixed up below by the load offset. */
__attribute__((section(".l64reloc"), used)) static const char *names[2] = {
	"self-relocated pointer", "second pointer",
};
static const char want0[] = "self-relocated pointer";

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static const char *check_cpu(uint64_t rflags)
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
	if (!cr3)
		return "no page tables";
	return 0;
}

static const char *relocate(uint64_t off)
{
	/* A 4 KiB-granular slide: the loader honours our p_align. */
	if (off & 0xfff)
		return "load offset not page aligned";
	for (int i = 0; i < 2; i++)
		names[i] = (const char *)((uint64_t)names[i] + off); /* writes our RX segment */
	return streq(names[0], want0) ? 0 : "self-relocation: pointer table wrong";
}

static const char *check_cmdline(const uint8_t *bp)
{
	const char *cl = (const char *)(uint64_t)(rd32(bp, 0x228) | (uint64_t)rd32(bp, 0x0c8) << 32);
	uint32_t size = rd32(bp, 0x238), n = 0;

	if (!cl)
		return "cmd_line_ptr is 0";
	if (!size || size > 8192)
		return "cmdline_size not in 1..8192";
	while (n < size && cl[n])
		n++;
	if (n != size - 1)
		return "cmdline_size is not strlen + 1";
	puts_("aslrboot-linux64-kernel: cmdline: ");
	puts_(cl);
	putc_('\n');
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
		uint64_t a = rd64(bp, off), len = rd64(bp, off + 8);
		if (rd32(bp, off + 16) != 1)
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

static const char *check_setup_data(const uint8_t *bp)
{
	uint64_t sd = rd64(bp, 0x250);

	for (int hops = 0; sd && hops < 16; hops++) {
		const uint8_t *r = (const uint8_t *)sd;
		uint32_t len = rd32(r, 12), nonzero = 0;
		if (rd32(r, 8) == 9) { /* SETUP_RNG_SEED */
			if (len < 32)
				return "SETUP_RNG_SEED shorter than 32 bytes";
			for (uint32_t i = 0; i < len; i++)
				nonzero |= r[16 + i];
			if (!nonzero)
				return "SETUP_RNG_SEED is all zero";
			puts_("aslrboot-linux64-kernel: rng seed ");
			puthex(rd64(r, 16));
			putc_('\n');
			return 0;
		}
		sd = rd64(r, 0);
	}
	return "no SETUP_RNG_SEED in setup_data";
}

__attribute__((used)) void l64_main(uint64_t off, const uint8_t *bp, uint64_t rflags)
{
	uint64_t phys = LINK_BASE + off;
	const char *why = check_cpu(rflags);

	if (!why)
		why = relocate(off);
	if (!why && !bp)
		why = "RSI (boot_params) is 0";
	if (!why && (rd32(bp, 0x1fc) >> 16 != 0xaa55 || rd32(bp, 0x202) != 0x53726448))
		why = "boot_params: no 0xAA55 / HdrS";
	if (!why)
		why = check_cmdline(bp);
	if (!why)
		why = check_e820(bp, phys);
	if (!why)
		why = check_setup_data(bp);
	finish(why, phys);
}
