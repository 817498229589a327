/*
 * vuart.h - a VM's virtual 16550 UART at COM1 (0x3f8-0x3ff), and the line
 * discipline that puts every VM's output on mica's console, each line
 * prefixed with the VM's name. Backend-neutral: it sees port numbers and
 * bytes, not VM exits.
 */
#ifndef HV_VUART_H
#define HV_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VUART_BASE 0x3f8
#define VUART_PORTS 8
#define VUART_LINE_MAX 200      /* a longer line is split, never cut */
/* Room kept free in mica's console queue for lines already on their way:
 * below it, the virtual UART reports a busy transmitter and the console
 * hypercall takes fewer bytes. */
#define VUART_QUEUE_RESERVE 1024

struct vuart {
	const char *name;       /* prefix of each console line */
	void (*on_line)(void *ctx, const char *line, size_t len); /* sees each line */
	void *ctx;
	char line[VUART_LINE_MAX];
	size_t len;
	uint8_t ier, lcr, mcr, scr, dll, dlm;   /* what the guest programmed */
	uint64_t bytes;         /* bytes received from the guest */
};

/* Reset (u) as a freshly powered 16550 whose lines print as "[name] ...";
 * (on_line)(ctx, ...) is shown each complete line too (may be NULL). */
void vuart_init(struct vuart *u, const char *name,
		void (*on_line)(void *ctx, const char *line, size_t len), void *ctx);

/* True if (port) belongs to the virtual UART. */
static inline bool vuart_port(uint16_t port)
{
	return port >= VUART_BASE && port < VUART_BASE + VUART_PORTS;
}

/* A guest IN from (port): the register's value. */
uint8_t vuart_in(struct vuart *u, uint16_t port);

/* A guest OUT of (v) to (port). */
void vuart_out(struct vuart *u, uint16_t port, uint8_t v);

/* Bytes the guest sent by other means (the console hypercall). */
void vuart_write(struct vuart *u, const char *buf, size_t len);

/* Print what is left of an unfinished line (at VM end). */
void vuart_flush(struct vuart *u);

#endif /* HV_VUART_H */
