/*
 * vrtc.h - a VM's CMOS real-time clock (an MC146818 at ports 0x70/0x71):
 * the date and time, counting in the host's TSC from the wall-clock time
 * mica read at boot, so that it runs on while the VM is off the CPU; its
 * status registers A-D, BCD or binary and 12- or 24-hour as register B
 * says, and the rest of its 128 bytes as plain NVRAM. Backend-neutral
 * and pure: it sees ports, values and TSC timestamps.
 */
#ifndef HV_VRTC_H
#define HV_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#define VRTC_INDEX      0x70    /* write: register number (bit 7: NMI off) */
#define VRTC_DATA       0x71

/* Registers (MC146818 data sheet; Linux's mc146818rtc.h names). */
#define RTC_SECONDS     0x00
#define RTC_MINUTES     0x02
#define RTC_HOURS       0x04
#define RTC_WEEKDAY     0x06    /* 1 = Sunday */
#define RTC_MDAY        0x07
#define RTC_MONTH       0x08
#define RTC_YEAR        0x09    /* two digits */
#define RTC_REG_A       0x0a
#define   RTC_A_UIP     0x80    /* an update is in progress: do not read */
#define   RTC_A_DEFAULT 0x26    /* 32.768 kHz time base, 1024 Hz rate */
#define RTC_REG_B       0x0b
#define   RTC_B_SET     0x80    /* updates stop while the time is set */
#define   RTC_B_DM      0x04    /* binary, not BCD */
#define   RTC_B_24H     0x02
#define RTC_REG_C       0x0c    /* interrupt flags: none are raised */
#define RTC_REG_D       0x0d
#define   RTC_D_VRT     0x80    /* the time is valid (the battery is good) */
#define RTC_CENTURY     0x32    /* the century byte PC firmware keeps */
#define VRTC_BYTES      128

struct vrtc {
	uint8_t index;          /* the register port 0x70 selected */
	uint8_t ram[VRTC_BYTES];/* registers that are not the time, and NVRAM */
	uint64_t tsc_hz;
	uint64_t base_tsc;      /* the time was (base_seconds) at this TSC */
	uint64_t base_seconds;  /* seconds since 1970-01-01 00:00 UTC */
};

/* Power on (r): the time is (seconds) since 1970 at TSC (now), the TSC
 * counting (tsc_hz) a second; register B 24-hour BCD, as PC firmware
 * leaves it. */
void vrtc_init(struct vrtc *r, uint64_t seconds, uint64_t now, uint64_t tsc_hz);

static inline bool vrtc_port(uint16_t port)
{
	return port == VRTC_INDEX || port == VRTC_DATA;
}

/* Guest I/O at TSC time (now). */
uint8_t vrtc_in(struct vrtc *r, uint16_t port, uint64_t now);
void vrtc_out(struct vrtc *r, uint16_t port, uint8_t v, uint64_t now);

/* Calendar conversions, UTC: seconds since 1970 <-> date and time. */
struct vrtc_tm {
	unsigned year, month, mday, hour, min, sec, wday;       /* month 1-12, wday 0 = Sunday */
};
void vrtc_to_tm(uint64_t seconds, struct vrtc_tm *tm);
uint64_t vrtc_from_tm(const struct vrtc_tm *tm);

#endif /* HV_VRTC_H */
