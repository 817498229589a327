/*
 * vpic.c - the virtual 8259A pair of each VM.
 *
 * Runs in VMX root on I/O exits and before VM entries. Only what PC kernels
 * use: the ICW1-ICW4 initialization sequence, masking (OCW1), non-specific
 * and specific EOI (OCW2), reading IRR or ISR (OCW3), auto-EOI, cascade on
 * IRQ2. Fixed priority, IRQ0 highest; the slave's lines rank at the
 * master's IRQ2.
 */
#include "hv/vpic.h"
#include "lib/i8259.h"
#include "lib/string.h"

#define NO_IRQ 8

void vpic_init(struct vpic *p)
{
	memset(p, 0, sizeof(*p));
	p->master.imr = p->slave.imr = 0xff;
	p->master.base = 0x08;  /* the BIOS's vectors, until the guest remaps */
	p->slave.base = 0x70;
}

bool vpic_port(uint16_t port)
{
	return port == PIC_MASTER_CMD || port == PIC_MASTER_DATA ||
	       port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA;
}

/* Highest-priority bit of (bits), or NO_IRQ. */
static unsigned first(uint8_t bits)
{
	return bits ? (unsigned)__builtin_ctz(bits) : NO_IRQ;
}

/* The line (c) would raise to the CPU: requested, unmasked, and of higher
 * priority than anything in service; NO_IRQ if none. */
static unsigned candidate(const struct i8259 *c)
{
	unsigned req = first(c->irr & ~c->imr);

	return req < first(c->isr) ? req : NO_IRQ;
}

/* The slave's output is the master's IRQ2 line. */
static void update_cascade(struct vpic *p)
{
	if (candidate(&p->slave) != NO_IRQ)
		p->master.irr |= 1u << PIC_CASCADE_IRQ;
	else
		p->master.irr &= ~(1u << PIC_CASCADE_IRQ);
}

void vpic_raise(struct vpic *p, unsigned irq)
{
	if (irq < 8)
		p->master.irr |= 1u << irq;
	else if (irq < 16)
		p->slave.irr |= 1u << (irq - 8);
	update_cascade(p);
}

int vpic_pending(const struct vpic *p)
{
	unsigned m = candidate(&p->master), s;

	if (m == NO_IRQ)
		return -1;
	if (m != PIC_CASCADE_IRQ)
		return (int)(p->master.base + m);
	s = candidate(&p->slave);
	return s == NO_IRQ ? -1 : (int)(p->slave.base + s);
}

/* Move line (irq) of (c) from requested to in-service. */
static void take(struct i8259 *c, unsigned irq)
{
	c->irr &= ~(1u << irq);
	if (!c->auto_eoi)
		c->isr |= 1u << irq;
}

int vpic_ack(struct vpic *p)
{
	int vector = vpic_pending(p);
	unsigned m = candidate(&p->master);

	if (vector < 0)
		return -1;
	take(&p->master, m);
	if (m == PIC_CASCADE_IRQ)
		take(&p->slave, candidate(&p->slave));
	update_cascade(p);
	return vector;
}

static void command(struct i8259 *c, uint8_t v)
{
	if (v & ICW1_INIT) {
		/* ICW1 restarts initialization: masks cleared, as on a real 8259A. */
		c->irr = c->isr = c->imr = 0;
		c->auto_eoi = c->read_isr = false;
		c->need_icw3 = !(v & ICW1_SINGLE);
		c->need_icw4 = v & ICW1_ICW4;
		c->init_step = 2;
	} else if (v & OCW3_SELECT) {
		if ((v & OCW3_READ_ISR) == OCW3_READ_ISR)
			c->read_isr = true;
		else if ((v & OCW3_READ_ISR) == OCW3_READ_IRR)
			c->read_isr = false;
	} else if (v & OCW2_EOI) {
		unsigned irq = v & OCW2_SPECIFIC ? (v & 7u) : first(c->isr);

		if (irq != NO_IRQ)
			c->isr &= ~(1u << irq);
	}
}

static void data(struct i8259 *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:
		c->base = v & 0xf8;
		c->init_step = c->need_icw3 ? 3 : c->need_icw4 ? 4 : 0;
		break;
	case 3:
		c->init_step = c->need_icw4 ? 4 : 0;    /* cascade wiring is fixed */
		break;
	case 4:
		c->auto_eoi = v & ICW4_AUTO_EOI;
		c->init_step = 0;
		break;
	default:
		c->imr = v;
		break;
	}
}

uint8_t vpic_in(struct vpic *p, uint16_t port)
{
	const struct i8259 *c = port < PIC_SLAVE_CMD ? &p->master : &p->slave;

	if (port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

void vpic_out(struct vpic *p, uint16_t port, uint8_t v)
{
	struct i8259 *c = port < PIC_SLAVE_CMD ? &p->master : &p->slave;

	if (port == PIC_MASTER_CMD || port == PIC_SLAVE_CMD)
		command(c, v);
	else
		data(c, v);
	update_cascade(p);
}
