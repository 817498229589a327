/*
 * vpit.h - a VM's virtual 8254 PIT: three channels, counting in the host's
 * TSC time. Channel 0 drives IRQ0; channel 2's output shows in port 0x61.
 * Backend-neutral: it sees ports, values and TSC timestamps.
 */
#ifndef HV_VPIT_H
#define HV_VPIT_H

#include <stdbool.h>
#include <stdint.h>

struct vpit_channel {
	uint32_t reload;        /* 1..65536 PIT ticks; 0 until programmed */
	uint8_t mode;           /* PIT_MODE_* */
	uint8_t access;         /* PIT_ACCESS_* */
	bool write_hi;          /* LOHI access: the next byte written is the high one */
	uint8_t low;            /* LOHI access: the low byte, until the high one comes */
	bool read_hi;           /* LOHI access: the next byte read is the high one */
	bool latched;           /* a latch command froze the count */
	uint16_t latch;
	uint64_t start;         /* TSC when counting (re)started */
};

struct vpit {
	struct vpit_channel ch[3];
	bool gate2;             /* port 0x61 bit 0 */
	uint64_t next_irq;      /* TSC of channel 0's next IRQ0, or UINT64_MAX */
	uint64_t irqs;          /* IRQ0 edges raised */
};

void vpit_init(struct vpit *p);

/* True if (port) belongs to the PIT (0x40-0x43) or port 0x61. */
bool vpit_port(uint16_t port);

/* Guest I/O at TSC time (now). */
uint8_t vpit_in(struct vpit *p, uint16_t port, uint64_t now);
void vpit_out(struct vpit *p, uint16_t port, uint8_t v, uint64_t now);

/* True when channel 0 has reached an IRQ0 edge by (now); moves the next
 * edge past (now). Edges missed while the VM did not run collapse into
 * one, as an edge-triggered interrupt line would. */
bool vpit_irq_due(struct vpit *p, uint64_t now);

#endif /* HV_VPIT_H */
