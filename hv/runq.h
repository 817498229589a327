/*
 * runq.h - one CPU's run queue: the VMs ready to run, in round-robin
 * order, and a timer heap of those waiting for a TSC time (a halted
 * guest's next device event, a restart's back-off, a console wait just
 * ended). Every operation is O(1) or O(log n) in the VMs it holds: the
 * scheduler (hv/sched.c) never scans them all. Pure logic, backend-neutral,
 * unit-tested on the host (tests/unit/test_runq.c).
 *
 * A run queue belongs to one CPU, which alone touches it: with several
 * CPUs each has its own, and a VM is on at most one.
 */
#ifndef HV_RUNQ_H
#define HV_RUNQ_H

#include <stdbool.h>
#include <stdint.h>

/* The most entries a run queue's timer heap holds: every VM of a run. */
#define RUNQ_MAX 4096

/* A VM's place in a run queue, embedded in struct vm. */
struct rq_entry {
	struct rq_entry *next;          /* the ready FIFO, or a wait list */
	uint64_t at;                    /* in the heap: its wake time */
	unsigned slot;                  /* in the heap: index + 1; else 0 */
	uint64_t seq;                   /* in the heap: order of arrival, for ties */
};

/* A FIFO of entries: the ready VMs, or those waiting for the console. */
struct rq_list {
	struct rq_entry *head, *tail;
};

struct runq {
	struct rq_list ready;           /* runnable, round-robin */
	struct rq_entry *heap[RUNQ_MAX];/* waiting for a time: a binary min-heap */
	unsigned nheap;
	uint64_t seq;
};

/* An empty run queue. */
void runq_init(struct runq *q);

/* (e), not on any list, goes to the tail of (l). */
void rq_list_push(struct rq_list *l, struct rq_entry *e);

/* The head of (l), taken off it; NULL if (l) is empty. */
struct rq_entry *rq_list_pop(struct rq_list *l);

static inline bool rq_list_empty(const struct rq_list *l)
{
	return !l->head;
}

/* (e), on no list and not in the heap, waits in (q)'s heap for TSC (at).
 * Entries due at the same time leave in the order they came. The heap
 * holds at most RUNQ_MAX: returns -1 (nothing done) if it is full. */
int runq_sleep(struct runq *q, struct rq_entry *e, uint64_t at);

/* Take (e) out of (l) wherever it is; false if it is not on (l). O(n):
 * for a VM stopped from outside its turn, not for the common path. */
bool rq_list_remove(struct rq_list *l, struct rq_entry *e);

/* Take (e) out of (q)'s heap, wherever it is in it (O(log n)); false if
 * it is not in the heap. */
bool runq_remove(struct runq *q, struct rq_entry *e);

/* The earliest wake time in (q)'s heap, or UINT64_MAX if it is empty. */
static inline uint64_t runq_next_wake(const struct runq *q)
{
	return q->nheap ? q->heap[0]->at : UINT64_MAX;
}

/* The entry with the earliest wake time if that is (now) or before,
 * taken out of the heap; else NULL. */
struct rq_entry *runq_pop_due(struct runq *q, uint64_t now);

#endif /* HV_RUNQ_H */
