/* SPDX-License-Identifier: MIT */
/*
 * Shared by the test kernels that enter through the Linux x86 64-bit boot
 * protocol (tests/kernel-linux64/ and tests/kernel-realshape/): COM1
 * output, the result through isa-debug-exit, and the boot_params checks
 * that Linux, Unikraft, memtest86+ and Nanos all depend on.  Only
 * RIP-relative code and no pointers in data: it runs before a kernel has
 * relocated itself.
 */
#ifndef L64LIB_H
#define L64LIB_H

#include <stdint.h>

#pragma GCC visibility push(hidden)

/* Each kernel's name, the prefix of every line it prints. */
extern const char l64_name[];

void l64_putc(char c);
void l64_puts(const char *s);
void l64_puthex(uint64_t v);
/* "<name>: <what><text>\n" */
void l64_line(const char *what, const char *text);
uint32_t l64_rd32(const void *p, uint32_t off);
uint64_t l64_rd64(const void *p, uint32_t off);

/* "<name>: PASS phys=0x..." and exit 33, or "<name>: FAIL: <why>" and
 * exit 35 (isa-debug-exit writes 0x10 / 0x11). */
__attribute__((noreturn)) void l64_finish(const char *why, uint64_t phys);

/* Long mode with paging, interrupts off and both legacy PICs masked at entry
 * (RFLAGS as pushed by the entry code).  Returns 0 or why not. */
const char *l64_check_cpu(uint64_t rflags);

/* boot_params at bp: 0xAA55 and "HdrS", a non-zero cmd_line_ptr whose
 * string is cmdline_size - 1 bytes long (the size counts the NUL; printed
 * as "<name>: cmdline: ..."), and an e820 table with at least 16 MiB of RAM
 * of which one entry holds [phys, phys + 4 KiB).  Returns 0 or why not;
 * *cmdline is the command line. */
const char *l64_check_boot_params(const uint8_t *bp, uint64_t phys, const char **cmdline);

/* The physical address the current page tables map va to, through 4 KiB,
 * 2 MiB or 1 GiB pages (4-level paging; the tables are read at their
 * physical addresses, which the boot protocol maps 1:1).  Returns 0 or why
 * it failed. */
const char *l64_virt_to_phys(uint64_t va, uint64_t *pa);

#pragma GCC visibility pop

#endif
