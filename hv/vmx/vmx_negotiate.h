/*
 * vmx_negotiate.h - reconcile the VMX controls mica wants with what the CPU
 * allows. SDM Vol. 3, "Capability Reporting Facility" and "VMX Capability
 * MSRs": bits 31:0 of a control MSR are the allowed-0 settings (a 1 there
 * means the control must be 1), bits 63:32 the allowed-1 settings (a 0
 * there means the control must be 0). Pure logic, host unit-tested.
 */
#ifndef HV_VMX_VMX_NEGOTIATE_H
#define HV_VMX_VMX_NEGOTIATE_H

#include <stddef.h>
#include <stdint.h>

enum vmx_ctl_want {
	VMX_CTL_REQUIRED,       /* mica cannot run guests without it */
	VMX_CTL_OPTIONAL,       /* used when the CPU offers it */
	VMX_CTL_FORBIDDEN,      /* must be 0 (e.g. CR3 exiting under EPT) */
};

/* One wanted setting; VMX_CTL() fills the name from the constant. */
struct vmx_ctl {
	uint32_t bit;
	const char *name;
	enum vmx_ctl_want want;
};
#define VMX_CTL(bit, want) { (bit), #bit, VMX_CTL_##want }

/*
 * Compute the value of one control field: every allowed-0 bit, every
 * REQUIRED and allowed OPTIONAL bit of (wanted[0..n)). (what) names the
 * field in messages. Returns 0 with *out set, or -1 with (err) naming the
 * first REQUIRED bit the CPU does not allow to be 1, or FORBIDDEN bit it
 * forces to 1.
 */
int vmx_negotiate(const char *what, uint64_t cap_msr, const struct vmx_ctl *wanted,
		  size_t n, uint32_t *out, char *err, size_t errlen);

#endif /* HV_VMX_VMX_NEGOTIATE_H */
