/*
 * console.c - console output for both kernels: a line-buffered printf on
 * top of a replaceable sink (COM1 by default), panic, and machine_exit.
 *
 * Runs in ring 0 with interrupts off or on, on any CPU of mica (the boot
 * CPU prints; another only for a fault dump or a panic): the queue and
 * COM1 are under one lock.
 */
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/uart.h"
#include "lib/x86.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4       /* -device isa-debug-exit,iobase=0xf4 */
#define BOCHS_SHUTDOWN_PORT  0x8900     /* "Shutdown" written here ends Bochs */

/* The queue of console_use_buffer(): [tail, head) modulo size. */
static char *ring;
static size_t ring_size, head, tail;

/* The queue and COM1's transmitter, which any CPU may write. The spin is
 * bounded: a CPU that faults, or takes an NMI that prints, while it holds
 * the lock still gets its lines out (they may interleave, never hang). */
static uint32_t console_lock;
#define LOCK_SPINS 10000000

static bool lock_console(void)
{
	for (long i = 0; i < LOCK_SPINS; i++) {
		if (!__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
			return true;
		__builtin_ia32_pause();
	}
	return false;
}

static void unlock_console(bool held)
{
	if (held)
		__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

bool console_pending(void)
{
	return head != tail;
}

size_t console_room(void)
{
	return ring ? ring_size - 1 - (head + ring_size - tail) % ring_size : SIZE_MAX;
}

size_t console_queued(void)
{
	return ring ? (head + ring_size - tail) % ring_size : 0;
}

/* Bytes the UART takes at once when THRE is set: its FIFO, if it has one
 * (an 8250 or 16450 has none). */
static int tx_burst = 1;

static void poll_locked(void)
{
	if (head == tail || !uart_tx_empty(UART_COM1))
		return;
	for (int i = 0; i < tx_burst && tail != head; i++) {
		outb(UART_COM1 + UART_THR, (uint8_t)ring[tail]);
		tail = (tail + 1) % ring_size;
	}
}

void console_poll(void)
{
	bool held;

	if (head == tail)       /* the common case: nothing to send, no lock */
		return;
	held = lock_console();
	poll_locked();
	unlock_console(held);
}

void console_flush(void)
{
	bool held = lock_console();

	while (head != tail) {
		uart_putc(UART_COM1, ring[tail]);
		tail = (tail + 1) % ring_size;
	}
	unlock_console(held);
}

void console_use_buffer(char *buf, size_t size)
{
	ring = buf;
	ring_size = size;
	head = tail = 0;
}

static void uart_sink(const char *buf, size_t len)
{
	bool held = lock_console();

	for (size_t i = 0; i < len; i++) {
		if (!ring) {
			uart_putc(UART_COM1, buf[i]);
			continue;
		}
		if ((head + 1) % ring_size == tail) {
			/* Full: wait for the UART rather than lose a byte. */
			uart_putc(UART_COM1, ring[tail]);
			tail = (tail + 1) % ring_size;
		}
		ring[head] = buf[i];
		head = (head + 1) % ring_size;
	}
	poll_locked();
	unlock_console(held);
}

static console_sink_fn sink = uart_sink;
static void (*exit_fn)(int code);

void console_init(void)
{
	uart_init(UART_COM1);
	tx_burst = uart_has_fifo(UART_COM1) ? UART_FIFO_SIZE : 1;
	sink = uart_sink;
}

console_sink_fn console_set_sink(console_sink_fn s)
{
	console_sink_fn old = sink;

	sink = s;
	return old;
}

void console_write(const char *buf, size_t len)
{
	sink(buf, len);
}

/* Characters are gathered and handed to the sink in chunks: a hypercall
 * sink then costs one VM exit per line instead of one per byte. */
struct linebuf {
	char buf[128];
	size_t len;
	int total;
};

static void lb_put(void *ctx, char c)
{
	struct linebuf *lb = ctx;

	lb->buf[lb->len++] = c;
	lb->total++;
	if (c == '\n' || lb->len == sizeof(lb->buf)) {
		sink(lb->buf, lb->len);
		lb->len = 0;
	}
}

/* (prefix), then the formatted text, into the same chunks: a klog line
 * of up to 128 bytes reaches the sink in one piece, so that the lines of
 * two CPUs never mix within a line. */
static int vprint(const char *prefix, const char *fmt, va_list ap)
{
	struct linebuf lb = { .len = 0, .total = 0 };

	while (prefix && *prefix)
		lb_put(&lb, *prefix++);
	fmt_vformat(lb_put, &lb, fmt, ap);
	if (lb.len)
		sink(lb.buf, lb.len);
	return lb.total;
}

int kvprintf(const char *fmt, va_list ap)
{
	return vprint(NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	fmt_snprintf(prefix, sizeof(prefix), "%s: ", kernel_name);
	va_start(ap, fmt);
	vprint(prefix, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	cli();
	console_flush();
	ring = NULL;            /* from here on, every byte goes out at once */
	kprintf("%s: panic: ", kernel_name);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	machine_exit(EXIT_PANIC);
}

void machine_set_exit(void (*fn)(int code))
{
	exit_fn = fn;
}

void machine_exit(int code)
{
	static const char shutdown[] = "Shutdown";

	cli();
	kprintf("%s: exit code %d\n", kernel_name, code);
	console_flush();
	if (exit_fn)
		exit_fn(code);
	uart_drain(UART_COM1);
	outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code);
	for (size_t i = 0; i < sizeof(shutdown) - 1; i++)
		outb(BOCHS_SHUTDOWN_PORT, shutdown[i]);
	for (;;)
		hlt();
}
