/*
 * vmexit_intr.h - VM exits for host events: external interrupts and NMIs
 * that arrived while a guest ran. Runs in VMX root.
 */
#ifndef HV_VMX_VMEXIT_INTR_H
#define HV_VMX_VMEXIT_INTR_H

struct vcpu;

/* An external-interrupt exit: serve the host's interrupt (acknowledged by
 * the exit) through mica's IDT. The guest resumes where it was. */
void vmexit_intr_external(struct vcpu *v);

/* An exception-or-NMI exit: an NMI is mica's (counted, never the guest's).
 * Returns 0, or -1 if the exit was an exception mica never asked for. */
int vmexit_intr_nmi(struct vcpu *v);

#endif /* HV_VMX_VMEXIT_INTR_H */
