/*
 * vuart.c - the virtual 16550 of each VM and mica's console multiplexing.
 *
 * Runs in VMX root on I/O exits. Transmission is instantaneous: the line
 * status register always reports an empty transmitter, so a guest never
 * waits, and each byte lands in the VM's line buffer. A full line (or a
 * newline) goes to mica's console as one "[name] text" line, so lines of
 * different VMs never interleave mid-line and no byte is dropped.
 */
#include "hv/vuart.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/uart.h"

void vuart_init(struct vuart *u, const char *name,
		void (*on_line)(void *ctx, const char *line, size_t len), void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->name = name;
	u->on_line = on_line;
	u->ctx = ctx;
	u->dll = 1;     /* 115200 baud, as firmware would leave it */
}

static void emit(struct vuart *u)
{
	/* The bytes as they are (a NUL would end a %s), between the name
	 * and the newline. */
	kprintf("[%s] ", u->name);
	console_write(u->line, u->len);
	console_write("\n", 1);
	if (u->on_line)
		u->on_line(u->ctx, u->line, u->len);
	u->len = 0;
}

static void put(struct vuart *u, char c)
{
	u->bytes++;
	if (c == '\r')
		return;         /* the console adds its own line ends */
	if (c == '\n') {
		emit(u);
		return;
	}
	/* Control characters (escape sequences above all) would act on the
	 * terminal or log that shows mica's console: show them as '?'. */
	if (((unsigned char)c < 0x20 && c != '\t') || (unsigned char)c == 0x7f)
		c = '?';
	u->line[u->len++] = c;
	if (u->len == VUART_LINE_MAX)
		emit(u);
}

void vuart_write(struct vuart *u, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put(u, buf[i]);
}

void vuart_flush(struct vuart *u)
{
	if (u->len)
		emit(u);
}

uint8_t vuart_in(struct vuart *u, uint16_t port)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (port - VUART_BASE) {
	case UART_RBR:
		return dlab ? u->dll : 0;       /* nothing is ever received */
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return 0x01;                    /* no interrupt pending */
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		/* The transmitter is busy while mica's console queue is nearly
		 * full: a guest that polls LSR, as 16550 drivers do, then waits
		 * like on a slow line, instead of stalling mica. */
		return console_room() > VUART_QUEUE_RESERVE ? UART_LSR_THR_EMPTY | UART_LSR_TEMT : 0;
	case UART_MSR:
		return 0xb0;                    /* DCD, DSR, CTS: a cable is there */
	default:
		return u->scr;
	}
}

void vuart_out(struct vuart *u, uint16_t port, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (port - VUART_BASE) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else
			put(u, (char)v);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default:
		break;                          /* FCR, LSR, MSR: nothing to keep */
	}
}
