/*
 * vlapic.h - a vCPU's virtual local APIC in xAPIC mode. Backend-neutral
 * and pure: it sees register offsets, vectors and the guest's TSC, passed
 * in as (now); it knows nothing of VMX, of guest memory or of the clock.
 * SDM Vol. 3, "Advanced Programmable Interrupt Controller (APIC)". Where
 * the SDM leaves a choice, it does what KVM does (arch/x86/kvm/lapic.c).
 *
 * How a backend drives it: on an access to the APIC page (APIC-access
 * exit, or a decoded EPT violation inside vlapic_mmio's page) call
 * vlapic_read/vlapic_write; on RDMSR/WRMSR of IA32_APIC_BASE call
 * vlapic_base/vlapic_set_base; before each VM entry call vlapic_update,
 * then inject vlapic_pending's vector when the guest can take it and
 * vlapic_ack it; a PIC interrupt reaches the CPU only if
 * vlapic_extint_open; sleep no later than vlapic_next_event.
 */
#ifndef HV_VLAPIC_H
#define HV_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VLAPIC_NO_EVENT         UINT64_MAX
#define VLAPIC_BUS_KHZ          1000000u        /* the timer's input clock: 1 GHz, as KVM's */
#define VLAPIC_VERSION          0x14u           /* an integrated xAPIC, as KVM reports */

/* The LVT entries, in register order from APIC_LVT_TIMER. */
enum vlapic_lvt {
	VLAPIC_LVT_TIMER, VLAPIC_LVT_THERMAL, VLAPIC_LVT_PERF,
	VLAPIC_LVT_LINT0, VLAPIC_LVT_LINT1, VLAPIC_LVT_ERROR,
	VLAPIC_LVT_COUNT
};

struct vlapic {
	uint64_t base;                  /* IA32_APIC_BASE */
	uint64_t base_reserved;         /* its bits a write must leave clear */
	bool bsp;                       /* the bootstrap processor's APIC */
	uint32_t id;                    /* APIC ID register (ID in 31:24) */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t esr;                   /* what ESR reads: errors latched by the last ESR write */
	uint32_t esr_pending;           /* errors seen since the last ESR write */
	uint32_t icr_low, icr_high;
	uint32_t lvt[VLAPIC_LVT_COUNT];
	uint32_t irr[8], isr[8], tmr[8];        /* 256 bits each, register order */
	bool nmi;                       /* an NMI for the vCPU (ICR or LINT), not yet taken */

	/* The timer, in the guest's TSC: the count was (count_at) at TSC
	 * (counted_from) and falls by one every (divide) bus clocks. */
	uint32_t timer_initial, timer_dcr, divide;
	uint32_t count_at;
	uint64_t counted_from;
	uint64_t deadline;              /* TSC at which the count reaches 0, or VLAPIC_NO_EVENT */
	uint64_t bus_per_tsc;           /* 32.32 fixed point: bus clocks per TSC tick */
	uint64_t tsc_per_bus;           /* 32.32 fixed point: TSC ticks per bus clock */
};

/* What an edge on a LINT pin does (vlapic_lint). */
enum vlapic_lint_action {
	VLAPIC_LINT_NONE,       /* masked, or the APIC accepted a fixed vector */
	VLAPIC_LINT_EXTINT,     /* the CPU takes its vector from the 8259A */
	VLAPIC_LINT_NMI,        /* an NMI (also left in vlapic->nmi) */
};

/*
 * The state after power-on or RESET (SDM "Local APIC State After Power-Up
 * or Reset"): enabled at APIC_DEFAULT_BASE, software-disabled, every LVT
 * masked. Like KVM, the BSP's LINT0 is left unmasked in ExtINT mode (what
 * a PC's BIOS leaves for a boot loader), so the 8259A reaches the CPU.
 * (id) is the APIC ID (0-255); (tsc_khz) the guest TSC's rate, which the
 * timer converts from; (maxphyaddr) bounds the base address a guest may
 * set.
 */
void vlapic_init(struct vlapic *a, uint8_t id, bool bsp, uint64_t tsc_khz, unsigned maxphyaddr);

/* IA32_APIC_BASE as RDMSR reads it. */
uint64_t vlapic_base(const struct vlapic *a);

/* WRMSR IA32_APIC_BASE. Returns 0, or -1 if the CPU would
 * raise #GP (a reserved bit set: x2APIC mode is not emulated, so bit 10
 * is reserved). Clearing the enable bit disables the APIC globally: its
 * page is no longer decoded, it accepts nothing and LINT0 is bypassed
 * (the PIC reaches the CPU directly); its registers are kept, as KVM
 * keeps them, and the guest's CPUID.1:EDX.APIC must read 0 meanwhile. */
int vlapic_set_base(struct vlapic *a, uint64_t val);

/* True while the APIC is globally enabled (IA32_APIC_BASE.EN). */
bool vlapic_hw_enabled(const struct vlapic *a);

/* True if guest-physical (gpa) is in the APIC's page and the APIC decodes
 * it (globally enabled). Otherwise the address is plain memory space. */
bool vlapic_mmio(const struct vlapic *a, uint64_t gpa);

/* A 32-bit read or write of the register at (offset) in the APIC page, at
 * TSC (now). (offset) must be 16-byte aligned: anything else reads 0 and
 * drops the write (the SDM leaves such accesses undefined). A reserved
 * offset reads 0 and sets ESR's illegal-register-address bit. */
uint32_t vlapic_read(struct vlapic *a, uint32_t offset, uint64_t now);
void vlapic_write(struct vlapic *a, uint32_t offset, uint32_t val, uint64_t now);

/* Time passes to (now): a timer that reached 0 raises its interrupt (if
 * its LVT entry is unmasked) and, periodic, reloads; periods missed while
 * the vCPU did not run collapse into one interrupt, as one IRR bit holds
 * one. */
void vlapic_update(struct vlapic *a, uint64_t now);

/* TSC of the next event that can interrupt the vCPU (the unmasked timer
 * reaching 0), or VLAPIC_NO_EVENT. */
uint64_t vlapic_next_event(const struct vlapic *a);

/* The APIC accepts (vector) from a device, an IPI or its LVT; (level)
 * sets its TMR bit (level-triggered, EOI broadcast). A vector below 16
 * is refused with ESR's receive-illegal-vector bit; an APIC that is
 * disabled (globally or by software) drops it, as KVM does. */
void vlapic_set_irq(struct vlapic *a, unsigned vector, bool level);

/* The vector the APIC would present to the CPU now: the highest in IRR
 * whose priority class is above PPR's; -1 if none (or disabled). */
int vlapic_pending(const struct vlapic *a);

/* The highest vector in IRR, deliverable or not; -1 if none (or the
 * APIC is disabled). */
int vlapic_highest_irr(const struct vlapic *a);

/* The CPU takes it (interrupt acknowledge): the highest deliverable IRR
 * bit moves to ISR. Returns its vector, or -1. */
int vlapic_ack(struct vlapic *a);

/* The EOI register was written: the highest ISR bit is retired. Returns
 * its vector (with 0x100 added if its TMR bit was set, so that the caller
 * can broadcast the EOI to a level-triggered source), or -1. */
int vlapic_eoi(struct vlapic *a);

/* An edge on LINT0 (pin 0) or LINT1 (pin 1). */
enum vlapic_lint_action vlapic_lint(struct vlapic *a, unsigned pin);

/* True if the 8259A's INTR reaches the CPU: the APIC is globally disabled
 * (a CPU without an APIC), or LINT0 is unmasked in ExtINT mode. */
bool vlapic_extint_open(const struct vlapic *a);

/* The NMI an ICR write or LINT edge sent, taken once. */
bool vlapic_take_nmi(struct vlapic *a);

/* Task priority as CR8 and the TPR shadow see it (bits 7:4 of TPR). */
uint8_t vlapic_cr8(const struct vlapic *a);
void vlapic_set_cr8(struct vlapic *a, uint8_t cr8);

/*
 * CPUID leaf 15H for a TSC of (tsc_khz) beside this APIC: the "core
 * crystal clock" is the timer's bus (VLAPIC_BUS_KHZ, as QEMU states it
 * for KVM), so a kernel that derives its APIC timer period from ECX needs
 * no calibration. EBX/EAX is TSC/crystal, the closest fraction whose
 * numerator keeps crystal kHz * EBX within 32 bits: Linux multiplies them
 * in 32 bits (native_calibrate_tsc), and finds the TSC's rate within
 * 50 ppm. Fills (*eax, *ebx, *ecx).
 */
void vlapic_cpuid_15h(uint64_t tsc_khz, uint32_t *eax, uint32_t *ebx, uint32_t *ecx);

#endif /* HV_VLAPIC_H */
