/*
 * sched.h - the container host's scheduler: preemptive round-robin over
 * every runnable process, preempted on the timer tick, with each
 * container held to its CPU share. The scheduler runs on the kernel's boot
 * stack, between processes, and gives the engine (engine.c) its turn
 * there. docs/containers.md.
 */
#ifndef GUEST_KERNEL_SCHED_H
#define GUEST_KERNEL_SCHED_H

#include <stdint.h>

struct proc;

/* The process on the CPU, or NULL while the scheduler itself runs. */
struct proc *sched_current(void);

/* Hook the timer. Call once, after proc_init(). */
void sched_init(void);

/* Run processes until (done)() returns true, calling (poll)() between
 * them (the engine). Returns with no process on the CPU. */
void sched_run(void (*poll)(void), int (*done)(void));

/* The current process gives up the CPU and stays runnable. */
void sched_yield(void);

/* The current process has set its own state (SLEEPING, WAITING, ZOMBIE):
 * switch away until something makes it RUNNABLE again. */
void sched_block(void);

/* A preemption point for a long system call of the current process (the
 * console write): let a pending tick in, and if a tick has come since the
 * process got the CPU, yield as a tick in ring 3 would. Interrupts are
 * off again when it returns. */
void sched_preempt_point(void);

/* A new process joins the run queue. */
void sched_add(struct proc *p);

/* The current process sleeps until timer tick (tick). */
void sched_sleep(uint64_t tick);

/* Make a SLEEPING or WAITING process RUNNABLE. */
void sched_wake(struct proc *p);

/* Process switches so far, and the TSC spent with no process runnable. */
uint64_t sched_switches(void);
uint64_t sched_idle_tsc(void);

/* A TSC clock of this VM's own CPU work: the TSC less the time other VMs
 * had the CPU (mica's steal clock; bare, the TSC itself). The difference
 * of two readings is work done here, the wait for other VMs left out. */
uint64_t sched_cpu_clock(void);

/* The CPU the current process has used in its turn so far (net of other
 * VMs' turns), not yet in its cpu_tsc; 0 outside a process. */
uint64_t sched_turn_cpu(void);

/* Switch stacks (guest/kernel/entry.S): save the callee-saved registers
 * on the current stack and its pointer in (*save); continue on (load). */
struct context;
void swtch(struct context **save, struct context *load);

/* The kernel stack SYSCALL switches to: the current process's (entry.S). */
extern uint64_t syscall_kstack_top;

#endif /* GUEST_KERNEL_SCHED_H */
