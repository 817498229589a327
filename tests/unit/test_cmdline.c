/*
 * test_cmdline.c - host unit tests for lib/cmdline.c (cmocka, ASan, UBSan):
 * image-path skipping, tokenizing, option checking with its error lines,
 * lookups, and number/size parsing including every kind of bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/cmdline.h"
#include "lib/string.h"

static const char *const known[] = { "selftest", "mem", "name", NULL };

/* A string of (n) copies of (c), in a static buffer. */
static const char *repeat(char c, size_t n)
{
	static char buf[512];

	assert_true(n < sizeof(buf));
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_args_skips_image_path(void **state)
{
	assert_string_equal(cmdline_args("/boot/guest.elf name=web mem=4M"), "name=web mem=4M");
	assert_string_equal(cmdline_args("  \t/boot/mica.elf\t selftest"), "selftest");
	assert_string_equal(cmdline_args("/boot/guest.elf"), "");
	assert_string_equal(cmdline_args("guest/x"), "");       /* any '/' counts */
}

static void test_args_keeps_options(void **state)
{
	/* no path: the first token is already an option */
	assert_string_equal(cmdline_args("name=web mem=4M"), "name=web mem=4M");
	assert_string_equal(cmdline_args("selftest"), "selftest");
	/* a '/' inside a value does not make it a path */
	assert_string_equal(cmdline_args("app=/bin/sh x"), "app=/bin/sh x");
	assert_string_equal(cmdline_args("   mem=4M"), "mem=4M");
	assert_string_equal(cmdline_args(""), "");
	assert_string_equal(cmdline_args("   "), "");
	assert_string_equal(cmdline_args(NULL), "");
}

static void test_next_tokens(void **state)
{
	const char *c = "  name=web\tselftest  app=a=b  k= ";
	char key[CMDLINE_KEY_MAX], val[CMDLINE_VAL_MAX];

	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "name");
	assert_string_equal(val, "web");
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "selftest");
	assert_string_equal(val, "");                   /* bare flag */
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "app");
	assert_string_equal(val, "a=b");                /* only the first '=' splits */
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "k");
	assert_string_equal(val, "");
	assert_int_equal(cmdline_next(&c, key, val), 0);
	assert_int_equal(cmdline_next(&c, key, val), 0);        /* stays at the end */
	assert_string_equal(key, "");

	c = "";
	assert_int_equal(cmdline_next(&c, key, val), 0);
}

static void test_next_malformed_advances(void **state)
{
	char key[CMDLINE_KEY_MAX], val[CMDLINE_VAL_MAX];
	char line[512];
	const char *c = "=v mem=4M = selftest";

	/* empty key: -1, and the next call reads the following token */
	assert_int_equal(cmdline_next(&c, key, val), -1);
	assert_string_equal(key, "");
	assert_string_equal(val, "");
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "mem");
	assert_int_equal(cmdline_next(&c, key, val), -1);       /* "=" alone */
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "selftest");
	assert_int_equal(cmdline_next(&c, key, val), 0);

	/* the longest key and value that fit, then one character more */
	strlcpy(line, repeat('k', CMDLINE_KEY_MAX - 1), sizeof(line));
	c = line;
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_int_equal(strlen(key), CMDLINE_KEY_MAX - 1);
	strlcpy(line, repeat('k', CMDLINE_KEY_MAX), sizeof(line));
	strlcpy(line + CMDLINE_KEY_MAX, " ok", sizeof(line) - CMDLINE_KEY_MAX);
	c = line;
	assert_int_equal(cmdline_next(&c, key, val), -1);
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_string_equal(key, "ok");

	strlcpy(line, "v=", sizeof(line));
	strlcpy(line + 2, repeat('x', CMDLINE_VAL_MAX - 1), sizeof(line) - 2);
	c = line;
	assert_int_equal(cmdline_next(&c, key, val), 1);
	assert_int_equal(strlen(val), CMDLINE_VAL_MAX - 1);
	strlcpy(line + 2, repeat('x', CMDLINE_VAL_MAX), sizeof(line) - 2);
	c = line;
	assert_int_equal(cmdline_next(&c, key, val), -1);
	assert_int_equal(*c, '\0');
}

static void test_check_ok(void **state)
{
	char err[128] = "untouched";

	assert_int_equal(cmdline_check("/boot/guest.elf selftest mem=4M name=web", known,
				       err, sizeof(err)), 0);
	assert_int_equal(cmdline_check("", known, err, sizeof(err)), 0);
	assert_int_equal(cmdline_check("/boot/guest.elf", known, err, sizeof(err)), 0);
	assert_int_equal(cmdline_check("mem=1M", known, NULL, 0), 0);
	assert_string_equal(err, "untouched");
}

static void test_check_unknown(void **state)
{
	char err[128];

	assert_int_equal(cmdline_check("/boot/guest.elf mem=4M bogus=1 alsobad", known,
				       err, sizeof(err)), -1);
	assert_string_equal(err, "unknown option 'bogus' (known: selftest, mem, name)");

	/* keys are matched whole: "memory" is not "mem" */
	assert_int_equal(cmdline_check("memory=4M", known, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown option 'memory' (known: selftest, mem, name)");

	/* empty or missing list of known options */
	static const char *const none[] = { NULL };
	assert_int_equal(cmdline_check("x", none, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown option 'x' (known: none)");
	assert_int_equal(cmdline_check("x", NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown option 'x' (known: none)");

	/* the image path is not an option */
	assert_int_equal(cmdline_check("/boot/x", none, err, sizeof(err)), 0);
}

static void test_check_malformed(void **state)
{
	char err[128];
	char line[256];

	assert_int_equal(cmdline_check("mem=4M =oops name=x", known, err, sizeof(err)), -1);
	assert_string_equal(err, "malformed option '=oops' (empty key)");

	strlcpy(line, repeat('m', 50), sizeof(line));
	assert_int_equal(cmdline_check(line, known, err, sizeof(err)), -1);
	assert_string_equal(err, "malformed option 'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm...' "
			    "(key too long)");

	strlcpy(line, "name=", sizeof(line));
	strlcpy(line + 5, repeat('v', 200), sizeof(line) - 5);
	assert_int_equal(cmdline_check(line, known, err, sizeof(err)), -1);
	assert_string_equal(err, "malformed option 'name=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv...' "
			    "(value too long)");
}

static void test_check_small_err(void **state)
{
	char err[16];

	memset(err, 'X', sizeof(err));
	assert_int_equal(cmdline_check("bogus", known, err, 10), -1);
	assert_string_equal(err, "unknown o");          /* truncated, terminated */
	assert_int_equal(err[10], 'X');
	assert_int_equal(cmdline_check("bogus", known, err, 0), -1);
	assert_int_equal(cmdline_check("bogus", known, NULL, 100), -1);
	assert_int_equal(cmdline_check("=", known, NULL, 100), -1);

	/* the list of known options is what gets cut */
	char mid[39];
	assert_int_equal(cmdline_check("bogus", known, mid, sizeof(mid)), -1);
	assert_string_equal(mid, "unknown option 'bogus' (known: selftes");
}

static void test_get(void **state)
{
	const char *line = "/boot/guest.elf name=web mem=4M selftest mem=8M =bad";
	char val[CMDLINE_VAL_MAX];

	assert_true(cmdline_get(line, "name", val, sizeof(val)));
	assert_string_equal(val, "web");
	assert_true(cmdline_get(line, "mem", val, sizeof(val)));
	assert_string_equal(val, "8M");                 /* last one wins */
	strlcpy(val, "junk", sizeof(val));
	assert_true(cmdline_get(line, "selftest", val, sizeof(val)));
	assert_string_equal(val, "");                   /* flag */
	assert_true(cmdline_get(line, "selftest", NULL, 0));

	strlcpy(val, "keep", sizeof(val));
	assert_false(cmdline_get(line, "app", val, sizeof(val)));
	assert_string_equal(val, "keep");               /* untouched if absent */
	assert_false(cmdline_get(line, "me", val, sizeof(val)));        /* no prefix match */
	assert_false(cmdline_get(line, "/boot/guest.elf", val, sizeof(val)));
	assert_false(cmdline_get(line, "", val, sizeof(val)));          /* "=bad" is skipped */
	assert_false(cmdline_get("", "mem", val, sizeof(val)));
}

static void test_get_truncates(void **state)
{
	char val[4];

	memset(val, 'X', sizeof(val));
	assert_true(cmdline_get("app=httpd", "app", val, 3));
	assert_string_equal(val, "ht");
	assert_int_equal(val[3], 'X');
	assert_true(cmdline_get("app=httpd", "app", val, 0));
	assert_int_equal(val[3], 'X');
}

static void test_parse_size(void **state)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "4K", 4096 },
		{ "4k", 4096 },
		{ "16M", 16ULL << 20 },
		{ "16m", 16ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "1g", 1ULL << 30 },
		{ "0x1000", 0x1000 },
		{ "0X10K", 16 * 1024 },
		{ "0x1G", 1ULL << 30 },
		{ "18446744073709551615", UINT64_MAX },
		{ "17179869183G", 17179869183ULL << 30 },       /* largest that fits */
	};
	static const char *const bad[] = {
		"", "K", "M", "4KB", "4 K", " 4", "4 ", "-1", "+1", "1.5M", "0x", "0xK",
		"4T", "12abc", "18446744073709551616", "17179869184G", "16777216T",
		"0x10000000000000000", "1kk",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 1234;

		assert_int_equal(cmdline_parse_size(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 1234;

		if (cmdline_parse_size(bad[i], &v) != -1)
			fail_msg("size \"%s\" was accepted", bad[i]);
		assert_int_equal(v, 1234);              /* out untouched */
	}
}

static void test_parse_uint(void **state)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 },
		{ "42", 42 },
		{ "007", 7 },
		{ "0x2A", 42 },
		{ "0x2a", 42 },
		{ "0XFF", 255 },
		{ "18446744073709551615", UINT64_MAX },
		{ "0xffffffffffffffff", UINT64_MAX },
		{ "0x0000000000000000001", 1 },         /* leading zeros are fine */
	};
	static const char *const bad[] = {
		"", "0x", "x1", "12a", " 1", "1 ", "+1", "-1", "0x1g", "4K", "1e3",
		"18446744073709551616", "99999999999999999999", "0x10000000000000000",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 1234;

		assert_int_equal(cmdline_parse_uint(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 1234;

		if (cmdline_parse_uint(bad[i], &v) != -1)
			fail_msg("number \"%s\" was accepted", bad[i]);
		assert_int_equal(v, 1234);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_skips_image_path),
		cmocka_unit_test(test_args_keeps_options),
		cmocka_unit_test(test_next_tokens),
		cmocka_unit_test(test_next_malformed_advances),
		cmocka_unit_test(test_check_ok),
		cmocka_unit_test(test_check_unknown),
		cmocka_unit_test(test_check_malformed),
		cmocka_unit_test(test_check_small_err),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_truncates),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_uint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
