/*
 * vuart.h - a VM's virtual 16550 UART at COM1 (0x3f8-0x3ff) and its line
 * discipline: the bytes a guest sends become lines in a bounded queue of
 * its own, which hv/vconsole.c moves to mica's console, each line
 * prefixed with the VM's name. Backend-neutral and pure: it sees port
 * numbers and bytes, not VM exits, and prints nothing itself.
 */
#ifndef HV_VUART_H
#define HV_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VUART_BASE 0x3f8
#define VUART_PORTS 8
#define VUART_IRQ 4             /* COM1's line on the PIC, as on a PC */
#define VUART_LINE_MAX 200      /* a longer line is split, never cut */
/* The VM's queue of complete lines, each stored as its text and a '\n':
 * room for a whole HC_CONSOLE_MAX (4096-byte) call split into 200-byte
 * lines, plus one more line, so an empty queue takes any one call. */
#define VUART_QUEUE_SIZE 4352

struct vuart {
	void (*on_line)(void *ctx, const char *line, size_t len); /* sees each line */
	void *ctx;
	char line[VUART_LINE_MAX];      /* the line being written */
	size_t len;
	bool cr;                        /* a '\r' came last: a line end if '\n' follows */
	char queue[VUART_QUEUE_SIZE];   /* complete lines: [tail, head) modulo the size */
	uint64_t head, tail;            /* bytes ever put in, and taken out */
	unsigned lines;                 /* complete lines in the queue */
	uint8_t ier, lcr, mcr, scr, dll, dlm;   /* what the guest programmed */
	bool fifo;                      /* FCR bit 0: FIFOs on (IIR bits 7:6 say so) */
	bool thre_ip;                   /* a THRE interrupt is pending (IIR 0x02) */
	bool irq_line;                  /* the interrupt output, as last seen */
	uint64_t bytes;                 /* bytes received from the guest */
};

/* Reset (u) as a freshly powered 16550 with an empty queue; (on_line)(ctx,
 * ...) is shown each complete line as it completes (may be NULL). */
void vuart_init(struct vuart *u, void (*on_line)(void *ctx, const char *line, size_t len),
		void *ctx);

/* True if (port) belongs to the virtual UART. */
static inline bool vuart_port(uint16_t port)
{
	return port >= VUART_BASE && port < VUART_BASE + VUART_PORTS;
}

/* True while the queue may not have room for the line being written: the
 * VM must wait off the CPU until hv/vconsole.c has taken lines from it.
 * Never true right after vuart_init(). */
static inline bool vuart_full(const struct vuart *u)
{
	return VUART_QUEUE_SIZE - (u->head - u->tail) < VUART_LINE_MAX + 1;
}

/* True when a VM that waited for its queue may run again: half of it is
 * free, so that it is not woken for every single line. */
static inline bool vuart_drained(const struct vuart *u)
{
	return u->head - u->tail <= VUART_QUEUE_SIZE / 2;
}

/* A guest IN from (port): the register's value. */
uint8_t vuart_in(struct vuart *u, uint16_t port);

/* A guest OUT of (v) to (port). The byte is always taken; check
 * vuart_full() after it. */
void vuart_out(struct vuart *u, uint16_t port, uint8_t v);

/* Whether the UART's interrupt output rose since the last call (an edge
 * for the PIC's IRQ4): a THRE interrupt enabled by IER while the
 * transmitter is empty, or again after each byte written. Call after
 * each vuart_in() and vuart_out(). */
bool vuart_irq_edge(struct vuart *u);

/* Bytes the guest sent by other means (the console hypercall): takes them
 * up to the first that finds the queue full. Returns how many it took. */
size_t vuart_write(struct vuart *u, const char *buf, size_t len);

/* End the line being written, if any (the VM stopped): it joins the queue
 * (a '\r' waiting for its '\n' is shown as '?'). */
void vuart_flush(struct vuart *u);

/* Take the oldest complete line out of the queue into (buf) of
 * VUART_LINE_MAX bytes, without its '\n'. Returns its length, or -1 if
 * the queue holds no complete line. */
int vuart_take_line(struct vuart *u, char *buf);

#endif /* HV_VUART_H */
