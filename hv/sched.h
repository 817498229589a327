/*
 * sched.h - time slicing of every runnable VM on a physical CPU,
 * and what happens when a VM stops (report, restart policy).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

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

#endif /* HV_SCHED_H */
