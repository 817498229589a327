/*
 * vmexit_intr.c - host interrupts and NMIs that exit a guest. External
 * interrupts exit (pin-based "external-interrupt exiting") with
 * "acknowledge interrupt on exit": the CPU has taken the vector from the
 * local APIC, the exit interruption information holds it, and mica serves
 * it through its own IDT (hv/intr.c), so it never reaches the guest and
 * never stays pending to exit the guest again at once. NMIs exit
 * (pin-based "NMI exiting", with "virtual NMIs"): they are the host's.
 *
 * Runs in VMX root, interrupts off. SDM Vol. 3, "VM-Exit Controls"
 * (acknowledge interrupt on exit), "Information for VM Exits Due to
 * Vectored Events", "Pin-Based VM-Execution Controls", "Changes to
 * Instruction Behavior in VMX Non-Root Operation" (IRET and NMIs).
 */
#include "hv/intr.h"
#include "hv/vm.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmexit_intr.h"
#include "hv/vmx/vmx_insn.h"

void vmexit_intr_external(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTR_INFO);

	/* "Acknowledge interrupt on exit" is a control mica requires
	 * (hv/vmx/vmx.c): the exit always holds the vector. */
	(void)v;
	intr_deliver(info & VMCS_INTR_INFO_VECTOR_MASK);
}

int vmexit_intr_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTR_INFO);

	(void)v;
	if (!(info & VMCS_INTR_INFO_VALID) || VMCS_INTR_INFO_TYPE(info) != INTR_TYPE_NMI)
		return -1;
	/* The guest was in an IRET that ended its own NMI blocking when the
	 * NMI exited it: that blocking comes back with the next entry, as the
	 * SDM asks of a VMM that uses virtual NMIs. */
	if (info & VMCS_INTR_INFO_NMI_UNBLOCKING)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_BLOCKING_BY_NMI);
	/* Physical NMIs stay blocked until the next VM entry unblocks them:
	 * no IRET is needed, and a second NMI waits for that entry. */
	intr_nmi_in_guest();
	return 0;
}
