/* SPDX-License-Identifier: MIT */
/*
 * Fixture with the shape of a Nanos kernel (program headers: fx.ld): a
 * kernel that must run at its link address, 0x200000, physical and
 * virtual.  Built without -fpie: its code uses absolute addresses, as a
 * kernel whose memory map names its own physical address does.  Entered
 * through the Linux x86 64-bit boot protocol, it checks that it runs at
 * 0x200000 (fx_start.S, before anything else), that the page tables map
 * it there 1:1, and boot_params (e820 with its image in RAM, cmd_line_ptr,
 * cmdline_size).
 * Prints "aslrboot-fixed-shape: PASS phys=0x200000" (or FAIL: why) on COM1
 * and exits through isa-debug-exit (33 pass, 35 fail).
 */
#include "../kernel-linux64/l64lib.h"

#define LINK_ADDR 0x200000ull

#pragma GCC visibility push(hidden)
extern const uint8_t _start[];
__attribute__((noreturn)) void fx_main(const uint8_t *bp, uint64_t rflags);
#pragma GCC visibility pop

const char l64_name[] = "aslrboot-fixed-shape";

/* Initialized data: the file part of the RW segment. */
static volatile uint32_t data_word = 0x6e616e6f;

void fx_main(const uint8_t *bp, uint64_t rflags)
{
	uint64_t phys = 0;
	const char *cmdline, *why = l64_check_cpu(rflags);

	if (!why)
		why = l64_virt_to_phys((uint64_t)_start, &phys);
	if (!why && phys != LINK_ADDR)
		why = "virtual 0x200000 is not physical 0x200000";
	if (!why && data_word != 0x6e616e6f)
		why = "initialized data not loaded";
	if (!why)
		why = l64_check_boot_params(bp, phys, &cmdline);
	l64_finish(why, phys);
}
