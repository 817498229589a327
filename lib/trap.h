/*
 * trap.h - interrupt and exception entry for both kernels: one IDT, one
 * frame layout, a handler per vector, and a full register dump for
 * anything unhandled. SDM Vol. 3, "Interrupt and Exception Handling".
 */
#ifndef LIB_TRAP_H
#define LIB_TRAP_H

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/*
 * What lib/trapentry.S pushes, lowest address first: the general-purpose
 * registers, the vector and error code (0 for vectors without one), then
 * the CPU's own interrupt frame.
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame layout is fixed by trapentry.S");

/* A handler returns true when it dealt with the trap (the frame, possibly
 * changed, is resumed), false to fall through to the fatal dump. */
typedef bool (*trap_handler_fn)(struct trap_frame *tf);

/* Build and load the IDT. Call after cpu_init(). */
void trap_init(void);

/* A CPU started after the first: its own copy of the IDT, the same gates,
 * in (buf) (TRAP_IDT_BYTES, 16-byte aligned), loaded on this CPU. The
 * handlers stay one table, set on the first CPU before others start. */
#define TRAP_IDT_BYTES 4096
void trap_init_cpu(void *buf);

/* Route (vector) to (fn); NULL restores the fatal default. Returns the
 * previous handler, so a self-test can borrow a vector and give it back. */
trap_handler_fn trap_set_handler(unsigned vector, trap_handler_fn fn);

/* Short name of an exception vector ("page fault"), or "interrupt". */
const char *trap_name(unsigned vector);

/* Print the vector, error code, RIP, CR2 and every register of (tf). */
void trap_dump(const struct trap_frame *tf);

/* Called by trapentry.S for every vector. */
void trap_dispatch(struct trap_frame *tf);
#endif

#ifdef __ASSEMBLER__
/* Push and pop the general-purpose registers of struct trap_frame, in its
 * order (r15 lowest): lib/trapentry.S and the container host's SYSCALL
 * entry (guest/kernel/entry.S) build the same frame. */
	.macro TRAP_PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro TRAP_POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm
#endif

#endif /* LIB_TRAP_H */
