/*
 * rip.h - the address of the next instruction, wrapped as the CPU wraps it
 * in the code segment's mode. Pure logic, used wherever mica moves a
 * guest's RIP past an instruction it finished (hv/vmx/vmexit.c), and by
 * the host unit tests. SDM Vol. 1, "Instruction Pointer" and "Operand-Size
 * and Address-Size Attributes"; Vol. 3, "Checks on Guest RIP, RFLAGS, and
 * SSP" (bits 63:32 of RIP are 0 outside 64-bit mode).
 */
#ifndef HV_RIP_H
#define HV_RIP_H

#include <stdbool.h>
#include <stdint.h>

/* The code segment's address size: CS.L in IA-32e mode is 64-bit code,
 * else CS.D/B picks 32- or 16-bit (real mode has D/B clear). */
static inline unsigned rip_width(bool ia32e, bool cs_l, bool cs_db)
{
	return ia32e && cs_l ? 64 : cs_db ? 32 : 16;
}

/* (rip) moved (len) bytes on: RIP in 64-bit code, EIP wrapping at 4 GiB
 * in 32-bit code, IP wrapping at 64 KiB in 16-bit code (EIP's upper half
 * cleared, as a 16-bit instruction leaves it). */
static inline uint64_t rip_advance(uint64_t rip, uint64_t len, unsigned width)
{
	uint64_t next = rip + len;

	return width == 64 ? next : width == 32 ? (uint32_t)next : (uint16_t)next;
}

#endif /* HV_RIP_H */
