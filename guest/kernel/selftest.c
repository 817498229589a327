/*
 * selftest.c - the guest kernel's boot-time self-tests: the core tests
 * shared with mica, then the guest's own.
 *
 * Runs in 64-bit ring 0 after boot_info_init() and vm_init(), bare or as
 * a VM.
 */
#include "guest/kernel/selftest.h"
#include "lib/selftest.h"

static const struct selftest guest_tests[] = {
	SELFTEST_CORE,
	SELFTEST_VM,
};

unsigned guest_selftest(struct boot_info *bi)
{
	selftest_set_boot_info(bi);
	selftest_vm_set_boot_info(bi);
	return selftest_run(guest_tests, sizeof(guest_tests) / sizeof(guest_tests[0]));
}
