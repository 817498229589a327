/*
 * vrtc.c - the CMOS real-time clock of each VM.
 *
 * Runs in VMX root on I/O exits. The clock is not a ticking register
 * file: it is a TSC timestamp and the time at that moment, and every read
 * computes the field asked for, as the PIT model does (hv/vpit.c). Its
 * update cycle is shown as register A's UIP bit during the last 244 us of
 * each second, as the MC146818 sets it before it updates (QEMU's
 * mc146818rtc.c does the same), so a kernel that waits for UIP to clear
 * and reads the seconds twice (Linux's mc146818_get_time) gets one
 * consistent time. Writing a time field sets the clock; with register B's
 * SET bit the clock stands still until SET is cleared. No interrupt is
 * raised (periodic, alarm and update-ended interrupts are not modelled):
 * register C always reads 0.
 */
#include "hv/vrtc.h"
#include "lib/string.h"

#define UIP_US          244
#define SECONDS_PER_DAY 86400ULL

/* Days since 1970-01-01 of a civil date, and back (the proleptic
 * Gregorian calendar; H. Hinnant's "chrono-compatible low-level date
 * algorithms"). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	uint64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void vrtc_to_tm(uint64_t seconds, struct vrtc_tm *tm)
{
	uint64_t days = seconds / SECONDS_PER_DAY, rem = seconds % SECONDS_PER_DAY;
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	tm->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	tm->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (unsigned)(yoe + era * 400 + (tm->month <= 2));
	tm->hour = (unsigned)(rem / 3600);
	tm->min = (unsigned)(rem / 60 % 60);
	tm->sec = (unsigned)(rem % 60);
	tm->wday = (unsigned)((days + 4) % 7);  /* 1970-01-01 was a Thursday */
}

uint64_t vrtc_from_tm(const struct vrtc_tm *tm)
{
	return days_from_civil(tm->year, tm->month, tm->mday) * SECONDS_PER_DAY +
	       tm->hour * 3600ULL + tm->min * 60ULL + tm->sec;
}

void vrtc_init(struct vrtc *r, uint64_t seconds, uint64_t now, uint64_t tsc_hz)
{
	memset(r, 0, sizeof(*r));
	r->tsc_hz = tsc_hz ? tsc_hz : 1;
	r->base_tsc = now;
	r->base_seconds = seconds;
	r->ram[RTC_REG_A] = RTC_A_DEFAULT;
	r->ram[RTC_REG_B] = RTC_B_24H;
	r->ram[RTC_REG_D] = RTC_D_VRT;
}

/* The time now, in whole seconds; while SET stands, base_seconds. */
static uint64_t seconds_now(const struct vrtc *r, uint64_t now)
{
	if ((r->ram[RTC_REG_B] & RTC_B_SET) || now < r->base_tsc)
		return r->base_seconds;
	return r->base_seconds + (now - r->base_tsc) / r->tsc_hz;
}

static bool update_in_progress(const struct vrtc *r, uint64_t now)
{
	uint64_t into = now >= r->base_tsc ? (now - r->base_tsc) % r->tsc_hz : 0;

	if (r->ram[RTC_REG_B] & RTC_B_SET)
		return false;
	return into >= r->tsc_hz - r->tsc_hz / 1000000 * UIP_US;
}

static uint8_t encode(const struct vrtc *r, unsigned v)
{
	return r->ram[RTC_REG_B] & RTC_B_DM ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static unsigned decode(const struct vrtc *r, uint8_t v)
{
	return r->ram[RTC_REG_B] & RTC_B_DM ? v : (v >> 4) * 10u + (v & 0xf);
}

#define HOUR_PM 0x80    /* 12-hour mode: bit 7 of the hours */

static uint8_t encode_hour(const struct vrtc *r, unsigned h)
{
	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return encode(r, h);
	return encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? HOUR_PM : 0);
}

static unsigned decode_hour(const struct vrtc *r, uint8_t v)
{
	unsigned h;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return decode(r, v);
	h = decode(r, v & ~HOUR_PM) % 12;
	return v & HOUR_PM ? h + 12 : h;
}

static uint8_t read_reg(const struct vrtc *r, unsigned reg, uint64_t now)
{
	struct vrtc_tm tm;

	vrtc_to_tm(seconds_now(r, now), &tm);
	switch (reg) {
	case RTC_SECONDS: return encode(r, tm.sec);
	case RTC_MINUTES: return encode(r, tm.min);
	case RTC_HOURS: return encode_hour(r, tm.hour);
	case RTC_WEEKDAY: return encode(r, tm.wday + 1);
	case RTC_MDAY: return encode(r, tm.mday);
	case RTC_MONTH: return encode(r, tm.month);
	case RTC_YEAR: return encode(r, tm.year % 100);
	case RTC_CENTURY: return encode(r, tm.year / 100);
	case RTC_REG_A:
		return (uint8_t)((r->ram[RTC_REG_A] & ~RTC_A_UIP) |
				 (update_in_progress(r, now) ? RTC_A_UIP : 0));
	case RTC_REG_C: return 0;
	case RTC_REG_D: return RTC_D_VRT;
	default: return r->ram[reg];
	}
}

/* A time field written: the clock now shows it, counting on from here
 * (or standing, under SET). */
static void write_time(struct vrtc *r, unsigned reg, uint8_t v, uint64_t now)
{
	struct vrtc_tm tm;
	unsigned year;

	vrtc_to_tm(seconds_now(r, now), &tm);
	switch (reg) {
	case RTC_SECONDS: tm.sec = decode(r, v) % 60; break;
	case RTC_MINUTES: tm.min = decode(r, v) % 60; break;
	case RTC_HOURS: tm.hour = decode_hour(r, v) % 24; break;
	case RTC_MDAY: tm.mday = decode(r, v) ? decode(r, v) : 1; break;
	case RTC_MONTH: tm.month = decode(r, v) >= 1 && decode(r, v) <= 12 ? decode(r, v) : 1; break;
	case RTC_YEAR:
		year = decode(r, v) % 100;
		tm.year = tm.year / 100 * 100 + year;
		break;
	case RTC_CENTURY: tm.year = decode(r, v) % 100 * 100 + tm.year % 100; break;
	default: return;        /* the weekday follows from the date */
	}
	if (tm.year < 1970)
		tm.year = 1970;
	r->base_seconds = vrtc_from_tm(&tm);
	r->base_tsc = now;
}

uint8_t vrtc_in(struct vrtc *r, uint16_t port, uint64_t now)
{
	if (port == VRTC_INDEX)
		return 0xff;    /* write-only on a PC */
	return read_reg(r, r->index, now);
}

void vrtc_out(struct vrtc *r, uint16_t port, uint8_t v, uint64_t now)
{
	unsigned reg = r->index;

	if (port == VRTC_INDEX) {
		r->index = v & (VRTC_BYTES - 1);        /* bit 7 is the NMI mask */
		return;
	}
	switch (reg) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_MDAY: case RTC_MONTH:
	case RTC_YEAR: case RTC_CENTURY:
		write_time(r, reg, v, now);
		break;
	case RTC_WEEKDAY: case RTC_REG_C: case RTC_REG_D:
		break;          /* read-only, or follows from the date */
	case RTC_REG_B:
		if ((r->ram[RTC_REG_B] & RTC_B_SET) && !(v & RTC_B_SET))
			r->base_tsc = now;      /* counting resumes from the set time */
		else if (!(r->ram[RTC_REG_B] & RTC_B_SET) && (v & RTC_B_SET))
			r->base_seconds = seconds_now(r, now);
		r->ram[RTC_REG_B] = v;
		break;
	case RTC_REG_A:
		r->ram[RTC_REG_A] = v & ~RTC_A_UIP;
		break;
	default:
		r->ram[reg] = v;
		break;
	}
}
