/*
 * console.h - the kernel console: formatted output, panic, and the one way
 * a run ends (machine_exit). Shared by mica and the guest kernel.
 */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each kernel defines its name ("mica", "guest"); it prefixes log lines. */
extern const char kernel_name[];

/*
 * Exit codes of a run, reported as "<kernel_name>: exit code N" and written
 * to QEMU's isa-debug-exit port. The launchers in tools/ return them as
 * their own status. Documented in README.md.
 */
enum exit_code {
	EXIT_OK = 0,            /* finished; every self-test passed */
	EXIT_TEST_FAILED = 1,   /* a self-test or a guest reported failure */
	EXIT_BAD_CONFIG = 2,    /* bad command line, module or memory map */
	EXIT_NO_VTX = 3,        /* the CPU cannot run VT-x guests */
	EXIT_PANIC = 4,         /* a kernel invariant broke (panic, exception) */
};

/* Where console bytes go. The default writes to COM1; the guest kernel
 * switches to mica's console hypercall when it runs as a VM. */
typedef void (*console_sink_fn)(const char *buf, size_t len);

/* Program COM1 and make it the console. First call of both kernels. */
void console_init(void);

/*
 * Make COM1 output asynchronous: bytes queue in (buf) of (size) bytes and
 * reach the UART as it has room, from console_poll(). A full queue waits
 * for the UART rather than drop a byte. mica uses it so that its console
 * (115200 baud: about 87 us a byte) never holds up its guests.
 */
void console_use_buffer(char *buf, size_t size);

/* Move queued bytes to the UART while it has room; cheap when none are
 * queued. Call often. */
void console_poll(void);

/* True if bytes are queued. */
bool console_pending(void);

/* Bytes the queue can take now without waiting for the UART (SIZE_MAX
 * when there is no queue). */
size_t console_room(void);

/* Bytes queued now, not yet sent to the UART (0 when there is no queue). */
size_t console_queued(void);

/* Wait until every queued byte is sent. */
void console_flush(void);

/* Replace the console's output with (sink); returns the one it replaces. */
console_sink_fn console_set_sink(console_sink_fn sink);

/* Write (len) bytes of (buf) as they are. */
void console_write(const char *buf, size_t len);

/* printf to the console (formats of lib/fmt.h). Returns bytes written. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* One log line: "<kernel_name>: " then the formatted text; the caller
 * supplies the final newline. */
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A kernel invariant broke: print "<kernel_name>: panic: <text>" and end
 * the run with EXIT_PANIC. Never for anything a guest or process did. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * End the run with (code): print "<kernel_name>: exit code N", then ask
 * each emulator to stop (QEMU isa-debug-exit at port 0xf4, Bochs' shutdown
 * port 0x8900), and halt with interrupts off where neither exists, as on
 * real hardware.
 */
void machine_exit(int code) __attribute__((noreturn));

/* A better way to end the run, tried first by machine_exit() (the guest
 * kernel's exit hypercall under mica); if it returns, the ports follow. */
void machine_set_exit(void (*fn)(int code));

#endif /* LIB_CONSOLE_H */
