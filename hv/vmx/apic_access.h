/*
 * apic_access.h - the APIC-access page: where the CPU has the secondary
 * control "virtualize APIC accesses", a guest's accesses to its local
 * APIC's page exit as APIC-access exits (reason 44) instead of EPT
 * violations; both are emulated by one decoder (hv/vmx/vmexit_mmio.c).
 * SDM Vol. 3, "APIC Virtualization and Virtual Interrupts",
 * "Virtualizing Memory-Mapped APIC Accesses".
 */
#ifndef HV_VMX_APIC_ACCESS_H
#define HV_VMX_APIC_ACCESS_H

#include <stdbool.h>
#include "hv/types.h"

struct vcpu;

/* Whether guests get the APIC-access page: the CPU has the control, and
 * mica's `apic-access=off` did not turn it off. */
bool vmx_apic_access_on(void);

/* `apic-access=off` on mica's command line: leave the control off, so
 * that every access to a guest's APIC page is an EPT violation. Call
 * after vmx_probe(), before any VM is created. */
void vmx_apic_access_disable(void);

/* Point the current VMCS (v's, being set up) at the APIC-access page. */
void vmx_apic_access_init(struct vcpu *v);

/*
 * A guest access to (gpa) in its APIC's page ended in an EPT violation:
 * map the APIC-access page there, so that later accesses exit as APIC
 * accesses. Only outside the guest's RAM (an APIC moved over RAM stays
 * with the EPT-violation path, its RAM mapped as it was); if EPT has no
 * room, the EPT-violation path stays too.
 */
void vmx_apic_access_map(struct vcpu *v, gpa_t gpa);

/* After IA32_APIC_BASE changed: take the page away from an address the
 * APIC no longer decodes (moved or globally disabled). */
void vmx_apic_access_sync(struct vcpu *v);

/* Take the page out of the VM's EPT before its leaves are freed: the
 * page is mica's, shared by every VM, not the VM's RAM. */
void vmx_apic_access_release(struct vcpu *v);

#endif /* HV_VMX_APIC_ACCESS_H */
