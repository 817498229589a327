/*
 * crt0.S - _start, where every user program of the container host begins
 * (guest ring 3): it calls main(argc, argv) and ends the process with
 * main's return value. Linked first into every program by the Makefile.
 * The entry state is the kernel's promise in guest/include/sysabi.h.
 */
#include "guest/include/sysabi.h"

/*
 * _start: RSP 16-byte aligned, pointing at argc, then argv[0..argc-1]
 * and NULL, as the System V ABI lays them out. The kernel also passes
 * RDI = argc and RSI = argv; they are taken from the stack all the same,
 * which any System V kernel provides, so that a program can be tried
 * under another one too.
 * Does not return: SYS_EXIT(main(argc, argv)).
 */
	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp                  /* the end of the frame-pointer chain debuggers walk */
	mov (%rsp), %edi                /* argc */
	lea 8(%rsp), %rsi               /* argv */
	call main                       /* RSP is aligned as a call expects it */
	movslq %eax, %rdi               /* main's int, as sys_exit's long */
	call sys_exit                   /* does not return (usys.S) */
	.size _start, . - _start

/*
 * The addresses linker/user.ld must agree with, as absolute symbols: ld
 * cannot include sysabi.h, so its ASSERTs compare against these.
 */
	.globl __abi_user_text, __abi_user_heap
	.set __abi_user_text, USER_TEXT
	.set __abi_user_heap, USER_HEAP

	.section .note.GNU-stack, "", @progbits
