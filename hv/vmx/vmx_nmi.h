/*
 * vmx_nmi.h - NMIs that are a guest's own (its NMI button, `nmi=`, or
 * one its APIC's ICR sent), injected under virtual NMIs, and the
 * event-window controls.
 * Runs in VMX root with the vCPU's VMCS current.
 */
#ifndef HV_VMX_VMX_NMI_H
#define HV_VMX_VMX_NMI_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vmx_vcpu;

/* Write the primary processor-based controls with interrupt-window and
 * NMI-window exiting as (a) wants them. */
void vmx_set_windows(struct vmx_vcpu *a);

/* Before an entry, at TSC (now): press the VM's NMI button if a press is
 * due, and inject a pending NMI if the guest can take it, else turn on
 * NMI-window exiting. Returns the earlier of (next) and the next press. */
uint64_t vmx_nmi_deliver(struct vcpu *v, uint64_t now, uint64_t next);

/* An NMI-window exit: the guest can take its NMI now; the next entry
 * injects it. */
void vmx_nmi_window_open(struct vcpu *v);

/* A debug trap is pending for the guest (VMCS pending debug exceptions:
 * a single step or data breakpoint of the instruction before the next):
 * the CPU delivers it right after the next entry, before any NMI or
 * interrupt, unless that entry injects an event, which drops it. So no
 * NMI or interrupt is injected meanwhile. SDM Vol. 3, "Delivery of
 * Pending Debug Exceptions after VM Entry". */
bool vmx_debug_trap_pending(void);

#endif /* HV_VMX_VMX_NMI_H */
