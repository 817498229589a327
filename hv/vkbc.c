/*
 * vkbc.c - the reset line of a VM's keyboard controller.
 *
 * Runs in VMX root on I/O exits. Reads see an empty bus (all ones), with
 * one exception: status bit 1, "input buffer full", reads clear, so a
 * kernel that waits for the controller to take a command before it sends
 * the reset (Linux's kb_wait) does not wait out its time-out on every
 * try. Linux's i8042 driver finds no controller: its flush sees an output
 * buffer that never empties ("i8042: No controller found"). Of the
 * commands only those that pulse the reset line act (the 8042's output
 * port, bit 0): 0xF0-0xFF with bit 0 clear (0xFE is the usual one) and
 * the output port written through 0xD1 with bit 0 clear.
 */
#include "hv/vkbc.h"

#define STATUS_IBF              0x02    /* input buffer full: the controller is busy */
#define CMD_WRITE_OUTPUT_PORT   0xd1
#define CMD_PULSE_FIRST         0xf0    /* 0xF0-0xFF: pulse the output-port bits that are 0 */
#define OUTPUT_PORT_RESET       0x01    /* bit 0: the CPU's reset line, active low */

void vkbc_init(struct vkbc *k)
{
	k->output_port_next = false;
}

uint8_t vkbc_in(struct vkbc *k, uint16_t port)
{
	return port == VKBC_STATUS ? (uint8_t)~STATUS_IBF : 0xff;
}

bool vkbc_out(struct vkbc *k, uint16_t port, uint8_t v)
{
	if (port == VKBC_DATA) {
		bool reset = k->output_port_next && !(v & OUTPUT_PORT_RESET);

		k->output_port_next = false;
		return reset;
	}
	k->output_port_next = v == CMD_WRITE_OUTPUT_PORT;
	return v >= CMD_PULSE_FIRST && !(v & OUTPUT_PORT_RESET);
}
