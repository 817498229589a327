/*
 * vmexit_priv.h - what the exit handlers share: the action a handler
 * returns, exception injection, guest registers by number. Included only
 * by hv/vmx/vmexit*.c. Runs in VMX root after a VM exit, with the exiting
 * vCPU's VMCS current. SDM Vol. 3, "VM-Entry Controls for Event Injection".
 */
#ifndef HV_VMX_VMEXIT_PRIV_H
#define HV_VMX_VMEXIT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/vm.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx_exit_reasons.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

enum exit_action {
	RESUME,         /* re-enter at the same RIP (faults, injected events) */
	RESUME_NEXT,    /* the instruction is done: skip it */
	STOP,           /* the VM stopped (vm_exit or vm_crash was called) */
};

static inline struct vm *vm_of(struct vcpu *v)
{
	return v->vm;
}

/* Queue a hardware exception for the next VM entry. For a fault the
 * CPU pushes RFLAGS with RF set, so that the instruction, restarted,
 * does not hit its own instruction breakpoint again (SDM Vol. 3,
 * "Debugging": RF); which vectors count as faults is KVM's choice
 * (exception_type(): #DB, #BP and #OF are traps, #DF and #MC aborts). */
static inline void inject_exception(unsigned vector, bool has_error, uint32_t error)
{
	uint32_t info = vector | (INTR_TYPE_HW_EXCEPTION << VMCS_INTR_INFO_TYPE_SHIFT) | VMCS_INTR_INFO_VALID;

	if (vector != VEC_DB && vector != VEC_BP && vector != VEC_OF && vector != VEC_DF &&
	    vector != VEC_MC)
		vmcs_write(VMCS_GUEST_RFLAGS, vmcs_read(VMCS_GUEST_RFLAGS) | RFLAGS_RF);

	if (has_error) {
		info |= VMCS_INTR_INFO_DELIVER_ERROR_CODE;
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
}

static inline enum exit_action inject_gp(void)
{
	inject_exception(VEC_GP, true, 0);
	return RESUME;
}

static inline enum exit_action inject_ud(void)
{
	inject_exception(VEC_UD, false, 0);
	return RESUME;
}

/* The guest's CPL: SS.DPL, which VMX keeps equal to it (0 in real mode). */
static inline unsigned guest_cpl(void)
{
	return (vmcs_read(VMCS_GUEST_SS_ACCESS_RIGHTS) >> SEG_AR_DPL_SHIFT) & 3;
}

/* 64-bit mode: IA-32e mode with a 64-bit code segment. */
static inline bool guest_64bit(void)
{
	return (vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & SEG_AR_L);
}

/* General-purpose register (n), numbered as exit qualifications do
 * (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15).
 * RSP lives in the VMCS. */
uint64_t vmexit_get_gpr(struct vcpu *v, unsigned n);
void vmexit_set_gpr(struct vcpu *v, unsigned n, uint64_t val);

/* The instruction that exited, (len) bytes long, is done: move RIP past
 * it, ending the STI and MOV SS shadows and leaving a single-step #DB
 * pending, as the CPU would. */
void vmexit_skip(uint64_t len);

/* The guest's paging state as the page walker (hv/gwalk.c) wants it. */
struct gwalk_mode;
void vmexit_paging_mode(struct gwalk_mode *m);

/* The handlers that live in their own files. */
enum exit_action vmexit_io(struct vcpu *v);             /* vmexit_io.c */
enum exit_action vmexit_dr_access(struct vcpu *v);      /* vmexit_dr.c */
enum exit_action vmexit_ept_violation(struct vcpu *v);  /* vmexit_mmio.c */
enum exit_action vmexit_apic_access(struct vcpu *v);    /* vmexit_mmio.c */

#endif /* HV_VMX_VMEXIT_PRIV_H */
