/*
 * tty.c - the container host's console output (see tty.h).
 *
 * Runs in ring 0, in the writing process's system call, with interrupts
 * off. One line is in flight at a time, in one buffer: the writer formats
 * "[container] text\n" there and sends it a chunk at a time, each chunk
 * what the device takes without waiting: a 16550's FIFO (16 bytes) bare,
 * the rest of the line in one HC_CONSOLE_WRITE under mica. Between chunks
 * it lets a pending tick in and gives the CPU up when its turn is over
 * (sched_preempt_point), so no write holds interrupts off for longer than
 * one chunk, and the time it spends is its own, charged to its container
 * like any CPU time: a container's cpu= share holds while it writes.
 * A busy device makes the writer wait on its own CPU time: bare it polls
 * the UART (its FIFO drains in 16 byte times, 1.4 ms at 115200 baud, less
 * than a tick); under mica a call that took nothing has already kept the
 * VM off the CPU for a while, so the writer sleeps until the next tick,
 * and no other writer asks mica again before then.
 */
#include "guest/kernel/container.h"
#include "guest/kernel/hv.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/time.h"
#include "guest/kernel/tty.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/uart.h"
#include "lib/vga.h"
#include "lib/x86.h"

/* "[" name "] " text "\n" */
#define TTY_LINE_MAX    (1 + CONTAINER_NAME_MAX + 2 + PROC_LINE_MAX + 1)

/* The line in flight: [pos, len) still to send. */
static char line[TTY_LINE_MAX];
static unsigned pos, len;

static bool mica;
static unsigned uart_burst;             /* bytes the UART takes when THRE is set */
static uint64_t busy_tick = UINT64_MAX; /* mica took nothing during this tick */
static console_sink_fn device_sink;     /* the blocking sink, for kernel lines */

/* Bytes of (buf) the device takes now, at most (n); 0 when it is busy. */
static size_t device_try(const char *buf, size_t n)
{
	if (mica)
		return hv_console_try(buf, n, false);
	if (!uart_tx_empty(UART_COM1))
		return 0;
	if (n > uart_burst)
		n = uart_burst;
	for (size_t i = 0; i < n; i++)
		outb(UART_COM1 + UART_THR, (uint8_t)buf[i]);
	vga_console_write(buf, n);      /* console=serial,vga: the screen too, as sent */
	return n;
}

/* Send the rest of the line in flight, from the current process. */
static void send_in_flight(void)
{
	while (pos < len) {
		size_t n = 0;

		if (busy_tick != time_ticks())
			n = device_try(line + pos, len - pos);
		if (n == 0 && mica) {
			busy_tick = time_ticks();
			sched_sleep(busy_tick + 1);
			continue;
		}
		pos += (unsigned)n;
		sched_preempt_point();
	}
}

void tty_put_line(struct proc *p, const char *text, unsigned n)
{
	const char *name = p->c->name;
	size_t name_len = strnlen(name, CONTAINER_NAME_MAX - 1);

	send_in_flight();
	/* Nothing is in flight now, and nothing runs before the line is in
	 * the buffer: no preemption point until send_in_flight. */
	if (n > PROC_LINE_MAX)
		n = PROC_LINE_MAX;
	len = 0;
	line[len++] = '[';
	memcpy(line + len, name, name_len);
	len += (unsigned)name_len;
	line[len++] = ']';
	line[len++] = ' ';
	memcpy(line + len, text, n);
	len += n;
	line[len++] = '\n';
	pos = 0;
	send_in_flight();
}

/* The kernel's own output: after the rest of a line in flight, so that
 * it never lands inside one, at once and whole (the kernel cannot sleep
 * where it prints: in the engine, in a panic). */
static void kernel_sink(const char *buf, size_t n)
{
	if (pos < len) {
		device_sink(line + pos, len - pos);
		pos = len;
	}
	device_sink(buf, n);
}

void tty_init(bool under_mica)
{
	mica = under_mica;
	uart_burst = uart_has_fifo(UART_COM1) ? UART_FIFO_SIZE : 1;
	device_sink = console_set_sink(kernel_sink);
}
