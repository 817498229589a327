/*
 * vmexit_dr.h - each vCPU's debug registers (hv/vmx/vmexit_dr.c): who
 * owns DR0-DR3 and DR6 of the CPU, and MOV DR exits.
 */
#ifndef HV_VMX_VMEXIT_DR_H
#define HV_VMX_VMEXIT_DR_H

struct vcpu;

/* (v)'s debug registers at reset: DR0-DR3 0, DR6 0xffff0ff0 (DR7 is in
 * the VMCS); MOV-DR exiting on. Called by vmx_vcpu_init. */
void vmx_dr_reset(struct vcpu *v);

/* (next) takes the CPU: the vCPU whose DR0-DR3/DR6 are in the CPU gets
 * them saved; (next)'s are loaded if it uses them, else mica's own.
 * Costs nothing while no guest touches a debug register. */
void vmx_dr_switch(struct vcpu *next);

/* (v) goes away: if its values are in the CPU, mica's come back. */
void vmx_dr_forget(struct vcpu *v);

/* (v) leaves this CPU for another: if its values are in the CPU, they go
 * back into (v) and mica's come back. */
void vmx_dr_release(struct vcpu *v);

#endif /* HV_VMX_VMEXIT_DR_H */
