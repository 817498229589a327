/*
 * vm_move.c - VMs moved between CPUs to even out their load. The boot
 * CPU's scheduler calls the balancer between its turns; every
 * BALANCE_PERIOD_MS it counts each CPU's runnable VMs, asks hv/balance.c
 * for a move and sends it to the busy CPU as a call (hv/smp_call.c). That
 * CPU, between two turns, takes the VM off its run queue, releases it
 * (vcpu_release(): its VMCS cleared, the guest state it held saved) and
 * calls the idle CPU, which puts it on its own run queue; its next entry
 * there loads the VMCS with that CPU's host state and launches it afresh.
 * Nothing about the VM is copied: its memory, devices and VMCS stay where
 * they are, only the CPU that runs it changes. A run started on one CPU
 * gets a line when the balancer first finds every CPU with a VM to run.
 *
 * Runs in VMX root, on every CPU that runs guests. Shared state: the
 * run's live count (atomic) and each VM's move request (vm_move_to, set
 * by the boot CPU, cleared by the VM's CPU, atomic); everything else of a
 * VM is its own CPU's (the balancer's reads of another CPU's VMs are a
 * snapshot, checked again by that CPU).
 */
#include "hv/acpi.h"
#include "hv/balance.h"
#include "hv/clock.h"
#include "hv/percpu.h"
#include "hv/place.h"
#include "hv/sched.h"
#include "hv/smp.h"
#include "hv/smp_call.h"
#include "hv/vconsole.h"
#include "hv/vm.h"
#include "hv/vm_move.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/x86.h"

/* The run: how many CPUs run guests, the VMs not yet retired (atomic),
 * the balancer's next look (boot CPU only). */
static unsigned run_cpus;
static unsigned live;
static uint64_t next_look, period_tsc, hold_tsc;
/* A skewed start being spread (boot CPU only): not judged yet (the first
 * look judges), waited for, or said or not skewed. */
static enum { SPREAD_UNJUDGED, SPREAD_WAIT, SPREAD_DONE } spread;

void vm_move_start(unsigned n, unsigned cpus)
{
	run_cpus = cpus;
	__atomic_store_n(&live, n, __ATOMIC_RELEASE);
	period_tsc = clock_tsc_hz() / 1000 * BALANCE_PERIOD_MS;
	hold_tsc = clock_tsc_hz() / 1000 * BALANCE_HOLD_MS;
	next_look = rdtsc() + period_tsc;
	spread = SPREAD_UNJUDGED;
}

uint64_t vm_move_next_look(void)
{
	return run_cpus < 2 ? UINT64_MAX : next_look;
}

bool vm_move_on(void)
{
	return run_cpus > 1;
}

bool vm_move_run_live(void)
{
	return run_cpus > 1 && __atomic_load_n(&live, __ATOMIC_ACQUIRE) != 0;
}

/* A call that only wakes its CPU (the IPI ends its HLT). */
static void wake_call(void *arg)
{
	(void)arg;
}

void vm_move_retired(struct vm *vm)
{
	(void)vm;
	if (run_cpus < 2 || __atomic_sub_fetch(&live, 1, __ATOMIC_ACQ_REL))
		return;
	/* The run is over: every CPU that waits for moved VMs ends. */
	for (unsigned i = 0; i < smp_cpus(); i++)
		if (smp_cpu(i) != this_cpu() &&
		    __atomic_load_n(&smp_cpu(i)->state, __ATOMIC_ACQUIRE) == CPU_VMX)
			smp_call(smp_cpu(i), wake_call, NULL, false);
}

/* ---- The hand-over ------------------------------------------------------ */

/* On the CPU that takes (arg), a VM another CPU released: on its run
 * queue now. A stop asked while it was on its way is this CPU's to do. */
static void take_call(void *arg)
{
	struct vm *vm = arg;

	sched_take(vm);
	if (vconsole_pending(vm))
		vconsole_queued(vm);    /* its lines are this CPU's to move now */
	__atomic_store_n(&vm->move_to, 0, __ATOMIC_RELEASE);
	if (__atomic_load_n(&vm->stop_asked, __ATOMIC_ACQUIRE))
		this_cpu()->sched_stops = true;
}

/* On (vm)'s CPU, the balancer's request: give it up to CPU move_to - 1,
 * unless it stopped, halted or left its ready list meanwhile (the
 * request lapses; the next look sees the loads as they are then). */
static void give_call(void *arg)
{
	struct vm *vm = arg;
	unsigned to = __atomic_load_n(&vm->move_to, __ATOMIC_ACQUIRE) - 1;

	if (vm->cpu != this_cpu()->index || vm->state != VM_RUNNING || vm->halted ||
	    !sched_give_up(vm)) {
		__atomic_store_n(&vm->move_to, 0, __ATOMIC_RELEASE);
		/* A stop that came while the request was out waited for it. */
		if (__atomic_load_n(&vm->stop_asked, __ATOMIC_ACQUIRE))
			this_cpu()->sched_stops = true;
		return;
	}
	vconsole_leave(vm);
	vcpu_release(&vm->vcpu);
	vm->moves++;
	vm->moved_at = rdtsc();
	/* From here a stop goes to the new CPU, which leaves the VM alone
	 * until it arrived (move_to still set): on its way it is live, on no
	 * run queue, its VMCS active nowhere. */
	vm->cpus_ran |= 1ULL << to;     /* before it can run there */
	__atomic_store_n(&vm->cpu, to, __ATOMIC_RELEASE);
	if (smp_call(smp_cpu(to), take_call, vm, false))
		panic("vm %s: cpu %u took no call within %u ms", vm->name, to, SMP_CALL_TIMEOUT_MS);
}

/* ---- The balancer ------------------------------------------------------- */

static bool pinned(const struct vm *vm)
{
	return cmdline_get(vm->cmdline, "cpu", NULL, 0);
}

/* May the balancer choose (vm) at (now)? Running (not halted, not
 * stopped), not pinned, not moved lately, not on its way already. */
static bool movable(const struct vm *vm, uint64_t now)
{
	return __atomic_load_n(&vm->state, __ATOMIC_RELAXED) == VM_RUNNING &&
	       !__atomic_load_n(&vm->halted, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&vm->move_to, __ATOMIC_RELAXED) &&
	       balance_may_move(pinned(vm), vm->moved_at, now, hold_tsc);
}

/* The line of a skewed start spread: the first look finds every runnable
 * VM on one CPU and another CPU that runs guests idle (VMs started with
 * start-cpu=N); the first look after it that finds every such CPU with a
 * runnable VM says how long that took from the first VM's creation. */
static void spread_look(const struct balance_cpu *cpus, unsigned n, uint64_t now)
{
	uint64_t first = UINT64_MAX, moves = 0;
	unsigned busy = 0, guest_cpus = 0;

	for (unsigned i = 0; i < n; i++) {
		guest_cpus += cpus[i].runs_guests;
		busy += cpus[i].runs_guests && cpus[i].runnable;
	}
	if (spread == SPREAD_UNJUDGED)
		spread = busy == 1 && guest_cpus > 1 ? SPREAD_WAIT : SPREAD_DONE;
	if (spread != SPREAD_WAIT || busy < guest_cpus)
		return;
	spread = SPREAD_DONE;
	for (unsigned i = 0; i < place_count(); i++) {
		const struct vm *vm = place_at(i);

		if (vm->tsc_created < first)
			first = vm->tsc_created;
		moves += __atomic_load_n(&vm->moves, __ATOMIC_RELAXED);
	}
	klog("balance: every CPU busy %lu TSC after the first VM started (%lu moves)\n",
	     (unsigned long)(now - first), (unsigned long)moves);
}

void vm_move_balance(uint64_t now)
{
	struct balance_cpu cpus[CPU_LIST_MAX];
	unsigned n = smp_cpus(), from, to;

	if (run_cpus < 2 || now < next_look)
		return;
	next_look = now + period_tsc;
	for (unsigned i = 0; i < n; i++)
		cpus[i] = (struct balance_cpu){
			__atomic_load_n(&smp_cpu(i)->state, __ATOMIC_ACQUIRE) == CPU_VMX, 0, 0
		};
	for (unsigned i = 0; i < place_count(); i++) {
		struct vm *vm = place_at(i);
		unsigned c = __atomic_load_n(&vm->cpu, __ATOMIC_RELAXED);

		if (c >= n || __atomic_load_n(&vm->state, __ATOMIC_RELAXED) != VM_RUNNING ||
		    __atomic_load_n(&vm->halted, __ATOMIC_RELAXED))
			continue;
		cpus[c].runnable++;
		cpus[c].movable += movable(vm, now);
	}
	spread_look(cpus, n, now);
	if (!balance_pick(cpus, n, &from, &to))
		return;
	/* The VM: the first free to move on the busy CPU. Its CPU checks
	 * again when the request comes: the snapshot may be old by then. */
	for (unsigned i = 0; i < place_count(); i++) {
		struct vm *vm = place_at(i);

		if (__atomic_load_n(&vm->cpu, __ATOMIC_RELAXED) != from || !movable(vm, now))
			continue;
		__atomic_store_n(&vm->move_to, to + 1, __ATOMIC_RELEASE);
		if (smp_call(smp_cpu(from), give_call, vm, false))
			panic("vm %s: cpu %u took no call within %u ms", vm->name, from,
			      SMP_CALL_TIMEOUT_MS);
		return;
	}
}

/* ---- The lines ---------------------------------------------------------- */

void vm_move_report(const struct vm *vm)
{
	char cpus[64] = "";
	size_t at = 0;

	if (run_cpus < 2)
		return;
	for (unsigned i = 0; i < 64 && at < sizeof(cpus) - 4; i++)
		if (vm->cpus_ran >> i & 1)
			at += fmt_snprintf(cpus + at, sizeof(cpus) - at, " %u", i);
	klog("vm %s: moved %u times between CPUs (ran on cpus%s), %lu TSC each\n", vm->name,
	     vm->moves, cpus, (unsigned long)(vm->moves ? vm->move_tsc / vm->moves : 0));
}

void vm_move_summary(struct vm *const *vms, unsigned n)
{
	uint64_t first = UINT64_MAX, last = 0, moves = 0, tsc = 0, ran = 0;
	unsigned on = 0;

	for (unsigned i = 0; i < n; i++) {
		if (vms[i]->tsc_created < first)
			first = vms[i]->tsc_created;
		if (vms[i]->tsc_stopped > last)
			last = vms[i]->tsc_stopped;
		moves += vms[i]->moves;
		tsc += vms[i]->move_tsc;
		ran |= vms[i]->cpus_ran;
	}
	for (; ran; ran &= ran - 1)
		on++;
	klog("summary: %u VMs on %u CPU%s took %lu TSC; %lu moves between CPUs, %lu TSC each\n",
	     n, on, on == 1 ? "" : "s", (unsigned long)(last > first ? last - first : 0),
	     (unsigned long)moves, (unsigned long)(moves ? tsc / moves : 0));
}
