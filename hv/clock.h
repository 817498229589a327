/*
 * clock.h - mica's time: the TSC, calibrated once against the PC's PIT,
 * and conversions between TSC ticks and PIT ticks for the virtual PITs.
 */
#ifndef HV_CLOCK_H
#define HV_CLOCK_H

#include <stdint.h>

/* Measure the TSC frequency against PIT channel 2 (the method every PC
 * supports), and read the date and time from the RTC. Prints one line. Call once at boot, interrupts off. */
void clock_init(void);

/* The wall-clock time clock_init() read from the PC's RTC: (seconds)
 * since 1970 UTC at TSC (tsc). */
void clock_wall(uint64_t *seconds, uint64_t *tsc);

/* TSC ticks per second. */
uint64_t clock_tsc_hz(void);

/* TSC ticks in (n) PIT ticks, and PIT ticks in (tsc) TSC ticks. */
uint64_t clock_pit_to_tsc(uint64_t n);
uint64_t clock_tsc_to_pit(uint64_t tsc);

#endif /* HV_CLOCK_H */
