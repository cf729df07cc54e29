/* SPDX-License-Identifier: MIT */
#include "serial.h"

#include "../loader/arch/x86_64/uart16550.h"

void serial_init(void)
{
	uart_init(UART_COM1);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc(UART_COM1, '\r');
		uart_putc(UART_COM1, s[i]);
	}
}
