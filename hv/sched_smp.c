/*
 * sched_smp.c - VMs on every CPU in VMX operation. Each CPU has its own
 * run queue and runs hv/sched.c's loop on it; a VM lives on one CPU's
 * queue (vm->cpu, chosen by hv/place.c) and is created there, since its
 * VMCS takes the host state (GDT, TSS, IDT, GS base) of the CPU that sets
 * it up. The boot CPU starts every other CPU's loop by a call
 * (hv/smp_call.c) that leaves it a task (hv/percpu.h), runs its own, and
 * waits, halted, until every CPU is done. A stop for a VM on another CPU
 * is a flag on the VM plus a call to its CPU, which stops it between two
 * turns.
 *
 * Runs in VMX root on every CPU that runs guests. SDM Vol. 3, "VMX
 * Instructions" (VMPTRLD, VMCLEAR: a VMCS is active on one CPU).
 */
#include "hv/acpi.h"
#include "hv/percpu.h"
#include "hv/place.h"
#include "hv/sched_smp.h"
#include "hv/smp.h"
#include "hv/smp_call.h"
#include "hv/vconsole.h"
#include "hv/vm.h"
#include "hv/vm_move.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/x86.h"

/* Each CPU's scheduler. Not cleared at boot (.noinit: half a MiB of run
 * queues); sched_smp_run() sets up what it uses. */
static struct sched_cpu scpu[CPU_LIST_MAX] __attribute__((section(".noinit")));

/* Written once by sched_smp_init() before any VM exists, read-only
 * afterwards. */
static unsigned guest_cpus = 1;
static char notes[CPU_LIST_MAX][16];

/* The first `critical` VM that failed, plus one; later ones do nothing. */
static unsigned stopping;

void sched_smp_init(void)
{
	guest_cpus = 0;
	for (unsigned i = 0; i < smp_cpus(); i++) {
		struct percpu *c = smp_cpu(i);

		c->sched = &scpu[i];
		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == CPU_VMX)
			guest_cpus++;
		fmt_snprintf(notes[i], sizeof(notes[i]), " (cpu %u)", i);
	}
}

unsigned sched_guest_cpus(void)
{
	return guest_cpus;
}

bool sched_smp_halts(void)
{
	return guest_cpus > 1;
}

const char *sched_cpu_note(const struct vm *vm)
{
	return guest_cpus > 1 && vm->cpu < CPU_LIST_MAX ? notes[vm->cpu] : "";
}

/* ---- Creating a VM on its CPU ------------------------------------------ */

struct create {
	struct vm *vm;
	unsigned id;
	struct frame_pool *pool;
	const void *image;
	size_t len;
	const char *cmdline;
	const struct vm_module *mods;
	unsigned nmods;
	int result;
	bool done;
};

static void create_call(void *arg)
{
	struct create *c = arg;

	c->result = vm_create(c->vm, c->id, c->pool, c->image, c->len, c->cmdline, c->mods,
			      c->nmods);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
}

int sched_smp_create(struct vm *vm, unsigned id, struct frame_pool *pool, const void *image,
		     size_t len, const char *cmdline, const struct vm_module *mods,
		     unsigned nmods)
{
	struct create c = { vm, id, pool, image, len, cmdline, mods, nmods, -1, false };
	struct percpu *cpu = smp_cpu(vm->cpu);

	if (cpu == this_cpu()) {
		create_call(&c);
		return c.result;
	}
	/* No time limit: building a large image takes what it takes; the
	 * CPU answered calls at boot. */
	if (smp_call(cpu, create_call, &c, false))
		return -1;
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE)) {
		smp_poll();
		console_poll();
		pause();
	}
	return c.result;
}

/* ---- Every CPU's loop ---------------------------------------------------- */

/* A call that only wakes its CPU (the IPI ends its HLT). */
static void wake_call(void *arg)
{
	(void)arg;
}

/* A CPU's scheduler, to the end of its VMs; then it says so, and wakes
 * the boot CPU, which may be halted waiting for it. */
static void cpu_main(void *arg)
{
	struct sched_cpu *s = arg;

	sched_run(&s->runq, s->vms, s->n, &s->st);
	__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
	if (this_cpu()->index != 0)
		smp_call(smp_cpu(0), wake_call, NULL, false);
}

/* Run on a CPU by the boot CPU's call: its loop becomes its task. */
static void start_call(void *arg)
{
	struct percpu *me = this_cpu();

	me->task_arg = arg;
	me->task = cpu_main;
}

static bool all_done(void)
{
	for (unsigned i = 0; i < smp_cpus(); i++)
		if (!__atomic_load_n(&scpu[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

void sched_smp_run(struct vm **vms, unsigned n, struct sched_stats *st)
{
	for (unsigned i = 0; i < smp_cpus(); i++) {
		scpu[i].n = 0;
		scpu[i].st = (struct sched_stats){ 0, 0, 0, 0 };
		scpu[i].done = true;
	}
	for (unsigned i = 0; i < n; i++) {
		struct sched_cpu *s = &scpu[vms[i]->cpu];

		s->vms[s->n++] = vms[i];
		s->done = false;
	}
	/* With moves (hv/vm_move.c), every CPU that runs guests runs its
	 * loop, VMs of its own or not, until the run is over. */
	vm_move_start(n, guest_cpus);
	for (unsigned i = 0; i < smp_cpus() && n && vm_move_on(); i++)
		if (__atomic_load_n(&smp_cpu(i)->state, __ATOMIC_ACQUIRE) == CPU_VMX)
			scpu[i].done = false;
	/* The others first, each to its own loop; then the boot CPU's. */
	for (unsigned i = 1; i < smp_cpus(); i++)
		if (!scpu[i].done && smp_call(smp_cpu(i), start_call, &scpu[i], true))
			panic("cpu %u did not start its scheduler within %u ms", i,
			      SMP_CALL_TIMEOUT_MS);
	if (!scpu[0].done)
		cpu_main(&scpu[0]);
	/* Until every CPU is done: calls served (a stop, a flush of
	 * translations), the console drained, halted when neither waits. */
	while (!all_done()) {
		smp_poll();
		console_poll();
		if (!smp_call_pending() && !console_pending() && !all_done())
			__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
	vm_move_start(0, 1);            /* no balancing after the run (density runs) */
	for (unsigned i = 0; i < smp_cpus(); i++) {
		st->switches += scpu[i].st.switches;
		st->switch_tsc += scpu[i].st.switch_tsc;
		st->idle_tsc += scpu[i].st.idle_tsc;
		st->restarts += scpu[i].st.restarts;
	}
}

/* ---- Stops from another CPU ----------------------------------------------- */

/* On the VM's CPU: its scheduler looks at its VMs' stop flags before
 * its next turn. */
static void stops_call(void *arg)
{
	(void)arg;
	this_cpu()->sched_stops = true;
}

void sched_stop_vm(struct vm *vm, const char *why)
{
	strlcpy(vm->stop_why, why, sizeof(vm->stop_why));
	__atomic_store_n(&vm->stop_asked, true, __ATOMIC_RELEASE);
	/* No wait: the CPU may be in a long turn, or calling this one. The
	 * mailbox orders the flag before the call. */
	if (smp_call(smp_cpu(vm->cpu), stops_call, NULL, false))
		panic("vm %s: cpu %u took no call within %u ms", vm->name, vm->cpu,
		      SMP_CALL_TIMEOUT_MS);
}

void sched_stop_others(const struct vm *failed)
{
	char why[96];
	unsigned none = 0;

	if (!__atomic_compare_exchange_n(&stopping, &none, failed->id, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	fmt_snprintf(why, sizeof(why), "critical VM %s failed%s", failed->name,
		     sched_cpu_note(failed));
	klog("vm %s: critical, failed: stopping every other VM\n", failed->name);
	for (unsigned i = 0; i < place_count(); i++) {
		struct vm *vm = place_at(i);

		if (vm != failed)
			sched_stop_vm(vm, why);
	}
}

void sched_stop_now(struct vm *vm)
{
	vconsole_stop(vm);              /* its last lines, before mica's about it */
	vm->tsc_stopped = rdtsc();
	vm->state = VM_STOPPED;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "stopped: %s", vm->stop_why);
}
