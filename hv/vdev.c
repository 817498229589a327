/*
 * vdev.c - port routing to a VM's devices, and its interrupt line.
 *
 * Runs in VMX root on I/O exits and before VM entries. A port no device
 * claims reads as all ones and ignores writes, like an empty ISA bus.
 */
#include "hv/vdev.h"
#include "hv/vm.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4       /* isa-debug-exit: a write ends the VM */

static void console_line(void *ctx, const char *line, size_t len)
{
	vm_console_line(ctx, line, len);
}

void vdev_init(struct vm *vm)
{
	vuart_init(&vm->uart, console_line, vm);
	vpit_init(&vm->pit);
	vpic_init(&vm->pic);
	vm->irq_check = false;
}

uint32_t vdev_in(struct vm *vm, uint16_t port, unsigned size, uint64_t now)
{
	if (vuart_port(port))
		return vuart_in(&vm->uart, port);
	if (vpit_port(port))
		return vpit_in(&vm->pit, port, now);
	if (vpic_port(port))
		return vpic_in(&vm->pic, port);
	return 0xffffffff;
}

void vdev_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value, uint64_t now)
{
	if (vuart_port(port)) {
		vuart_out(&vm->uart, port, (uint8_t)value);
		if (vuart_full(&vm->uart))
			vm_console_wait(vm);    /* off the CPU until its lines drain */
	} else if (vpit_port(port)) {
		vpit_out(&vm->pit, port, (uint8_t)value, now);
	} else if (vpic_port(port)) {
		vpic_out(&vm->pic, port, (uint8_t)value);
		vm->irq_check = true;   /* an EOI or unmask may free a request */
	} else if (port == QEMU_DEBUG_EXIT_PORT) {
		vm_exit(vm, (int)(value & 0xff));
	}
	/* Other ports (POST codes at 0x80, Bochs' 0x8900, ...) are ignored. */
}

int vdev_pending_irq(struct vm *vm, uint64_t now)
{
	if (vpit_irq_due(&vm->pit, now))
		vpic_raise(&vm->pic, 0);
	vm->irq_check = false;
	return vpic_pending(&vm->pic);
}

int vdev_ack_irq(struct vm *vm)
{
	return vpic_ack(&vm->pic);
}
