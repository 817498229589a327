/*
 * uart.h - polled driver for a 16550 UART (COM1 at 0x3f8 on every PC, in
 * QEMU and Bochs, and in every mica VM).
 */
#ifndef LIB_UART_H
#define LIB_UART_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/x86.h"

#define UART_COM1 0x3f8

/* 16550 registers, as offsets from the base port. */
#define UART_THR 0              /* transmit holding (write, DLAB=0) */
#define UART_RBR 0              /* receive buffer (read, DLAB=0) */
#define UART_DLL 0              /* divisor latch low (DLAB=1) */
#define UART_IER 1              /* interrupt enable (DLAB=0) */
#define UART_DLM 1              /* divisor latch high (DLAB=1) */
#define UART_IIR 2              /* interrupt identification (read) */
#define UART_FCR 2              /* FIFO control (write) */
#define   UART_FCR_ENABLE     0x01
#define   UART_FCR_CLEAR_RX   0x02
#define   UART_FCR_CLEAR_TX   0x04
#define UART_LCR 3              /* line control */
#define   UART_LCR_8N1        0x03
#define   UART_LCR_DLAB       0x80
#define UART_MCR 4              /* modem control */
#define   UART_MCR_DTR        0x01
#define   UART_MCR_RTS        0x02
#define   UART_MCR_OUT2       0x08
#define UART_LSR 5              /* line status */
#define   UART_LSR_DATA_READY 0x01
#define   UART_LSR_THR_EMPTY  0x20
#define   UART_LSR_TEMT       0x40
#define UART_MSR 6              /* modem status */
#define UART_SCR 7              /* scratch */

#define UART_CLOCK_HZ 1843200   /* the divisor is 115200 / baud */

/* Program (port) for 115200 baud, 8N1, FIFOs on, interrupts off. */
void uart_init(uint16_t port);

/* Send one byte on (port), waiting while the transmitter is full. A UART
 * that never drains (absent hardware) is given up on after a bounded wait,
 * so a machine without COM1 still boots. */
void uart_putc(uint16_t port, char c);

/* The 16550's transmit FIFO: when THRE is set it is empty and takes this
 * many bytes at once. */
#define UART_FIFO_SIZE 16

/* True if (port) has a working transmit FIFO (a 16550A, after
 * uart_init): IIR bits 7:6 read as 11. */
static inline bool uart_has_fifo(uint16_t port)
{
	return (inb(port + UART_IIR) & 0xc0) == 0xc0;
}

/* True if (port) can take a byte (or, with a FIFO, UART_FIFO_SIZE bytes)
 * now, without waiting. */
static inline bool uart_tx_empty(uint16_t port);

/* Wait (boundedly) until (port) has sent everything, so that the last
 * bytes are not lost when the machine powers off right after. */
void uart_drain(uint16_t port);

static inline bool uart_tx_empty(uint16_t port)
{
	return inb(port + UART_LSR) & UART_LSR_THR_EMPTY;
}

#endif /* LIB_UART_H */
