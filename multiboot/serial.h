/* SPDX-License-Identifier: MIT */
/* 16550 UART on COM1 (0x3f8), polled: the Multiboot console. */
#ifndef MB_SERIAL_H
#define MB_SERIAL_H

#include <stddef.h>

void serial_init(void);
/* "\n" goes out as "\r\n". */
void serial_write(const char *s, size_t n);

#endif
