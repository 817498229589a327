/*
 * clock.h - mica's time: the TSC, calibrated once against the PC's PIT,
 * and conversions between TSC ticks and PIT ticks for the virtual PITs.
 */
#ifndef HV_CLOCK_H
#define HV_CLOCK_H

#include <stdint.h>

/* Measure the TSC frequency against PIT channel 2 (the method every PC
 * supports). Prints one line. Call once at boot, interrupts off. */
void clock_init(void);

/* TSC ticks per second. */
uint64_t clock_tsc_hz(void);

/* TSC ticks in (n) PIT ticks, and PIT ticks in (tsc) TSC ticks. */
uint64_t clock_pit_to_tsc(uint64_t n);
uint64_t clock_tsc_to_pit(uint64_t tsc);

#endif /* HV_CLOCK_H */
