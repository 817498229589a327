/*
 * trapentry.S - the 256 IDT entry stubs and the common register save.
 *
 * Runs in ring 0 on the interrupted stack (or the IST stack for #DF). Each
 * stub makes the frame uniform (pushes 0 where the CPU pushes no error
 * code), pushes its vector and jumps to trap_common, which saves every
 * general-purpose register as struct trap_frame (lib/trap.h), calls
 * trap_dispatch(frame), restores and returns with IRETQ.
 */
#include "lib/trap.h"

/* Vectors for which the CPU pushes an error code: SDM Vol. 3, "Exception
 * and Interrupt Reference": #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14,
 * #AC 17, #CP 21, #VC 29, #SX 30. The .if in TRAP_STUB lists them. */

	.text
	.macro TRAP_STUB v
	.balign 16
trap_stub_\v:
	.if !((\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.altmacro
	.set v, 0
	.rept 256
	TRAP_STUB %v
	.set v, v + 1
	.endr

trap_common:
	TRAP_PUSH_REGS
	cld
	mov %rsp, %rdi
	/* Align the stack for C: the frame may sit at any 8-byte offset. */
	mov %rsp, %rbx
	and $-16, %rsp
	call trap_dispatch
	mov %rbx, %rsp
	TRAP_POP_REGS
	add $16, %rsp                   /* vector and error code */
	iretq

/* trap_stubs[v]: address of the stub of vector v, for trap_init(). */
	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.macro STUB_ADDR v
	.quad trap_stub_\v
	.endm
	.set v, 0
	.rept 256
	STUB_ADDR %v
	.set v, v + 1
	.endr
