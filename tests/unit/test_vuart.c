/*
 * test_vuart.c - host unit tests for the virtual 16550's line discipline
 * and its bounded queue of lines (hv/vuart.c), driven through its ports
 * and vuart_write() as a guest and the console hypercall would (cmocka,
 * ASan, UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vm.h"
#include "hv/vuart.h"
#include "lib/uart.h"

static struct vuart u;
static unsigned seen;

static void on_line(void *ctx, const char *line, size_t len)
{
	seen++;
}

static void send(const char *s)
{
	while (*s)
		vuart_out(&u, VUART_BASE + UART_THR, (uint8_t)*s++);
}

/* The next queued line must be (want). */
static void expect_line(const char *want)
{
	char buf[VUART_LINE_MAX];
	int n = vuart_take_line(&u, buf);

	assert_int_equal(n, (int)strlen(want));
	assert_memory_equal(buf, want, (size_t)n);
}

static int setup(void **state)
{
	vuart_init(&u, on_line, NULL);
	seen = 0;
	return 0;
}

static void test_lines_in_order(void **state)
{
	send("one\ntwo\n");
	assert_int_equal(seen, 2);
	expect_line("one");
	expect_line("two");
	assert_int_equal(vuart_take_line(&u, (char[VUART_LINE_MAX]){ 0 }), -1);
}

static void test_crlf_is_one_line_end(void **state)
{
	send("dos\r\n\r\n");
	expect_line("dos");
	expect_line("");
	assert_int_equal(u.bytes, 7);
}

static void test_lone_cr_is_shown(void **state)
{
	send("a\rb\n");
	expect_line("a?b");
	send("end\r");
	vuart_flush(&u);
	expect_line("end?");
}

static void test_controls_shown_high_bytes_pass(void **state)
{
	send("\x1b[2J\t\x7f\xc3\xa9\xff\n");
	expect_line("?[2J\t?\xc3\xa9\xff");
}

static void test_long_line_split_not_cut(void **state)
{
	char big[VUART_LINE_MAX + 11];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	send(big);
	send("\n");
	assert_int_equal(seen, 2);
	assert_int_equal(vuart_take_line(&u, (char[VUART_LINE_MAX]){ 0 }), VUART_LINE_MAX);
	assert_int_equal(vuart_take_line(&u, (char[VUART_LINE_MAX]){ 0 }), 10);
}

/* An empty queue takes one whole HC_CONSOLE_MAX call, newlines or not. */
static void test_empty_queue_takes_a_whole_call(void **state)
{
	char buf[4096];

	memset(buf, 'y', sizeof(buf));
	assert_int_equal(vuart_write(&u, buf, sizeof(buf)), sizeof(buf));
	memset(buf, '\n', sizeof(buf));
	setup(state);
	assert_int_equal(vuart_write(&u, buf, sizeof(buf)), sizeof(buf));
}

/* A flood fills the queue, then is refused byte by byte until lines are
 * taken out; nothing taken is ever lost or changed. */
static void test_full_queue_refuses_then_drains(void **state)
{
	char line[101], got[VUART_LINE_MAX];
	size_t took = 0;
	unsigned lines = 0;

	memset(line, 'z', 99);
	line[99] = '\n';
	line[100] = '\0';
	while (!vuart_full(&u)) {
		took += vuart_write(&u, line, 100);
		lines++;
	}
	assert_true(lines * 100 > VUART_QUEUE_SIZE - VUART_LINE_MAX - 1);
	assert_int_equal(vuart_write(&u, line, 100), 0);
	assert_int_equal(vuart_in(&u, VUART_BASE + UART_LSR) & UART_LSR_THR_EMPTY, 0);
	assert_false(vuart_drained(&u));
	while (!vuart_drained(&u))
		assert_int_equal(vuart_take_line(&u, got), 99);
	assert_false(vuart_full(&u));
	assert_int_not_equal(vuart_in(&u, VUART_BASE + UART_LSR) & UART_LSR_THR_EMPTY, 0);
	assert_int_equal(u.bytes, took);
}

static void test_backoff_doubles_to_a_second(void **state)
{
	assert_int_equal(vm_backoff_ms(VM_BACKOFF_FIRST_MS, 0), 10);
	assert_int_equal(vm_backoff_ms(VM_BACKOFF_FIRST_MS, 1), 20);
	assert_int_equal(vm_backoff_ms(VM_BACKOFF_FIRST_MS, 2), 40);
	assert_int_equal(vm_backoff_ms(VM_BACKOFF_FIRST_MS, 6), 640);
	assert_int_equal(vm_backoff_ms(VM_BACKOFF_FIRST_MS, 7), 1000);
	assert_int_equal(vm_backoff_ms(VM_BACKOFF_FIRST_MS, 1000), 1000);
	assert_int_equal(vm_backoff_ms(1000, 0), 1000);
	assert_int_equal(vm_backoff_ms(0, 5), 0);        /* backoff=0: none */
}

static uint8_t in(unsigned reg)
{
	return vuart_in(&u, (uint16_t)(VUART_BASE + reg));
}

static void out(unsigned reg, uint8_t v)
{
	vuart_out(&u, (uint16_t)(VUART_BASE + reg), v);
}

/* The THRE interrupt as Linux's 8250 driver probes it at startup (its
 * UART_BUG_THRE test): enabling ETBEI raises it, the IIR read that
 * reports it clears it, and enabling ETBEI again raises it again. */
static void test_thre_interrupt_as_8250_probes_it(void **state)
{
	assert_int_equal(in(UART_IIR) & 0x0f, 0x01);    /* nothing pending */
	assert_false(vuart_irq_edge(&u));
	out(UART_IER, 0x02);
	assert_true(vuart_irq_edge(&u));                /* an edge for IRQ4 */
	assert_int_equal(in(UART_IIR) & 0x0f, 0x02);
	assert_false(vuart_irq_edge(&u));
	assert_int_equal(in(UART_IIR) & 0x0f, 0x01);    /* the read cleared it */
	out(UART_IER, 0);
	out(UART_IER, 0x02);
	assert_int_equal(in(UART_IIR) & 0x0f, 0x02);    /* re-asserted */
	out(UART_IER, 0);
	assert_int_equal(in(UART_IIR) & 0x0f, 0x01);
}

/* Each byte written with ETBEI on is sent at once: THRE comes back, and
 * the output rises again (a new edge), even if it was still high. */
static void test_each_byte_raises_thre_again(void **state)
{
	out(UART_IER, 0x02);
	assert_true(vuart_irq_edge(&u));
	out(UART_THR, 'a');
	assert_true(vuart_irq_edge(&u));
	assert_int_equal(in(UART_IIR) & 0x0f, 0x02);
	assert_false(vuart_irq_edge(&u));
	out(UART_IER, 0);                               /* ETBEI off: no interrupt */
	out(UART_THR, 'b');
	assert_false(vuart_irq_edge(&u));
	assert_int_equal(in(UART_IIR) & 0x0f, 0x01);
}

/* FIFOs on: IIR bits 7:6 say so (a 16550A), as the 8250 driver's
 * autoconfig reads them; loopback turns the modem outputs into inputs. */
static void test_fifo_and_loopback(void **state)
{
	assert_int_equal(in(UART_IIR) & 0xc0, 0);
	out(UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(in(UART_IIR), 0xc1);
	assert_int_equal(in(UART_MSR), 0xb0);
	out(UART_MCR, 0x10 | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(in(UART_MSR) & 0xf0, 0x90);    /* DCD and CTS */
}

/* FIFOs on, as Linux's 8250 driver runs a 16550A: its interrupt handler
 * sends the next bytes only when IIR names THRE as the cause, so each byte
 * must still raise it and IIR report it (0xc2), then nothing (0xc1). */
static void test_thre_interrupt_with_fifos_on(void **state)
{
	out(UART_FCR, UART_FCR_ENABLE);
	out(UART_IER, 0x02);
	assert_true(vuart_irq_edge(&u));
	assert_int_equal(in(UART_IIR), 0xc2);
	assert_int_equal(in(UART_IIR), 0xc1);
	out(UART_THR, 'a');
	assert_true(vuart_irq_edge(&u));
	assert_int_equal(in(UART_IIR), 0xc2);
	assert_int_equal(in(UART_IIR), 0xc1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_lines_in_order, setup),
		cmocka_unit_test_setup(test_crlf_is_one_line_end, setup),
		cmocka_unit_test_setup(test_lone_cr_is_shown, setup),
		cmocka_unit_test_setup(test_controls_shown_high_bytes_pass, setup),
		cmocka_unit_test_setup(test_long_line_split_not_cut, setup),
		cmocka_unit_test_setup(test_empty_queue_takes_a_whole_call, setup),
		cmocka_unit_test_setup(test_full_queue_refuses_then_drains, setup),
		cmocka_unit_test(test_backoff_doubles_to_a_second),
		cmocka_unit_test_setup(test_thre_interrupt_as_8250_probes_it, setup),
		cmocka_unit_test_setup(test_each_byte_raises_thre_again, setup),
		cmocka_unit_test_setup(test_fifo_and_loopback, setup),
		cmocka_unit_test_setup(test_thre_interrupt_with_fifos_on, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
