/*
 * time.c - the guest kernel's periodic timer and monotonic clock.
 *
 * Runs in ring 0. The PIT's channel 0 interrupts at the chosen rate
 * through the master 8259 (IRQ0, remapped to vector 0x20); the tick count
 * is the coarse clock, and the TSC, calibrated against PIT channel 2, the
 * fine one. The same code drives a PC's real PIT and PIC and mica's virtual
 * ones (hv/vpit.c, hv/vpic.c).
 */
#include "guest/kernel/hv.h"
#include "guest/kernel/time.h"
#include "hv/include/hvabi.h"
#include "lib/console.h"
#include "lib/i8254.h"
#include "lib/i8259.h"
#include "lib/trap.h"
#include "lib/x86.h"

#define IRQ_BASE_MASTER 0x20    /* IRQ0-7 -> vectors 0x20-0x27, past the exceptions */
#define IRQ_BASE_SLAVE  0x28
#define VEC_TIMER       (IRQ_BASE_MASTER + 0)
#define CALIBRATE_PIT_TICKS 30000     /* 25 ms of the PIT's 1.19 MHz */
#define CALIBRATE_TRIES 5
#define CALIBRATE_RUNS 5
#define CALIBRATE_TIMER_TICKS 10
#define NS_PER_S        1000000000ULL

static volatile uint64_t ticks;
static unsigned hz;
static uint64_t tsc_hz, tsc0, ns_per_tsc_q32;
static void (*tick_hook)(struct trap_frame *tf);

static bool on_timer(struct trap_frame *tf)
{
	ticks++;
	outb(PIC_MASTER_CMD, OCW2_EOI);
	/* After the EOI: the hook may switch to another process, and the
	 * next tick must be able to come meanwhile. */
	if (tick_hook)
		tick_hook(tf);
	return true;
}

void time_set_tick_hook(void (*fn)(struct trap_frame *tf))
{
	tick_hook = fn;
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

/* The count of PIT channel 2 now, frozen by a latch command. */
static uint16_t read_ch2(void)
{
	uint8_t lo, hi;

	outb(PIT_CONTROL, PIT_CONTROL_WORD(2, PIT_ACCESS_LATCH, 0));
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return (uint16_t)(lo | hi << 8);
}

/*
 * A count of channel 2 and the TSC at that moment. Reading the count takes
 * three port accesses; under mica another VM may run in between, so the
 * sample with the shortest span of a few is kept, and its midpoint used.
 */
static void sample(uint16_t *count, uint64_t *tsc)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < CALIBRATE_TRIES; i++) {
		uint64_t before = rdtsc();
		uint16_t c = read_ch2();
		uint64_t after = rdtsc();

		if (after - before < best) {
			best = after - before;
			*count = c;
			*tsc = before + best / 2;
		}
	}
}

/*
 * TSC ticks per second, against PIT channel 2 counting down once from
 * 0xffff (55 ms). Counts are read, not interrupts waited for, so the
 * result does not depend on when timer interrupts arrive: under mica,
 * with other VMs sharing the CPU, they can be late.
 */
static void calibrate_pit(void)
{
	uint8_t ctrl = inb(SYS_CTRL_B);
	uint16_t c0 = 0, c1 = 0;
	uint64_t t0 = 0, t1 = 0;

	/* A count that ran out (the VM was off the CPU for the whole 55 ms)
	 * says nothing about when: start again. */
	for (int run = 0; run < CALIBRATE_RUNS; run++) {
		outb(SYS_CTRL_B, (ctrl & ~SYS_CTRL_B_SPEAKER) | SYS_CTRL_B_GATE2);
		outb(PIT_CONTROL, PIT_CONTROL_WORD(2, PIT_ACCESS_LOHI, PIT_MODE_ONESHOT));
		outb(PIT_CH2, 0xff);
		outb(PIT_CH2, 0xff);
		sample(&c0, &t0);
		do {
			sample(&c1, &t1);
		} while (c1 != 0 && c1 <= c0 && c0 - c1 < CALIBRATE_PIT_TICKS);
		outb(SYS_CTRL_B, ctrl);
		if (c1 != 0 && c1 < c0)
			break;
	}
	if (c1 != 0 && c1 < c0) {
		tsc_hz = (t1 - t0) * PIT_HZ / (uint64_t)(c0 - c1);
	} else {
		/* No usable channel 2: count TSC ticks over timer ticks. */
		uint64_t k = ticks;

		klog("time: PIT channel 2 did not count; calibrating over timer ticks\n");
		while (ticks == k)
			hlt();
		t0 = rdtsc();
		k = ticks;
		while (ticks < k + CALIBRATE_TIMER_TICKS)
			hlt();
		tsc_hz = (rdtsc() - t0) * hz / CALIBRATE_TIMER_TICKS;
	}
}

/* The TSC rate: from mica when it runs us (CPUID leaf 0x40000001 EBX,
 * hv/include/hvabi.h), else measured against the PIT. */
static const char *calibrate(void)
{
	uint64_t khz = hv_detect() ? cpuid(HVABI_CPUID_INFO, 0).ebx : 0;

	if (khz) {
		tsc_hz = khz * 1000;
	} else {
		calibrate_pit();
	}
	/* Whole and fractional parts apart, so that no step overflows. */
	ns_per_tsc_q32 = ((NS_PER_S / tsc_hz) << 32) | (((NS_PER_S % tsc_hz) << 32) / tsc_hz);
	tsc0 = rdtsc();
	return khz ? "told by mica" : "measured against the PIT";
}

void time_init(unsigned rate)
{
	const char *how;

	hz = rate ? rate : TIME_DEFAULT_HZ;
	trap_set_handler(VEC_TIMER, on_timer);
	pic_init();
	pit_init(hz);
	sti();
	how = calibrate();
	klog("time: timer at %u Hz (PIT divisor %u), TSC at %lu kHz (%s)\n", hz,
	     (unsigned)(PIT_HZ / hz), (unsigned long)(tsc_hz / 1000), how);
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
	uint64_t target = ticks + (ms / 1000) * hz + ((ms % 1000) * hz + 999) / 1000;

	/* Check and halt with interrupts off, then STI;HLT: a tick between
	 * the check and the halt would otherwise be slept through. */
	for (;;) {
		cli();
		if (ticks >= target)
			break;
		__asm__ volatile("sti; hlt" ::: "memory");
	}
	sti();
}
