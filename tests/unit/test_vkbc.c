/*
 * test_vkbc.c - host unit tests for the keyboard controller's reset line
 * (hv/vkbc.c): the commands that pulse it reset, the others do not, and
 * the status a kernel polls before it sends one (cmocka, ASan, UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/vkbc.h"

static struct vkbc k;

static int setup(void **state)
{
	vkbc_init(&k);
	return 0;
}

/* Linux's kb_wait polls bit 1 (input buffer full) before each 0xFE. */
static void test_status_takes_commands(void **state)
{
	assert_int_equal(vkbc_in(&k, VKBC_STATUS) & 0x02, 0);
	assert_int_equal(vkbc_in(&k, VKBC_DATA), 0xff);
}

static void test_pulse_resets(void **state)
{
	assert_true(vkbc_out(&k, VKBC_STATUS, 0xfe));
	assert_true(vkbc_out(&k, VKBC_STATUS, 0xf0));
	assert_false(vkbc_out(&k, VKBC_STATUS, 0xff));   /* pulses no line */
	assert_false(vkbc_out(&k, VKBC_STATUS, 0xaa));   /* self-test: nothing */
	assert_false(vkbc_out(&k, VKBC_DATA, 0x00));     /* a byte for a keyboard */
}

static void test_output_port_write(void **state)
{
	assert_false(vkbc_out(&k, VKBC_STATUS, 0xd1));
	assert_false(vkbc_out(&k, VKBC_DATA, 0xdf));     /* bit 0 set: A20 on, no reset */
	assert_false(vkbc_out(&k, VKBC_STATUS, 0xd1));
	assert_true(vkbc_out(&k, VKBC_DATA, 0xde));      /* bit 0 clear: reset */
	assert_false(vkbc_out(&k, VKBC_DATA, 0xde));     /* only right after 0xD1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_status_takes_commands, setup),
		cmocka_unit_test_setup(test_pulse_resets, setup),
		cmocka_unit_test_setup(test_output_port_write, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
