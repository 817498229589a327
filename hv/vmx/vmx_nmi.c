/*
 * vmx_nmi.c - a guest's own NMIs: those its APIC sends it (an NMI IPI to
 * itself, hv/vdev.c), and the VM's NMI button. mica raises none of its
 * own accord; the `nmi=N` test option is the VM's NMI button (what
 * QEMU's monitor command `nmi` is), pressed N times, every 10 ms once the
 * guest said "ready".
 * An NMI pending for the guest is injected only when nothing blocks it:
 * no virtual-NMI blocking (the guest is not inside its NMI handler, up to
 * its IRET), no STI or MOV SS shadow, no other event in the entry field.
 * Otherwise NMI-window exiting brings mica back the moment the guest can
 * take it. Like the NMI pin, the button latches one press: presses while
 * one is pending are one NMI.
 *
 * Runs in VMX root. SDM Vol. 3, "Virtual NMIs", "NMI-Window Exiting",
 * "Event Injection", "Interruptibility State" (checks on guest
 * non-register state for NMI injection).
 */
#include "hv/clock.h"
#include "hv/vm.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_insn.h"
#include "hv/vmx/vmx_nmi.h"
#include "lib/x86_regs.h"

#define PRESS_EVERY_DIV 100     /* a press every 1/100 s */

void vmx_set_windows(struct vmx_vcpu *a)
{
	/* The vCPU's own controls (MOV-DR exiting comes and goes with its
	 * debug registers: hv/vmx/vmexit_dr.c) plus the windows it waits for. */
	vmcs_write(VMCS_PRI_PROC_BASED_CTLS, (a->procbased & ~(uint32_t)(PROCBASED_INTR_WINDOW_EXITING |
								  PROCBASED_NMI_WINDOW_EXITING)) |
		   (a->window ? PROCBASED_INTR_WINDOW_EXITING : 0) |
		   (a->nmi_window ? PROCBASED_NMI_WINDOW_EXITING : 0));
}

/* What KVM counts as blocking an NMI: virtual-NMI blocking, and the STI
 * and MOV SS shadows (some CPUs refuse an NMI injected under STI
 * blocking); an event already queued for this entry goes first, and so
 * does a pending debug trap (it has priority over NMIs, and over
 * NMI-window exits). */
static bool nmi_blocked(void)
{
	uint64_t intr = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	return (intr & (INTERRUPTIBILITY_BLOCKING_BY_NMI | INTERRUPTIBILITY_BLOCKING_BY_STI |
			INTERRUPTIBILITY_BLOCKING_BY_MOV_SS)) ||
	       (vmcs_read(VMCS_ENTRY_INTR_INFO) & VMCS_INTR_INFO_VALID) || vmx_debug_trap_pending();
}

bool vmx_debug_trap_pending(void)
{
	return vmcs_read(VMCS_GUEST_PENDING_DBG_EXCEPTIONS) &
	       (PENDING_DBG_B0_B3 | PENDING_DBG_ENABLED_BP | PENDING_DBG_BS);
}

uint64_t vmx_nmi_deliver(struct vcpu *v, uint64_t now, uint64_t next)
{
	struct vm *vm = v->vm;
	struct vmx_vcpu *a = &v->arch;

	if (vm->nmi_next && now >= vm->nmi_next) {
		vm->nmi_pending = true;
		vm->nmi_next = --vm->nmi_presses ? now + clock_tsc_hz() / PRESS_EVERY_DIV : 0;
	}
	if (vm->nmi_pending) {
		if (!nmi_blocked()) {
			/* Entry sets virtual-NMI blocking: the guest's IRET ends it. */
			vmcs_write(VMCS_ENTRY_INTR_INFO, VEC_NMI | VMCS_INTR_INFO_VALID |
				   (INTR_TYPE_NMI << VMCS_INTR_INFO_TYPE_SHIFT));
			vm->nmi_pending = false;
			if (a->nmi_window) {
				a->nmi_window = false;
				vmx_set_windows(a);
			}
		} else if (!a->nmi_window) {
			a->nmi_window = true;
			vmx_set_windows(a);
		}
	}
	return vm->nmi_next && vm->nmi_next < next ? vm->nmi_next : next;
}

void vmx_nmi_window_open(struct vcpu *v)
{
	v->arch.nmi_window = false;
	vmx_set_windows(&v->arch);
}
