/*
 * test_apps.c - host unit tests for the apps of guest/apps/ (cmocka, ASan,
 * UBSan), run against a fake of the app API (app.h): console output into
 * a buffer, a clock that moves only when the app sleeps, a TSC that
 * counts calls, memory from the C library. Checks the exact ready and
 * result lines, the checksums, argument errors and mem's pattern check.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "lib/string.h"

/* ---- The fake app API ---- */

#define FAKE_HZ         100
#define FAKE_TSC_STEP   1000            /* app_tsc: 1000, 2000, 3000, ... */
#define NS_PER_S        1000000000ULL

static char out[1 << 16];               /* everything written, NUL-terminated */
static size_t out_len;
static unsigned writes;                 /* app_write calls */
static jmp_buf exit_jmp;
static uint64_t fake_ns, fake_tsc;
static void *alloc_buf;                 /* the one app_alloc_pages block */
static uint64_t alloc_bytes, alloc_limit;
static void (*yield_hook)(void);

int app_write(const char *buf, size_t len)
{
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	out[out_len] = '\0';
	writes++;
	return (int)len;
}

void app_exit(int code)
{
	/* setjmp returns 0 the first time, so carry code + 1. */
	longjmp(exit_jmp, code + 1);
}

uint64_t app_time_ns(void)
{
	return fake_ns;
}

uint64_t app_tsc(void)
{
	return fake_tsc += FAKE_TSC_STEP;
}

void app_yield(void)
{
	if (yield_hook != NULL)
		yield_hook();
}

void app_sleep_ms(uint64_t ms)
{
	fake_ns += ms * 1000000;
}

int app_getpid(void)
{
	return 1;
}

uint64_t app_ticks(void)
{
	return fake_ns / (NS_PER_S / FAKE_HZ);
}

unsigned app_tick_hz(void)
{
	return FAKE_HZ;
}

void *app_alloc_pages(uint64_t bytes)
{
	uint64_t rounded = (bytes + 4095) / 4096 * 4096;

	assert_null(alloc_buf);                 /* apps allocate once */
	if (rounded == 0 || rounded > alloc_limit)
		return NULL;
	alloc_buf = aligned_alloc(4096, rounded);
	alloc_bytes = rounded;
	return alloc_buf;
}

static int setup(void **state)
{
	out_len = 0;
	out[0] = '\0';
	writes = 0;
	fake_ns = 5 * NS_PER_S;                 /* the kernel booted 5 s ago */
	fake_tsc = 0;
	alloc_buf = NULL;
	alloc_bytes = 0;
	alloc_limit = 64ULL << 20;
	yield_hook = NULL;
	return 0;
}

static int teardown(void **state)
{
	free(alloc_buf);
	alloc_buf = NULL;
	return 0;
}

/* ---- Helpers ---- */

/* Run the registered app (name) with the NULL-terminated arguments that
 * follow, as uk_run would (argv[0] = name). Returns its exit code. */
static int run(const char *name, ...)
{
	const struct app *app = app_find(name);
	char *argv[16];
	int argc = 0, jumped;
	va_list ap;

	assert_non_null(app);
	argv[argc++] = (char *)name;
	va_start(ap, name);
	for (char *a; (a = va_arg(ap, char *)) != NULL; )
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	jumped = setjmp(exit_jmp);
	if (jumped != 0)
		return jumped - 1;
	return app->main(argc, argv);
}

/* The line of the output that starts with (prefix), without its newline,
 * in a static buffer; NULL if there is none. */
static const char *line_starting(const char *prefix)
{
	static char line[512];

	for (const char *p = out; *p != '\0'; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			assert_true(len < sizeof(line));
			memcpy(line, p, len);
			line[len] = '\0';
			return line;
		}
		p += len + (nl != NULL);
	}
	return NULL;
}

static void assert_matches(const char *s, const char *pattern)
{
	regex_t re;
	int r;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	r = regexec(&re, s, 0, NULL, 0);
	regfree(&re);
	if (r != 0)
		fail_msg("'%s' does not match '%s'", s, pattern);
}

/* Check the ready and result lines of app (name) against docs/apps.md,
 * and that every line of the output ends with a newline. */
static void assert_ready_result(const char *name)
{
	char re[256];

	assert_true(out_len > 0 && out[out_len - 1] == '\n');
	assert_non_null(line_starting("ready "));
	assert_non_null(line_starting("result "));
	snprintf(re, sizeof(re), "^ready app=%s pid=1 tsc=[0-9]+$", name);
	assert_matches(line_starting("ready "), re);
	snprintf(re, sizeof(re),
		 "^result app=%s checksum=0x[0-9a-f]{8} tsc=[0-9]+( [a-z_]+=[0-9a-zA-Z_]+)*$", name);
	assert_matches(line_starting("result "), re);
	/* ready comes first */
	assert_true(strstr(out, "ready ") < strstr(out, "result "));
}

/* The value of " key=" in the result line, as a string. */
static const char *result_field(const char *key)
{
	static char val[64];
	const char *line = line_starting("result ");
	char pat[40];

	assert_non_null(line);
	snprintf(pat, sizeof(pat), " %s=", key);
	const char *p = strstr(line, pat);
	if (p == NULL)
		fail_msg("no %s= in '%s'", key, line);
	p += strlen(pat);
	size_t len = strcspn(p, " ");
	assert_true(len < sizeof(val));
	memcpy(val, p, len);
	val[len] = '\0';
	return val;
}

/* ---- applib ---- */

static void test_fnv1a_vectors(void **state)
{
	/* The published FNV-1a 32-bit test vectors. */
	assert_int_equal(app_fnv1a(APP_FNV_OFFSET, "", 0), 0x811c9dc5);
	assert_int_equal(app_fnv1a(APP_FNV_OFFSET, "a", 1), 0xe40c292c);
	assert_int_equal(app_fnv1a(APP_FNV_OFFSET, "foobar", 6), 0xbf9cf968);
	/* _u32 hashes the little-endian bytes */
	const unsigned char le[4] = { 0x78, 0x56, 0x34, 0x12 };
	assert_int_equal(app_fnv1a_u32(APP_FNV_OFFSET, 0x12345678),
			 app_fnv1a(APP_FNV_OFFSET, le, 4));
}

static void test_printf_chunks(void **state)
{
	char big[301];

	memset(big, 'x', 300);
	big[300] = '\0';
	assert_int_equal(app_printf("a%sb\nc", big), 304);
	assert_int_equal(out_len, 304);
	assert_int_equal(out[0], 'a');
	assert_int_equal(out[301], 'b');
	assert_string_equal(out + 302, "\nc");
	/* 128-byte chunks, or fewer up to a newline: 128, 128, 47, then 1 */
	assert_int_equal(writes, 4);
}

static void test_ready_result_lines(void **state)
{
	assert_int_equal(app_ready("x"), 1000);
	app_result("x", 0xabc, NULL);
	app_result("x", 0xdeadbeef, "");
	app_result("x", 1, "k=v n=2");
	assert_string_equal(out,
			    "ready app=x pid=1 tsc=1000\n"
			    "result app=x checksum=0x00000abc tsc=2000\n"
			    "result app=x checksum=0xdeadbeef tsc=3000\n"
			    "result app=x checksum=0x00000001 tsc=4000 k=v n=2\n");
}

static void test_arg_lookup(void **state)
{
	char *argv[] = { "app", "n=5", "flag", "nn=7", "n=0x10", "e=", "v=a=b", NULL };
	int argc = 7;
	char val[8];

	assert_true(app_arg(argc, argv, "n", val, sizeof(val)));
	assert_string_equal(val, "0x10");               /* the last one wins */
	assert_true(app_arg(argc, argv, "flag", val, sizeof(val)));
	assert_string_equal(val, "");
	assert_true(app_arg(argc, argv, "e", val, sizeof(val)));
	assert_string_equal(val, "");
	assert_true(app_arg(argc, argv, "v", val, sizeof(val)));
	assert_string_equal(val, "a=b");
	assert_true(app_arg(argc, argv, "nn", NULL, 0));
	assert_false(app_arg(argc, argv, "x", val, sizeof(val)));
	assert_false(app_arg(argc, argv, "app", val, sizeof(val))); /* argv[0] is not an argument */
	assert_true(app_arg(argc, argv, "v", val, 3));
	assert_string_equal(val, "a=");                 /* truncated */
}

static void test_check_keys(void **state)
{
	static const char *const keys[] = { "n", "rounds", NULL };
	static const char *const none[] = { NULL };
	char *good[] = { "app", "n=1", "rounds", NULL };
	char *bad[] = { "app", "n=1", "foo=1", NULL };
	char *prefix[] = { "app", "nn=1", NULL };
	char err[APP_ERR_MAX], small[12];

	assert_int_equal(app_check_keys(3, good, keys, err, sizeof(err)), 0);
	assert_int_equal(app_check_keys(1, good, none, err, sizeof(err)), 0);
	assert_int_equal(app_check_keys(3, bad, keys, err, sizeof(err)), -1);
	assert_string_equal(err, "foo=1: unknown argument (known: n, rounds)");
	assert_int_equal(app_check_keys(2, prefix, keys, err, sizeof(err)), -1);
	assert_string_equal(err, "nn=1: unknown argument (known: n, rounds)");
	assert_int_equal(app_check_keys(2, good, none, err, sizeof(err)), -1);
	assert_string_equal(err, "n=1: unknown argument (this app takes none)");
	assert_int_equal(app_check_keys(3, bad, keys, small, sizeof(small)), -1);
	assert_string_equal(small, "foo=1: unkn");      /* truncated, terminated */
}

static void test_arg_uint(void **state)
{
	char *argv[] = { "app", "a=12", "b=0x20", "c=12x", "d=", "e=99999999999999999999", NULL };
	char err[APP_ERR_MAX];
	uint64_t v;

	assert_int_equal(app_arg_uint(6, argv, "a", 7, 0, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 12);
	assert_int_equal(app_arg_uint(6, argv, "b", 7, 0, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 32);
	assert_int_equal(app_arg_uint(6, argv, "zz", 7, 0, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 7);                         /* absent: the default */
	assert_int_equal(app_arg_uint(6, argv, "c", 7, 0, 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "c=12x: not a number");
	assert_int_equal(app_arg_uint(6, argv, "d", 7, 0, 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "d=: not a number");
	assert_int_equal(app_arg_uint(6, argv, "e", 7, 0, 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "e=99999999999999999999: not a number");
	assert_int_equal(app_arg_uint(6, argv, "a", 7, 13, 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "a=12: must be from 13 to 100");
	assert_int_equal(app_arg_uint(6, argv, "b", 7, 0, 31, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "b=0x20: must be from 0 to 31");
}

/* ---- The registry ---- */

static void test_registry(void **state)
{
	char buf[64], small[9];

	assert_int_equal(napps, 4);
	for (unsigned i = 0; i < napps; i++) {
		assert_ptr_equal(app_find(apps[i].name), &apps[i]);
		assert_non_null(apps[i].usage);
		assert_non_null(apps[i].check);
		assert_non_null(apps[i].main);
	}
	assert_null(app_find("foo"));
	assert_null(app_find(""));
	assert_null(app_find("cpu2"));
	app_list_known(buf, sizeof(buf));
	assert_string_equal(buf, "hello, cpu, mem, clock");
	app_list_known(small, sizeof(small));
	assert_string_equal(small, "hello, c");
	app_list_known(small, 0);                       /* writes nothing */
	assert_int_equal(app_find("mem")->min_mem_bytes, 1 << 20);
}

/* Every app prints a ready and a result line with its defaults. */
static void test_every_app_ready_result(void **state)
{
	for (unsigned i = 0; i < napps; i++) {
		setup(state);
		assert_int_equal(run(apps[i].name, NULL), APP_EXIT_OK);
		assert_ready_result(apps[i].name);
		teardown(state);
	}
}

/* check and main agree: whatever check refuses, main refuses with the
 * same line, prefixed "app=NAME ", and prints nothing else. */
static void assert_refused(const char *name, char *arg, const char *err_expected)
{
	const struct app *app = app_find(name);
	char *argv[] = { (char *)name, arg, NULL };
	char err[APP_ERR_MAX], line[APP_ERR_MAX + 32];
	uint64_t extra;

	assert_int_equal(app->check(2, argv, &extra, err, sizeof(err)), -1);
	assert_string_equal(err, err_expected);
	setup(NULL);
	assert_int_equal(run(name, arg, NULL), APP_EXIT_BAD_ARGS);
	snprintf(line, sizeof(line), "app=%s %s\n", name, err_expected);
	assert_string_equal(out, line);
	teardown(NULL);
}

/* ---- hello ---- */

static void test_hello(void **state)
{
	const struct app *app = app_find("hello");
	char *argv[] = { "hello", NULL };
	char err[APP_ERR_MAX];
	uint64_t extra = 99;

	assert_int_equal(app->check(1, argv, &extra, err, sizeof(err)), 0);
	assert_int_equal(extra, 0);
	assert_int_equal(run("hello", NULL), APP_EXIT_OK);
	/* 0x4340f9fc = FNV-1a of "hello from app hello, pid 1" */
	assert_string_equal(out,
			    "ready app=hello pid=1 tsc=1000\n"
			    "hello from app hello, pid 1\n"
			    "result app=hello checksum=0x4340f9fc tsc=2000\n");
}

static void test_hello_refuses_arguments(void **state)
{
	assert_refused("hello", "x=1", "x=1: unknown argument (this app takes none)");
}

/* ---- cpu ---- */

static void test_cpu_default(void **state)
{
	assert_int_equal(run("cpu", NULL), APP_EXIT_OK);
	assert_ready_result("cpu");
	/* The ready line's TSC is 1000; the window reads 2000 after it and
	 * 3000 at its end; the result line's TSC is 4000.
	 * 17984 primes below 200000, the last 199999; the checksum is
	 * FNV-1a over 17984 and 199889 ... 199999 as 32-bit little-endian. */
	assert_string_equal(line_starting("result "),
			    "result app=cpu checksum=0x87cd2bce tsc=4000 "
			    "n=200000 rounds=6 primes=17984 cycles=1000");
}

static void test_cpu_small(void **state)
{
	/* 25 primes below 100, the last eight 61 ... 97 */
	assert_int_equal(run("cpu", "n=100", "rounds=3", NULL), APP_EXIT_OK);
	assert_string_equal(result_field("checksum"), "0x4b62c648");
	assert_string_equal(result_field("primes"), "25");
	assert_string_equal(result_field("rounds"), "3");

	/* none below 2, and 2 alone below 3 */
	setup(state);
	assert_int_equal(run("cpu", "n=2", NULL), APP_EXIT_OK);
	assert_string_equal(result_field("checksum"), "0x4b95f515");
	assert_string_equal(result_field("primes"), "0");
	setup(state);
	assert_int_equal(run("cpu", "n=3", NULL), APP_EXIT_OK);
	assert_string_equal(result_field("checksum"), "0xded89066");
	assert_string_equal(result_field("primes"), "1");
}

static void test_cpu_largest(void **state)
{
	/* 155611 primes below 2^21 (pi(2097152)): the bitmap's last bit is used */
	assert_int_equal(run("cpu", "n=0x200000", "rounds=1", NULL), APP_EXIT_OK);
	assert_string_equal(result_field("primes"), "155611");
}

static void test_cpu_bad_arguments(void **state)
{
	assert_refused("cpu", "n=abc", "n=abc: not a number");
	assert_refused("cpu", "n=1", "n=1: must be from 2 to 2097152");
	assert_refused("cpu", "n=2097153", "n=2097153: must be from 2 to 2097152");
	assert_refused("cpu", "rounds=0", "rounds=0: must be from 1 to 1000");
	assert_refused("cpu", "foo=1", "foo=1: unknown argument (known: n, rounds)");
}

/* ---- mem ---- */

/* Offset of the byte the corruption hook flips. */
#define FLIP_OFFSET 0x12345

static void flip_byte(void)
{
	((unsigned char *)alloc_buf)[FLIP_OFFSET] ^= 0x10;
}

static void test_mem_default(void **state)
{
	assert_int_equal(run("mem", NULL), APP_EXIT_OK);
	assert_ready_result("mem");
	assert_int_equal(alloc_bytes, 4 << 20);
	/* FNV-1a over the 32-bit halves of (i + 1) * 0x9e3779b97f4a7c15,
	 * i = 0 .. 524287 */
	assert_string_equal(result_field("checksum"), "0xed1f6b1f");
	assert_string_equal(result_field("bytes"), "4194304");
	/* the pattern really is in memory */
	assert_int_equal(((uint64_t *)alloc_buf)[0], 0x9e3779b97f4a7c15ULL);
	assert_int_equal(((uint64_t *)alloc_buf)[1], 0x9e3779b97f4a7c15ULL * 2);
}

static void test_mem_small(void **state)
{
	assert_int_equal(run("mem", "size=4K", NULL), APP_EXIT_OK);
	assert_int_equal(alloc_bytes, 4096);
	assert_string_equal(result_field("checksum"), "0xed28507b");
	assert_string_equal(result_field("bytes"), "4096");
}

static void test_mem_detects_corruption(void **state)
{
	yield_hook = flip_byte;
	assert_int_equal(run("mem", "size=1M", NULL), APP_EXIT_FAILED);
	assert_non_null(line_starting("ready app=mem "));
	assert_null(line_starting("result "));
	/* the word holding byte 0x12345 is word 0x2468, at 0x12340 */
	uint64_t want = 0x9e3779b97f4a7c15ULL * (0x2468 + 1);
	char line[200];
	snprintf(line, sizeof(line), "mem: 1 of 131072 words changed; the first, at offset 0x12340, "
		 "reads 0x%016llx instead of 0x%016llx",
		 (unsigned long long)(want ^ (0x10ULL << 40)), (unsigned long long)want);
	assert_string_equal(line_starting("mem: "), line);
}

static void test_mem_no_memory(void **state)
{
	alloc_limit = 1 << 20;
	assert_int_equal(run("mem", "size=2M", NULL), APP_EXIT_BAD_ARGS);
	assert_string_equal(out, "mem: cannot get 2048 KiB of contiguous memory\n");
}

static void test_mem_check_needs_size(void **state)
{
	const struct app *app = app_find("mem");
	char *dflt[] = { "mem", NULL };
	char *big[] = { "mem", "size=64M", NULL };
	char err[APP_ERR_MAX];
	uint64_t extra;

	assert_int_equal(app->check(1, dflt, &extra, err, sizeof(err)), 0);
	assert_int_equal(extra, 4 << 20);
	assert_int_equal(app->check(2, big, &extra, err, sizeof(err)), 0);
	assert_int_equal(extra, 64 << 20);
}

static void test_mem_bad_arguments(void **state)
{
	assert_refused("mem", "size=abc", "size=abc: not a size (e.g. 4M, 512K, 0x100000)");
	assert_refused("mem", "size=", "size=: not a size (e.g. 4M, 512K, 0x100000)");
	assert_refused("mem", "size=0", "size=0: must be a multiple of 4K from 4K to 1024G");
	assert_refused("mem", "size=1000", "size=1000: must be a multiple of 4K from 4K to 1024G");
	assert_refused("mem", "size=1025G", "size=1025G: must be a multiple of 4K from 4K to 1024G");
	assert_refused("mem", "mem=4M", "mem=4M: unknown argument (known: size, hold)");
}

/* ---- clock ---- */

static void test_clock(void **state)
{
	assert_int_equal(run("clock", "seconds=2", NULL), APP_EXIT_OK);
	assert_ready_result("clock");
	/* the fake clock starts 5 s after boot, at 100 Hz */
	assert_string_equal(out,
			    "ready app=clock pid=1 tsc=1000\n"
			    "clock: second 1, ticks=600 (+100)\n"
			    "clock: second 2, ticks=700 (+100)\n"
			    "result app=clock checksum=0x00000002 tsc=2000 "
			    "seconds=2 ticks=200 hz=100 measured_hz=100\n");
	assert_int_equal(fake_ns, 7 * NS_PER_S);
}

/* busy=1 never sleeps: it spins on app_yield (the fake moves the clock by
 * 1 ms a call) and counts the same ticks. */
static uint64_t yields;

static void tick_1ms(void)
{
	yields++;
	fake_ns += 1000000;
}

static void test_clock_busy(void **state)
{
	yields = 0;
	yield_hook = tick_1ms;
	assert_int_equal(run("clock", "seconds=2", "busy=1", NULL), APP_EXIT_OK);
	assert_int_equal(yields, 2000);
	assert_string_equal(result_field("ticks"), "200");
	assert_string_equal(result_field("measured_hz"), "100");
}

static void test_clock_default(void **state)
{
	assert_int_equal(run("clock", NULL), APP_EXIT_OK);
	assert_string_equal(result_field("checksum"), "0x00000003");
	assert_string_equal(result_field("seconds"), "3");
}

static void test_clock_bad_arguments(void **state)
{
	assert_refused("clock", "seconds=0", "seconds=0: must be from 1 to 3600");
	assert_refused("clock", "seconds=x", "seconds=x: not a number");
	assert_refused("clock", "hz=50", "hz=50: unknown argument (known: seconds, busy)");
	assert_refused("clock", "busy=2", "busy=2: must be from 0 to 1");
}

/* ---- app_exit ---- */

static void test_exit_reaches_caller(void **state)
{
	/* The fake's app_exit unwinds to run(), as the real one ends the run. */
	int code = setjmp(exit_jmp);

	if (code == 0)
		app_exit(7);
	assert_int_equal(code - 1, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fnv1a_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_result_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arg_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arg_uint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_app_ready_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_refuses_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_largest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_detects_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_no_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_check_needs_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_reaches_caller, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
