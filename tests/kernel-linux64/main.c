/* SPDX-License-Identifier: MIT */
/*
 * The linux64 test kernel: uses the Linux x86 64-bit boot protocol the way
 * Linux, Unikraft and memtest86+ do, and checks from inside what aslrboot
 * promised (PROTOCOL.md "Linux 64-bit boot protocol"):
 *   - it runs where it was placed: it relocates its own pointer table (kept
 *     in its read-only segment, as Unikraft's is) by the load offset, which
 *     also proves the image is writable at entry
 *   - long mode, paging on, interrupts off, both legacy PICs masked
 *   - RSI: boot_params with 0xAA55 / "HdrS", a cmdline read by cmdline_size
 *     (NUL inside), an e820 table that holds its image as RAM, and a
 *     SETUP_RNG_SEED record in setup_data
 * Prints "aslrboot-linux64-kernel: PASS phys=0x..." (or FAIL: why) on COM1
 * and exits QEMU through isa-debug-exit (0x10: pass -> 33, 0x11 -> 35).
 * Only RIP-relative code: no relocation is applied by the loader.
 */
#include "l64lib.h"

#ifndef LINK_BASE /* the linker script's L64K_BASE */
#define LINK_BASE 0x1000000ull
#endif

const char l64_name[] = "aslrboot-linux64-kernel";

/* Absolute link-time addresses in the read-only segment: the kernel's own
 * "relocation table", fixed up below by the load offset. */
__attribute__((section(".l64reloc"), used)) static const char *names[2] = {
	"self-relocated pointer",
	"second pointer",
};
static const char want0[] = "self-relocated pointer";

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
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

static const char *check_setup_data(const uint8_t *bp)
{
	uint64_t sd = l64_rd64(bp, 0x250);

	for (int hops = 0; sd && hops < 16; hops++) {
		const uint8_t *r = (const uint8_t *)sd;
		uint32_t len = l64_rd32(r, 12), nonzero = 0;
		if (l64_rd32(r, 8) == 9) { /* SETUP_RNG_SEED */
			if (len < 32)
				return "SETUP_RNG_SEED shorter than 32 bytes";
			for (uint32_t i = 0; i < len; i++)
				nonzero |= r[16 + i];
			if (!nonzero)
				return "SETUP_RNG_SEED is all zero";
			l64_puts(l64_name);
			l64_puts(": rng seed ");
			l64_puthex(l64_rd64(r, 16));
			l64_putc('\n');
			return 0;
		}
		sd = l64_rd64(r, 0);
	}
	return "no SETUP_RNG_SEED in setup_data";
}

__attribute__((used)) void l64_main(uint64_t off, const uint8_t *bp, uint64_t rflags)
{
	uint64_t phys = LINK_BASE + off;
	const char *cmdline, *why = l64_check_cpu(rflags);

	if (!why)
		why = relocate(off);
	if (!why)
		why = l64_check_boot_params(bp, phys, &cmdline);
	if (!why)
		why = check_setup_data(bp);
	l64_finish(why, phys);
}
