/*
 * runq.c - a CPU's run queue: a FIFO of ready VMs and a binary min-heap
 * of VMs waiting for a TSC time, keyed by (time, arrival), so that
 * entries due together leave first come, first served.
 *
 * Runs in VMX root on the CPU that owns the queue; pure logic.
 */
#include <stddef.h>
#include "hv/runq.h"

void runq_init(struct runq *q)
{
	q->ready.head = q->ready.tail = NULL;
	q->nheap = 0;
	q->seq = 0;
}

void rq_list_push(struct rq_list *l, struct rq_entry *e)
{
	e->next = NULL;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
}

struct rq_entry *rq_list_pop(struct rq_list *l)
{
	struct rq_entry *e = l->head;

	if (e) {
		l->head = e->next;
		if (!l->head)
			l->tail = NULL;
		e->next = NULL;
	}
	return e;
}

bool rq_list_remove(struct rq_list *l, struct rq_entry *e)
{
	struct rq_entry *prev = NULL;

	for (struct rq_entry *it = l->head; it; prev = it, it = it->next) {
		if (it != e)
			continue;
		if (prev)
			prev->next = e->next;
		else
			l->head = e->next;
		if (l->tail == e)
			l->tail = prev;
		e->next = NULL;
		return true;
	}
	return false;
}

static bool before(const struct rq_entry *a, const struct rq_entry *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void place(struct runq *q, unsigned i, struct rq_entry *e)
{
	q->heap[i] = e;
	e->slot = i + 1;
}

int runq_sleep(struct runq *q, struct rq_entry *e, uint64_t at)
{
	unsigned i = q->nheap;

	if (q->nheap == RUNQ_MAX)
		return -1;
	e->at = at;
	e->seq = q->seq++;
	q->nheap++;
	while (i > 0 && before(e, q->heap[(i - 1) / 2])) {
		place(q, i, q->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(q, i, e);
	return 0;
}

/* Put (e) at heap index (i) and move it up or down until the heap order
 * holds again. */
static void settle(struct runq *q, unsigned i, struct rq_entry *e)
{
	while (i > 0 && before(e, q->heap[(i - 1) / 2])) {
		place(q, i, q->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= q->nheap)
			break;
		if (c + 1 < q->nheap && before(q->heap[c + 1], q->heap[c]))
			c++;
		if (!before(q->heap[c], e))
			break;
		place(q, i, q->heap[c]);
		i = c;
	}
	place(q, i, e);
}

bool runq_remove(struct runq *q, struct rq_entry *e)
{
	unsigned i = e->slot - 1;
	struct rq_entry *last;

	if (!e->slot || i >= q->nheap || q->heap[i] != e)
		return false;
	e->slot = 0;
	last = q->heap[--q->nheap];
	if (last != e)
		settle(q, i, last);
	return true;
}

struct rq_entry *runq_pop_due(struct runq *q, uint64_t now)
{
	struct rq_entry *top;

	if (!q->nheap || q->heap[0]->at > now)
		return NULL;
	top = q->heap[0];
	runq_remove(q, top);
	return top;
}
