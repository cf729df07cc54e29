/* SPDX-License-Identifier: MIT */
/* memcpy & co.: the host C library in host builds, loader/libc.c in firmware builds. */
#ifndef LDR_LIBC_H
#define LDR_LIBC_H

#include <stddef.h>

#ifdef LDR_HOST_TEST
#include <string.h>
#else
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

#endif
