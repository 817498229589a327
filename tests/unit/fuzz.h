/*
 * fuzz.h - what the host fuzz tests (tests/unit/test_fuzz_*.c) share: a
 * seeded PRNG, the number of cases from MICA_FUZZ_CASES, edge values for
 * lengths and offsets, exact-size heap copies for ASan, a per-case
 * watchdog, and the summary line each test prints.
 *
 * A test runs like this:
 *
 *	uint64_t n = fuzz_begin("elf random", 1);
 *	for (uint64_t i = 0; i < n; i++) {
 *		fuzz_case(i);
 *		... generate from fuzz_rand(), parse, FUZZ_CHECK(...) ...
 *	}
 *	fuzz_end();
 *
 * Every case draws from its own PRNG stream, seeded from the test's seed
 * and the case number, so case N is the same whatever ran before it and
 * however many cases were asked for. A failed check or a sanitizer report
 * names the test, the case and the seed (a sanitizer report ends the
 * binary, so a summary line that is printed at all says "0 crashes");
 * MICA_FUZZ_SEED=S replaces every test's seed by S (to explore beyond the
 * fixed runs), MICA_FUZZ_CASE=N runs case N only (to reproduce one).
 */
#ifndef TESTS_UNIT_FUZZ_H
#define TESTS_UNIT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cases per test when MICA_FUZZ_CASES is not set: small enough for
 * `make test`, every fuzz test together in a few seconds under ASan. */
#define FUZZ_DEFAULT_CASES 2000

/* A single case running longer than this (under ASan) counts as a hang. */
#define FUZZ_CASE_SECONDS 10

/* Start test (name) with its fixed (seed); returns how many cases to run:
 * MICA_FUZZ_CASES (default FUZZ_DEFAULT_CASES), scaled by (weight_pct)
 * percent in a test whose cases cost much more or less than the usual
 * (one case that parses an image cut at each of its lengths: 2%). */
uint64_t fuzz_begin(const char *name, uint64_t seed);
uint64_t fuzz_begin_weighted(const char *name, uint64_t seed, unsigned weight_pct);

/* Start case (i): reseed, arm the watchdog, free the last case's copies.
 * Returns false if MICA_FUZZ_CASE picks another case: skip this one. */
bool fuzz_case(uint64_t i);

/* Print "fuzz NAME: N cases, 0 crashes" and any counters added with
 * fuzz_count; disarm the watchdog, free the copies. */
void fuzz_end(void);

/* Add to a named counter shown in the summary ("accepted", ...). At most
 * FUZZ_COUNTERS names per test. */
#define FUZZ_COUNTERS 8
void fuzz_count(const char *what, uint64_t n);

/* The current case and test, for messages. */
uint64_t fuzz_case_no(void);
const char *fuzz_name(void);

/* Random numbers from the current case's stream (lib/rand.h's xorshift64*). */
uint64_t fuzz_rand(void);
uint64_t fuzz_below(uint64_t n);                /* [0, n); 0 if n is 0 */
uint64_t fuzz_range(uint64_t lo, uint64_t hi);  /* [lo, hi] */
bool fuzz_one_in(unsigned n);

/* A value a careless parser gets wrong: 0, 1, powers of two and their
 * neighbours, UINT32_MAX, UINT64_MAX, values around (near) and around
 * UINT64_MAX - near, or anything. */
uint64_t fuzz_edge(uint64_t near);

/* Fill (n) bytes at (p) with random bytes. */
void fuzz_bytes(void *p, size_t n);

/*
 * A heap copy of (n) bytes of (src) (NULL: random bytes) that ends exactly
 * at the end of its allocation, so ASan reports a read one byte past it,
 * starting (misalign) bytes into the allocation, so that the data has
 * that alignment. Freed at the next fuzz_case or fuzz_end.
 */
void *fuzz_copy(const void *src, size_t n, size_t misalign);

/* Fail the current test, naming the case, if (cond) is false. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#endif /* TESTS_UNIT_FUZZ_H */
