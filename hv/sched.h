/*
 * sched.h - time slicing of every runnable VM on a physical CPU,
 * and what happens when a VM stops (report, restart policy).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct runq;
struct vm;

struct sched_stats {
	uint64_t switches;      /* turns that went to a different VM */
	uint64_t switch_tsc;    /* TSC from one VM's last exit to the next VM's entry, summed */
	uint64_t idle_tsc;      /* TSC with every VM halted */
	uint64_t restarts;
};

/*
 * Run (vms[0..n)), all created (n at most RUNQ_MAX), round-robin on this
 * CPU with its run queue (q), which it empties first: each runs until its
 * slice ends, it halts waiting for an interrupt, or it stops. A halted VM
 * waits off the CPU until its next device event. A VM that stops is
 * reported and restarted as its policy says, or destroyed. Returns when
 * none is left.
 */
void sched_run(struct runq *q, struct vm **vms, unsigned n, struct sched_stats *st);

/* Moves (hv/vm_move.c), on this CPU between two turns: take (vm) off
 * its ready list (false if it is not there: halted, stopped or waiting
 * for its console), or put (vm), which another CPU released, on it. */
bool sched_give_up(struct vm *vm);
void sched_take(struct vm *vm);

#endif /* HV_SCHED_H */
