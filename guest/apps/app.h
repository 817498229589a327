/*
 * app.h - everything an app may call besides the pure helpers of lib/
 * (fmt, string, cmdline parsing). Apps run in the guest kernel (ring 0, the
 * unikernel, implemented by guest/kernel/uk.c) and are meant to build
 * unchanged as ring-3 container programs that reach the same functions
 * through system calls. docs/apps.md describes the API and the apps.
 */
#ifndef GUEST_APPS_APP_H
#define GUEST_APPS_APP_H

#include <stddef.h>
#include <stdint.h>

/* An app's exit codes: the same numbers as the kernel's EXIT_OK,
 * EXIT_TEST_FAILED and EXIT_BAD_CONFIG (lib/console.h), which apps cannot
 * include, so that a run's exit code means the same either way. */
enum app_exit_code {
	APP_EXIT_OK = 0,                /* done, result line printed */
	APP_EXIT_FAILED = 1,            /* the app found an error (e.g. mem's pattern) */
	APP_EXIT_BAD_ARGS = 2,          /* bad argument, or not enough memory */
};

/* Write (len) bytes of (buf) to the console as they are. Returns the
 * number of bytes written (len, in the unikernel). */
int app_write(const char *buf, size_t len);

/* End the app with (code). In the unikernel that ends the whole run (the
 * VM, or the bare machine) with that exit code. Returning from main with
 * the code does the same and is the usual way. */
void app_exit(int code) __attribute__((noreturn));

/* Nanoseconds since the kernel started its clock: monotonic. */
uint64_t app_time_ns(void);

/* The raw time-stamp counter, for the ready and result lines. Under Bochs
 * it counts instructions; elsewhere, cycles at a constant rate. */
uint64_t app_tsc(void);

/* Give the CPU to whatever else may run. The unikernel runs nothing else,
 * so there it only returns. */
void app_yield(void);

/* Sleep at least (ms) milliseconds. */
void app_sleep_ms(uint64_t ms);

/* This app's process id: 1 in the unikernel, the only process. */
int app_getpid(void);

/* Timer interrupts since the kernel started its clock, and their rate
 * (ticks per second) as programmed. */
uint64_t app_ticks(void);
unsigned app_tick_hz(void);

/*
 * (bytes) of memory, rounded up to whole 4 KiB pages, page-aligned and
 * contiguous. Returns NULL when there is not that much. The contents are
 * unspecified, and there is no free: the memory goes back when the app
 * ends.
 */
void *app_alloc_pages(uint64_t bytes);

#endif /* GUEST_APPS_APP_H */
