/*
 * intr.h - the host's interrupts: who owns them, how mica serves and
 * counts them. Backend-neutral: the VT-x exit path (hv/vmx/vmexit_intr.c)
 * hands the vectors it acknowledged to intr_deliver().
 */
#ifndef HV_INTR_H
#define HV_INTR_H

#include <stdbool.h>
#include <stdint.h>

/* Vectors mica gives the host's own interrupt sources. */
#define INTR_PIC_BASE           0x20    /* 8259 IRQs 0-15 (all masked) */
#define INTR_TIMER_VECTOR       0xf0    /* the local APIC timer (hostirq=) */
#define INTR_WAKE_VECTOR        0xf2    /* the local APIC timer waking an idle CPU */
#define INTR_SPURIOUS_VECTOR    0xff    /* the local APIC's spurious vector */

/* Take the host's interrupt controllers: remap and mask the 8259 pair,
 * enable the local APIC with every local source masked but LINT1 (NMI),
 * and route vectors 32-255 of mica's IDT to the counting handler. Call
 * after trap_init(), with interrupts off (mica never turns them on). */
void intr_init(void);

/* A CPU started after the boot CPU: its local APIC as intr_init() left
 * the boot CPU's (same mode, sources masked). Call on that CPU. */
void intr_init_cpu(void);

/* Is there a usable local APIC (intr_init() found one)? */
bool intr_have_lapic(void);

/* This CPU's local APIC ID. */
uint32_t intr_lapic_id(void);

/* End the interrupt in service at this CPU's local APIC. */
void intr_eoi(void);

/* Send an inter-processor interrupt: (icr_low) is the ICR's low half
 * (vector, delivery mode, level, trigger; lib/apic.h) and (apic_id) the
 * destination. Returns once the local APIC has sent it. */
void intr_send_ipi(uint32_t apic_id, uint32_t icr_low);

/* mica's test options (docs/configuration.md): `hostirq=HZ` runs the local
 * APIC timer at HZ, `hostnmi=HZ` makes the PIT send an NMI through the
 * I/O APIC HZ times a second. Call after clock_init(). Bad values end the
 * boot with one line. */
void intr_start_test_sources(const char *cmdline);

/* Serve the external interrupt (vector) that a VM exit acknowledged,
 * through mica's own IDT gate for it, as if the CPU had delivered it. */
void intr_deliver(unsigned vector);

/* An NMI that arrived while a guest ran (a VM exit): mica's NMI work. */
void intr_nmi_in_guest(void);

/*
 * Arm this CPU's local APIC timer, in TSC-deadline mode, to interrupt at
 * TSC (tsc) with INTR_WAKE_VECTOR: an idle CPU halts until then (or until
 * an IPI). Returns false, arming nothing, where that mode is missing or
 * the timer is taken (`hostirq=`); the caller then spins. SDM Vol. 3,
 * "TSC-Deadline Mode".
 */
bool intr_wake_at(uint64_t tsc);

/* Disarm what intr_wake_at() armed, before the CPU goes back to work. */
void intr_wake_cancel(void);

/* One line with what mica served: host timer ticks, spurious and unknown
 * vectors, NMIs in guests and in mica. */
void intr_print(void);

#endif /* HV_INTR_H */
