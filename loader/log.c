/* SPDX-License-Identifier: MIT */
/*
 * Format-safe logging (the format is always a literal; untrusted text goes
 * only through %s): a small printf engine writing to a sink (a bounded
 * buffer or the console), and the one-line diagnostic format every
 * component's tests grep for.
 */
#include <stdbool.h>
#include <stdint.h>

#include "libc.h"
#include "log.h"
#include "platform.h"

#define LOG_MAX_WIDTH 64 /* widths come from literal formats; cap the padding anyway */

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf; /* bounded buffer sink */
	size_t cap;
	size_t len; /* chars produced, including those that did not fit */
};

static void buf_put(struct sink *s, char c)
{
	if (s->len + 1 < s->cap)
		s->buf[s->len] = c;
	s->len++;
}

static void put_n(struct sink *s, char c, unsigned n)
{
	while (n--)
		s->put(s, c);
}

struct spec {
	bool zero, left;
	unsigned width;
	unsigned lmod; /* 0, 1 = l, 2 = ll, 3 = z */
};

/* prefix ("-", "0x" or "") then digits, padded to the width. */
static void emit_num(struct sink *s, const struct spec *sp, uint64_t v, unsigned base, bool upper,
		     const char *prefix)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0, plen = (unsigned)strlen(prefix);
	unsigned pad;

	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v);
	pad = sp->width > n + plen ? sp->width - n - plen : 0;
	if (!sp->left && !sp->zero)
		put_n(s, ' ', pad);
	while (*prefix)
		s->put(s, *prefix++);
	if (!sp->left && sp->zero)
		put_n(s, '0', pad);
	while (n)
		s->put(s, tmp[--n]);
	if (sp->left)
		put_n(s, ' ', pad);
}

/* Untrusted text: control characters become '?' (no cursor moves, no fake
 * "aslrboot: " lines). */
static void emit_str(struct sink *s, const struct spec *sp, const char *str)
{
	unsigned len = 0, pad;

	if (!str)
		str = "(null)";
	while (str[len] && len < LOG_MAX_WIDTH)
		len++;
	pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left)
		put_n(s, ' ', pad);
	for (; *str; str++) {
		unsigned char c = (unsigned char)*str;
		s->put(s, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (sp->left)
		put_n(s, ' ', pad);
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->lmod) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	default: return va_arg(*ap, ptrdiff_t);
	}
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->lmod) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, size_t);
	}
}

/* One conversion character; false if unknown (nothing consumed). */
static bool convert(struct sink *s, const struct spec *sp, char conv, va_list *ap)
{
	int64_t v;

	switch (conv) {
	case 'd':
	case 'i':
		v = arg_signed(sp, ap);
		/* negate in unsigned arithmetic: INT64_MIN has no positive twin */
		emit_num(s, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false, v < 0 ? "-" : "");
		return true;
	case 'u': emit_num(s, sp, arg_unsigned(sp, ap), 10, false, ""); return true;
	case 'x':
	case 'X': emit_num(s, sp, arg_unsigned(sp, ap), 16, conv == 'X', ""); return true;
	case 'p': emit_num(s, sp, (uintptr_t)va_arg(*ap, void *), 16, false, "0x"); return true;
	case 'c': s->put(s, (char)va_arg(*ap, int)); return true;
	case 's': emit_str(s, sp, va_arg(*ap, const char *)); return true;
	default: return false;
	}
}

/* Parse flags, width and length after '%'; returns the conversion char. */
static const char *parse_spec(const char *p, struct spec *sp)
{
	for (;; p++) {
		if (*p == '0')
			sp->zero = true;
		else if (*p == '-')
			sp->left = true;
		else
			break;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		if (sp->width < LOG_MAX_WIDTH)
			sp->width = sp->width * 10 + (unsigned)(*p - '0');
	if (sp->width > LOG_MAX_WIDTH)
		sp->width = LOG_MAX_WIDTH;
	if (*p == 'z') {
		sp->lmod = 3;
		p++;
	} else {
		for (; *p == 'l' && sp->lmod < 2; p++)
			sp->lmod++;
	}
	return p;
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
	while (*fmt) {
		const char *start = fmt;
		struct spec sp = { 0 };

		if (*fmt != '%') {
			s->put(s, *fmt++);
			continue;
		}
		if (fmt[1] == '%') {
			s->put(s, '%');
			fmt += 2;
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		if (*fmt && convert(s, &sp, *fmt, ap)) {
			fmt++;
			continue;
		}
		/* Unknown or truncated: print it as written. */
		if (*fmt)
			fmt++;
		while (start < fmt)
			s->put(s, *start++);
	}
}

static void sink_printf(struct sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sink_printf(struct sink *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(s, fmt, &ap);
	va_end(ap);
}

static void buf_finish(struct sink *s)
{
	if (s->cap)
		s->buf[s->len < s->cap ? s->len : s->cap - 1] = '\0';
}

size_t ldr_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = { .put = buf_put, .buf = buf, .cap = buf ? n : 0 };
	va_list aq;

	va_copy(aq, ap);
	format(&s, fmt, &aq);
	va_end(aq);
	buf_finish(&s);
	return s.len;
}

size_t ldr_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	size_t r;

	va_start(ap, fmt);
	r = ldr_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static const struct ldr_diag no_diag = { .err = LDR_OK, .index = -1 };

static void emit_diag(struct sink *s, const char *file, const struct ldr_diag *d)
{
	if (!d)
		d = &no_diag;
	sink_printf(s, "error: ");
	if (file)
		sink_printf(s, "%s: ", file);
	if (d->what && d->index >= 0)
		sink_printf(s, "%s %lld: ", d->what, (long long)d->index);
	else if (d->what)
		sink_printf(s, "%s: ", d->what);
	if (d->field)
		sink_printf(s, "%s = 0x%llx: ", d->field, (unsigned long long)d->value);
	if (d->err == LDR_E_NO_SPACE && d->short_by)
		sink_printf(s, "no room: 0x%llx bytes short [%s]", (unsigned long long)d->short_by,
			    ldr_errname(d->err));
	else
		sink_printf(s, "%s [%s]", ldr_strerror(d->err), ldr_errname(d->err));
}

size_t ldr_format_diag(char *buf, size_t n, const char *file, const struct ldr_diag *d)
{
	struct sink s = { .put = buf_put, .buf = buf, .cap = buf ? n : 0 };

	emit_diag(&s, file, d);
	buf_finish(&s);
	return s.len;
}

/* ---- Console: buffered, one LOG_PREFIX per line ---- */

static const struct platform_ops *log_ops;
/* Line state survives between calls: a line may be printed in pieces. */
static bool log_line_start = true;
static size_t log_prefix_seen; /* chars of LOG_PREFIX the caller already printed */

struct con_sink {
	struct sink s;
	char buf[128];
	size_t n;
};

static void con_flush(struct con_sink *c)
{
	if (c->n && log_ops && log_ops->console_write)
		log_ops->console_write(log_ops->ctx, c->buf, c->n);
	c->n = 0;
}

static void con_raw(struct con_sink *c, const char *p, size_t n)
{
	while (n--) {
		if (c->n == sizeof(c->buf))
			con_flush(c);
		c->buf[c->n++] = *p++;
	}
}

/* The prefix is written once the line's first characters are known not to
 * be the prefix already (callers that spell it out get one, not two). */
static void con_settle(struct con_sink *c)
{
	con_raw(c, LOG_PREFIX, sizeof(LOG_PREFIX) - 1);
	if (log_prefix_seen < sizeof(LOG_PREFIX) - 1)
		con_raw(c, LOG_PREFIX, log_prefix_seen);
	log_prefix_seen = 0;
	log_line_start = false;
}

static void con_put(struct sink *s, char ch)
{
	struct con_sink *c = (struct con_sink *)s;

	if (log_line_start) {
		if (ch == LOG_PREFIX[log_prefix_seen]) {
			if (++log_prefix_seen == sizeof(LOG_PREFIX) - 1)
				con_settle(c);
			return;
		}
		con_settle(c);
	}
	con_raw(c, &ch, 1);
	if (ch == '\n')
		log_line_start = true;
}

static void con_end(struct con_sink *c)
{
	if (log_line_start && log_prefix_seen)
		con_settle(c);
	con_flush(c);
}

void log_init(const struct platform_ops *ops)
{
	log_ops = ops;
	log_line_start = true;
	log_prefix_seen = 0;
}

void log_printf(const char *fmt, ...)
{
	struct con_sink c = { .s.put = con_put };
	va_list ap;

	if (!log_ops || !log_ops->console_write)
		return;
	va_start(ap, fmt);
	format(&c.s, fmt, &ap);
	va_end(ap);
	con_end(&c);
}

void log_diag(const char *file, const struct ldr_diag *d)
{
	struct con_sink c = { .s.put = con_put };

	if (!log_ops || !log_ops->console_write)
		return;
	if (!log_line_start || log_prefix_seen) /* finish a pending partial line first */
		con_put(&c.s, '\n');
	emit_diag(&c.s, file, d);
	con_put(&c.s, '\n');
	con_end(&c);
}
