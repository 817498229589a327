/*
 * uart.c - polled 16550 UART output, used by both kernels for their console.
 *
 * Runs in ring 0. Bare, it drives the PC's real COM1; in a mica VM the same
 * port accesses trap to mica's virtual 16550.
 */
#include "lib/uart.h"
#include "lib/x86.h"

#define BAUD 115200
/* About a millisecond of polling at 115200 baud is one character time; this
 * bound is generous and only matters when no UART answers at all. */
#define TX_SPIN_LIMIT 100000

void uart_init(uint16_t port)
{
	uint16_t divisor = UART_CLOCK_HZ / 16 / BAUD;

	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, divisor & 0xff);
	outb(port + UART_DLM, divisor >> 8);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
	outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

void uart_putc(uint16_t port, char c)
{
	for (int i = 0; i < TX_SPIN_LIMIT; i++) {
		if (inb(port + UART_LSR) & UART_LSR_THR_EMPTY)
			break;
		pause();
	}
	outb(port + UART_THR, (uint8_t)c);
}

void uart_drain(uint16_t port)
{
	for (int i = 0; i < TX_SPIN_LIMIT; i++) {
		if (inb(port + UART_LSR) & UART_LSR_TEMT)
			return;
		pause();
	}
}
