/*
 * sched_smp.h - VMs on every CPU that runs guests: each CPU's own run
 * queue and scheduler loop (hv/sched.c), a VM created on the CPU that
 * will run it, the run's end once every CPU's VMs have ended, and stops
 * delivered to a VM's CPU by a cross-CPU call (hv/smp_call.c).
 */
#ifndef HV_SCHED_SMP_H
#define HV_SCHED_SMP_H

#include <stdbool.h>
#include "hv/runq.h"
#include "hv/sched.h"
#include "lib/boot_info.h"

struct vm;
struct vm_module;
struct frame_pool;

/* One CPU's scheduler: its run queue, the VMs placed on it, what its
 * loop counted. Written by its own CPU while it runs; by the boot CPU
 * before it starts and after it is done. */
struct sched_cpu {
	struct runq runq;
	struct vm *vms[BOOT_MAX_MODULES];
	unsigned n;
	struct sched_stats st;
	bool done;                      /* its loop returned (atomic) */
};

/* After smp_vmx_on(): which CPUs run guests (those in VMX operation).
 * Call once on the boot CPU. */
void sched_smp_init(void);

/* How many CPUs run guests. */
unsigned sched_guest_cpus(void);

/* Does an idle CPU halt (several CPUs run guests) rather than spin? */
bool sched_smp_halts(void);

/* " (cpu N)" for the stop lines of (vm) when guests run on several CPUs,
 * else "": a run on one CPU prints what it always did. */
const char *sched_cpu_note(const struct vm *vm);

/* vm_create() on CPU (vm->cpu), whose host state its VMCS takes; the
 * boot CPU waits for it. Same arguments and result as vm_create(). */
int sched_smp_create(struct vm *vm, unsigned id, struct frame_pool *pool, const void *image,
		     size_t len, const char *cmdline, const struct vm_module *mods,
		     unsigned nmods);

/* Run (vms[0..n)), each on its CPU (vm->cpu), until all have ended on
 * every CPU; (st) gets the sums of every CPU's counts. Boot CPU only. */
void sched_smp_run(struct vm **vms, unsigned n, struct sched_stats *st);

/* (failed), a `critical` VM, failed for good: stop every other VM of the
 * run, each on its own CPU, with one line. Only the first call acts. */
void sched_stop_others(const struct vm *failed);

/*
 * Stop (vm), which runs on another CPU or this one, with (why): its
 * CPU stops it between two turns (hv/sched.c: sched_take_stops), as if
 * it had ended there, and it is not restarted.
 */
void sched_stop_vm(struct vm *vm, const char *why);

/* On (vm)'s CPU, off its turn: it stops now (VM_STOPPED, its last
 * lines out, the reason it was given). */
void sched_stop_now(struct vm *vm);

#endif /* HV_SCHED_SMP_H */
