/*
 * time.h - the guest kernel's clock: a periodic timer interrupt from the
 * PIT through the 8259 PIC (the timer every PC, QEMU, Bochs and mica VM
 * has), and a monotonic clock from the TSC, calibrated against that timer.
 */
#ifndef GUEST_KERNEL_TIME_H
#define GUEST_KERNEL_TIME_H

#include <stdint.h>

#define TIME_DEFAULT_HZ 100

/* Program the PICs (IRQ0 only, vectors 0x20-0x2f) and PIT channel 0 at
 * (hz) ticks a second, enable interrupts, and calibrate the TSC against
 * PIT channel 2. Prints one line with the rate and the TSC frequency. */
void time_init(unsigned hz);

/* Timer interrupts since time_init(). */
uint64_t time_ticks(void);

/* The rate time_init() programmed. */
unsigned time_hz(void);

/* TSC ticks per second, as calibrated. */
uint64_t time_tsc_hz(void);

/* Nanoseconds since time_init(), from the TSC: monotonic. */
uint64_t time_ns(void);

struct trap_frame;

/* Call (fn) on every timer interrupt, after the count and the EOI, with
 * the interrupted frame (the scheduler preempts ring 3 there). */
void time_set_tick_hook(void (*fn)(struct trap_frame *tf));

/* Sleep at least (ms) milliseconds, halting between timer ticks. */
void time_sleep_ms(uint64_t ms);

#endif /* GUEST_KERNEL_TIME_H */
