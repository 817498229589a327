/*
 * uart.h (host stub) - the UART interface of lib/uart.h as functions the
 * unit test defines (tests/unit/test_console.c): a UART whose transmitter
 * the test holds busy or lets drain, recording every byte that leaves.
 */
#ifndef LIB_UART_H
#define LIB_UART_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/x86.h"

#define UART_COM1 0x3f8
#define UART_THR 0
#define UART_LSR 5
#define UART_FIFO_SIZE 16

void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);
bool uart_has_fifo(uint16_t port);
bool uart_tx_empty(uint16_t port);
void uart_drain(uint16_t port);

#endif /* LIB_UART_H */
