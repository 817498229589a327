/*
 * usys.S - the system call stubs of the user library (guest ring 3), one
 * per call of guest/include/sysabi.h, plus syscall5 for any number with
 * any arguments (tests give the kernel bad ones on purpose). ulib.h
 * declares them.
 *
 * The C calling convention passes arguments in RDI, RSI, RDX, RCX, R8,
 * R9; SYSCALL takes them in RDI, RSI, RDX, R10, R8 with the number in
 * RAX, because SYSCALL itself overwrites RCX (the return RIP) and R11
 * (RFLAGS). So a stub moves the 4th argument from RCX to R10, loads the
 * number and traps; the result in RAX is already C's return value. RCX
 * and R11 are caller-saved in C, so nothing else needs keeping.
 */
#include "guest/include/sysabi.h"

/* SYSCALL_STUB name, nr: long name(a1, a2, a3, a4, a5) makes call (nr). */
.macro SYSCALL_STUB name, nr
	.globl \name
	.type \name, @function
\name:
	mov $\nr, %eax
	mov %rcx, %r10
	syscall
	ret
	.size \name, . - \name
.endm

	.text

SYSCALL_STUB sys_write,      SYS_WRITE
SYSCALL_STUB sys_getpid,     SYS_GETPID
SYSCALL_STUB sys_yield,      SYS_YIELD
SYSCALL_STUB sys_sleep,      SYS_SLEEP
SYSCALL_STUB sys_clock,      SYS_CLOCK
SYSCALL_STUB sys_spawn,      SYS_SPAWN
SYSCALL_STUB sys_wait,       SYS_WAIT
SYSCALL_STUB sys_kill,       SYS_KILL
SYSCALL_STUB sys_mmap,       SYS_MMAP
SYSCALL_STUB sys_open,       SYS_OPEN
SYSCALL_STUB sys_read,       SYS_READ
SYSCALL_STUB sys_close,      SYS_CLOSE
SYSCALL_STUB sys_hostname,   SYS_HOSTNAME
SYSCALL_STUB sys_getppid,    SYS_GETPPID
SYSCALL_STUB sys_kernel_bug, SYS_KERNEL_BUG

/*
 * sys_exit(code): SYS_EXIT does not return; if a kernel bug made it
 * return, fault rather than run on in a process that asked to end.
 */
	.globl sys_exit
	.type sys_exit, @function
sys_exit:
	mov $SYS_EXIT, %eax
	syscall
	ud2
	.size sys_exit, . - sys_exit

/*
 * long syscall5(nr, a1, a2, a3, a4, a5): call number (nr) with five
 * arguments: each C argument moves one register along.
 */
	.globl syscall5
	.type syscall5, @function
syscall5:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	syscall
	ret
	.size syscall5, . - syscall5

	.section .note.GNU-stack, "", @progbits
