/*
 * sched.c - round-robin time slicing of the VMs on the boot CPU, and the
 * VM lifecycle around it: created, running, exited or crashed, restarted
 * by policy.
 *
 * Runs in VMX root. Backend-neutral: a turn is one vcpu_run(), which
 * enters the guest and handles its exits until the VM's slice ends (the
 * VMX-preemption timer enforces that: hv/vmx/vmx_vcpu.c sets it to the
 * earlier of the slice's end and the VM's next device event), it halts,
 * or it stops.
 */
#include "hv/gmem.h"
#include "hv/sched.h"
#include "hv/vconsole.h"
#include "hv/vm.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/x86.h"

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

/*
 * When (vm), off the CPU, wants it back: now if it is ready at (now), else
 * the TSC it waits for; UINT64_MAX if only the console can wake it (the
 * pump drains its queue), 0 if it never will.
 */
static uint64_t wants_cpu_at(struct vm *vm, uint64_t now)
{
	if (vm->state != VM_RUNNING) {
		if (!vm->restart_at)
			return 0;                       /* retired */
		/* Rebuilt only once its old life's lines are out. */
		return vconsole_pending(vm) ? UINT64_MAX : vm->restart_at;
	}
	if (vm->console_wait) {
		if (!vuart_drained(&vm->uart))
			return UINT64_MAX;
		vm->console_wait = false;
		vm->wake_at = now;
	}
	return vm->wake_at;
}

/*
 * The VM to run at (now): first one off the CPU whose time has come (the
 * earliest: a halted VM's timer tick, the end of a back-off, a drained
 * console queue), so that a tick reaches its guest on time; else the next
 * runnable one after (from), round-robin. -1 if none; (*wake) gets the
 * earliest time a waiting VM wants the CPU back, and (*waiting) whether any
 * VM waits at all.
 */
static int pick(struct vm **vms, unsigned n, int from, uint64_t now, uint64_t *wake,
		bool *waiting)
{
	int woken = -1, runnable = -1;
	uint64_t woken_at = 0;

	*wake = UINT64_MAX;
	*waiting = false;
	for (unsigned k = 1; k <= n; k++) {
		unsigned i = (unsigned)(from + (int)k) % n;
		struct vm *vm = vms[i];
		uint64_t at;

		if (vm->state == VM_RUNNING && !vm->halted) {
			if (runnable < 0)
				runnable = (int)i;
			continue;
		}
		at = wants_cpu_at(vm, now);
		if (!at)
			continue;
		*waiting = true;
		if (now >= at) {
			if (woken < 0 || at < woken_at) {
				woken = (int)i;
				woken_at = at;
			}
		} else if (at < *wake) {
			*wake = at;
		}
	}
	return woken >= 0 ? woken : runnable;
}

void sched_run(struct vm **vms, unsigned n, struct sched_stats *st)
{
	int cur = -1;
	uint64_t left_at = 0;

	for (unsigned i = 0; i < n; i++)
		vms[i]->state = VM_RUNNING;
	for (;;) {
		uint64_t now = rdtsc(), wake, guest_before;
		bool waiting;
		int next = pick(vms, n, cur, now, &wake, &waiting);
		struct vm *vm;

		if (next < 0) {
			uint64_t pumped = 0;

			if (!waiting)
				break;          /* nobody left */
			/* Every VM waits: for a timer tick, a back-off, or its
			 * console queue, which only the UART can drain. Idle
			 * until the first is due or a line moves. XXX: spins;
			 * a host timer interrupt would let the CPU sleep. */
			while (rdtsc() < wake && !pumped) {
				console_poll();
				pumped = vconsole_pump(vms, n);
				gmem_idle();    /* zero frames for guest RAM */
			}
			left_at = rdtsc();
			st->idle_tsc += left_at - now - pumped;
			continue;
		}
		vm = vms[next];
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
		 * A rebuild just done counts in the slice: its VM's time. */
		vm->slice_end = now + vm->slice_tsc < wake ? now + vm->slice_tsc : wake;
		guest_before = vm->tsc_guest;
		if (vm->steal_clock && vm->tsc_left_cpu) {
			/* The steal clock (hvabi.h): the time since its last
			 * turn. A guest that moved or unmapped it loses it. */
			vm->steal_tsc += now - vm->tsc_left_cpu;
			if (vm_copy_to_guest(vm, vm->steal_clock, &vm->steal_tsc,
					     sizeof(vm->steal_tsc)))
				vm->steal_clock = 0;
		}

		vcpu_run(&vm->vcpu);
		if (next != cur && cur >= 0 && vm->tsc_turn_entry) {
			st->switches++;
			st->switch_tsc += vm->tsc_turn_entry - left_at;
		}
		left_at = rdtsc();
		vm->tsc_left_cpu = left_at;
		vm->tsc_host += (left_at - now) - (vm->tsc_guest - guest_before);
		cur = next;
		/* `cpu-limit=`: a guest that spins forever (a fuzzed one, say)
		 * ends with a reason instead of holding its slot for ever. */
		if (vm->state == VM_RUNNING && vm->cpu_limit_tsc &&
		    vm->tsc_guest + vm->tsc_host >= vm->cpu_limit_tsc)
			vm_crash(vm, "CPU limit of %u ms reached (cpu-limit=)", vm->cpu_limit_ms);
		if (vm->state != VM_RUNNING)
			stopped(vm, st);
		/* Lines wait for the UART in the VMs' own queues; between
		 * turns mica moves them on, one VM's line at a time. Neither
		 * that nor a VM's end counts as switch time. */
		vconsole_pump(vms, n);
		left_at = rdtsc();
	}
	vconsole_drain(vms, n);         /* what the UART could not take yet */
}
