/*
 * x86.h (host stub) - the port and CPU instructions lib/console.c uses, as
 * functions the unit test defines: it builds console.c on the host with
 * -iquote tests/unit/stub, so this file stands in for lib/x86.h.
 */
#ifndef LIB_X86_H
#define LIB_X86_H

#include <stdint.h>

void outb(uint16_t port, uint8_t v);
uint8_t inb(uint16_t port);
void cli(void);
void hlt(void);

#endif /* LIB_X86_H */
