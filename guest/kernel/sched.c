/*
 * sched.c - the container host's scheduler (see sched.h).
 *
 * Runs in ring 0 on the boot stack, as xv6's scheduler() does: take the
 * first process of the run queue, switch to its address space
 * and kernel stack, and come back here when it yields, blocks, ends or is
 * preempted. A timer tick that lands in ring 3 preempts; the kernel itself
 * is preempted only where it asks (sched_preempt_point: the console
 * write's chunks), since system calls run with interrupts off. CPU time is
 * charged to containers by the TSC, at every switch, so a process cannot
 * hide from the accounting by yielding just before each tick.
 */
#include "guest/kernel/container.h"
#include "guest/kernel/hv.h"
#include "hv/include/hvabi.h"
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
static uint64_t switches, idle_tsc;
static uint64_t turn_tick;              /* the tick at which current got the CPU */
/* Under mica, the time other VMs had the CPU (HC_STEAL_CLOCK): taken out
 * of what a process is charged, so that a container's CPU time is its own. */
static volatile uint64_t steal_tsc __attribute__((aligned(8)));

static uint64_t turn_steal;             /* steal_tsc when current got the CPU */

struct proc *sched_current(void)
{
	return current;
}

uint64_t sched_cpu_clock(void)
{
	return rdtsc() - steal_tsc;
}

uint64_t sched_turn_cpu(void)
{
	return current ? rdtsc() - current->tsc_on_cpu - (steal_tsc - turn_steal) : 0;
}

uint64_t sched_switches(void)
{
	return switches;
}

uint64_t sched_idle_tsc(void)
{
	return idle_tsc;
}

/*
 * The run queue: RUNNABLE processes, first in first out, so a pick costs
 * the same with 2 processes or 2,000. The sleepers: a list scanned once per
 * tick. A process is on at most one of them.
 */
static struct proc *run_head, *run_tail, *sleepers;
static uint64_t sleepers_checked_tick;

static void enqueue(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->run_next = NULL;
	if (run_tail)
		run_tail->run_next = p;
	else
		run_head = p;
	run_tail = p;
}

static struct proc *dequeue(void)
{
	struct proc *p = run_head;

	if (p) {
		run_head = p->run_next;
		if (run_head == NULL)
			run_tail = NULL;
	}
	return p;
}

static void sleepers_remove(struct proc *p)
{
	if (p->sleep_prev)
		p->sleep_prev->sleep_next = p->sleep_next;
	else
		sleepers = p->sleep_next;
	if (p->sleep_next)
		p->sleep_next->sleep_prev = p->sleep_prev;
	p->sleep_next = p->sleep_prev = NULL;
}

void sched_add(struct proc *p)
{
	enqueue(p);
}

void sched_wake(struct proc *p)
{
	if (p->state == PROC_SLEEPING)
		sleepers_remove(p);
	if (p->state == PROC_SLEEPING || p->state == PROC_WAITING)
		enqueue(p);
}

/* Back to the scheduler; returns when this process is picked again. */
static void to_scheduler(void)
{
	struct proc *p = current;

	swtch(&p->ctx, scheduler_ctx);
}

void sched_yield(void)
{
	enqueue(current);
	to_scheduler();
}

void sched_block(void)
{
	to_scheduler();
}

void sched_preempt_point(void)
{
	/* STI takes effect after the next instruction: a tick waiting in
	 * the PIC is taken at the NOP, in ring 0, where on_tick only counts
	 * it. */
	__asm__ volatile("sti; nop; cli" ::: "memory");
	if (time_ticks() != turn_tick)
		sched_yield();
}

void sched_sleep(uint64_t tick)
{
	struct proc *p = current;

	p->wake_tick = tick;
	p->state = PROC_SLEEPING;
	p->sleep_prev = NULL;
	p->sleep_next = sleepers;
	if (sleepers)
		sleepers->sleep_prev = p;
	sleepers = p;
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

/* The next process to run, waking sleepers whose tick has come; NULL if
 * none may run now. A process whose container has used its CPU share
 * goes to the back of the queue. */
static struct proc *pick(uint64_t now)
{
	uint64_t tick = time_ticks();

	if (tick != sleepers_checked_tick) {
		sleepers_checked_tick = tick;
		for (struct proc *p = sleepers, *next; p; p = next) {
			next = p->sleep_next;
			if (tick >= p->wake_tick)
				sched_wake(p);
		}
	}
	for (struct proc *first = NULL, *p; (p = dequeue()) != NULL; ) {
		if (!container_throttled(p->c, now))
			return p;
		enqueue(p);
		if (first == p)
			break;                  /* every queued process is throttled */
		if (first == NULL)
			first = p;
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
	turn_steal = steal_tsc;
	turn_tick = time_ticks();
	p->tsc_on_cpu = rdtsc();
	switches++;

	swtch(&scheduler_ctx, p->ctx);

	t = rdtsc() - p->tsc_on_cpu - (steal_tsc - turn_steal);
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
	if (hv_detect() && hv_call(HC_STEAL_CLOCK, (long)(uintptr_t)&steal_tsc, 0) == HC_OK)
		klog("processes: CPU time net of other VMs' turns (mica's steal clock)\n");
}

void sched_run(void (*poll)(void), int (*done)(void))
{
	uint64_t polled_tick = UINT64_MAX;
	unsigned polled_events = 0;

	for (;;) {
		struct proc *p;

		cli();
		/* The engine's turn when something it watches changed: a tick
		 * passed (its timers), or a container event. */
		if (time_ticks() != polled_tick || container_events != polled_events) {
			polled_tick = time_ticks();
			polled_events = container_events;
			/* With interrupts on: a tick that comes while the
			 * engine works (its lines may wait for the console a
			 * long while) is counted when it comes, in ring 0,
			 * not held back until the next process enters ring 3
			 * and taken out of that process's time. */
			sti();
			poll();
			cli();
			if (done())
				break;
		}
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
