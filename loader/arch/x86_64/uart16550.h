/* SPDX-License-Identifier: MIT */
/*
 * A polled 16550 UART (COM1 on a PC): the serial console of both front
 * ends and of the test kernel.  Header-only, port I/O only.
 */
#ifndef LDR_X86_64_UART16550_H
#define LDR_X86_64_UART16550_H

#include <stdint.h>

#include "../../../include/ldr_x86_64.h"

#define UART_COM1 0x3f8
#define UART_THR 0 /* transmit holding register (DLAB = 0) */
#define UART_DLL 0 /* divisor latch, low byte (DLAB = 1) */
#define UART_IER 1 /* interrupt enable; divisor latch high byte with DLAB = 1 */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20   /* transmit holding register empty */
#define UART_SPIN_MAX 100000 /* polls per byte */

/* 115200 baud 8N1, FIFOs on and cleared, no interrupts, DTR and RTS. */
static inline void uart_init(uint16_t port)
{
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, 0x80); /* DLAB */
	outb(port + UART_DLL, 0x01); /* divisor 1: 115200 baud */
	outb(port + UART_IER, 0x00); /* divisor high byte */
	outb(port + UART_LCR, 0x03); /* 8N1, DLAB off */
	outb(port + UART_FCR, 0xc7);
	outb(port + UART_MCR, 0x03);
}

/* One byte, as is.  Bounded wait: a missing UART reads 0xff (THR empty),
 * a stuck one must not hang the caller. */
static inline void uart_putc(uint16_t port, char ch)
{
	for (int i = 0; i < UART_SPIN_MAX && !(inb(port + UART_LSR) & UART_LSR_THRE); i++)
		cpu_relax();
	outb(port + UART_THR, (uint8_t)ch);
}

#endif
