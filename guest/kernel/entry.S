/*
 * entry.S - the container host's ways between ring 0 and ring 3, and
 * between kernel stacks:
 *
 *   swtch              save one kernel stack, continue on another (sched.c)
 *   proc_first_entry   where a new process's first swtch lands: IRETQ to
 *                      its program's entry with the frame proc.c built
 *   syscall_entry      the SYSCALL target (IA32_LSTAR): builds a struct
 *                      trap_frame on the process's kernel stack, calls
 *                      syscall_dispatch(frame), returns with SYSRETQ
 *
 * SDM Vol. 2, "SYSCALL", "SYSRET"; Vol. 3, "Fast System Calls in 64-Bit
 * Mode". One CPU: the scratch word for the user RSP needs no per-CPU area
 * (nor SWAPGS) because SYSCALL leaves interrupts off (IA32_FMASK clears IF).
 */
#include "lib/cpu.h"
#include "lib/trap.h"

/* Not an IDT vector: marks a trap_frame built by syscall_entry. */
#define SYSCALL_FRAME_VECTOR 0x100

	.text

/* void swtch(struct context **save, struct context *load): struct context
 * (proc.h) is exactly what is pushed here, then the return address. */
	.globl swtch
swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* RSP points at the trap_frame proc.c built at the top of the stack. */
	.globl proc_first_entry
proc_first_entry:
	call proc_first_run             /* a process killed before it ran ends here */
	cli
	TRAP_POP_REGS
	add $16, %rsp                   /* vector and error code */
	iretq

	.globl syscall_entry
syscall_entry:
	/* RCX = the user RIP after SYSCALL, R11 = the user RFLAGS; RSP is
	 * still the user's. */
	mov %rsp, syscall_user_rsp(%rip)
	mov syscall_kstack_top(%rip), %rsp
	pushq $(GDT_UDATA | 3)          /* ss */
	pushq syscall_user_rsp(%rip)    /* rsp */
	pushq %r11                      /* rflags */
	pushq $(GDT_UCODE | 3)          /* cs */
	pushq %rcx                      /* rip */
	pushq $0                        /* error code */
	pushq $SYSCALL_FRAME_VECTOR
	TRAP_PUSH_REGS
	cld
	mov %rsp, %rdi                  /* 22 words pushed: still 16-byte aligned */
	call syscall_dispatch
	/* Interrupts stay off from here: the last instructions run in ring 0
	 * on the user's stack. */
	cli
	TRAP_POP_REGS
	add $16, %rsp
	popq %rcx                       /* rip */
	add $8, %rsp                    /* cs */
	popq %r11                       /* rflags */
	popq %rsp                       /* rsp */
	sysretq

	.data
	.balign 8
syscall_user_rsp:
	.quad 0
