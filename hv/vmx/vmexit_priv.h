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
#include "hv/hypercall.h"
#include "hv/rip.h"
#include "hv/vm.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_exit_reasons.h"
#include "lib/cpuid.h"
#include "lib/msr.h"
#include "lib/x86.h"
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

/* vmexit_skip() inline, for the dispatcher and the fast path: RIP moves
 * on, wrapping as the CPU would in the guest's code segment (hv/rip.h).
 * An STI or MOV SS right before the instruction no longer blocks
 * interrupts (SDM Vol. 3, "Interruptibility State"), so that blocking
 * ends with it. */
static inline __attribute__((always_inline)) void vmexit_skip_inline(uint64_t len)
{
	uint64_t intr = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	uint64_t cs = vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS);
	unsigned width = rip_width(vmcs_read(VMCS_ENTRY_CTLS) & VM_ENTRY_IA32E_MODE_GUEST,
				   cs & SEG_AR_L, cs & SEG_AR_DB);

	vmcs_write(VMCS_GUEST_RIP, rip_advance(vmcs_read(VMCS_GUEST_RIP), len, width));
	if (intr & (INTERRUPTIBILITY_BLOCKING_BY_STI | INTERRUPTIBILITY_BLOCKING_BY_MOV_SS))
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   intr & ~(uint64_t)(INTERRUPTIBILITY_BLOCKING_BY_STI |
					      INTERRUPTIBILITY_BLOCKING_BY_MOV_SS));
	/* A guest single-stepping (RFLAGS.TF) expects its #DB after the
	 * instruction mica finished for it: leave it pending. With
	 * DEBUGCTL.BTF it steps on branches only, and these are none. */
	if (__builtin_expect(vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_TF, 0) &&
	    !(vmcs_read(VMCS_GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF))
		vmcs_write(VMCS_GUEST_PENDING_DBG_EXCEPTIONS,
			   vmcs_read(VMCS_GUEST_PENDING_DBG_EXCEPTIONS) | PENDING_DBG_BS);
}

/* The guest's paging state as the page walker (hv/gwalk.c) wants it. */
struct gwalk_mode;
void vmexit_paging_mode(struct gwalk_mode *m);

/* ---- Handlers the exit table and the fast path (vmexit_fast.c) share.
 * They read and write only RAX, RBX, RCX, RDX, RSI, RDI and R8-R11 of
 * the guest's registers: the fast path saves no others. */

#define CPUID_HV_FIRST          0x40000000u
#define CPUID_HV_LAST           0x4fffffffu
/* Leaves whose answer mica edits (vmexit.c, hide_features()). */
#define CPUID_EDITED_LEAVES     (BIT(1) | BIT(6) | BIT(7) | BIT(0xa) | BIT(0xd) | BIT(0x15))

static inline void vmexit_set_cpuid(struct vcpu_regs *r, struct cpuid_regs c)
{
	r->rax = c.eax;
	r->rbx = c.ebx;
	r->rcx = c.ecx;
	r->rdx = c.edx;
}

/* The hypervisor leaves and the edited ones (vmexit.c). */
void vmexit_cpuid_special(struct vcpu *v, uint32_t leaf, uint32_t subleaf);

/* CPUID: the host's answers, except that VMX and MONITOR/MWAIT are
 * hidden (mica emulates neither) and the hypervisor leaves say
 * "MicaMicaMica". The leaves passed through as they are take the short
 * way. */
static inline enum exit_action vmexit_cpuid_inline(struct vcpu *v)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint32_t leaf = (uint32_t)r->rax, subleaf = (uint32_t)r->rcx;

	if (__builtin_expect(leaf - CPUID_HV_FIRST <= CPUID_HV_LAST - CPUID_HV_FIRST ||
			     (leaf < 32 && (CPUID_EDITED_LEAVES & BIT(leaf))) ||
			     leaf == CPUID_EXT_FEATURES, 0))
		vmexit_cpuid_special(v, leaf, subleaf);
	else
		vmexit_set_cpuid(r, cpuid(leaf, subleaf));
	return RESUME_NEXT;
}

/* VMCALL: a hypercall (hv/hypercall.c). They belong to the guest's
 * kernel: from ring 3 VMCALL is an invalid instruction, as on a machine
 * without mica. */
static inline enum exit_action vmexit_vmcall_inline(struct vcpu *v)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint64_t args[HC_MAX_ARGS] = { r->rdi, r->rsi, r->rdx, r->r10 };

	if (guest_cpl())
		return inject_ud();
	r->rax = (uint64_t)hc_dispatch(vm_of(v), r->rax, args);
	return vm_of(v)->state == VM_RUNNING ? RESUME_NEXT : STOP;
}

enum exit_action vmexit_hlt(struct vcpu *v);            /* vmexit.c */
/* IN or OUT, not a string form, with exit qualification (q). */
enum exit_action vmexit_io_plain(struct vcpu *v, uint64_t q);   /* vmexit_io.c */

/* The handlers that live in their own files. */
enum exit_action vmexit_io(struct vcpu *v);             /* vmexit_io.c */
enum exit_action vmexit_dr_access(struct vcpu *v);      /* vmexit_dr.c */
enum exit_action vmexit_ept_violation(struct vcpu *v);  /* vmexit_mmio.c */
enum exit_action vmexit_apic_access(struct vcpu *v);    /* vmexit_mmio.c */

#endif /* HV_VMX_VMEXIT_PRIV_H */
