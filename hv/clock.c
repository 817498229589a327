/*
 * clock.c - calibrate the TSC against the PIT, and convert between them.
 *
 * Runs in 64-bit ring 0 at boot. PIT channel 2, gated through port 0x61,
 * counts down once in mode 0 and raises its output at zero; the TSC ticks
 * in between give the rate. Under Bochs the TSC counts instructions and
 * the PIT follows its instructions-per-second setting, so the figure is
 * exact there too.
 */
#include "hv/clock.h"
#include "lib/console.h"
#include "lib/i8254.h"
#include "lib/x86.h"

#define CALIBRATE_MS 10
#define CALIBRATE_COUNT (PIT_HZ * CALIBRATE_MS / 1000)
#define SPIN_LIMIT 100000000ULL         /* no PIT at all: give up, say so */
#define FALLBACK_TSC_HZ 1000000000ULL

static uint64_t tsc_hz;
static uint64_t tsc_per_pit_q32;        /* TSC ticks per PIT tick, 32.32 fixed point */
static uint64_t pit_per_tsc_q32;        /* PIT ticks per TSC tick, 32.32 fixed point */

void clock_init(void)
{
	uint8_t ctrl = inb(SYS_CTRL_B);
	uint64_t t0, t1, spins = 0;

	/* Gate channel 2 on with the speaker off, load the count: mode 0
	 * starts counting at once and raises OUT2 at zero. */
	outb(SYS_CTRL_B, (ctrl & ~SYS_CTRL_B_SPEAKER) | SYS_CTRL_B_GATE2);
	outb(PIT_CONTROL, PIT_CONTROL_WORD(2, PIT_ACCESS_LOHI, PIT_MODE_ONESHOT));
	outb(PIT_CH2, CALIBRATE_COUNT & 0xff);
	outb(PIT_CH2, CALIBRATE_COUNT >> 8);
	t0 = rdtsc();
	while (!(inb(SYS_CTRL_B) & SYS_CTRL_B_OUT2) && ++spins < SPIN_LIMIT)
		pause();
	t1 = rdtsc();
	outb(SYS_CTRL_B, ctrl);

	if (spins == SPIN_LIMIT || t1 <= t0) {
		tsc_hz = FALLBACK_TSC_HZ;
		klog("clock: the PIT did not count; assuming a %lu MHz TSC\n",
		     (unsigned long)(tsc_hz / 1000000));
	} else {
		tsc_hz = (t1 - t0) * 1000 / CALIBRATE_MS;
		klog("clock: TSC runs at %lu kHz (measured against the PIT over %d ms)\n",
		     (unsigned long)(tsc_hz / 1000), CALIBRATE_MS);
	}
	/* Whole and fractional parts apart, so that no step overflows. */
	tsc_per_pit_q32 = ((tsc_hz / PIT_HZ) << 32) | (((tsc_hz % PIT_HZ) << 32) / PIT_HZ);
	pit_per_tsc_q32 = ((uint64_t)PIT_HZ << 32) / tsc_hz;
}

uint64_t clock_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t clock_pit_to_tsc(uint64_t n)
{
	return (uint64_t)(((unsigned __int128)n * tsc_per_pit_q32) >> 32);
}

uint64_t clock_tsc_to_pit(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * pit_per_tsc_q32) >> 32);
}
