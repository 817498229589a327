/*
 * vpit.c - the virtual 8254 PIT of each VM.
 *
 * Runs in VMX root on I/O exits and before VM entries. A channel is not a
 * ticking counter here: it is a reload value and the TSC time it started,
 * and the count is computed when the guest asks. Channel 0's IRQ0 edges
 * are TSC deadlines that mica turns into interrupts (hv/vm.c).
 * Modes 0 (one-shot), 2 (rate generator) and 3 (square wave) are the ones
 * PC kernels use; others count like mode 2.
 */
#include "hv/clock.h"
#include "hv/vpit.h"
#include "lib/i8254.h"
#include "lib/string.h"

#define PIT_MAX_COUNT 0x10000   /* a reload of 0 means 65536 */
/* The shortest IRQ0 period mica honours (about 4 kHz): a guest asking for
 * a faster timer would cut every other VM's turns to nothing. */
#define PIT_MIN_PERIOD 298
#define NEVER UINT64_MAX

void vpit_init(struct vpit *p)
{
	memset(p, 0, sizeof(*p));
	p->next_irq = NEVER;
}

bool vpit_port(uint16_t port)
{
	return (port >= PIT_CH0 && port <= PIT_CONTROL) || port == SYS_CTRL_B;
}

static bool periodic(const struct vpit_channel *c)
{
	return c->mode != PIT_MODE_ONESHOT;
}

/* PIT ticks since channel (c) started counting. */
static uint64_t elapsed(const struct vpit_channel *c, uint64_t now)
{
	return now > c->start ? clock_tsc_to_pit(now - c->start) : 0;
}

/* The count the guest would read now. */
static uint16_t current_count(const struct vpit_channel *c, uint64_t now)
{
	uint64_t e = elapsed(c, now);

	if (!c->reload)
		return 0;
	if (periodic(c))
		return (uint16_t)(c->reload - e % c->reload);
	return e >= c->reload ? 0 : (uint16_t)(c->reload - e);
}

/* PIT ticks between IRQ0 edges. */
static uint32_t irq_period(const struct vpit_channel *c)
{
	return c->reload < PIT_MIN_PERIOD ? PIT_MIN_PERIOD : c->reload;
}

static void schedule_irq0(struct vpit *p)
{
	const struct vpit_channel *c = &p->ch[0];

	p->next_irq = c->reload ? c->start + clock_pit_to_tsc(irq_period(c)) : NEVER;
}

bool vpit_irq_due(struct vpit *p, uint64_t now)
{
	struct vpit_channel *c = &p->ch[0];

	if (now < p->next_irq)
		return false;
	if (periodic(c)) {
		uint64_t period = clock_pit_to_tsc(irq_period(c)) ? : 1;

		p->next_irq += period * ((now - p->next_irq) / period + 1);
	} else {
		p->next_irq = NEVER;
	}
	p->irqs++;
	return true;
}

static void write_count(struct vpit *p, unsigned n, uint8_t v, uint64_t now)
{
	struct vpit_channel *c = &p->ch[n];
	uint32_t r;

	switch (c->access) {
	case PIT_ACCESS_LO:
		r = v;
		break;
	case PIT_ACCESS_HI:
		r = (uint32_t)v << 8;
		break;
	default:
		if (!c->write_hi) {
			c->low = v;
			c->write_hi = true;
			return;         /* counting starts with the high byte */
		}
		r = c->low | ((uint32_t)v << 8);
		c->write_hi = false;
		break;
	}
	c->reload = r ? r : PIT_MAX_COUNT;
	c->start = now;
	if (n == 0)
		schedule_irq0(p);
}

static uint8_t read_count(struct vpit_channel *c, uint64_t now)
{
	uint16_t v = c->latched ? c->latch : current_count(c, now);
	uint8_t b;

	switch (c->access) {
	case PIT_ACCESS_LO:
		b = v & 0xff;
		c->latched = false;
		break;
	case PIT_ACCESS_HI:
		b = v >> 8;
		c->latched = false;
		break;
	default:
		b = c->read_hi ? v >> 8 : v & 0xff;
		if (c->read_hi)
			c->latched = false;
		c->read_hi = !c->read_hi;
		break;
	}
	return b;
}

static void write_control(struct vpit *p, uint8_t v, uint64_t now)
{
	unsigned n = v >> PIT_SEL_SHIFT;
	unsigned access = (v >> PIT_ACCESS_SHIFT) & 3;
	struct vpit_channel *c;

	if (n == 3)
		return;         /* read-back command: not emulated */
	c = &p->ch[n];
	if (access == PIT_ACCESS_LATCH) {
		if (!c->latched) {
			c->latch = current_count(c, now);
			c->latched = true;
		}
		return;
	}
	c->access = access;
	c->mode = (v >> PIT_MODE_SHIFT) & 7;
	if (c->mode > PIT_MODE_SQUARE)
		c->mode &= 3;   /* modes 6 and 7 are 2 and 3 */
	c->write_hi = c->read_hi = c->latched = false;
	c->reload = 0;          /* a new control word stops the channel */
	if (n == 0)
		p->next_irq = NEVER;
}

uint8_t vpit_in(struct vpit *p, uint16_t port, uint64_t now)
{
	const struct vpit_channel *c2 = &p->ch[2];

	if (port == SYS_CTRL_B) {
		/* OUT2 is high once a one-shot count ran out. */
		bool out2 = c2->reload && !periodic(c2) && elapsed(c2, now) >= c2->reload;

		return (p->gate2 ? SYS_CTRL_B_GATE2 : 0) | (out2 ? SYS_CTRL_B_OUT2 : 0);
	}
	if (port == PIT_CONTROL)
		return 0xff;
	return read_count(&p->ch[port - PIT_CH0], now);
}

void vpit_out(struct vpit *p, uint16_t port, uint8_t v, uint64_t now)
{
	if (port == SYS_CTRL_B) {
		bool gate = v & SYS_CTRL_B_GATE2;

		if (gate && !p->gate2)
			p->ch[2].start = now;   /* a rising gate restarts channel 2 */
		p->gate2 = gate;
	} else if (port == PIT_CONTROL) {
		write_control(p, v, now);
	} else {
		write_count(p, port - PIT_CH0, v, now);
	}
}
