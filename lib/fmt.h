/*
 * fmt.h - printf-style formatting for kernels without a C library: to a
 * character callback (the console) or to a buffer (error messages).
 * Shared by mica and the guest kernel; no floating point.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supported formats, a subset of C99 printf:
 *
 *   conversions  %d %i %u %x %X %o %c %s %p %%
 *   length       l  ll  z            (%ld %llx %zu ...; default int)
 *   flags        -  left-align       0  pad numbers with zeros
 *   width        digits or *         (a negative * means '-')
 *   precision    .N or .*            %s: print at most N characters;
 *                                    numbers: at least N digits
 *
 * %p prints "0x" and 16 lowercase hex digits. %s of NULL prints "(null)".
 * Anything else after '%' (e.g. "%q", "%f") is printed as it is written.
 * Width and precision are capped at FMT_WIDTH_MAX: a larger one is a bug
 * in the format, and the cap keeps the count from overflowing an int.
 */
#define FMT_WIDTH_MAX 4096

/* Receives each output character in order; (ctx) is the caller's. */
typedef void (*fmt_put_fn)(void *ctx, char c);

/*
 * Format (fmt) with the arguments (ap), handing every character to
 * (put)(ctx, c). Returns the number of characters emitted. Callers:
 * kvprintf (lib/console.c) and fmt_vsnprintf.
 */
int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/*
 * Format into (buf), which holds (size) bytes, with C99 vsnprintf
 * semantics: output beyond size - 1 characters is dropped, buf is always
 * NUL-terminated when size > 0 (buf may be NULL when size is 0), and the
 * return value is the length the full output would have had, so the
 * output was truncated exactly when the result is >= size.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* fmt_vsnprintf with the arguments inline. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* LIB_FMT_H */
