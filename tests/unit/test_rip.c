/*
 * test_rip.c - hv/rip.h: the next instruction's address as the CPU wraps
 * it: 64-bit RIP, 32-bit EIP at 4 GiB, 16-bit IP at 64 KiB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/rip.h"

static void width_from_mode(void **state)
{
	(void)state;
	assert_int_equal(rip_width(true, true, false), 64);
	assert_int_equal(rip_width(true, false, true), 32);     /* compatibility mode */
	assert_int_equal(rip_width(true, false, false), 16);
	assert_int_equal(rip_width(false, false, true), 32);    /* protected mode */
	assert_int_equal(rip_width(false, false, false), 16);   /* real mode */
	assert_int_equal(rip_width(false, true, true), 32);     /* CS.L means nothing outside IA-32e */
}

static void no_wrap_inside(void **state)
{
	(void)state;
	assert_int_equal(rip_advance(0x100000, 2, 32), 0x100002);
	assert_int_equal(rip_advance(0x7c00, 2, 16), 0x7c02);
	assert_int_equal(rip_advance(0xffffffff00000000ULL, 3, 64), 0xffffffff00000003ULL);
}

static void wraps_at_4g_in_32bit_code(void **state)
{
	(void)state;
	/* CPUID (2 bytes) at EIP 0xfffffffe: the next EIP is 0, never 2^32. */
	assert_int_equal(rip_advance(0xfffffffe, 2, 32), 0);
	assert_int_equal(rip_advance(0xffffffff, 3, 32), 2);
	/* A 64-bit RIP does not wrap there. */
	assert_int_equal(rip_advance(0xfffffffe, 2, 64), 0x100000000ULL);
}

static void wraps_at_64k_in_16bit_code(void **state)
{
	(void)state;
	assert_int_equal(rip_advance(0xfffe, 2, 16), 0);
	assert_int_equal(rip_advance(0xffff, 2, 16), 1);
	/* The upper half of EIP does not survive 16-bit code. */
	assert_int_equal(rip_advance(0x1fffe, 2, 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(width_from_mode),
		cmocka_unit_test(no_wrap_inside),
		cmocka_unit_test(wraps_at_4g_in_32bit_code),
		cmocka_unit_test(wraps_at_64k_in_16bit_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
