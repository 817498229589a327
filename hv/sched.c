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
#include "hv/sched.h"
#include "hv/vm.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/x86.h"

/* A VM that stopped: report it, then revive or retire it. Returns true if
 * it is to run again. */
static bool stopped(struct vm *vm, struct sched_stats *st)
{
	vm_report(vm);
	if (vm_wants_restart(vm)) {
		st->restarts++;
		if (vm_restart(vm) == 0) {
			vm->state = VM_RUNNING;
			return true;
		}
		/* vm_create() said why; the VM counts as crashed, not as
		 * the fresh VM it failed to become. */
		vm->state = VM_CRASHED;
		fmt_snprintf(vm->reason, sizeof(vm->reason), "restart failed");
		klog("vm %s: restart failed; it stays down\n", vm->name);
	}
	vm_destroy(vm);
	return false;
}

/*
 * The VM to run at (now): first a halted one whose wake-up time has come
 * (the earliest), so that a timer tick reaches its guest on time; else the
 * next runnable one after (from), round-robin. -1 if none; (*wake) gets
 * the earliest time a still-halted VM wants the CPU back.
 */
static int pick(struct vm **vms, unsigned n, int from, uint64_t now, uint64_t *wake)
{
	int woken = -1, runnable = -1;

	*wake = UINT64_MAX;
	for (unsigned k = 1; k <= n; k++) {
		unsigned i = (unsigned)(from + (int)k) % n;
		struct vm *vm = vms[i];

		if (vm->state != VM_RUNNING)
			continue;
		if (!vm->halted) {
			if (runnable < 0)
				runnable = (int)i;
		} else if (now >= vm->wake_at) {
			if (woken < 0 || vm->wake_at < vms[woken]->wake_at)
				woken = (int)i;
		} else if (vm->wake_at < *wake) {
			*wake = vm->wake_at;
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
		int next = pick(vms, n, cur, now, &wake);
		struct vm *vm;

		if (next < 0) {
			if (wake == UINT64_MAX)
				return;         /* nobody left */
			/* Every VM waits for an interrupt: idle until the first
			 * one is due. XXX: spins; a host timer interrupt would
			 * let the CPU sleep instead. */
			while (rdtsc() < wake)
				console_poll();
			left_at = rdtsc();
			st->idle_tsc += left_at - now;
			continue;
		}
		vm = vms[next];
		vm->halted = false;
		/* The turn ends with the slice, or earlier when a halted VM is
		 * due to wake: it should not wait a whole slice for its tick. */
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
		if (vm->state != VM_RUNNING) {
			stopped(vm, st);
			left_at = rdtsc();      /* a restart is not switch time */
		}
	}
}
