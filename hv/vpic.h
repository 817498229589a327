/*
 * vpic.h - a VM's virtual pair of 8259A interrupt controllers (master at
 * 0x20, slave at 0xa0 on the master's IRQ2), edge-triggered, fixed
 * priority. Backend-neutral: it sees ports, IRQ lines and vectors.
 */
#ifndef HV_VPIC_H
#define HV_VPIC_H

#include <stdbool.h>
#include <stdint.h>

struct i8259 {
	uint8_t irr, isr, imr;  /* request, in-service and mask registers */
	uint8_t base;           /* vector of IRQ0 (ICW2) */
	uint8_t init_step;      /* 0 = ready; 2, 3, 4: which ICW comes next */
	bool need_icw3, need_icw4;
	bool auto_eoi;
	bool read_isr;          /* OCW3: a command-port read returns ISR */
};

struct vpic {
	struct i8259 master, slave;
};

/* Power-on state: everything masked until the guest initializes. */
void vpic_init(struct vpic *p);

/* True if (port) belongs to either controller. */
bool vpic_port(uint16_t port);

uint8_t vpic_in(struct vpic *p, uint16_t port);
void vpic_out(struct vpic *p, uint16_t port, uint8_t v);

/* An edge on IRQ line (irq), 0-15. */
void vpic_raise(struct vpic *p, unsigned irq);

/* The vector the CPU would be handed now, or -1 if none is deliverable
 * (nothing requested, masked, or a higher-priority one in service). */
int vpic_pending(const struct vpic *p);

/* The CPU takes the pending interrupt: it moves to in-service (unless
 * auto-EOI). Returns its vector, or -1. */
int vpic_ack(struct vpic *p);

#endif /* HV_VPIC_H */
