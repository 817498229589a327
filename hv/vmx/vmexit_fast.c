/*
 * vmexit_fast.c - the exit fast path: the common exits (CPUID, VMCALL,
 * I/O to the UART and the exit port, HLT, the preemption timer firing
 * early) handled straight from the exit stub, and the guest resumed from
 * there, while nothing is pending: no event to deliver or window open, no
 * device event or slice end due, no entry check owed. Anything else goes
 * back to vmx_vcpu_run(), the slow path, unchanged.
 *
 * Runs in VMX root from hv/vmx/vmentry.S, interrupts off, with the
 * exiting vCPU's VMCS current. Every exit passes here first, so the time
 * accounting (guest time, the exit's TSC) is done here for both paths.
 * SDM Vol. 3, "VM Exits", "VMX-Preemption Timer".
 */
#include <stddef.h>
#include "hv/vdev.h"
#include "hv/vm.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmexit_priv.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_insn.h"
#include "lib/x86.h"

int vmx_exit_fast(struct vcpu_regs *r);

/* The vCPU whose registers the stub passes. */
static inline struct vcpu *vcpu_of(struct vcpu_regs *r)
{
	return (struct vcpu *)((char *)r - offsetof(struct vcpu, arch.regs));
}

/* After a handler that let the VM run on (RESUME_NEXT): may it go on
 * without the slow path? Not if it left the CPU (a full console queue),
 * owes an interrupt check, an entry check (`break-state` at its "ready"
 * line) or an NMI (`nmi=` starts at "ready"). */
static inline bool still_quiet(const struct vcpu *v)
{
	const struct vm *vm = v->vm;

	return !vm->halted && !vm->irq_check && !v->arch.recheck && !vm->nmi_next;
}

/* The handler said (act) for the exit of (reason), as in the table:
 * RIP moves on when it is done with the instruction. Returns 1 if the
 * guest may resume at once; 0 if the slow path takes it from here, the
 * exit served (a stop, a halt, an injected #UD or #GP, an interrupt
 * due, an entry check owed). */
static inline __attribute__((always_inline)) int served(struct vcpu *v, uint64_t reason,
						       enum exit_action act)
{
	v->arch.exits[reason]++;
	if (act == RESUME_NEXT)
		vmexit_skip_inline(vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
	if (act == RESUME_NEXT && still_quiet(v))
		return 1;
	v->arch.exit_handled = true;
	return 0;
}

/*
 * Called by the exit stub for every VM exit, with the guest's registers
 * in (r) except RBP and R12-R15, which no fast handler reads or writes.
 * Returns 1 if the exit is served and the guest resumes at once; 0 to go
 * back to vmx_vcpu_run(), with arch.exit_handled saying whether the exit
 * was served. mica's console is not polled here: the slow path's exits
 * and the turns' ends poll it, as for a guest that makes no exits. Built
 * without a frame pointer, which costs every exit three instructions:
 * nothing in mica walks the stack by frame pointers.
 */
__attribute__((optimize("omit-frame-pointer"))) int vmx_exit_fast(struct vcpu_regs *r)
{
	struct vcpu *v = vcpu_of(r);
	struct vmx_vcpu *a = &v->arch;
	uint64_t now = rdtsc(), reason, q;

	v->vm->tsc_guest += now - a->entry_tsc;
	if (__builtin_expect(now >= a->deadline, 0))
		goto slow;      /* also when the fast path is off: deadline 0 */
	__asm__ volatile("vmread %1, %0" : "=r"(reason) : "r"((uint64_t)VMCS_EXIT_REASON) : "cc");
	switch (reason) {       /* the whole field: an entry failure is never fast */
	case EXIT_REASON_CPUID:
		/* Changes nothing but the guest's registers. */
		vmexit_cpuid_inline(v);
		a->exits[EXIT_REASON_CPUID]++;
		vmexit_skip_inline(vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
		break;
	case EXIT_REASON_VMCALL:
		if (!served(v, reason, vmexit_vmcall_inline(v)))
			goto back;
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		q = vmcs_read(VMCS_EXIT_QUALIFICATION);
		if ((q & IO_STRING) || !vdev_port_quiet(IO_PORT(q)))
			goto slow;
		if (!served(v, reason, vmexit_io_plain(v, q)))
			goto back;
		break;
	case EXIT_REASON_HLT:
		/* It stops the VM, takes it off the CPU, or finds an
		 * interrupt to deliver: never resumed from here. */
		a->exits[EXIT_REASON_HLT]++;
		if (vmexit_hlt(v) == RESUME_NEXT)
			vmexit_skip_inline(vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
		a->exit_handled = true;
		goto back;
	case EXIT_REASON_PREEMPTION_TIMER:
		/* Early: it counts in steps of 2^rate TSC ticks and rounds
		 * down. Nothing is due yet: count down the rest. */
		q = (a->deadline - now) >> vmx.timer_rate;
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, q > UINT32_MAX ? UINT32_MAX : q);
		a->exits[EXIT_REASON_PREEMPTION_TIMER]++;
		break;
	default:
		goto slow;
	}
	a->entry_tsc = rdtsc();
	return 1;
slow:
	a->exit_handled = false;
back:
	a->exit_tsc = now;
	return 0;
}
