/*
 * smp_call.h - cross-CPU calls: one CPU asks another to run a function,
 * through that CPU's mailbox (hv/percpu.h) and a fixed-vector IPI that
 * wakes it (or exits the guest it runs). The target runs the call at its
 * next poll, never inside the interrupt: so a call finds that CPU between
 * two steps of its own work (stopping a VM, a console line, a restart, a
 * timer, INVEPT are the calls to come). SDM Vol. 3, "Issuing
 * Interprocessor Interrupts".
 */
#ifndef HV_SMP_CALL_H
#define HV_SMP_CALL_H

#include <stdbool.h>
#include "hv/percpu.h"

struct percpu;

#define SMP_CALL_VECTOR         0xf1    /* above the 8259's, beside the APIC timer's */
#define SMP_CALL_TIMEOUT_MS     1000    /* a CPU that takes longer is stuck */

/* Route SMP_CALL_VECTOR to the call handler. Once, on the boot CPU,
 * before another CPU starts. */
void smp_call_init(void);

/*
 * Ask (cpu) to run fn(arg). On this CPU it runs at once. Otherwise it
 * goes into (cpu)'s mailbox, which takes SMP_MAILBOX_SLOTS calls, and an
 * IPI follows; with (wait), returns after (cpu) ran it. While it waits
 * (for room, or for the call), this CPU runs its own mailbox, so two CPUs
 * that call each other do not deadlock. Returns 0, or -1 when (cpu) did
 * not take or run the call within SMP_CALL_TIMEOUT_MS.
 */
int smp_call(struct percpu *cpu, void (*fn)(void *arg), void *arg, bool wait);

/* Run the calls waiting in this CPU's mailbox, oldest first. Returns
 * how many ran. */
unsigned smp_poll(void);

/* Is a call waiting in this CPU's mailbox? Inline: the scheduler asks
 * between every two turns. */
static inline bool smp_call_pending(void)
{
	struct percpu *me = this_cpu();

	return me->mbox_tail != __atomic_load_n(&me->mbox_head, __ATOMIC_ACQUIRE);
}

#endif /* HV_SMP_CALL_H */
