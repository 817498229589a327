/*
 * vdev.h - the devices of a VM as its ports see them, and its interrupt
 * line to the vCPU: the 16550 (hv/vuart.c), the PIT (hv/vpit.c), the PIC
 * pair (hv/vpic.c) and the exit port 0xf4. Backend-neutral.
 */
#ifndef HV_VDEV_H
#define HV_VDEV_H

#include <stdint.h>
#include "hv/vm.h"

#define VDEV_NO_EVENT UINT64_MAX

/* Power-on state of every device of (vm). */
void vdev_init(struct vm *vm);

/* A guest IN of (size) bytes from (port) at TSC time (now): the value. */
uint32_t vdev_in(struct vm *vm, uint16_t port, unsigned size, uint64_t now);

/* A guest OUT of (value) to (port); the exit port stops the VM. */
void vdev_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value, uint64_t now);

/* The vector the PIC would hand the vCPU at (now), after raising IRQ0 if
 * the PIT reached an edge; -1 if none. */
int vdev_pending_irq(struct vm *vm, uint64_t now);

/* The vCPU takes the pending interrupt: its vector. */
int vdev_ack_irq(struct vm *vm);

/* TSC time of the next device event (a PIT edge), or VDEV_NO_EVENT.
 * Inline: it is asked before every VM entry. */
static inline uint64_t vdev_next_event(const struct vm *vm)
{
	return vm->pit.next_irq;
}

#endif /* HV_VDEV_H */
