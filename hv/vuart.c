/*
 * vuart.c - the virtual 16550 of each VM and its line discipline.
 *
 * Runs in VMX root on I/O exits and console hypercalls. Each byte the guest
 * sends lands in the line being written; a '\n' (or a '\r\n'), or 200
 * bytes, complete the line, which joins the VM's own queue of complete
 * lines. hv/vconsole.c takes lines from the queues of all VMs in turn onto
 * mica's console, so lines of different VMs never interleave mid-line, and
 * a VM whose queue is full waits off the CPU until it drains (as a guest
 * waits on a slow serial line), so no byte is dropped and no VM holds up
 * another. The line status register therefore always shows an empty
 * transmitter to a running guest: the waiting happens off the CPU.
 *
 * Its one interrupt is "transmitter holding register empty", as a 16550
 * raises it and QEMU's serial.c models it: pending when IER.ETBEI turns on
 * (the transmitter is always empty), again after every byte written (sent
 * at once), and cleared by the IIR read that reports it. Linux's 8250
 * driver checks exactly that at startup (its UART_BUG_THRE test) and then
 * sends its tty's bytes by that interrupt, up to a FIFO's 16 at a time.
 */
#include "hv/vuart.h"
#include "lib/string.h"
#include "lib/uart.h"

/* Registers' bits: the 16550 data sheet, as Linux's serial_reg.h names them. */
#define IER_THRI        0x02    /* interrupt when the transmitter is empty */
#define IIR_NO_INT      0x01
#define IIR_THRI        0x02
#define IIR_FIFOS       0xc0    /* FIFOs enabled: a 16550A */
#define MCR_LOOP        0x10
#define MSR_CABLE       0xb0    /* DCD, DSR, CTS: a cable is there */

void vuart_init(struct vuart *u, void (*on_line)(void *ctx, const char *line, size_t len),
		void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->on_line = on_line;
	u->ctx = ctx;
	u->dll = 1;     /* 115200 baud, as firmware would leave it */
}

/* The line being written is complete: into the queue, with its '\n'.
 * There is room: the VM runs only while the queue has room for a line. */
static void end_line(struct vuart *u)
{
	for (size_t i = 0; i < u->len; i++)
		u->queue[u->head++ % VUART_QUEUE_SIZE] = u->line[i];
	u->queue[u->head++ % VUART_QUEUE_SIZE] = '\n';
	u->lines++;
	if (u->on_line)
		u->on_line(u->ctx, u->line, u->len);
	u->len = 0;
}

static void add(struct vuart *u, char c)
{
	/* Control characters (escape sequences above all) would act on the
	 * terminal or log that shows mica's console: show them as '?'. Bytes
	 * from 0x80 up are text (UTF-8) and pass as they are. */
	if (((unsigned char)c < 0x20 && c != '\t') || (unsigned char)c == 0x7f)
		c = '?';
	u->line[u->len++] = c;
	if (u->len == VUART_LINE_MAX)
		end_line(u);
}

static void put(struct vuart *u, char c)
{
	u->bytes++;
	if (u->cr) {
		/* "\r\n" is one line end, as serial consoles send it; a
		 * '\r' alone is a control character like any other. */
		u->cr = false;
		if (c == '\n') {
			end_line(u);
			return;
		}
		add(u, '\r');
	}
	if (c == '\r')
		u->cr = true;
	else if (c == '\n')
		end_line(u);
	else
		add(u, c);
}

size_t vuart_write(struct vuart *u, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && !vuart_full(u); i++)
		put(u, buf[i]);
	return i;
}

void vuart_flush(struct vuart *u)
{
	if (u->cr) {
		u->cr = false;
		add(u, '\r');
	}
	if (u->len)
		end_line(u);
}

bool vuart_irq_edge(struct vuart *u)
{
	bool level = u->thre_ip && (u->ier & IER_THRI), rose = level && !u->irq_line;

	u->irq_line = level;
	return rose;
}

int vuart_take_line(struct vuart *u, char *buf)
{
	int n = 0;

	if (!u->lines)
		return -1;
	for (char c; (c = u->queue[u->tail++ % VUART_QUEUE_SIZE]) != '\n';)
		buf[n++] = c;
	u->lines--;
	return n;
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
		if (u->thre_ip && (u->ier & IER_THRI)) {
			u->thre_ip = false;     /* reading it is the acknowledgement */
			return (u->fifo ? IIR_FIFOS : 0) | IIR_THRI;
		}
		return (u->fifo ? IIR_FIFOS : 0) | IIR_NO_INT;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		/* Busy only while the queue is full, which a running guest
		 * never sees: it waits off the CPU instead. */
		return vuart_full(u) ? 0 : UART_LSR_THR_EMPTY | UART_LSR_TEMT;
	case UART_MSR:
		/* In loopback the modem outputs come back as its inputs:
		 * DTR -> DSR, RTS -> CTS, OUT1 -> RI, OUT2 -> DCD. */
		if (u->mcr & MCR_LOOP)
			return (uint8_t)((u->mcr & UART_MCR_DTR) << 5 | (u->mcr & UART_MCR_RTS) << 3 |
					 (u->mcr & 0x0c) << 4);
		return MSR_CABLE;
	default:
		return u->scr;
	}
}

void vuart_out(struct vuart *u, uint16_t port, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (port - VUART_BASE) {
	case UART_THR:
		if (dlab) {
			u->dll = v;
		} else {
			put(u, (char)v);
			/* Writing clears THRE; the byte goes at once and
			 * THRE is back: the output falls and rises again. */
			u->irq_line = false;
			u->thre_ip = true;
		}
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
		} else {
			/* Turning ETBEI on with the transmitter empty raises
			 * the interrupt, even after an IIR read cleared it. */
			if ((v ^ u->ier) & IER_THRI)
				u->thre_ip = v & IER_THRI;
			u->ier = v & 0x0f;
		}
		break;
	case UART_FCR:
		u->fifo = v & UART_FCR_ENABLE;
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
		break;                          /* LSR, MSR: nothing to keep */
	}
}
