/*
 * vdev.h - the devices of a VM as its ports see them, and its interrupt
 * line to the vCPU: the 16550 (hv/vuart.c), the PIT (hv/vpit.c), the PIC
 * pair (hv/vpic.c) and the exit port 0xf4, and the vCPU's local APIC
 * (hv/vlapic.c) between them and the CPU. Backend-neutral.
 */
#ifndef HV_VDEV_H
#define HV_VDEV_H

#include <stdint.h>
#include "hv/vm.h"

#define VDEV_NO_EVENT UINT64_MAX
#define VDEV_EXIT_PORT 0xf4     /* QEMU's isa-debug-exit: a write ends the VM */

/* Ports whose accesses move no device event and raise no interrupt: the
 * UART's (it has no interrupt) and the exit port. The exit fast path
 * (hv/vmx/vmexit_fast.c) serves them between device events. */
static inline bool vdev_port_quiet(uint16_t port)
{
	return vuart_port(port) || port == VDEV_EXIT_PORT;
}

/* Power-on state of every device of (vm). */
void vdev_init(struct vm *vm);

/* A guest IN of (size) bytes from (port) at TSC time (now): the value. */
uint32_t vdev_in(struct vm *vm, uint16_t port, unsigned size, uint64_t now);

/* A guest OUT of (value) to (port); the exit port stops the VM. */
void vdev_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value, uint64_t now);

/* The vector the vCPU would be handed at (now), after raising IRQ0 if
 * the PIT reached an edge and letting the APIC timer run to (now): the
 * PIC's, when the APIC passes it (LINT0 in ExtINT mode, or the APIC
 * globally disabled), else the APIC's highest above its priority (as
 * KVM's kvm_cpu_get_interrupt orders them); -1 if none. */
int vdev_pending_irq(struct vm *vm, uint64_t now);

/* The vCPU takes the pending interrupt (the PIC's or the APIC's
 * acknowledge cycle): its vector. */
int vdev_ack_irq(struct vm *vm);

/* The earlier of (t) and the APIC timer's next event, in host TSC: the
 * APIC counts in the guest's TSC, and host = guest - offset. */
static inline uint64_t vdev_apic_next_before(const struct vm *vm, uint64_t t)
{
	uint64_t a = vlapic_next_event(&vm->vcpu.lapic);

	return a != VLAPIC_NO_EVENT && a - vm->vcpu.tsc_offset < t ? a - vm->vcpu.tsc_offset : t;
}

/* TSC time of the next device event (a PIT edge, the APIC timer reaching
 * 0), or VDEV_NO_EVENT. Inline: it is asked before every VM entry, and
 * the APIC's deadline is VLAPIC_NO_EVENT unless its timer counts. */
static inline uint64_t vdev_next_event(const struct vm *vm)
{
	uint64_t t = vm->pit.next_irq;

	if (__builtin_expect(vm->vcpu.lapic.deadline != VLAPIC_NO_EVENT, 0))
		t = vdev_apic_next_before(vm, t);
	return t;
}

/*
 * The vCPU is in HLT with interrupts on (vm->in_hlt) at host TSC (now).
 * Returns true if an interrupt or NMI is pending for it: it leaves HLT
 * and the next entry delivers that event. Otherwise it stays in HLT, as a
 * CPU does until an interrupt arrives (a device event that raised none, a
 * PIT edge the PIC masks, say, does not wake it): the VM leaves the CPU
 * until its next device event that can interrupt it (vm->halted,
 * wake_at), or, when none ever will (no unmasked timer, nothing to press
 * its NMI button), it crashes with one line.
 */
bool vdev_hlt(struct vm *vm, uint64_t now);

/* Times below are the host's TSC; the APIC is given the guest's. */

/* The guest accessed its APIC's page (at gpa): (size) bytes, 1, 2 or 4,
 * read into *val or written from (val). Only aligned 32-bit writes reach
 * a register, as on a CPU; narrower reads see their part of it. */
void vdev_apic_read(struct vm *vm, uint64_t gpa, unsigned size, uint32_t *val, uint64_t now);
void vdev_apic_write(struct vm *vm, uint64_t gpa, unsigned size, uint32_t val, uint64_t now);

#endif /* HV_VDEV_H */
