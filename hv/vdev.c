/*
 * vdev.c - port routing to a VM's devices, and its interrupt line.
 *
 * Runs in VMX root on I/O exits and before VM entries. A port no device
 * claims reads as all ones and ignores writes, like an empty ISA bus.
 */
#include "hv/clock.h"
#include "hv/vconsole.h"
#include "hv/vdev.h"
#include "hv/vm.h"
#include "lib/cpuid.h"
#include "lib/x86.h"

static void console_line(void *ctx, const char *line, size_t len)
{
	vconsole_queued(ctx);   /* hv/vconsole.c moves it to mica's console */
	vm_console_line(ctx, line, len);
}

void vdev_init(struct vm *vm)
{
	uint64_t wall, wall_tsc;

	vuart_init(&vm->uart, console_line, vm);
	vpit_init(&vm->pit);
	vpic_init(&vm->pic);
	clock_wall(&wall, &wall_tsc);
	vrtc_init(&vm->rtc, wall, wall_tsc, clock_tsc_hz());
	vkbc_init(&vm->kbc);
	/* One vCPU, the bootstrap processor, APIC ID 0. MAXPHYADDR bounds
	 * the base address IA32_APIC_BASE may hold (CPUID.80000008H:EAX). */
	vlapic_init(&vm->vcpu.lapic, 0, true, clock_tsc_hz() / 1000,
		    cpuid(CPUID_EXT_ADDR_SIZES, 0).eax & 0xff);
	vm->irq_check = false;
}

/* The UART's interrupt output rose: an edge on IRQ4. */
static void uart_irq(struct vm *vm)
{
	if (vuart_irq_edge(&vm->uart)) {
		vpic_raise(&vm->pic, VUART_IRQ);
		vm->irq_check = true;
	}
}

uint32_t vdev_in(struct vm *vm, uint16_t port, unsigned size, uint64_t now)
{
	if (vuart_port(port)) {
		uint8_t v = vuart_in(&vm->uart, port);

		uart_irq(vm);
		return v;
	}
	if (vpit_port(port))
		return vpit_in(&vm->pit, port, now);
	if (vpic_port(port))
		return vpic_in(&vm->pic, port);
	if (vrtc_port(port))
		return vrtc_in(&vm->rtc, port, now);
	if (vkbc_port(port))
		return vkbc_in(&vm->kbc, port);
	return 0xffffffff;
}

void vdev_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value, uint64_t now)
{
	if (vuart_port(port)) {
		vuart_out(&vm->uart, port, (uint8_t)value);
		uart_irq(vm);
		if (vuart_full(&vm->uart))
			vm_console_wait(vm);    /* off the CPU until its lines drain */
	} else if (vpit_port(port)) {
		vpit_out(&vm->pit, port, (uint8_t)value, now);
	} else if (vpic_port(port)) {
		vpic_out(&vm->pic, port, (uint8_t)value);
		vm->irq_check = true;   /* an EOI or unmask may free a request */
	} else if (vrtc_port(port)) {
		vrtc_out(&vm->rtc, port, (uint8_t)value, now);
	} else if (vkbc_port(port)) {
		if (vkbc_out(&vm->kbc, port, (uint8_t)value))
			vm_reset(vm, "keyboard controller reset line");
	} else if (port == VDEV_EXIT_PORT) {
		vm_exit(vm, (int)(value & 0xff));
	}
	/* Other ports (POST codes at 0x80, Bochs' 0x8900, ...) are ignored. */
}

/* The PIC's INTR reaches the CPU through LINT0 (ExtINT), as on a PC. */
static bool pic_first(struct vm *vm)
{
	return vlapic_extint_open(&vm->vcpu.lapic) && vpic_pending(&vm->pic) >= 0;
}

int vdev_pending_irq(struct vm *vm, uint64_t now)
{
	if (vpit_irq_due(&vm->pit, now))
		vpic_raise(&vm->pic, 0);
	vm->irq_check = false;
	vlapic_update(&vm->vcpu.lapic, now + vm->vcpu.tsc_offset);
	if (pic_first(vm))
		return vpic_pending(&vm->pic);
	return vlapic_pending(&vm->vcpu.lapic);
}

int vdev_ack_irq(struct vm *vm)
{
	return pic_first(vm) ? vpic_ack(&vm->pic) : vlapic_ack(&vm->vcpu.lapic);
}

/* TSC of the next event that can interrupt a vCPU in HLT: the APIC
 * timer's (none while it is masked), a PIT edge if IRQ0 reaches the CPU
 * (unmasked at the master 8259A, whose output LINT0 in ExtINT mode or a
 * disabled APIC lets through), the NMI button's next press. A PIT that
 * runs behind a mask wakes nothing. */
static uint64_t next_wake(const struct vm *vm)
{
	uint64_t t = VDEV_NO_EVENT;

	if (!(vm->pic.master.imr & 1) && vlapic_extint_open(&vm->vcpu.lapic))
		t = vm->pit.next_irq;
	t = vdev_apic_next_before(vm, t);
	if (vm->nmi_next && vm->nmi_next < t)
		t = vm->nmi_next;
	return t;
}

bool vdev_hlt(struct vm *vm, uint64_t now)
{
	uint64_t next;

	if (vm->nmi_pending || (vm->nmi_next && now >= vm->nmi_next) ||
	    vdev_pending_irq(vm, now) >= 0) {
		vm->in_hlt = false;
		vm->irq_check = true;   /* deliver it with the next entry */
		return true;
	}
	next = next_wake(vm);
	if (next == VDEV_NO_EVENT) {
		vm_crash(vm, "halted waiting for an interrupt, and no device of this VM will send one");
		return false;
	}
	vm->halted = true;
	vm->wake_at = next;
	return false;
}

void vdev_apic_read(struct vm *vm, uint64_t gpa, unsigned size, uint32_t *val, uint64_t now)
{
	uint32_t reg = vlapic_read(&vm->vcpu.lapic, (uint32_t)gpa & 0xff0,
				   now + vm->vcpu.tsc_offset);
	unsigned shift = 8 * ((unsigned)gpa & 3);

	*val = size >= 4 ? reg : (reg >> shift) & ((1u << (8 * size)) - 1);
}

void vdev_apic_write(struct vm *vm, uint64_t gpa, unsigned size, uint32_t val, uint64_t now)
{
	/* A narrower write is dropped, as KVM's xAPIC drops it. */
	if (size != 4 || (gpa & 0xf))
		return;
	vlapic_write(&vm->vcpu.lapic, (uint32_t)gpa & 0xff0, val, now + vm->vcpu.tsc_offset);
	/* An EOI, a TPR, a self-IPI, an LVT or timer change: what the vCPU
	 * can take may have changed. An NMI the ICR sent to this vCPU goes
	 * the way of the VM's NMI button: one latched, delivered when the
	 * guest's NMI blocking lets it. */
	vm->irq_check = true;
	if (vlapic_take_nmi(&vm->vcpu.lapic))
		vm->nmi_pending = true;
}
