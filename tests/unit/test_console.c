/*
 * test_console.c - host unit tests for the console queue of lib/console.c
 * (cmocka, ASan, UBSan): console.c is built with tests/unit/stub/lib/
 * uart.h and x86.h, so its UART is this file's model: a transmitter the
 * test holds busy or lets drain, and a wire that records every byte that
 * left, by THR write (console_poll) or by uart_putc (the full queue's
 * wait, console_flush). Every byte written must leave once, in order,
 * however small the queue and however slow the UART.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/console.h"
#include "lib/uart.h"      /* the stub: tests/unit/stub/lib/uart.h */
#include "lib/x86.h"

const char kernel_name[] = "test";

/* ---- the stub UART ---- */

static char wire[4096];         /* every byte that left, in order */
static size_t wired;
static bool tx_busy;            /* THRE clear: console_poll must wait */
static bool has_fifo;
static unsigned putc_calls;     /* bytes sent by waiting (uart_putc) */
static unsigned thr_writes;     /* bytes sent by console_poll */
static jmp_buf halted;

static void send(char c)
{
	assert_true(wired < sizeof(wire));
	wire[wired++] = c;
}

void outb(uint16_t port, uint8_t v)
{
	if (port == UART_COM1 + UART_THR) {
		/* console_poll writes only when the UART said it had room. */
		assert_false(tx_busy);
		thr_writes++;
		send((char)v);
	}
	/* Other ports: the exit ports of machine_exit. */
}

uint8_t inb(uint16_t port)
{
	return 0;
}

void cli(void)
{
}

void hlt(void)
{
	longjmp(halted, 1);
}

void uart_init(uint16_t port)
{
}

void uart_putc(uint16_t port, char c)
{
	/* The real one waits for THRE, then writes. */
	putc_calls++;
	send(c);
}

bool uart_has_fifo(uint16_t port)
{
	return has_fifo;
}

bool uart_tx_empty(uint16_t port)
{
	return !tx_busy;
}

void uart_drain(uint16_t port)
{
}

static int setup(void **state)
{
	memset(wire, 0, sizeof(wire));
	wired = 0;
	tx_busy = false;
	has_fifo = false;
	putc_calls = thr_writes = 0;
	console_init();                 /* the COM1 sink, burst 1 (no FIFO) */
	console_use_buffer(NULL, 0);    /* no queue: every byte at once */
	return 0;
}

static void assert_wire(const char *want)
{
	assert_int_equal(wired, strlen(want));
	assert_memory_equal(wire, want, wired);
}

/* ---- tests ---- */

/* Without a queue every byte goes out at once, in order. */
static void test_unbuffered(void **state)
{
	console_write("hello", 5);
	assert_wire("hello");
	assert_false(console_pending());
	assert_int_equal(console_room(), SIZE_MAX);
}

/* A queue of 4 bytes holds 3. With the UART busy, each byte past the
 * third waits for the UART (the full branch) and sends the oldest: none
 * is dropped, none is sent twice, and the order holds. */
static void test_full_queue_waits_in_order(void **state)
{
	static char ring[4];
	const char *text = "abcdefghijklmnopqrstuvwxyz";

	console_use_buffer(ring, sizeof(ring));
	tx_busy = true;
	console_write(text, 10);
	assert_int_equal(putc_calls, 7);        /* the full branch, 7 times */
	assert_wire("abcdefg");
	assert_true(console_pending());
	assert_int_equal(console_room(), 0);

	console_write(text + 10, 16);
	assert_int_equal(putc_calls, 23);
	assert_wire("abcdefghijklmnopqrstuvw");

	console_flush();
	assert_wire(text);
	assert_false(console_pending());
	assert_int_equal(console_room(), 3);
}

/* With the UART idle and no FIFO, console_poll sends one byte per call;
 * a write sends one itself. Nothing waits. */
static void test_poll_one_byte_without_fifo(void **state)
{
	static char ring[8];

	console_use_buffer(ring, sizeof(ring));
	tx_busy = true;
	console_write("12345", 5);
	assert_wire("");
	assert_int_equal(console_room(), 2);
	tx_busy = false;
	console_poll();
	assert_wire("1");
	console_poll();
	console_poll();
	assert_wire("123");
	assert_int_equal(console_room(), 5);
	while (console_pending())
		console_poll();
	assert_wire("12345");
	assert_int_equal(putc_calls, 0);
	assert_int_equal(thr_writes, 5);
}

/* With a FIFO, one poll fills it: UART_FIFO_SIZE bytes at once. */
static void test_poll_fills_fifo(void **state)
{
	static char ring[64];
	char text[40];

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('A' + i);
	has_fifo = true;
	console_init();
	console_use_buffer(ring, sizeof(ring));
	tx_busy = true;
	console_write(text, sizeof(text));
	tx_busy = false;
	console_poll();
	assert_int_equal(wired, UART_FIFO_SIZE);
	console_poll();
	console_poll();
	assert_int_equal(wired, sizeof(text));
	assert_memory_equal(wire, text, sizeof(text));
	assert_false(console_pending());
}

/* The queue wraps around its end many times under a slow UART: a long
 * stream through a 5-byte queue, the UART taking a byte now and then. */
static void test_wrap_under_overflow(void **state)
{
	static char ring[5];
	char text[1000];

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)(' ' + (i * 7) % 95);
	console_use_buffer(ring, sizeof(ring));
	for (size_t i = 0; i < sizeof(text); i += 3) {
		tx_busy = (i / 3) % 4 != 0;
		console_write(text + i, i + 3 <= sizeof(text) ? 3 : sizeof(text) - i);
	}
	tx_busy = false;
	console_flush();
	assert_int_equal(wired, sizeof(text));
	assert_memory_equal(wire, text, sizeof(text));
	assert_true(putc_calls > 0);
	assert_true(thr_writes > 0);
}

/* kprintf's lines reach the queue whole, longer ones in 128-byte chunks. */
static void test_kprintf_through_queue(void **state)
{
	static char ring[4];
	char line[301];

	memset(line, 'x', 300);
	line[300] = '\0';
	console_use_buffer(ring, sizeof(ring));
	tx_busy = true;
	assert_int_equal(kprintf("%s\n", line), 301);
	klog("n=%d\n", 42);
	console_flush();
	assert_int_equal(wired, 301 + strlen("test: n=42\n"));
	assert_memory_equal(wire, line, 300);
	assert_memory_equal(wire + 300, "\ntest: n=42\n", 12);
}

/* A klog line reaches the sink in one call, its prefix included: the
 * lines of two CPUs cannot mix within a line. */
static unsigned sink_calls;
static char sunk[256];

static void counting_sink(const char *buf, size_t len)
{
	if (len < sizeof(sunk))
		memcpy(sunk, buf, len), sunk[len] = '\0';
	sink_calls++;
}

static void test_klog_one_chunk(void **state)
{
	console_sink_fn old = console_set_sink(counting_sink);

	(void)state;
	sink_calls = 0;
	klog("vm %s: exited with code %d\n", "web", 0);
	console_set_sink(old);
	assert_int_equal(sink_calls, 1);
	assert_string_equal(sunk, "test: vm web: exited with code 0\n");
}

/* panic sends what was queued first, then its line, then ends the run. */
static int exit_code = -1;

static void on_exit(int code)
{
	exit_code = code;
}

static void test_panic_flushes_queue_first(void **state)
{
	static char ring[16];

	console_use_buffer(ring, sizeof(ring));
	tx_busy = true;
	console_write("queued\n", 7);
	machine_set_exit(on_exit);
	if (setjmp(halted) == 0)
		panic("broken %d", 7);
	machine_set_exit(NULL);
	assert_int_equal(exit_code, EXIT_PANIC);
	assert_wire("queued\ntest: panic: broken 7\ntest: exit code 4\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unbuffered, setup),
		cmocka_unit_test_setup(test_full_queue_waits_in_order, setup),
		cmocka_unit_test_setup(test_poll_one_byte_without_fifo, setup),
		cmocka_unit_test_setup(test_poll_fills_fifo, setup),
		cmocka_unit_test_setup(test_wrap_under_overflow, setup),
		cmocka_unit_test_setup(test_kprintf_through_queue, setup),
		cmocka_unit_test_setup(test_klog_one_chunk, setup),
		cmocka_unit_test_setup(test_panic_flushes_queue_first, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
