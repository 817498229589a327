/*
 * vlapic.c - the virtual local APIC of a vCPU, xAPIC mode.
 *
 * Pure state machine, run in VMX root on APIC-page and IA32_APIC_BASE
 * accesses and before VM entries; time is the guest's TSC, handed in.
 * SDM Vol. 3, "Advanced Programmable Interrupt Controller (APIC)":
 * "Local APIC State After Power-Up or Reset", "Task and Processor
 * Priorities", "Interrupt Acceptance for Fixed Interrupts", "Error
 * Handling", "APIC Timer", "Issuing Interrupt Command Register".
 */
#include "hv/vlapic.h"
#include "lib/apic.h"
#include "lib/msr.h"
#include "lib/string.h"

#define NO_VECTOR       -1
#define LVT_ALL_MASKED  APIC_LVT_MASKED

/* What a guest may write into each LVT entry (KVM's apic_lvt_mask, less
 * the read-only delivery status; bit 18, TSC-deadline mode, is reserved
 * because CPUID does not offer that mode). */
static const uint32_t lvt_writable[VLAPIC_LVT_COUNT] = {
	[VLAPIC_LVT_TIMER]   = APIC_LVT_MASKED | APIC_TIMER_PERIODIC | APIC_VECTOR_MASK,
	[VLAPIC_LVT_THERMAL] = APIC_LVT_MASKED | APIC_DELIVERY_MASK | APIC_VECTOR_MASK,
	[VLAPIC_LVT_PERF]    = APIC_LVT_MASKED | APIC_DELIVERY_MASK | APIC_VECTOR_MASK,
	[VLAPIC_LVT_LINT0]   = APIC_LVT_MASKED | APIC_TRIGGER_LEVEL | APIC_LVT_POLARITY_LOW |
			       APIC_DELIVERY_MASK | APIC_VECTOR_MASK,
	[VLAPIC_LVT_LINT1]   = APIC_LVT_MASKED | APIC_TRIGGER_LEVEL | APIC_LVT_POLARITY_LOW |
			       APIC_DELIVERY_MASK | APIC_VECTOR_MASK,
	[VLAPIC_LVT_ERROR]   = APIC_LVT_MASKED | APIC_VECTOR_MASK,
};

/* The ICR's writable bits: vector, delivery mode, destination mode,
 * level, trigger mode, shorthand. */
#define ICR_LOW_WRITABLE (APIC_VECTOR_MASK | APIC_DELIVERY_MASK | APIC_ICR_DEST_LOGICAL | \
			  APIC_ICR_LEVEL_ASSERT | APIC_TRIGGER_LEVEL | APIC_ICR_SHORTHAND_MASK)
#define HIGH_BYTE       0xff000000u     /* ID, LDR and ICR destination: bits 31:24 */
#define DFR_MODEL_MASK  0xf0000000u     /* bits 27:0 of DFR read as ones */
#define SVR_WRITABLE    (APIC_VECTOR_MASK | APIC_SVR_ENABLE | APIC_SVR_FOCUS_OFF)
#define DCR_WRITABLE    0xbu
#define BROADCAST       0xffu

/* ---- 256-bit registers (IRR, ISR, TMR) ------------------------------ */

static void set_bit256(uint32_t *r, unsigned v)
{
	r[v / 32] |= 1u << (v % 32);
}

static void clear_bit256(uint32_t *r, unsigned v)
{
	r[v / 32] &= ~(1u << (v % 32));
}

static bool test_bit256(const uint32_t *r, unsigned v)
{
	return r[v / 32] & (1u << (v % 32));
}

static int highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return NO_VECTOR;
}

/* ---- State ----------------------------------------------------------- */

bool vlapic_hw_enabled(const struct vlapic *a)
{
	return a->base & APIC_BASE_EN;
}

/* Accepting and delivering fixed interrupts needs both enables (KVM's
 * apic_enabled). */
static bool enabled(const struct vlapic *a)
{
	return vlapic_hw_enabled(a) && (a->svr & APIC_SVR_ENABLE);
}

/* SDM "Processor Priority Register (PPR)": the task priority, or the
 * class of the highest interrupt in service if that is higher. */
static uint32_t ppr(const struct vlapic *a)
{
	int isrv = highest(a->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

/* An error (ESR bits) is detected: it is kept until the next ESR write,
 * and raises the LVT error interrupt if that is unmasked. The error
 * vector is set straight into IRR: an illegal error vector is not
 * reported again, so that one error cannot loop. */
static void error(struct vlapic *a, uint32_t bits)
{
	uint32_t lvt = a->lvt[VLAPIC_LVT_ERROR];
	unsigned v = lvt & APIC_VECTOR_MASK;

	a->esr_pending |= bits;
	if (!(lvt & APIC_LVT_MASKED) && v >= APIC_FIRST_LEGAL_VECTOR && enabled(a)) {
		set_bit256(a->irr, v);
		clear_bit256(a->tmr, v);
	}
}

void vlapic_set_irq(struct vlapic *a, unsigned vector, bool level)
{
	vector &= APIC_VECTOR_MASK;
	if (!enabled(a))
		return;
	if (vector < APIC_FIRST_LEGAL_VECTOR) {
		error(a, APIC_ESR_RECEIVE_ILLEGAL_VECTOR);
		return;
	}
	set_bit256(a->irr, vector);
	if (level)
		set_bit256(a->tmr, vector);
	else
		clear_bit256(a->tmr, vector);
}

int vlapic_pending(const struct vlapic *a)
{
	int irrv = highest(a->irr);

	if (!enabled(a) || irrv < 0 || ((uint32_t)irrv & 0xf0) <= (ppr(a) & 0xf0))
		return NO_VECTOR;
	return irrv;
}

int vlapic_highest_irr(const struct vlapic *a)
{
	return enabled(a) ? highest(a->irr) : NO_VECTOR;
}

int vlapic_ack(struct vlapic *a)
{
	int v = vlapic_pending(a);

	if (v >= 0) {
		clear_bit256(a->irr, (unsigned)v);
		set_bit256(a->isr, (unsigned)v);
	}
	return v;
}

int vlapic_eoi(struct vlapic *a)
{
	int v = highest(a->isr);

	if (v < 0)
		return NO_VECTOR;
	clear_bit256(a->isr, (unsigned)v);
	return test_bit256(a->tmr, (unsigned)v) ? v | 0x100 : v;
}

/* ---- The timer (SDM "APIC Timer") ---------------------------------- */

/* Divide configuration: bits 3 and 1:0 make a 3-bit value n; the divisor
 * is 2^(n+1), and n = 7 means 1. */
static uint32_t divisor(uint32_t dcr)
{
	uint32_t n = (dcr & 3) | ((dcr & 8) >> 1);

	return 1u << ((n + 1) & 7);
}

/* Timer ticks in (tsc) TSC ticks, rounded down. */
static uint64_t ticks_in(const struct vlapic *a, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * a->bus_per_tsc) >> 32) / a->divide;
}

/* TSC ticks of (n) timer ticks, rounded up (the count reaches 0 no
 * earlier than the bus clock says). */
static uint64_t tsc_of(const struct vlapic *a, uint64_t n)
{
	unsigned __int128 t = (unsigned __int128)n * a->divide * a->tsc_per_bus;

	return (uint64_t)((t + 0xffffffffu) >> 32);
}

static bool periodic(const struct vlapic *a)
{
	return (a->lvt[VLAPIC_LVT_TIMER] & APIC_TIMER_MODE_MASK) == APIC_TIMER_PERIODIC;
}

/* The count starts at (count) at TSC (now). */
static void count_from(struct vlapic *a, uint32_t count, uint64_t now)
{
	uint64_t t = count ? tsc_of(a, count) : 0;

	a->count_at = count;
	a->counted_from = now;
	/* A guest that set its TSC near 2^64 gets a deadline that does not
	 * wrap to the past. */
	a->deadline = !count ? VLAPIC_NO_EVENT :
		      now + t < now ? VLAPIC_NO_EVENT - 1 : now + t;
}

static uint32_t current_count(const struct vlapic *a, uint64_t now)
{
	uint64_t gone;

	if (a->deadline == VLAPIC_NO_EVENT || now >= a->deadline)
		return 0;
	gone = ticks_in(a, now - a->counted_from);
	return gone >= a->count_at ? 0 : a->count_at - (uint32_t)gone;
}

void vlapic_update(struct vlapic *a, uint64_t now)
{
	uint32_t lvt = a->lvt[VLAPIC_LVT_TIMER];
	uint64_t period, from;

	if (a->deadline == VLAPIC_NO_EVENT || now < a->deadline)
		return;
	if (!(lvt & APIC_LVT_MASKED))
		vlapic_set_irq(a, lvt & APIC_VECTOR_MASK, false);
	if (!periodic(a)) {
		count_from(a, 0, now);
		return;
	}
	/* Reload from the moment the count reached 0, skipping whole
	 * periods that passed meanwhile: the next deadline is after (now). */
	period = tsc_of(a, a->timer_initial);
	from = a->deadline + (now - a->deadline) / period * period;
	count_from(a, a->timer_initial, from);
}

uint64_t vlapic_next_event(const struct vlapic *a)
{
	if (!enabled(a) || (a->lvt[VLAPIC_LVT_TIMER] & APIC_LVT_MASKED))
		return VLAPIC_NO_EVENT;
	return a->deadline;
}

/* ---- Interrupt command register ---------------------------------------- */

/* Does the ICR's destination field name this APIC? SDM "Determining IPI
 * Destination": physical, or logical in the flat or cluster model. */
static bool is_destination(const struct vlapic *a, uint32_t icr_low)
{
	uint32_t dest = a->icr_high >> APIC_ICR_DEST_SHIFT;
	uint32_t ldr = a->ldr >> APIC_ID_SHIFT;

	if (dest == BROADCAST)
		return true;
	if (!(icr_low & APIC_ICR_DEST_LOGICAL))
		return dest == a->id >> APIC_ID_SHIFT;
	if ((a->dfr & DFR_MODEL_MASK) == DFR_MODEL_MASK)        /* flat */
		return (ldr & dest) != 0;
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);  /* cluster */
}

/* A write to the ICR's low half sends the IPI. With one vCPU, every
 * destination is this APIC or nobody. INIT and STARTUP to oneself are
 * not emulated (a single-vCPU VM has no AP to start). */
static void send_ipi(struct vlapic *a, uint32_t icr)
{
	uint32_t mode = icr & APIC_DELIVERY_MASK;
	unsigned vector = icr & APIC_VECTOR_MASK;
	bool self;

	switch (icr & APIC_ICR_SHORTHAND_MASK) {
	case APIC_ICR_SELF:
	case APIC_ICR_ALL_INCL_SELF:
		self = true;
		break;
	case APIC_ICR_ALL_EXCL_SELF:
		self = false;
		break;
	default:
		self = is_destination(a, icr);
		break;
	}
	if (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) {
		/* SDM "Error Handling": an illegal vector is never delivered.
		 * A self IPI counts as received ("...or via a self IPI", as
		 * Bochs reports it); a message that goes out, as sent. */
		if (vector < APIC_FIRST_LEGAL_VECTOR) {
			error(a, (icr & APIC_ICR_SHORTHAND_MASK) == APIC_ICR_SELF ?
				 APIC_ESR_RECEIVE_ILLEGAL_VECTOR : APIC_ESR_SEND_ILLEGAL_VECTOR);
			return;
		}
		if (self)
			vlapic_set_irq(a, vector, icr & APIC_TRIGGER_LEVEL);
	} else if (mode == APIC_DM_NMI && self) {
		a->nmi = true;
	}
}

/* ---- Registers --------------------------------------------------------- */

static bool is_lvt(uint32_t offset)
{
	return offset >= APIC_LVT_TIMER && offset <= APIC_LVT_ERROR;
}

static bool is_256(uint32_t offset, uint32_t first)
{
	return offset >= first && offset < first + 0x80;
}

uint32_t vlapic_read(struct vlapic *a, uint32_t offset, uint64_t now)
{
	if (offset & 0xf)
		return 0;
	vlapic_update(a, now);
	if (is_lvt(offset))
		return a->lvt[(offset - APIC_LVT_TIMER) >> 4];
	if (is_256(offset, APIC_ISR))
		return a->isr[(offset - APIC_ISR) >> 4];
	if (is_256(offset, APIC_TMR))
		return a->tmr[(offset - APIC_TMR) >> 4];
	if (is_256(offset, APIC_IRR))
		return a->irr[(offset - APIC_IRR) >> 4];
	switch (offset) {
	case APIC_ID:            return a->id;
	case APIC_VERSION:       return VLAPIC_VERSION |
				 ((VLAPIC_LVT_COUNT - 1) << APIC_VERSION_MAX_LVT_SHIFT);
	case APIC_TPR:           return a->tpr;
	case APIC_APR:           return 0;      /* as KVM: no bus arbitration */
	case APIC_PPR:           return ppr(a);
	case APIC_EOI:           return 0;      /* write-only */
	case APIC_LDR:           return a->ldr;
	case APIC_DFR:           return a->dfr;
	case APIC_SVR:           return a->svr;
	case APIC_ESR:           return a->esr;
	case APIC_ICR_LOW:       return a->icr_low;
	case APIC_ICR_HIGH:      return a->icr_high;
	case APIC_TIMER_INITIAL: return a->timer_initial;
	case APIC_TIMER_CURRENT: return current_count(a, now);
	case APIC_TIMER_DIVIDE:  return a->timer_dcr;
	default:
		error(a, APIC_ESR_ILLEGAL_REGISTER);
		return 0;
	}
}

static void write_lvt(struct vlapic *a, unsigned i, uint32_t val)
{
	/* SDM "Local APIC State After It Has Been Software Disabled": the
	 * mask bits stay set until software enables the APIC again. */
	if (!(a->svr & APIC_SVR_ENABLE))
		val |= APIC_LVT_MASKED;
	a->lvt[i] = val & lvt_writable[i];
}

static void write_svr(struct vlapic *a, uint32_t val)
{
	a->svr = val & SVR_WRITABLE;
	if (!(a->svr & APIC_SVR_ENABLE))
		for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++)
			a->lvt[i] |= APIC_LVT_MASKED;
}

/* A running count goes on from where it is, at the new rate (as KVM
 * rescales the time left). */
static void write_dcr(struct vlapic *a, uint32_t val, uint64_t now)
{
	bool running = a->deadline != VLAPIC_NO_EVENT;
	uint32_t left = current_count(a, now);

	a->timer_dcr = val & DCR_WRITABLE;
	a->divide = divisor(a->timer_dcr);
	if (running)
		count_from(a, left ? left : 1, now);
}

void vlapic_write(struct vlapic *a, uint32_t offset, uint32_t val, uint64_t now)
{
	if (offset & 0xf)
		return;
	vlapic_update(a, now);
	if (is_lvt(offset)) {
		write_lvt(a, (offset - APIC_LVT_TIMER) >> 4, val);
		return;
	}
	/* Read-only registers ignore writes, as in KVM's xAPIC. */
	if (is_256(offset, APIC_ISR) || is_256(offset, APIC_TMR) || is_256(offset, APIC_IRR))
		return;
	switch (offset) {
	case APIC_ID:       a->id = val & HIGH_BYTE; break;
	case APIC_TPR:      a->tpr = val & 0xff; break;
	case APIC_EOI:      vlapic_eoi(a); break;
	case APIC_LDR:      a->ldr = val & HIGH_BYTE; break;
	case APIC_DFR:      a->dfr = (val & DFR_MODEL_MASK) | ~DFR_MODEL_MASK; break;
	case APIC_SVR:      write_svr(a, val); break;
	case APIC_ESR:
		/* SDM "Error Handling": a write makes ESR show the errors seen
		 * since the previous write, and starts collecting anew. */
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case APIC_ICR_LOW:
		a->icr_low = val & ICR_LOW_WRITABLE;
		send_ipi(a, a->icr_low);
		break;
	case APIC_ICR_HIGH: a->icr_high = val & HIGH_BYTE; break;
	case APIC_TIMER_INITIAL:
		a->timer_initial = val;
		count_from(a, val, now);
		break;
	case APIC_TIMER_DIVIDE:
		write_dcr(a, val, now);
		break;
	case APIC_VERSION:
	case APIC_APR:
	case APIC_PPR:
	case APIC_TIMER_CURRENT:
		break;
	default:
		error(a, APIC_ESR_ILLEGAL_REGISTER);
		break;
	}
}

/* ---- IA32_APIC_BASE, LINT pins, CR8 ---------------------------------- */

uint64_t vlapic_base(const struct vlapic *a)
{
	return a->base;
}

int vlapic_set_base(struct vlapic *a, uint64_t val)
{
	if (val & a->base_reserved)
		return -1;
	if (!a->bsp)
		val &= ~(uint64_t)APIC_BASE_BSP;
	a->base = val;
	return 0;
}

bool vlapic_mmio(const struct vlapic *a, uint64_t gpa)
{
	return vlapic_hw_enabled(a) && (gpa & APIC_BASE_ADDR_MASK & ~(uint64_t)(APIC_PAGE_SIZE - 1)) ==
	       (a->base & APIC_BASE_ADDR_MASK);
}

enum vlapic_lint_action vlapic_lint(struct vlapic *a, unsigned pin)
{
	uint32_t lvt = a->lvt[pin ? VLAPIC_LVT_LINT1 : VLAPIC_LVT_LINT0];

	/* SDM "Local Vector Table": with the APIC globally disabled, LINT0
	 * and LINT1 are the CPU's INTR and NMI pins. */
	if (!vlapic_hw_enabled(a)) {
		if (!pin)
			return VLAPIC_LINT_EXTINT;
		a->nmi = true;
		return VLAPIC_LINT_NMI;
	}
	if (lvt & APIC_LVT_MASKED)
		return VLAPIC_LINT_NONE;
	switch (lvt & APIC_DELIVERY_MASK) {
	case APIC_DM_FIXED:
		vlapic_set_irq(a, lvt & APIC_VECTOR_MASK, lvt & APIC_TRIGGER_LEVEL);
		return VLAPIC_LINT_NONE;
	case APIC_DM_NMI:
		a->nmi = true;
		return VLAPIC_LINT_NMI;
	case APIC_DM_EXTINT:
		return VLAPIC_LINT_EXTINT;
	default:
		return VLAPIC_LINT_NONE;
	}
}

bool vlapic_extint_open(const struct vlapic *a)
{
	uint32_t lvt0 = a->lvt[VLAPIC_LVT_LINT0];

	return !vlapic_hw_enabled(a) ||
	       (!(lvt0 & APIC_LVT_MASKED) && (lvt0 & APIC_DELIVERY_MASK) == APIC_DM_EXTINT);
}

bool vlapic_take_nmi(struct vlapic *a)
{
	bool nmi = a->nmi;

	a->nmi = false;
	return nmi;
}

uint8_t vlapic_cr8(const struct vlapic *a)
{
	return (uint8_t)((a->tpr >> 4) & 0xf);
}

void vlapic_set_cr8(struct vlapic *a, uint8_t cr8)
{
	a->tpr = (uint32_t)(cr8 & 0xf) << 4;
}

void vlapic_init(struct vlapic *a, uint8_t id, bool bsp, uint64_t tsc_khz, unsigned maxphyaddr)
{
	memset(a, 0, sizeof(*a));
	a->bsp = bsp;
	a->base = APIC_DEFAULT_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0);
	/* Bits 7:0 and 9 are reserved, 10 (x2APIC) is while x2APIC is not
	 * emulated, and so is every bit from MAXPHYADDR up. */
	a->base_reserved = 0x6ffull | (maxphyaddr < 64 ? ~0ull << maxphyaddr : 0);
	a->id = (uint32_t)id << APIC_ID_SHIFT;
	a->dfr = APIC_DFR_FLAT;
	a->svr = 0xff;
	for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++)
		a->lvt[i] = LVT_ALL_MASKED;
	if (bsp)
		a->lvt[VLAPIC_LVT_LINT0] = APIC_DM_EXTINT;
	a->divide = divisor(0);
	a->deadline = VLAPIC_NO_EVENT;
	if (tsc_khz == 0)
		tsc_khz = 1;
	a->bus_per_tsc = ((uint64_t)VLAPIC_BUS_KHZ << 32) / tsc_khz;
	a->tsc_per_bus = (tsc_khz << 32) / VLAPIC_BUS_KHZ;
}

/* The best fraction p/q of tsc_khz / VLAPIC_BUS_KHZ with p at most
 * max_p: the last convergent of its continued fraction that fits. */
void vlapic_cpuid_15h(uint64_t tsc_khz, uint32_t *eax, uint32_t *ebx, uint32_t *ecx)
{
	const uint64_t max_p = UINT32_MAX / VLAPIC_BUS_KHZ;
	uint64_t a = tsc_khz, b = VLAPIC_BUS_KHZ;
	uint64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;     /* convergents n-2 and n-1 */

	while (b) {
		uint64_t c = a / b, p = c * p1 + p0, q = c * q1 + q0, r = a % b;

		if (p > max_p || q > UINT32_MAX)
			break;
		p0 = p1, q0 = q1, p1 = p, q1 = q;
		a = b;
		b = r;
	}
	*ebx = (uint32_t)p1;
	*eax = (uint32_t)(q1 ? q1 : 1);
	*ecx = VLAPIC_BUS_KHZ * 1000u;
}
