/*
 * clock.c - calibrate the TSC against the PIT, and convert between them.
 *
 * Runs in 64-bit ring 0 at boot. PIT channel 2, gated through port 0x61,
 * counts down once in mode 0 and raises its output at zero; the TSC ticks
 * in between give the rate. Under Bochs the TSC counts instructions and
 * the PIT follows its instructions-per-second setting, so the figure is
 * exact there too. The wall-clock time is read once from the PC's CMOS
 * RTC, so that each VM's RTC (hv/vrtc.c) starts from it.
 */
#include "hv/clock.h"
#include "hv/vrtc.h"
#include "lib/console.h"
#include "lib/i8254.h"
#include "lib/x86.h"

#define CALIBRATE_MS 10
#define CALIBRATE_COUNT (PIT_HZ * CALIBRATE_MS / 1000)
#define SPIN_LIMIT 100000000ULL         /* no PIT at all: give up, say so */
#define FALLBACK_TSC_HZ 1000000000ULL

static uint64_t tsc_hz;
static uint64_t wall_seconds, wall_tsc;  /* the RTC's time, and when it was read */
static uint64_t tsc_per_pit_q32;        /* TSC ticks per PIT tick, 32.32 fixed point */
static uint64_t pit_per_tsc_q32;        /* PIT ticks per TSC tick, 32.32 fixed point */

static uint8_t cmos(uint8_t reg)
{
	outb(VRTC_INDEX, reg);
	return inb(VRTC_DATA);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 0xf);
}

/* The host's date and time from its CMOS RTC, taken right after an
 * update (UIP seen set, then clear) so that the seconds are whole. The
 * RTC is taken to keep UTC, as Linux and most PCs set it. A machine with
 * no RTC (all ones) starts its VMs' clocks at 2000-01-01. */
static void read_wall_clock(void)
{
	struct vrtc_tm tm = { 2000, 1, 1, 0, 0, 0, 0 };
	uint64_t spins = 0;
	uint8_t b = cmos(RTC_REG_B), h;
	bool bin = b & RTC_B_DM;

	while (!(cmos(RTC_REG_A) & RTC_A_UIP) && ++spins < SPIN_LIMIT / 100)
		pause();
	while ((cmos(RTC_REG_A) & RTC_A_UIP) && ++spins < SPIN_LIMIT / 100)
		pause();
	wall_tsc = rdtsc();
	if (b != 0xff) {
		tm.sec = bcd(cmos(RTC_SECONDS), bin);
		tm.min = bcd(cmos(RTC_MINUTES), bin);
		h = cmos(RTC_HOURS);
		tm.hour = bcd(h & 0x7f, bin);
		if (!(b & RTC_B_24H))
			tm.hour = tm.hour % 12 + (h & 0x80 ? 12 : 0);
		tm.mday = bcd(cmos(RTC_MDAY), bin);
		tm.month = bcd(cmos(RTC_MONTH), bin);
		tm.year = 2000 + bcd(cmos(RTC_YEAR), bin);
	}
	wall_seconds = vrtc_from_tm(&tm);
}

void clock_wall(uint64_t *seconds, uint64_t *tsc)
{
	*seconds = wall_seconds;
	*tsc = wall_tsc;
}

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
	read_wall_clock();
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
