/*
 * rand.h - a small seeded generator for the fuzzers: xorshift64*
 * (S. Vigna, "An experimental exploration of Marsaglia's xorshift
 * generators, scrambled", 2016). Not for anything that needs secrecy: its
 * point is that the same seed gives the same sequence everywhere.
 */
#ifndef LIB_RAND_H
#define LIB_RAND_H

#include <stdint.h>

/* The next number of the sequence in (*state), which must not be 0. */
static inline uint64_t rand_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#endif /* LIB_RAND_H */
