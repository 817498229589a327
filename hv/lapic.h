/*
 * lapic.h - the host's local APIC and I/O APIC: register offsets and bits.
 * Hardware definitions only; mica programs the real ones (hv/intr.c).
 * SDM Vol. 3, "Advanced Programmable Interrupt Controller (APIC)":
 * table "Local APIC Register Address Map", "Local Vector Table",
 * "APIC Timer"; the 82093AA I/O APIC
 * data sheet, "Register Description".
 */
#ifndef HV_LAPIC_H
#define HV_LAPIC_H

#include "lib/bits.h"

/* Local APIC registers: offsets in the xAPIC page; the x2APIC MSR is
 * 0x800 + offset / 16 (SDM Vol. 3, "x2APIC Register Address Space"). */
#define LAPIC_ID                0x020
#define LAPIC_VERSION           0x030
#define   LAPIC_VERSION_MAX_LVT(v)      (((v) >> 16) & 0xff)
#define LAPIC_EOI               0x0b0
#define LAPIC_SVR               0x0f0   /* spurious-interrupt vector register */
#define   LAPIC_SVR_ENABLE              BIT(8)  /* APIC software enable */
#define LAPIC_ESR               0x280   /* error status */
#define LAPIC_LVT_CMCI          0x2f0
#define LAPIC_LVT_TIMER         0x320
#define LAPIC_LVT_THERMAL       0x330
#define LAPIC_LVT_PMC           0x340
#define LAPIC_LVT_LINT0         0x350
#define LAPIC_LVT_LINT1         0x360
#define LAPIC_LVT_ERROR         0x370
#define LAPIC_TIMER_INITIAL     0x380
#define LAPIC_TIMER_CURRENT     0x390
#define LAPIC_TIMER_DIVIDE      0x3e0
#define   LAPIC_TIMER_DIVIDE_16         0x3

#define X2APIC_MSR(reg)         (0x800 + ((reg) >> 4))

/* LVT entry bits; the delivery mode is also an I/O APIC entry's. */
#define LVT_MASKED              BIT(16)
#define LVT_TIMER_PERIODIC      BIT(17)
#define APIC_DELIVERY_NMI       (4u << 8)

/* The I/O APIC, at its PC default address (mica finds no other: it reads
 * the ACPI MADT for CPUs only). Index register, then data window. */
#define IOAPIC_DEFAULT_BASE     0xfec00000u
#define IOAPIC_REGSEL           0x00
#define IOAPIC_WINDOW           0x10
#define IOAPIC_VERSION          0x01
#define   IOAPIC_VERSION_MAX_ENTRY(v)   (((v) >> 16) & 0xff)
#define IOAPIC_REDTBL(n)        (0x10 + 2 * (n))        /* low half; high is +1 */
#define IOAPIC_PIT_PIN          2       /* ISA IRQ0 on a PC's I/O APIC */

#endif /* HV_LAPIC_H */
