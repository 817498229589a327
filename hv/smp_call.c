/*
 * smp_call.c - cross-CPU calls: a ring of calls per CPU (its mailbox),
 * filled by other CPUs under the mailbox's lock and emptied by its own
 * CPU without one, and the IPI that tells it to look.
 *
 * Runs in 64-bit ring 0 on every CPU, interrupts off (an idle CPU waits
 * in STI; HLT). SDM Vol. 3, "Issuing Interprocessor Interrupts",
 * "Interrupt Command Register (ICR)".
 */
#include "hv/clock.h"
#include "hv/intr.h"
#include "hv/percpu.h"
#include "hv/smp_call.h"
#include "lib/apic.h"
#include "lib/trap.h"
#include "lib/x86.h"

/* The IPI only wakes the CPU, or exits the guest it runs: the calls run
 * at its next smp_poll(), where its work is between two steps. */
static bool on_call_ipi(struct trap_frame *tf)
{
	this_cpu()->ipis++;
	intr_eoi();
	return true;
}

void smp_call_init(void)
{
	trap_set_handler(SMP_CALL_VECTOR, on_call_ipi);
}

static uint64_t timeout_tsc(void)
{
	return clock_tsc_hz() / 1000 * SMP_CALL_TIMEOUT_MS;
}

unsigned smp_poll(void)
{
	struct percpu *me = this_cpu();
	unsigned n = 0;

	while (smp_call_pending()) {
		/* The slot is the sender's again once tail passes it: copy first. */
		struct smp_call call = me->mbox[me->mbox_tail % SMP_MAILBOX_SLOTS];

		call.fn(call.arg);
		__atomic_store_n(&me->mbox_tail, me->mbox_tail + 1, __ATOMIC_RELEASE);
		n++;
	}
	return n;
}

int smp_call(struct percpu *c, void (*fn)(void *arg), void *arg, bool wait)
{
	uint64_t t0 = rdtsc(), limit = timeout_tsc();
	uint32_t ticket;

	if (c == this_cpu()) {
		fn(arg);
		return 0;
	}
	for (;;) {
		spin_lock(&c->mbox_lock);
		if (c->mbox_head - __atomic_load_n(&c->mbox_tail, __ATOMIC_ACQUIRE) <
		    SMP_MAILBOX_SLOTS)
			break;
		spin_unlock(&c->mbox_lock);
		smp_poll();
		if (rdtsc() - t0 > limit)
			return -1;
		pause();
	}
	ticket = c->mbox_head;
	c->mbox[ticket % SMP_MAILBOX_SLOTS] = (struct smp_call){ fn, arg };
	__atomic_store_n(&c->mbox_head, ticket + 1, __ATOMIC_RELEASE);
	spin_unlock(&c->mbox_lock);
	intr_send_ipi(c->apic_id, APIC_DM_FIXED | SMP_CALL_VECTOR);
	if (!wait)
		return 0;
	while ((int32_t)(__atomic_load_n(&c->mbox_tail, __ATOMIC_ACQUIRE) - (ticket + 1)) < 0) {
		smp_poll();
		if (rdtsc() - t0 > limit)
			return -1;
		pause();
	}
	return 0;
}
