/*
 * test_fmt.c - host unit tests for lib/fmt.c (cmocka, ASan, UBSan).
 * Standard conversions are checked against the C library's snprintf, which
 * defines the expected output; mica's own rules (%p, "(null)", unknown
 * conversions, truncation, the width cap) are checked against literals.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/fmt.h"
#include "lib/string.h"

/* Same format and arguments through fmt_snprintf and libc's snprintf:
 * text and return value must agree. */
#define SAME_AS_LIBC(...) do {                                          \
		char ours[256], libc[256];                              \
		int n_ours = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__); \
		int n_libc = snprintf(libc, sizeof(libc), __VA_ARGS__); \
		assert_string_equal(ours, libc);                        \
		assert_int_equal(n_ours, n_libc);                       \
	} while (0)

static char out[256];

/* fmt_vsnprintf into (out) without the compiler's format checking, for
 * formats that are wrong on purpose. */
static int raw(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	return n;
}

static void test_plain_and_percent(void **state)
{
	SAME_AS_LIBC("%s", "");
	SAME_AS_LIBC("plain text");
	SAME_AS_LIBC("100%% sure %%%%");
	assert_int_equal(fmt_snprintf(out, sizeof(out), "%s", ""), 0);
	assert_string_equal(out, "");
}

static void test_signed(void **state)
{
	SAME_AS_LIBC("%d %d %d %i", 0, 42, -42, -7);
	SAME_AS_LIBC("%d %d", INT_MAX, INT_MIN);
	SAME_AS_LIBC("%ld %ld", LONG_MAX, LONG_MIN);
	SAME_AS_LIBC("%lld %lld", (long long)INT64_MAX, (long long)INT64_MIN);
	/* INT64_MIN's magnitude does not fit in int64_t */
	fmt_snprintf(out, sizeof(out), "%lld", (long long)INT64_MIN);
	assert_string_equal(out, "-9223372036854775808");
	SAME_AS_LIBC("%zd", (size_t)-5);
}

static void test_unsigned_bases(void **state)
{
	SAME_AS_LIBC("%u %u", 0u, UINT_MAX);
	SAME_AS_LIBC("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0755u);
	SAME_AS_LIBC("%lx %lu %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
	SAME_AS_LIBC("%llx %llX %llu", 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
		     (unsigned long long)UINT64_MAX);
	SAME_AS_LIBC("%zu %zx", SIZE_MAX, (size_t)4096);
	SAME_AS_LIBC("%x %o", 0u, 0u);
	/* an int argument to %x is taken as unsigned int, not sign-extended */
	SAME_AS_LIBC("%x", (unsigned)-1);
}

static void test_width_and_flags(void **state)
{
	SAME_AS_LIBC("[%5d][%-5d][%05d]", 42, 42, 42);
	SAME_AS_LIBC("[%5d][%-5d][%05d]", -42, -42, -42);
	SAME_AS_LIBC("[%08x][%-8X][%8lx]", 0xbeefu, 0xbeefu, 0xbeefUL);
	SAME_AS_LIBC("[%2d]", 12345);                   /* width is a minimum */
	SAME_AS_LIBC("[%*d][%*d]", 6, 7, -6, 7);        /* negative * = left */
	SAME_AS_LIBC("[%0*x]", 4, 0xau);
	SAME_AS_LIBC("[%020lld]", (long long)INT64_MIN);
	/* '-' wins over '0' (libc agrees; gcc would warn, so bypass the check) */
	raw("[%-05d]", 3);
	assert_string_equal(out, "[3    ]");
}

static void test_integer_precision(void **state)
{
	SAME_AS_LIBC("[%.3d][%.3d][%8.3d][%-8.3x]", 7, -7, 7, 0xau);
	SAME_AS_LIBC("[%.0d][%5.0u][%.0x]", 0, 0u, 0u);
	raw("[%08.3d]", 5);                             /* precision disables '0' */
	assert_string_equal(out, "[     005]");
	SAME_AS_LIBC("[%.*d]", 4, 9);
}

static void test_char(void **state)
{
	SAME_AS_LIBC("[%c][%3c][%-3c]", 'a', 'b', 'c');
	/* a NUL character is emitted and counted */
	assert_int_equal(fmt_snprintf(out, sizeof(out), "a%cb", '\0'), 3);
	assert_memory_equal(out, "a\0b", 4);
}

static void test_string(void **state)
{
	SAME_AS_LIBC("[%s][%10s][%-10s]", "mica", "mica", "mica");
	SAME_AS_LIBC("[%.2s][%10.2s][%-6.3s][%.*s]", "mica", "mica", "mica", 3, "mica");
	SAME_AS_LIBC("[%.10s][%.0s]", "mica", "mica");
	SAME_AS_LIBC("[%.*s]", -1, "mica");             /* negative: no precision */
}

/* With a precision, %s must not read past it: the name has no NUL. */
static void test_string_precision_unterminated(void **state)
{
	char *name = malloc(4);

	assert_non_null(name);
	memcpy(name, "abcd", 4);
	assert_int_equal(fmt_snprintf(out, sizeof(out), "<%.4s>", name), 6);
	assert_string_equal(out, "<abcd>");
	assert_int_equal(fmt_snprintf(out, sizeof(out), "<%.*s>", 2, name), 4);
	assert_string_equal(out, "<ab>");
	free(name);
}

/* gcc rejects a literal NULL for %s, hence raw(). */
static void test_null_string(void **state)
{
	const char *nothing = NULL;

	assert_int_equal(raw("%s", nothing), 6);
	assert_string_equal(out, "(null)");
	raw("[%8s][%.3s]", nothing, nothing);
	assert_string_equal(out, "[  (null)][(nu]");
}

static void test_pointer(void **state)
{
	fmt_snprintf(out, sizeof(out), "%p", (void *)0x1234);
	assert_string_equal(out, "0x0000000000001234");
	fmt_snprintf(out, sizeof(out), "%p", (void *)NULL);
	assert_string_equal(out, "0x0000000000000000");
	fmt_snprintf(out, sizeof(out), "%p", (void *)UINTPTR_MAX);
	assert_string_equal(out, "0xffffffffffffffff");
	fmt_snprintf(out, sizeof(out), "[%20p][%-20p]", (void *)0xabc, (void *)0xabc);
	assert_string_equal(out, "[  0x0000000000000abc][0x0000000000000abc  ]");
}

static void test_unknown_conversion(void **state)
{
	assert_int_equal(raw("%q"), 2);
	assert_string_equal(out, "%q");
	raw("a%5qb");
	assert_string_equal(out, "a%5qb");
	raw("%f %d", 7);                /* %f consumes nothing: 7 goes to %d */
	assert_string_equal(out, "%f 7");
	raw("%hd", 1);
	assert_string_equal(out, "%hd");
	/* a lone '%' or a cut-off conversion at the end */
	assert_int_equal(raw("100%"), 4);
	assert_string_equal(out, "100%");
	raw("x%-0");
	assert_string_equal(out, "x%-0");
	raw("%l");
	assert_string_equal(out, "%l");
}

static void test_truncation(void **state)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	/* C99: the return value is the untruncated length */
	assert_int_equal(fmt_snprintf(buf, 5, "hello world"), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'X');                  /* nothing past size */

	assert_int_equal(fmt_snprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'e');                  /* left from before */

	/* size 0: buf is never touched and may be NULL */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(fmt_snprintf(NULL, 0, "%s=%d", "mem", 4), 5);

	/* exactly fitting */
	assert_int_equal(fmt_snprintf(buf, 8, "%07d", 1), 7);
	assert_string_equal(buf, "0000001");
	assert_int_equal(fmt_snprintf(buf, 8, "%08d", 1), 8);
	assert_string_equal(buf, "0000000");
}

/* An exact-size heap buffer: ASan catches a write one byte too far. */
static void test_truncation_exact_heap(void **state)
{
	for (size_t size = 1; size < 24; size++) {
		char *buf = malloc(size);

		assert_non_null(buf);
		assert_int_equal(fmt_snprintf(buf, size, "%s-%08x-%d", "abc", 0x1234u, -99), 16);
		assert_int_equal(strlen(buf), size - 1 < 16 ? size - 1 : 16);
		assert_int_equal(strncmp(buf, "abc-00001234--99", size - 1), 0);
		free(buf);
	}
}

/* fmt_vformat hands out characters one by one and counts them. */
struct collect {
	char buf[64];
	int n;
};

static void collect_put(void *ctx, char c)
{
	struct collect *col = ctx;

	assert_true(col->n < (int)sizeof(col->buf));
	col->buf[col->n++] = c;
}

static int vformat(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(collect_put, col, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vformat_callback(void **state)
{
	struct collect col = { .n = 0 };

	assert_int_equal(vformat(&col, "vm %s: rip=%lx %c", "web", 0xfff0UL, '!'), 18);
	assert_int_equal(col.n, 18);
	assert_memory_equal(col.buf, "vm web: rip=fff0 !", 18);

	col.n = 0;
	assert_int_equal(vformat(&col, ""), 0);
	assert_int_equal(col.n, 0);
}

/* A va_list can be formatted twice: fmt_vformat works on its own copy. */
static int twice(char *a, char *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	fmt_vsnprintf(a, 32, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	n = fmt_vsnprintf(b, 32, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf(void **state)
{
	char a[32], b[32];

	assert_int_equal(twice(a, b, "%d-%s", 5, "x"), 3);
	assert_string_equal(a, "5-x");
	assert_string_equal(b, "5-x");
}

/* Huge widths are capped (gcc rejects them as literals, hence raw()): they
 * never overflow an int and the output stays well-formed. */
static void test_width_cap(void **state)
{
	assert_int_equal(raw("%99999999999999999999d", 1), FMT_WIDTH_MAX);
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_int_equal(out[0], ' ');
	assert_int_equal(raw("%*d", INT_MIN, 1), FMT_WIDTH_MAX);
	assert_int_equal(out[0], '1');                  /* INT_MIN: left-aligned */
	assert_int_equal(raw("%*d", INT_MAX, 1), FMT_WIDTH_MAX);
	assert_int_equal(raw("%.*d", INT_MAX, 1), FMT_WIDTH_MAX);
	assert_int_equal(raw("%.*s", INT_MAX, "ab"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_percent),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned_bases),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_integer_precision),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_string_precision_unterminated),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_exact_heap),
		cmocka_unit_test(test_vformat_callback),
		cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_width_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
