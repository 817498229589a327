/*
 * spinlock.h - the one lock of mica's CPUs: a test-and-set spinlock.
 * mica runs with interrupts off and never takes a lock in an interrupt
 * handler, so a holder is never interrupted by a taker on its own CPU.
 * Each lock says in one comment, where it is declared, what it protects.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* HV_SPINLOCK_H */
