/*
 * test_vmx_negotiate.c - host unit tests for hv/vmx/vmx_negotiate.c: VMX
 * control values from named wishes and sample capability MSR values
 * (cmocka, ASan, UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_negotiate.h"

/* IA32_VMX_TRUE_PROCBASED_CTLS as a Skylake reports it: allowed-0 in the
 * low half (bits that must be 1), allowed-1 in the high half. */
#define SKYLAKE_TRUE_PROCBASED 0xfff9fffe04006172ULL
/* IA32_VMX_PROCBASED_CTLS2 of an older CPU without unrestricted guest. */
#define NO_UG_PROCBASED2 0x0000004200000000ULL

static char err[160];

static void test_required_and_default1(void **state)
{
	static const struct vmx_ctl want[] = {
		VMX_CTL(PROCBASED_HLT_EXITING, REQUIRED),
		VMX_CTL(PROCBASED_UNCOND_IO_EXITING, REQUIRED),
		VMX_CTL(PROCBASED_SECONDARY_CONTROLS, REQUIRED),
		VMX_CTL(PROCBASED_CR3_LOAD_EXITING, FORBIDDEN),
	};
	uint32_t v = 0;

	assert_int_equal(vmx_negotiate("processor-based controls", SKYLAKE_TRUE_PROCBASED, want,
				       4, &v, err, sizeof(err)), 0);
	/* Every must-be-1 bit is there, and everything asked for. */
	assert_true((v & 0x04006172u) == 0x04006172u);
	assert_true(v & PROCBASED_HLT_EXITING);
	assert_true(v & PROCBASED_UNCOND_IO_EXITING);
	assert_true(v & PROCBASED_SECONDARY_CONTROLS);
	assert_false(v & PROCBASED_CR3_LOAD_EXITING);
	/* Nothing beyond what may be 1. */
	assert_true((v & ~(uint32_t)(SKYLAKE_TRUE_PROCBASED >> 32)) == 0);
}

static void test_missing_required_is_named(void **state)
{
	static const struct vmx_ctl want[] = {
		VMX_CTL(PROCBASED2_ENABLE_EPT, REQUIRED),
		VMX_CTL(PROCBASED2_UNRESTRICTED_GUEST, REQUIRED),
	};
	uint32_t v = 0xdead;

	assert_int_equal(vmx_negotiate("secondary processor-based controls", NO_UG_PROCBASED2,
				       want, 2, &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PROCBASED2_UNRESTRICTED_GUEST"));
	assert_non_null(strstr(err, "secondary processor-based controls"));
	assert_int_equal(v, 0xdead);    /* untouched on failure */
}

static void test_optional_taken_only_if_allowed(void **state)
{
	static const struct vmx_ctl want[] = {
		VMX_CTL(PROCBASED2_ENABLE_EPT, REQUIRED),
		VMX_CTL(PROCBASED2_ENABLE_VPID, OPTIONAL),
		VMX_CTL(PROCBASED2_WBINVD_EXITING, OPTIONAL),
	};
	uint32_t v = 0;

	assert_int_equal(vmx_negotiate("secondary", NO_UG_PROCBASED2, want, 3, &v, err,
				       sizeof(err)), 0);
	assert_true(v & PROCBASED2_ENABLE_EPT);
	assert_true(v & PROCBASED2_WBINVD_EXITING);     /* bit 6 offered */
	assert_false(v & PROCBASED2_ENABLE_VPID);       /* bit 5 not offered */
}

static void test_forbidden_but_forced(void **state)
{
	/* A CPU without TRUE controls forces CR3-load exiting to 1. */
	static const struct vmx_ctl want[] = {
		VMX_CTL(PROCBASED_CR3_LOAD_EXITING, FORBIDDEN),
	};
	uint64_t cap = 0xfff9fffe0401e172ULL;
	uint32_t v;

	assert_int_equal(vmx_negotiate("processor-based controls", cap, want, 1, &v, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "insists on PROCBASED_CR3_LOAD_EXITING"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_and_default1),
		cmocka_unit_test(test_missing_required_is_named),
		cmocka_unit_test(test_optional_taken_only_if_allowed),
		cmocka_unit_test(test_forbidden_but_forced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
