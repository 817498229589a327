/*
 * selftest.c - mica's boot-time self-tests: the core tests both kernels
 * share, then the hypervisor's own.
 *
 * Runs in 64-bit ring 0 after boot_info_init(), before VMX is turned on.
 */
#include "hv/selftest.h"
#include "lib/selftest.h"

static const struct selftest hv_tests[] = {
	SELFTEST_CORE,
};

unsigned hv_selftest(struct boot_info *bi)
{
	selftest_set_boot_info(bi);
	return selftest_run(hv_tests, sizeof(hv_tests) / sizeof(hv_tests[0]));
}
