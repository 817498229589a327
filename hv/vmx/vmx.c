/*
 * vmx.c - VT-x capability discovery and VMXON on the boot CPU.
 *
 * Runs in 64-bit ring 0. SDM Vol. 3, "Discovering Support for VMX" and
 * "Enabling and Entering VMX Operation".
 */
#include "hv/vmx/vmx.h"
#include "lib/console.h"
#include "lib/x86.h"

#define CPUID_1_ECX_VMX (1u << 5)       /* CPUID.1:ECX.VMX[bit 5] */

int vmx_probe(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (!(r.ecx & CPUID_1_ECX_VMX)) {
		klog("VT-x is not available: this CPU does not report VMX "
		     "(CPUID.1:ECX.VMX[bit 5] = 0); under QEMU use KVM with nested VT-x, or Bochs\n");
		return -1;
	}
	klog("VT-x: CPUID reports VMX\n");
	return 0;
}
