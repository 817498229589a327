/*
 * test_string.c - host unit tests for lib/string.c (cmocka, ASan, UBSan).
 * lib/string.h renames the functions to lib_* under UNIT_TEST, so every
 * call below runs mica's code, not the C library's. Buffers that must not
 * be over-read are malloc'd at their exact size so ASan catches a stray byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/string.h"

/* A heap copy of (n) bytes of (s), with nothing readable after it. */
static char *exact(const char *s, size_t n)
{
	char *p = malloc(n);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = s[i];
	return p;
}

static void test_memcpy(void **state)
{
	unsigned char src[16], dst[16];

	for (int i = 0; i < 16; i++) {
		src[i] = (unsigned char)(i * 7 + 1);
		dst[i] = 0xAA;
	}
	assert_ptr_equal(memcpy(dst, src, 10), dst);
	assert_memory_equal(dst, src, 10);
	for (int i = 10; i < 16; i++)
		assert_int_equal(dst[i], 0xAA);         /* nothing past n */
	assert_ptr_equal(memcpy(dst, NULL, 0), dst);    /* n = 0 reads nothing */
}

static void test_memmove_overlap(void **state)
{
	char fwd[] = "abcdefghij";
	char back[] = "abcdefghij";

	/* dst above src: must copy from the end */
	assert_ptr_equal(memmove(fwd + 2, fwd, 6), fwd + 2);
	assert_string_equal(fwd, "ababcdefij");
	/* dst below src: must copy from the start */
	assert_ptr_equal(memmove(back, back + 3, 7), back);
	assert_string_equal(back, "defghijhij");
	/* same buffer, and n = 0 */
	memmove(fwd, fwd, 10);
	assert_string_equal(fwd, "ababcdefij");
	memmove(fwd + 1, fwd, 0);
	assert_string_equal(fwd, "ababcdefij");
}

static void test_memset(void **state)
{
	unsigned char b[8] = { 0 };

	assert_ptr_equal(memset(b + 1, 0x1FF, 6), b + 1);  /* only the low byte counts */
	assert_int_equal(b[0], 0);
	for (int i = 1; i < 7; i++)
		assert_int_equal(b[i], 0xFF);
	assert_int_equal(b[7], 0);
	memset(b, -1, 0);
	assert_int_equal(b[0], 0);
}

static void test_memcmp(void **state)
{
	assert_int_equal(memcmp("abc", "abc", 3), 0);
	assert_true(memcmp("abc", "abd", 3) < 0);
	assert_true(memcmp("abd", "abc", 3) > 0);
	assert_int_equal(memcmp("abX", "abY", 2), 0);
	assert_int_equal(memcmp(NULL, NULL, 0), 0);
	/* bytes compare as unsigned: 0x80 sorts after 0x01 */
	assert_true(memcmp("\x80", "\x01", 1) > 0);
	/* continues past NUL bytes, unlike strcmp */
	assert_true(memcmp("a\0b", "a\0c", 3) < 0);
}

static void test_strlen_strnlen(void **state)
{
	char *s = exact("hello", 6);
	char *unterminated = exact("abcdefgh", 8);

	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen(s), 5);
	assert_int_equal(strnlen(s, 100), 5);
	assert_int_equal(strnlen(s, 3), 3);
	assert_int_equal(strnlen(s, 0), 0);
	/* no terminator within max: returns max without reading past it */
	assert_int_equal(strnlen(unterminated, 8), 8);
	free(s);
	free(unterminated);
}

static void test_strcmp(void **state)
{
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("mem", "mem"), 0);
	assert_true(strcmp("mem", "memory") < 0);       /* prefix sorts first */
	assert_true(strcmp("memory", "mem") > 0);
	assert_true(strcmp("a", "b") < 0);
	assert_true(strcmp("\xff", "a") > 0);           /* unsigned char order */
}

static void test_strncmp(void **state)
{
	char *a = exact("abcd", 4);                     /* not terminated */

	assert_int_equal(strncmp(a, "abcz", 3), 0);
	assert_true(strncmp(a, "abcz", 4) < 0);
	assert_int_equal(strncmp("x", "y", 0), 0);
	assert_int_equal(strncmp("ab", "ab", 100), 0);  /* stops at the NUL */
	assert_true(strncmp("ab", "abc", 3) < 0);
	assert_true(strncmp("\x80", "\x7f", 1) > 0);
	free(a);
}

static void test_strchr_strrchr(void **state)
{
	const char *s = "a/b/c";

	assert_ptr_equal(strchr(s, '/'), s + 1);
	assert_ptr_equal(strrchr(s, '/'), s + 3);
	assert_ptr_equal(strchr(s, 'a'), s);
	assert_ptr_equal(strrchr(s, 'a'), s);
	assert_null(strchr(s, 'z'));
	assert_null(strrchr(s, 'z'));
	/* '\0' finds the terminator */
	assert_ptr_equal(strchr(s, '\0'), s + 5);
	assert_ptr_equal(strrchr(s, '\0'), s + 5);
	assert_null(strchr("", 'a'));
	/* c is converted to char, so a negative int and its byte agree */
	assert_ptr_equal(strchr("x\xe9y", 0xe9), strchr("x\xe9y", (char)0xe9));
	assert_non_null(strchr("x\xe9y", 0xe9));
}

static void test_strlcpy(void **state)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'X');                  /* no padding written */

	/* truncation: returns strlen(src) >= size, result terminated */
	assert_int_equal(strlcpy(buf, "0123456789", sizeof(buf)), 10);
	assert_string_equal(buf, "0123456");

	/* exactly fitting */
	assert_int_equal(strlcpy(buf, "0123456", sizeof(buf)), 7);
	assert_string_equal(buf, "0123456");

	/* size 1: only the terminator */
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");

	/* size 0: dst is not touched at all */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(strlcpy(NULL, "abc", 0), 3);
}

/* Bigger random copies against a byte-by-byte model, all offsets. */
static void test_memmove_model(void **state)
{
	unsigned char buf[64], model[64];
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		for (int i = 0; i < 64; i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = model[i] = (unsigned char)(seed >> 16);
		}
		size_t d = (seed >> 3) % 32, s = (seed >> 9) % 32, n = (seed >> 15) % 33;
		unsigned char tmp[64];

		for (size_t i = 0; i < n; i++)
			tmp[i] = model[s + i];
		for (size_t i = 0; i < n; i++)
			model[d + i] = tmp[i];
		memmove(buf + d, buf + s, n);
		assert_memory_equal(buf, model, sizeof(buf));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memmove_model),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strncmp),
		cmocka_unit_test(test_strchr_strrchr),
		cmocka_unit_test(test_strlcpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
