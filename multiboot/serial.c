/* SPDX-License-Identifier: MIT */
#include "serial.h"

#include "../loader/arch/x86_64/cpu.h"

#define COM1 0x3f8
#define LSR_THRE 0x20
#define SPIN_MAX 100000 /* per byte: a missing or stuck UART must not hang the boot */

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFOs on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void putc_raw(char ch)
{
	for (int i = 0; i < SPIN_MAX && !(inb(COM1 + 5) & LSR_THRE); i++)
		__asm__ __volatile__("pause");
	outb(COM1, (uint8_t)ch);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			putc_raw('\r');
		putc_raw(s[i]);
	}
}
