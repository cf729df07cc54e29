/* SPDX-License-Identifier: MIT */
/*
 * Minimal, format-safe printf over platform_ops.console_write (the
 * format is always a literal; untrusted strings go through %s, which prints
 * control characters as '?' so they cannot forge lines or drive a terminal).
 * Conversions: %s %c %d %i %u %x %X %p %%, length modifiers l ll z, width,
 * the 0 flag and the - flag (e.g. %016llx, %-8s).  No floating point.  An
 * unknown conversion is printed literally and consumes no argument; NULL %s
 * prints "(null)".
 */
#ifndef LDR_LOG_H
#define LDR_LOG_H

#include <stdarg.h>
#include <stddef.h>

#include "../include/ldr_errors.h"

#define LOG_PREFIX "aslrboot: "

struct platform_ops;

/* Console output goes to ops->console_write; before log_init, or with a
 * NULL ops/console_write, it is dropped. */
void log_init(const struct platform_ops *ops);

/* Every output line starts with LOG_PREFIX; a line that already starts with
 * it is not prefixed twice. */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf semantics: writes at most n - 1 bytes plus a NUL (nothing if
 * n == 0) and returns the length the whole output would have had. */
size_t ldr_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
size_t ldr_snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One LLVM-style line for a failed check, without prefix or newline:
 *   error: kernel.elf: program header 3: p_filesz = 0x2000: p_filesz > p_memsz [E_FILESZ]
 * "<what> <index>: " is left out when what is NULL (" <index>" when
 * index < 0), "<field> = 0x<value>: " when field is NULL, "<file>: " when
 * file is NULL.  snprintf semantics. */
size_t ldr_format_diag(char *buf, size_t n, const char *file, const struct ldr_diag *d);
/* The same line through the console: "aslrboot: error: ...\n". */
void log_diag(const char *file, const struct ldr_diag *d);

#endif
