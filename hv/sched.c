/*
 * sched.c - round-robin time slicing of the VMs on one CPU, and the VM
 * lifecycle around it: created, running, exited or crashed, restarted
 * by policy.
 *
 * Runs in VMX root. Backend-neutral: a turn is one vcpu_run(), which
 * enters the guest and handles its exits until the VM's slice ends (the
 * VMX-preemption timer enforces that: hv/vmx/vmx_vcpu.c sets it to the
 * earlier of the slice's end and the VM's next device event), it halts,
 * or it stops. Each VM off the CPU waits in one place of the CPU's run
 * queue (hv/runq.c): ready, in the timer heap until a TSC time, or on the
 * console list until its console queue drains; so choosing the next VM
 * costs the same with 2 VMs or 500.
 */
#include "hv/gmem.h"
#include "hv/sched.h"
#include "hv/vconsole.h"
#include "hv/vm.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/x86.h"

#define vm_of_entry(e) ((struct vm *)((char *)(e) - offsetof(struct vm, rq)))

/* A VM that stopped: report it, then let it wait out its back-off before
 * its rebuild, or retire it. */
static void stopped(struct vm *vm, struct sched_stats *st)
{
	vm_report(vm);
	if (vm_wants_restart(vm)) {
		st->restarts++;
		vm_schedule_restart(vm);
		return;
	}
	vm_destroy(vm);
}

/* Its back-off is over (and its last lines are out): rebuild the VM, on
 * its own turn. Returns true if it runs again. */
static bool revive(struct vm *vm)
{
	vm->restart_at = 0;
	if (vm_restart(vm) == 0) {
		vm->state = VM_RUNNING;
		return true;
	}
	/* vm_create() said why; the VM counts as crashed, not as the fresh
	 * VM it failed to become. */
	vm->state = VM_CRASHED;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "restart failed");
	klog("vm %s: restart failed; it stays down\n", vm->name);
	return false;
}

static void sleep_until(struct runq *q, struct vm *vm, uint64_t at)
{
	if (runq_sleep(q, &vm->rq, at))
		panic("sched: the run queue's timer heap is full (%u VMs)", RUNQ_MAX);
}

/* Does (vm), off the CPU, wait for its console queue at (now)? A stopped
 * VM is rebuilt only once its old life's lines are out; one whose queue
 * was full runs again once half of it drained, due at once (as a timer
 * tick would be). */
static bool console_waits(struct vm *vm, uint64_t now)
{
	if (vm->state != VM_RUNNING)
		return vconsole_pending(vm);
	if (!vuart_drained(&vm->uart))
		return true;
	vm->console_wait = false;
	vm->wake_at = now;
	return false;
}

/*
 * (vm) left the CPU at (now): put it where it waits for the CPU again.
 * Ready if it can run; on (console) while its console queue is to drain;
 * in the timer heap if it halted until its next device event, waits out
 * a back-off, or its queue just drained; nowhere if it is retired.
 */
static void park(struct runq *q, struct rq_list *console, struct vm *vm, uint64_t now)
{
	bool stopped = vm->state != VM_RUNNING;

	if (stopped && !vm->restart_at)
		return;                         /* retired */
	if (!stopped && !vm->halted)
		rq_list_push(&q->ready, &vm->rq);
	else if ((stopped || vm->console_wait) && console_waits(vm, now))
		rq_list_push(console, &vm->rq);
	else
		sleep_until(q, vm, stopped ? vm->restart_at : vm->wake_at);
}

/* Lines moved at (now): look again at the VMs on (console). */
static void console_moved(struct runq *q, struct rq_list *console, uint64_t now)
{
	struct rq_list waiting = *console;
	struct rq_entry *e;

	console->head = console->tail = NULL;
	while ((e = rq_list_pop(&waiting)))
		park(q, console, vm_of_entry(e), now);
}

/* The VM to run at (now): first one whose time has come (the earliest: a
 * halted VM's timer tick, the end of a back-off, a drained console queue),
 * so that a tick reaches its guest on time; else the next ready one,
 * round-robin. NULL if none. */
static struct vm *pick(struct runq *q, uint64_t now)
{
	struct rq_entry *e = runq_pop_due(q, now);

	if (!e)
		e = rq_list_pop(&q->ready);
	return e ? vm_of_entry(e) : NULL;
}

/*
 * While idle, zero a frame for guest RAM (hv/gmem.c), but only if that ends
 * before (wake), when the next VM is due: a timer tick delivered late by an
 * idle chore would run the guest's clock slow. The cost is the longest one
 * zeroing took so far.
 */
static void idle_zero(uint64_t wake)
{
	static uint64_t cost;
	uint64_t t = rdtsc();

	if (t >= wake || wake - t <= cost)
		return;
	if (gmem_idle() && rdtsc() - t > cost)
		cost = rdtsc() - t;
}

void sched_run(struct runq *q, struct vm **vms, unsigned n, struct sched_stats *st)
{
	struct rq_list console = { NULL, NULL };
	struct vm *cur = NULL;
	uint64_t left_at = 0;

	runq_init(q);
	for (unsigned i = 0; i < n; i++) {
		vms[i]->state = VM_RUNNING;
		rq_list_push(&q->ready, &vms[i]->rq);
	}
	for (;;) {
		uint64_t now = rdtsc(), wake, guest_before;
		struct vm *vm = pick(q, now);

		if (!vm) {
			uint64_t pumped = 0;

			if (!q->nheap && rq_list_empty(&console))
				break;          /* nobody left */
			/* Every VM waits: for a timer tick, a back-off, or its
			 * console queue, which only the UART can drain. Idle
			 * until the first is due or a line moves. XXX: spins;
			 * a host timer interrupt would let the CPU sleep. */
			wake = runq_next_wake(q);
			while (rdtsc() < wake && !pumped) {
				console_poll();
				pumped = vconsole_pump();
				idle_zero(wake);
			}
			left_at = rdtsc();
			if (pumped)
				console_moved(q, &console, left_at);
			st->idle_tsc += left_at - now - pumped;
			continue;
		}
		if (vm->state != VM_RUNNING) {
			if (!revive(vm)) {
				vm_destroy(vm);
				continue;
			}
			left_at = rdtsc();      /* a rebuild is not switch time */
		}
		vm->halted = false;
		/* The turn ends with the slice, or earlier when a halted VM is
		 * due to wake: it should not wait a whole slice for its tick.
		 * One already due waits for this turn, as the VM picked before
		 * it. A rebuild just done counts in the slice: its VM's time. */
		wake = runq_next_wake(q);
		vm->slice_end = now + vm->slice_tsc < wake || wake <= now ? now + vm->slice_tsc : wake;
		guest_before = vm->tsc_guest;
		if (vm->steal_clock && vm->tsc_left_cpu) {
			/* The steal clock (hvabi.h): the time since its last
			 * turn. A guest that moved or unmapped it loses it. */
			vm->steal_tsc += now - vm->tsc_left_cpu;
			if (vm_copy_to_guest(vm, vm->steal_clock, &vm->steal_tsc,
					     sizeof(vm->steal_tsc)))
				vm->steal_clock = 0;
		}

		vm->tsc_turn_began = rdtsc();
		vm->tsc_cpu_at_turn = vm->tsc_guest + vm->tsc_host;
		vcpu_run(&vm->vcpu);
		if (vm != cur && cur && vm->tsc_turn_entry) {
			st->switches++;
			st->switch_tsc += vm->tsc_turn_entry - left_at;
		}
		left_at = rdtsc();
		vm->tsc_left_cpu = left_at;
		vm->tsc_host += (left_at - now) - (vm->tsc_guest - guest_before);
		cur = vm;
		/* `cpu-limit=`: a guest that spins forever (a fuzzed one, say)
		 * ends with a reason instead of holding its slot for ever. */
		if (vm->state == VM_RUNNING && vm->cpu_limit_tsc &&
		    vm->tsc_guest + vm->tsc_host >= vm->cpu_limit_tsc)
			vm_crash(vm, "CPU limit of %u ms reached (cpu-limit=)", vm->cpu_limit_ms);
		if (vm->state != VM_RUNNING)
			stopped(vm, st);
		park(q, &console, vm, left_at);
		/* Lines wait for the UART in the VMs' own queues; between
		 * turns mica moves them on, one VM's line at a time. Neither
		 * that nor a VM's end counts as switch time. */
		if (vconsole_pump())
			console_moved(q, &console, rdtsc());
		left_at = rdtsc();
	}
	vconsole_drain(vms, n);         /* what the UART could not take yet */
}
