/*
 * balance.c - the load balancer's decision (the rule is in hv/balance.h):
 * the busiest CPU that can give a VM up, the least-loaded CPU that takes
 * VMs, and whether the gap between them is worth a move.
 *
 * Runs in VMX root on the boot CPU, over a snapshot of the loads; pure
 * logic.
 */
#include "hv/balance.h"

bool balance_pick(const struct balance_cpu *cpus, unsigned n, unsigned *from, unsigned *to)
{
	unsigned src = n, dst = n;

	for (unsigned i = 0; i < n; i++) {
		const struct balance_cpu *c = &cpus[i];

		if (!c->runs_guests)
			continue;
		if (dst == n || c->runnable < cpus[dst].runnable)
			dst = i;
		/* A CPU whose VMs are all pinned or just moved cannot give
		 * one up: the next busiest can. */
		if (c->movable && (src == n || c->runnable > cpus[src].runnable))
			src = i;
	}
	if (src == n || dst == n || src == dst ||
	    cpus[src].runnable < cpus[dst].runnable + BALANCE_MIN_DIFF)
		return false;
	*from = src;
	*to = dst;
	return true;
}
