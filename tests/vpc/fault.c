/*
 * fault.c - a fault while delivering another, by the SDM's table
 * ("Conditions for Generating a Double Fault", Vol. 3, "Interrupt and
 * Exception Handling"): a contributory fault during a contributory
 * one's delivery is a double fault; during a benign one's it is simply
 * delivered. The first fault is one a hypervisor raises for the guest
 * (#GP for XSETBV of an XCR0 without x87, #UD for VMXON), so that its injection is
 * what the table is checked on. With `then-triple-fault` or `then-halt`
 * on the command line, the kernel ends by the one or the other (vpc.c).
 */
#include "lib/x86_regs.h"
#include "tests/vpc/vpc.h"

#define VEC_UD          6
#define VEC_DF          8
#define VEC_NP          11
#define VEC_GP          13
#define ERR_EXT         0x1     /* error code: event external to the program */
#define ERR_IDT         0x2     /* error code: the selector indexes the IDT */

/* The first fault's gate not present: its delivery raises #NP. */
static const char *contributory_during_contributory_double_faults(void)
{
	uint32_t cr4 = cr4_get();
	int faulted;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return "SKIP: no XSAVE, so no XSETBV";
	cr4_set(cr4 | CR4_OSXSAVE);
	vpc_gate(VEC_GP, false);
	faulted = vpc_xsetbv(0, 0);
	vpc_gate(VEC_GP, true);
	cr4_set(cr4);
	if (!faulted)
		return "XSETBV of XCR0 = 0 did not fault";
	if (vpc_fault_vector != VEC_DF || vpc_fault_error != 0)
		return vpc_why("#GP through a not-present gate gave vector %u error 0x%x, want "
			       "#DF (8) with error 0", vpc_fault_vector, vpc_fault_error);
	return 0;
}

static void vmxon(void)
{
	static uint64_t region __attribute__((aligned(4096)));

	__asm__ volatile("movl $1f, vpc_fixup\n\tvmxon %0\n1:\tmovl $0, vpc_fixup"
			 : : "m"(region) : "memory");
}

static const char *contributory_during_benign_delivered(void)
{
	vpc_fault_vector = 0xff;
	vpc_gate(VEC_UD, false);
	vmxon();
	vpc_gate(VEC_UD, true);
	/* EXT is left out: QEMU's software CPU does not set it. */
	if (vpc_fault_vector != VEC_NP || (vpc_fault_error & ~ERR_EXT) != (VEC_UD << 3 | ERR_IDT))
		return vpc_why("#UD through a not-present gate gave vector %u error 0x%x, want "
			       "#NP (11) with error 0x%x", vpc_fault_vector, vpc_fault_error,
			       VEC_UD << 3 | ERR_IDT);
	return 0;
}

const struct vpc_test vpc_tests[] = {
	{ "contributory_during_contributory_double_faults",
	  contributory_during_contributory_double_faults },
	{ "contributory_during_benign_delivered", contributory_during_benign_delivered },
};
const unsigned vpc_ntests = sizeof(vpc_tests) / sizeof(vpc_tests[0]);
