/*
 * fmt.c - the printf engine of both kernels (see lib/fmt.h for the formats).
 * Runs in ring 0 of mica and of the guest kernel, and on the host in the
 * unit tests. Holds no state, so it is safe to call from any context,
 * including panic and exception handlers.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "lib/string.h"

/* Where characters go, and how many have gone. */
struct out {
	fmt_put_fn put;
	void *ctx;
	int count;
};

/* One parsed conversion: "%-08.3lx" gives left=true, zero=true, width=8,
 * prec=3, len=LEN_LONG. */
enum length { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct spec {
	bool left;              /* '-': pad on the right */
	bool zero;              /* '0': pad numbers with zeros */
	int width;              /* minimum field width, 0 if none */
	int prec;               /* precision, -1 if none */
	enum length len;
};

static void emit(struct out *o, char c)
{
	o->put(o->ctx, c);
	o->count++;
}

static void emit_repeat(struct out *o, char c, int n)
{
	for (int i = 0; i < n; i++)
		emit(o, c);
}

/* A string field: (len) characters of (s), space-padded to the width. */
static void put_string(struct out *o, const struct spec *sp, const char *s, size_t len)
{
	int pad = (size_t)sp->width > len ? sp->width - (int)len : 0;

	if (!sp->left)
		emit_repeat(o, ' ', pad);
	for (size_t i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		emit_repeat(o, ' ', pad);
}

/*
 * A number field: [spaces] [-] [prefix] [zeros] digits [spaces].
 * (v) is the magnitude; (negative) adds the sign, so that INT64_MIN, whose
 * magnitude does not fit in an int64_t, prints correctly.
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t v, bool negative,
		       unsigned base, bool upper, const char *prefix)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[22];        /* UINT64_MAX in octal has 22 digits */
	int n = 0;

	while (v != 0) {
		digits[n++] = set[v % base];
		v /= base;
	}
	/* C prints "0" for zero, except that "%.0d" of zero prints nothing. */
	if (n == 0 && sp->prec != 0)
		digits[n++] = '0';

	int zeros = sp->prec > n ? sp->prec - n : 0;
	int body = (negative ? 1 : 0) + (int)strlen(prefix) + zeros + n;
	int pad = sp->width > body ? sp->width - body : 0;

	/* The '0' flag turns the padding into zeros after the sign; C ignores
	 * it with '-' or with a precision. */
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		emit_repeat(o, ' ', pad);
	if (negative)
		emit(o, '-');
	for (const char *p = prefix; *p != '\0'; p++)
		emit(o, *p);
	emit_repeat(o, '0', zeros);
	while (n > 0)
		emit(o, digits[--n]);
	if (sp->left)
		emit_repeat(o, ' ', pad);
}

/* Digits of a width or precision, capped so that the int cannot overflow. */
static int parse_decimal(const char **p)
{
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		if (n <= FMT_WIDTH_MAX)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n > FMT_WIDTH_MAX ? FMT_WIDTH_MAX : n;
}

/*
 * The variadic arguments travel as a va_list pointer: on x86-64 va_list is
 * an array type, so only a pointer to a local copy can be passed around
 * and still advance the caller's position.
 */
static int64_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_LONG:  return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE:  return (int64_t)va_arg(*ap, size_t);
	default:        return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_LONG:  return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE:  return va_arg(*ap, size_t);
	default:        return va_arg(*ap, unsigned int);
	}
}

/* Parse flags, width, precision and length after a '%'. (*p) is left on
 * the conversion character. */
static void parse_spec(const char **p, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){ .prec = -1, .len = LEN_INT };

	for (;; (*p)++) {
		if (**p == '-')
			sp->left = true;
		else if (**p == '0')
			sp->zero = true;
		else
			break;
	}

	if (**p == '*') {
		int w = va_arg(*ap, int);

		(*p)++;
		if (w < 0) {
			/* C: a negative '*' width is the '-' flag plus a width;
			 * written so that -INT_MIN never has to exist. */
			sp->left = true;
			w = w < -FMT_WIDTH_MAX ? FMT_WIDTH_MAX : -w;
		}
		sp->width = w > FMT_WIDTH_MAX ? FMT_WIDTH_MAX : w;
	} else {
		sp->width = parse_decimal(p);
	}

	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			int pr = va_arg(*ap, int);

			(*p)++;
			/* C: a negative '*' precision is as if none was given. */
			sp->prec = pr < 0 ? -1 : (pr > FMT_WIDTH_MAX ? FMT_WIDTH_MAX : pr);
		} else {
			sp->prec = parse_decimal(p);
		}
	}

	if (**p == 'z') {
		sp->len = LEN_SIZE;
		(*p)++;
	} else if (**p == 'l') {
		sp->len = LEN_LONG;
		(*p)++;
		if (**p == 'l') {
			sp->len = LEN_LLONG;
			(*p)++;
		}
	}
}

int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .put = put, .ctx = ctx, .count = 0 };
	const char *p = fmt;
	va_list args;

	va_copy(args, ap);
	while (*p != '\0') {
		if (*p != '%') {
			emit(&o, *p++);
			continue;
		}

		const char *start = p++;
		struct spec sp;
		const char *s;
		int64_t v;

		parse_spec(&p, &args, &sp);
		switch (*p) {
		case 'd':
		case 'i':
			v = arg_signed(&args, sp.len);
			/* Negate in uint64_t: -INT64_MIN overflows int64_t. */
			put_number(&o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10, false, "");
			break;
		case 'u':
			put_number(&o, &sp, arg_unsigned(&args, sp.len), false, 10, false, "");
			break;
		case 'x':
		case 'X':
			put_number(&o, &sp, arg_unsigned(&args, sp.len), false, 16, *p == 'X', "");
			break;
		case 'o':
			put_number(&o, &sp, arg_unsigned(&args, sp.len), false, 8, false, "");
			break;
		case 'p':
			/* Always the full 64 bits, so addresses line up in logs. */
			sp.prec = 16;
			put_number(&o, &sp, (uintptr_t)va_arg(args, void *), false, 16, false, "0x");
			break;
		case 'c': {
			char c = (char)va_arg(args, int);

			put_string(&o, &sp, &c, 1);
			break;
		}
		case 's':
			s = va_arg(args, const char *);
			if (s == NULL)
				s = "(null)";
			/* With a precision, never read past it: the string need
			 * not be terminated (e.g. a fixed-size name field). */
			put_string(&o, &sp, s, sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s));
			break;
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown: show the conversion as written, so the mistake
			 * is visible in the output rather than silently lost. */
			while (start < p)
				emit(&o, *start++);
			if (*p == '\0')
				goto out;
			emit(&o, *p);
			break;
		}
		p++;
	}
out:
	va_end(args);
	return o.count;
}

/* State of fmt_vsnprintf: characters past the buffer are counted, not
 * stored, which gives C99's "length it would have had". */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void sbuf_put(void *ctx, char c)
{
	struct sbuf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = { .buf = buf, .size = size, .len = 0 };
	int n = fmt_vformat(sbuf_put, &b, fmt, ap);

	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
