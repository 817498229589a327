/*
 * vkbc.h - a VM's keyboard controller (the 8042 at ports 0x60/0x64) as far
 * as mica has one: its reset line. A PC resets the CPU when the 8042
 * pulses output-port bit 0 (command 0xFE, or 0xD1 with bit 0 clear), and
 * that is how Linux reboots without ACPI. There is no keyboard and no
 * controller logic behind it. Backend-neutral and pure.
 */
#ifndef HV_VKBC_H
#define HV_VKBC_H

#include <stdbool.h>
#include <stdint.h>

#define VKBC_DATA       0x60
#define VKBC_STATUS     0x64    /* read: status; write: command */

struct vkbc {
	bool output_port_next;  /* 0xD1 came: the next data byte is the output port */
};

void vkbc_init(struct vkbc *k);

static inline bool vkbc_port(uint16_t port)
{
	return port == VKBC_DATA || port == VKBC_STATUS;
}

/* A guest IN from (port). */
uint8_t vkbc_in(struct vkbc *k, uint16_t port);

/* A guest OUT of (v) to (port). Returns true when it resets the machine. */
bool vkbc_out(struct vkbc *k, uint16_t port, uint8_t v);

#endif /* HV_VKBC_H */
