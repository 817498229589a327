/*
 * vmx_percpu.h - what VT-x keeps per CPU: the current VMCS, the vCPU whose
 * state (CR2, guest MSRs, FPU, debug registers) the CPU holds, and the
 * counts of mica's own entry checks. Embedded in struct percpu
 * (hv/percpu.h) and reached through this_cpu(): each CPU has its own
 * current VMCS and its own register file, so none of this may be shared.
 * SDM Vol. 3, "VMCS Data (Per-CPU State)" in "Virtual Machine Control
 * Structures" ("Software Use of Virtual-Machine Control Structures").
 */
#ifndef HV_VMX_VMX_PERCPU_H
#define HV_VMX_VMX_PERCPU_H

#include <stdint.h>
#include "hv/types.h"
#include "hv/vmx/vmx_vcpu.h"  /* VMX_GUEST_MSRS */

struct vcpu;

struct vmx_percpu {
	hpa_t current_vmcs;             /* VMPTRLD only when another vCPU runs next */
	struct vcpu *cpu_owner;         /* whose CR2, MSRs, FPU the CPU holds */
	uint64_t msr_cur[VMX_GUEST_MSRS]; /* what the CPU holds of vmx_guest_msrs */
	bool msr_known;                 /* ... once mica has written them all */
	struct vcpu *dr_cpu;            /* whose DR0-DR3/DR6, or NULL: mica's */
	uint64_t checks_run, checks_tsc;        /* mica's whole entry checks */
	uint64_t event_checks_run, event_checks_tsc; /* ... and the event ones */
};

#endif /* HV_VMX_VMX_PERCPU_H */
