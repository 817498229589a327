/*
 * guest_try.h - run one instruction that may fault, in the guest tests:
 * TRY() yields the vector it raised (NO_FAULT if none) and goes on after
 * it. Each test file that includes this gets its own copy of the state,
 * and routes the vectors it expects to try_on_fault (lib/trap.h).
 * Runs in the guest kernel, ring 0, 64-bit mode.
 */
#ifndef TESTS_GUEST_GUEST_TRY_H
#define TESTS_GUEST_GUEST_TRY_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define NO_FAULT        (-1)

static volatile int fault_vector = NO_FAULT;
static volatile uint64_t fault_resume, fault_error, fault_cr2;

/* A fault during a TRY(): note the vector, error code and (#PF) CR2, and
 * continue after the instruction, at the label TRY placed there. */
static inline bool try_on_fault(struct trap_frame *tf)
{
	if (!fault_resume)
		return false;
	fault_vector = (int)tf->vector;
	fault_error = tf->error_code;
	if (tf->vector == VEC_PF)
		fault_cr2 = read_cr2();
	tf->rip = fault_resume;
	return true;
}

/* Run (insn); the arguments are its asm outputs, ':', its inputs. DF is
 * cleared after it, faulted or not. */
#define TRY(insn, ...) ({                                               \
	fault_vector = NO_FAULT;                                        \
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"                    \
			 "movq %%r11, fault_resume(%%rip)\n\t"          \
			 insn "\n1:\n\tcld\n\t"                         \
			 "movq $0, fault_resume(%%rip)"                 \
			 : __VA_ARGS__ : "r11", "memory");              \
	fault_vector;                                                   \
})

#endif /* TESTS_GUEST_GUEST_TRY_H */
