/*
 * balance.h - the load balancer's decision: which CPU gives up a VM to
 * which, and which VMs may move at all. Pure logic, backend-neutral,
 * unit-tested on the host (tests/unit/test_balance.c); hv/vm_move.c
 * gathers the loads, asks here, and makes the move.
 *
 * The rule, with its hysteresis. Every BALANCE_PERIOD_MS of the boot
 * CPU's clock the balancer looks once, and moves at most one VM:
 *   - load is the number of runnable VMs on a CPU (running or ready; a
 *     halted VM waits for an event and costs no CPU);
 *   - it moves one VM from the busiest CPU that has a VM free to move to
 *     the least-loaded CPU, only when their loads differ by at least
 *     BALANCE_MIN_DIFF (2): a move then makes both at most as loaded as
 *     the busier was less one, while with a difference of 1 it would
 *     only swap which CPU is the busier one, and the next look would
 *     move it back (thrashing);
 *   - a VM is free to move when it is not pinned (`cpu=N`) and its last
 *     move is at least BALANCE_HOLD_MS old: a VM that just moved pays
 *     for its cold caches once, not at every look.
 * So a skewed start evens out in one period per VM to move, and a load
 * that flickers by one VM never moves anything.
 */
#ifndef HV_BALANCE_H
#define HV_BALANCE_H

#include <stdbool.h>
#include <stdint.h>

#define BALANCE_PERIOD_MS       20      /* two default slices */
#define BALANCE_HOLD_MS         200     /* ten looks */
#define BALANCE_MIN_DIFF        2

/* The balancer's view of one CPU at one look. */
struct balance_cpu {
	bool runs_guests;       /* a CPU that takes VMs (started, in VMX operation) */
	unsigned runnable;      /* VMs running or ready on it */
	unsigned movable;       /* of them, those free to move (balance_may_move()) */
};

/*
 * The move to make now, among (cpus[0..n)): from the busiest CPU with a
 * movable VM to the least-loaded CPU, if their runnable counts differ by
 * BALANCE_MIN_DIFF or more. Ties go to the lower index. Returns true and
 * sets (*from) and (*to), or false: no move this look.
 */
bool balance_pick(const struct balance_cpu *cpus, unsigned n, unsigned *from, unsigned *to);

/* Is a VM, (pinned) or not, that last moved at TSC (moved_at) (0: never)
 * free to move at (now), with (hold) TSC ticks of hold (BALANCE_HOLD_MS)? */
static inline bool balance_may_move(bool pinned, uint64_t moved_at, uint64_t now, uint64_t hold)
{
	return !pinned && (!moved_at || now - moved_at >= hold);
}

#endif /* HV_BALANCE_H */
