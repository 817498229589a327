/*
 * time.c - the guest kernel's periodic timer and monotonic clock.
 *
 * Runs in ring 0. The PIT's channel 0 interrupts at the chosen rate
 * through the master 8259 (IRQ0, remapped to vector 0x20); the tick count
 * is the coarse clock, and the TSC, calibrated over a few ticks, the fine
 * one. The same code drives a PC's real PIT and PIC and mica's virtual
 * ones (hv/vpit.c, hv/vpic.c).
 */
#include "guest/kernel/time.h"
#include "lib/console.h"
#include "lib/i8254.h"
#include "lib/i8259.h"
#include "lib/trap.h"
#include "lib/x86.h"

#define IRQ_BASE_MASTER 0x20    /* IRQ0-7 -> vectors 0x20-0x27, past the exceptions */
#define IRQ_BASE_SLAVE  0x28
#define VEC_TIMER       (IRQ_BASE_MASTER + 0)
#define CALIBRATE_TICKS_MIN 2
#define NS_PER_S        1000000000ULL

static volatile uint64_t ticks;
static unsigned hz;
static uint64_t tsc_hz, tsc0, ns_per_tsc_q32;

static bool on_timer(struct trap_frame *tf)
{
	ticks++;
	outb(PIC_MASTER_CMD, OCW2_EOI);
	return true;
}

/* Remap the PICs away from the exception vectors and unmask IRQ0 only.
 * Intel 8259A, "Initialization Command Words". */
static void pic_init(void)
{
	outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_MASTER_DATA, IRQ_BASE_MASTER);
	outb(PIC_SLAVE_DATA, IRQ_BASE_SLAVE);
	outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);   /* slave on IRQ2 */
	outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);          /* its cascade identity */
	outb(PIC_MASTER_DATA, ICW4_8086);
	outb(PIC_SLAVE_DATA, ICW4_8086);
	outb(PIC_MASTER_DATA, 0xff & ~1u);              /* IRQ0 only */
	outb(PIC_SLAVE_DATA, 0xff);
}

static void pit_init(unsigned rate)
{
	uint32_t divisor = PIT_HZ / rate;

	if (divisor < 1)
		divisor = 1;
	if (divisor > 0xffff)
		divisor = 0xffff;
	outb(PIT_CONTROL, PIT_CONTROL_WORD(0, PIT_ACCESS_LOHI, PIT_MODE_RATE));
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
}

/* Count TSC ticks over whole timer periods, starting at a tick edge. */
static void calibrate(void)
{
	uint64_t n = hz / 10 > CALIBRATE_TICKS_MIN ? hz / 10 : CALIBRATE_TICKS_MIN;
	uint64_t k, t0, t1;

	k = ticks;
	while (ticks == k)
		hlt();
	t0 = rdtsc();
	k = ticks;
	while (ticks < k + n)
		hlt();
	t1 = rdtsc();
	tsc_hz = (t1 - t0) * hz / n;
	/* Whole and fractional parts apart, so that no step overflows. */
	ns_per_tsc_q32 = ((NS_PER_S / tsc_hz) << 32) | (((NS_PER_S % tsc_hz) << 32) / tsc_hz);
	tsc0 = rdtsc();
}

void time_init(unsigned rate)
{
	hz = rate ? rate : TIME_DEFAULT_HZ;
	trap_set_handler(VEC_TIMER, on_timer);
	pic_init();
	pit_init(hz);
	sti();
	calibrate();
	klog("time: timer at %u Hz (PIT divisor %u), TSC at %lu kHz\n", hz,
	     (unsigned)(PIT_HZ / hz), (unsigned long)(tsc_hz / 1000));
}

uint64_t time_ticks(void)
{
	return ticks;
}

unsigned time_hz(void)
{
	return hz;
}

uint64_t time_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t time_ns(void)
{
	return (uint64_t)(((unsigned __int128)(rdtsc() - tsc0) * ns_per_tsc_q32) >> 32);
}

void time_sleep_ms(uint64_t ms)
{
	uint64_t target = ticks + (ms * hz + 999) / 1000;

	while (ticks < target)
		hlt();
}
