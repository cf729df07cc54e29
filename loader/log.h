/* SPDX-License-Identifier: MIT */
/*
 * Minimal, format-safe printf over platform_ops.console_write (G3: the
 * format is always a literal; untrusted strings go through %s).
 * Conversions: %s %c %d %u %x %lx %llx %lu %llu %zu %p, width and 0-flag
 * (e.g. %016llx).
 */
#ifndef LDR_LOG_H
#define LDR_LOG_H

#include <stdarg.h>
#include <stddef.h>

#include "errors.h"

struct platform_ops;

void log_init(const struct platform_ops *ops);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t ldr_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
size_t ldr_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One LLVM-style line for a failed check:
 *   aslrboot: error: kernel.elf: program header 3: p_filesz = 0x2000: p_filesz > p_memsz [E_FILESZ] */
size_t ldr_format_diag(char *buf, size_t n, const char *file, const struct ldr_diag *d);
void log_diag(const char *file, const struct ldr_diag *d);

#endif
