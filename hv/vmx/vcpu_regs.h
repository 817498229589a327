/*
 * vcpu_regs.h - the guest general-purpose registers that VM exits do not
 * save in the VMCS (everything but RSP and RIP). hv/vmx/vmentry.S saves and
 * loads them; hv/vmx/asm-offsets.c gives it their offsets.
 */
#ifndef HV_VMX_VCPU_REGS_H
#define HV_VMX_VCPU_REGS_H

#include <stdint.h>

struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * Enter the guest of the current VMCS with (regs) loaded: VMLAUNCH when
 * (launched) is 0, else VMRESUME. Returns VM_SUCCESS (0) after a VM exit,
 * with the guest's registers saved back into (regs), or VM_FAIL_INVALID /
 * VM_FAIL_VALID when the instruction itself failed (the guest never ran).
 * Interrupts must be off. Defined in vmentry.S.
 */
int vmx_enter_guest(struct vcpu_regs *regs, int launched);

#endif /* HV_VMX_VCPU_REGS_H */
