/*
 * vmx_move.h - the VT-x half of moving a vCPU from one CPU to another:
 * its VMCS leaves the old CPU by VMCLEAR and is taken up by VMPTRLD on
 * the new one, with the host state of the new CPU written and a fresh
 * VMLAUNCH. hv/vm_move.c drives it and never sees a VMCS.
 * SDM Vol. 3, "Virtual Machine Control Structures": "VMCS Data",
 * "Software Use of Virtual-Machine Control Structures" ("Migrating a
 * VMCS Between Logical Processors").
 */
#ifndef HV_VMX_VMX_MOVE_H
#define HV_VMX_VMX_MOVE_H

#include <stdint.h>

struct vcpu;

/*
 * On the CPU that ran (v) last, which gives it up, between two of its
 * turns: the guest state this CPU holds for (v) (CR2, the MSRs it owns,
 * FPU/SSE/AVX, debug registers) goes into (v)'s save areas, then VMCLEAR
 * writes its VMCS back to memory and clears its launch state. After this
 * any CPU may take (v) up; its next entry, wherever, loads its VMCS and
 * that CPU's host state (vmx_vcpu_arrive()) and is a VMLAUNCH. The TSC
 * the work took counts in the VM's move_tsc, as arrival's does.
 */
void vmx_vcpu_release(struct vcpu *v);

/*
 * On the CPU that enters (v) next, before its first entry there, once
 * (v) was released: VMPTRLD of its VMCS, the host-state fields that
 * differ per CPU written with this CPU's values, and (v)'s cached
 * translations dropped (left from an earlier stay here, they may be
 * stale). Called from the entry path (hv/vmx/vmx_vcpu.c). Returns 0, or
 * -1 after stopping the VM (its VMCS is still active on another CPU: it
 * was never released, a bug of mica's that must not corrupt it).
 */
int vmx_vcpu_arrive(struct vcpu *v);

/* Drop, on this CPU, the TLB and paging-structure entries derived from
 * (v)'s EPT and tagged with its VPID. SDM Vol. 3, "Invalidating Cached
 * Translation Information". */
void vmx_vcpu_flush_tlb(struct vcpu *v);

#endif /* HV_VMX_VMX_MOVE_H */
