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
 *
 * With guests on several CPUs, every one runs this loop on its own run
 * queue and VMs (hv/sched_smp.c); between turns it runs the calls other
 * CPUs sent it (a stop of one of its VMs), and when all its VMs wait it
 * halts until the first is due, or an IPI comes, instead of spinning.
 */
#include "hv/acpi.h"
#include "hv/gmem.h"
#include "hv/intr.h"
#include "hv/percpu.h"
#include "hv/place.h"
#include "hv/sched.h"
#include "hv/sched_smp.h"
#include "hv/smp_call.h"
#include "hv/vconsole.h"
#include "hv/vm.h"
#include "hv/vm_move.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/x86.h"

#define vm_of_entry(e) ((struct vm *)((char *)(e) - offsetof(struct vm, rq)))

/* (vm) is gone for good: its memory back, and one VM fewer in the run. */
static void retire(struct vm *vm)
{
	vm_destroy(vm);
	vm_move_retired(vm);
}

/* A VM that stopped: report it, then let it wait out its back-off before
 * its rebuild, or retire it. A `critical` VM that failed for good stops
 * every other VM, wherever it runs. */
static void stopped(struct vm *vm, struct sched_stats *st)
{
	vm_report(vm);
	if (vm_wants_restart(vm)) {
		st->restarts++;
		vm_schedule_restart(vm);
		return;
	}
	if (vm->critical && vm->state != VM_STOPPED &&
	    (vm->state != VM_EXITED || vm->exit_code != 0))
		sched_stop_others(vm);
	retire(vm);
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

/* The VMs this CPU may hold, of the (n) in (vms) it started with: those,
 * or with moves (hv/vm_move.c) every VM of the run; the caller looks for
 * its own by vm->cpu. */
static unsigned held_count(unsigned n)
{
	return vm_move_on() ? place_count() : n;
}

static struct vm *held_at(struct vm **vms, unsigned i)
{
	return vm_move_on() ? place_at(i) : vms[i];
}

/*
 * Other CPUs asked this one to stop some of its VMs (hv/sched_smp.c):
 * each leaves the place where it waits and stops as if it had ended on
 * its own (reported, destroyed, never restarted); one that waits out a
 * back-off stays down. Runs between turns, so none of them is running.
 */
static void take_stops(struct runq *q, struct rq_list *console, struct vm **vms, unsigned n)
{
	unsigned me = this_cpu()->index;

	this_cpu()->sched_stops = false;
	for (unsigned i = 0; i < held_count(n); i++) {
		struct vm *vm = held_at(vms, i);

		/* Not one on its way here: it is stopped once it arrived. */
		if (vm->cpu != me || __atomic_load_n(&vm->move_to, __ATOMIC_ACQUIRE) ||
		    !__atomic_exchange_n(&vm->stop_asked, false, __ATOMIC_ACQUIRE))
			continue;
		if (vm->state != VM_RUNNING && !vm->restart_at)
			continue;               /* retired already */
		if (!runq_remove(q, &vm->rq) && !rq_list_remove(&q->ready, &vm->rq))
			rq_list_remove(console, &vm->rq);
		if (vm->state != VM_RUNNING) {
			vm->restart_at = 0;
			klog("vm %s: not restarted: %s\n", vm->name, vm->stop_why);
			vm_move_retired(vm);
			continue;
		}
		sched_stop_now(vm);
		vm_report(vm);
		retire(vm);
	}
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
 * zeroing took so far on this CPU. Returns true if it zeroed one.
 */
static bool idle_zero(uint64_t wake)
{
	static uint64_t cost[CPU_LIST_MAX];
	uint64_t t = rdtsc(), *c = &cost[this_cpu()->index];

	if (t >= wake || wake - t <= *c)
		return false;
	if (!gmem_idle())
		return false;
	if (rdtsc() - t > *c)
		*c = rdtsc() - t;
	return true;
}

/*
 * Nothing to do until (wake): with guests on several CPUs, halt until
 * then (the local APIC timer) or until an IPI, when neither the console
 * nor a call needs this CPU; else spin once more. One CPU alone spins, as
 * it always did.
 */
static void idle_halt(uint64_t wake, const struct rq_list *console)
{
	if (!sched_smp_halts() || console_pending() || !rq_list_empty(console) ||
	    !intr_wake_at(wake))
		return;
	if (!smp_call_pending() && rdtsc() < wake)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	intr_wake_cancel();
}

bool sched_give_up(struct vm *vm)
{
	return rq_list_remove(&this_cpu()->sched->runq.ready, &vm->rq);
}

void sched_take(struct vm *vm)
{
	rq_list_push(&this_cpu()->sched->runq.ready, &vm->rq);
}

void sched_run(struct runq *q, struct vm **vms, unsigned n, struct sched_stats *st)
{
	struct rq_list console = { NULL, NULL };
	struct vm *cur = NULL;
	uint64_t left_at = 0;
	struct percpu *me = this_cpu();
	/* The balancer looks from the boot CPU only, when guests run on
	 * several (hv/vm_move.c decides that before any loop starts). */
	const bool balances = me->index == 0 && vm_move_on();

	runq_init(q);
	for (unsigned i = 0; i < n; i++) {
		vms[i]->state = VM_RUNNING;
		rq_list_push(&q->ready, &vms[i]->rq);
	}
	for (;;) {
		uint64_t now, wake, guest_before;
		struct vm *vm;

		if (__builtin_expect(smp_call_pending(), 0))
			smp_poll();
		if (__builtin_expect(me->sched_stops, 0))
			take_stops(q, &console, vms, n);
		now = rdtsc();
		if (balances)
			vm_move_balance(now);
		vm = pick(q, now);
		if (!vm) {
			uint64_t pumped = 0;

			/* Nobody left; with moves, only once the whole run is
			 * over: until then a VM may come here. */
			if (!q->nheap && rq_list_empty(&console) && !vm_move_run_live())
				break;
			/* Every VM waits: for a timer tick, a back-off, or its
			 * console queue, which only the UART can drain. Idle
			 * until the first is due, a line moves or another CPU
			 * calls. */
			wake = runq_next_wake(q);
			if (balances && vm_move_next_look() < wake)
				wake = vm_move_next_look();
			while (rdtsc() < wake && !pumped && !smp_call_pending()) {
				console_poll();
				pumped = vconsole_pump();
				if (!idle_zero(wake) && !pumped)
					idle_halt(wake, &console);
			}
			left_at = rdtsc();
			if (pumped)
				console_moved(q, &console, left_at);
			st->idle_tsc += left_at - now - pumped;
			continue;
		}
		if (vm->state != VM_RUNNING) {
			if (!revive(vm)) {
				retire(vm);
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
	/* What the UART could not take yet, of the VMs this CPU holds: with
	 * moves, not those it started with. */
	for (unsigned i = 0; i < held_count(n); i++) {
		struct vm *vm = held_at(vms, i);

		if (vm->cpu == this_cpu()->index)
			vconsole_drain(&vm, 1);
	}
}
