/*
 * sched.c - the container host's scheduler (see sched.h).
 *
 * Runs in ring 0 on the boot stack, as xv6's scheduler() does: pick the
 * next runnable process after the last one, switch to its address space
 * and kernel stack, and come back here when it yields, blocks, ends or is
 * preempted. A timer tick that lands in ring 3 preempts; the kernel itself
 * is never preempted (system calls run with interrupts off). CPU time is
 * charged to containers by the TSC, at every switch, so a process cannot
 * hide from the accounting by yielding just before each tick.
 */
#include "guest/kernel/container.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/time.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/trap.h"
#include "lib/x86.h"

uint64_t syscall_kstack_top;

static struct proc *current;
static struct context *scheduler_ctx;
static unsigned last;                   /* table index of the last process run */
static uint64_t switches, idle_tsc;

struct proc *sched_current(void)
{
	return current;
}

uint64_t sched_switches(void)
{
	return switches;
}

uint64_t sched_idle_tsc(void)
{
	return idle_tsc;
}

void sched_wake(struct proc *p)
{
	if (p->state == PROC_SLEEPING || p->state == PROC_WAITING)
		p->state = PROC_RUNNABLE;
}

/* Back to the scheduler; returns when this process is picked again. */
static void to_scheduler(void)
{
	struct proc *p = current;

	swtch(&p->ctx, scheduler_ctx);
}

void sched_yield(void)
{
	current->state = PROC_RUNNABLE;
	to_scheduler();
}

void sched_block(void)
{
	to_scheduler();
}

/* A tick in ring 3: the process has had its turn. A killed process ends
 * here, at its way back to ring 3. */
static void on_tick(struct trap_frame *tf)
{
	if ((tf->cs & 3) != 3 || current == NULL)
		return;
	sched_yield();
	if (current->killed)
		proc_exit(SYS_STATUS_KILLED);
}

/* The next process to run after index (last), waking sleepers whose tick
 * has come; NULL if none may run now. */
static struct proc *pick(uint64_t now)
{
	uint64_t tick = time_ticks();

	for (unsigned n = 1; n <= NPROC; n++) {
		unsigned i = (last + n) % NPROC;
		struct proc *p = &proc_table[i];

		if (p->state == PROC_SLEEPING && tick >= p->wake_tick)
			p->state = PROC_RUNNABLE;
		if (p->state != PROC_RUNNABLE || container_throttled(p->c, now))
			continue;
		last = i;
		return p;
	}
	return NULL;
}

/* Give the CPU to (p) until it comes back. */
static void run(struct proc *p)
{
	uint64_t t;

	p->state = PROC_RUNNING;
	current = p;
	syscall_kstack_top = p->kstack + KSTACK_SIZE;
	cpu_set_kernel_stack(syscall_kstack_top);
	write_cr3((uint64_t)(uintptr_t)p->pml4);
	__asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t (*)[512])p->fpu));
	p->tsc_on_cpu = rdtsc();
	switches++;

	swtch(&scheduler_ctx, p->ctx);

	t = rdtsc() - p->tsc_on_cpu;
	current = NULL;
	p->cpu_tsc += t;
	container_charge_cpu(p->c, t);
	if (p->state == PROC_ZOMBIE) {
		/* With no parent to wait for it, no one else will reap it;
		 * its stack is free now that the scheduler runs. */
		if (p->parent == NULL)
			proc_reap(p);
	} else {
		__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[512])p->fpu));
	}
}

void sched_init(void)
{
	time_set_tick_hook(on_tick);
}

void sched_run(void (*poll)(void), int (*done)(void))
{
	for (;;) {
		struct proc *p;

		cli();
		poll();
		if (done())
			break;
		p = pick(rdtsc());
		if (p) {
			run(p);
			continue;
		}
		/* Nothing to run: halt until the next interrupt. STI;HLT
		 * together, so that a tick between the check and the halt
		 * cannot be slept through. */
		uint64_t t = rdtsc();

		__asm__ volatile("sti; hlt" ::: "memory");
		idle_tsc += rdtsc() - t;
	}
	/* The kernel's own tables again: the last process's may be gone. */
	write_cr3((uint64_t)(uintptr_t)proc_kernel_pml4());
	sti();
}
