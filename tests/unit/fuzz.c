/*
 * fuzz.c - the fuzz tests' shared machinery (see tests/unit/fuzz.h).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sanitizer/common_interface_defs.h>

#include "lib/rand.h"
#include "tests/unit/fuzz.h"

static const char *name = "?";
static uint64_t seed, case_no, state, cases, only = UINT64_MAX;
static bool running;

static struct {
	const char *what;
	uint64_t n;
} counters[FUZZ_COUNTERS];

static void **copies;
static size_t ncopies, copies_cap;

/* splitmix64: spreads a seed and a case number into a stream's state. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t env_u64(const char *var, uint64_t dflt)
{
	const char *s = getenv(var);
	char *end;

	if (s == NULL || *s == '\0')
		return dflt;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end != '\0') {
		fprintf(stderr, "%s=%s is not a number; using %llu\n", var, s,
			(unsigned long long)dflt);
		return dflt;
	}
	return v;
}

/* One write(2), no stdio: runs in a signal handler and in the sanitizers'
 * callbacks, where stdout's buffer may be in any state. */
static void say_where(const char *why)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "fuzz %s: %s in case %llu (seed %llu)\n", name, why,
			 (unsigned long long)case_no, (unsigned long long)seed);

	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

#define STR(x) STR2(x)
#define STR2(x) #x

static void on_alarm(int sig)
{
	say_where("hang: more than " STR(FUZZ_CASE_SECONDS) " s");
	_exit(1);
}

static void on_death(void)
{
	if (running)
		say_where("sanitizer report");
}

/* UBSan's runtime calls this (a weak hook of libubsan's) as it reports;
 * its death callbacks are not the ones set through ASan's. */
void __ubsan_on_report(void);
void __ubsan_on_report(void)
{
	on_death();
}

static void free_copies(void)
{
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i]);
	ncopies = 0;
}

uint64_t fuzz_begin_weighted(const char *test, uint64_t test_seed, unsigned weight_pct)
{
	name = test;
	seed = env_u64("MICA_FUZZ_SEED", test_seed);
	cases = env_u64("MICA_FUZZ_CASES", FUZZ_DEFAULT_CASES) * weight_pct / 100;
	if (cases == 0)
		cases = 1;
	only = env_u64("MICA_FUZZ_CASE", UINT64_MAX);
	memset(counters, 0, sizeof(counters));
	running = true;
	signal(SIGALRM, on_alarm);
	__sanitizer_set_death_callback(on_death);
	if (only != UINT64_MAX && only >= cases)
		cases = only + 1;
	return cases;
}

uint64_t fuzz_begin(const char *test, uint64_t test_seed)
{
	return fuzz_begin_weighted(test, test_seed, 100);
}

bool fuzz_case(uint64_t i)
{
	free_copies();
	case_no = i;
	if (only != UINT64_MAX && i != only)
		return false;
	state = mix(mix(seed) ^ i);
	if (state == 0)
		state = 1;
	alarm(FUZZ_CASE_SECONDS);
	return true;
}

void fuzz_end(void)
{
	char extra[256] = "";
	size_t len = 0;

	alarm(0);
	free_copies();
	free(copies);
	copies = NULL;
	copies_cap = 0;
	running = false;
	for (int i = 0; i < FUZZ_COUNTERS && counters[i].what != NULL; i++) {
		int n = snprintf(extra + len, sizeof(extra) - len, "%s%llu %s",
				 i == 0 ? " (" : ", ", (unsigned long long)counters[i].n,
				 counters[i].what);
		if (n < 0 || (size_t)n >= sizeof(extra) - len)
			break;
		len += (size_t)n;
	}
	if (len > 0 && len + 1 < sizeof(extra))
		strcat(extra, ")");
	/* cmocka prints its own lines to stdout too; ours goes between them. */
	printf("fuzz %s: %llu cases, 0 crashes%s\n", name,
	       (unsigned long long)(only != UINT64_MAX ? 1 : cases), extra);
	fflush(stdout);
}

void fuzz_count(const char *what, uint64_t n)
{
	for (int i = 0; i < FUZZ_COUNTERS; i++) {
		if (counters[i].what == NULL)
			counters[i].what = what;
		if (strcmp(counters[i].what, what) == 0) {
			counters[i].n += n;
			return;
		}
	}
	fail_msg("fuzz %s: more than %d counters", name, FUZZ_COUNTERS);
}

uint64_t fuzz_case_no(void)
{
	return case_no;
}

const char *fuzz_name(void)
{
	return name;
}

uint64_t fuzz_rand(void)
{
	return rand_next(&state);
}

uint64_t fuzz_below(uint64_t n)
{
	return n == 0 ? 0 : fuzz_rand() % n;
}

uint64_t fuzz_range(uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;

	return span == 0 ? fuzz_rand() : lo + fuzz_rand() % span;
}

bool fuzz_one_in(unsigned n)
{
	return fuzz_below(n) == 0;
}

uint64_t fuzz_edge(uint64_t near)
{
	uint64_t d = fuzz_below(9);     /* a small distance */

	switch (fuzz_below(12)) {
	case 0: return fuzz_below(5);                           /* 0 .. 4 */
	case 1: return (1ULL << fuzz_below(64)) + d - 4;        /* around a power of two */
	case 2: return UINT32_MAX - fuzz_below(3) + fuzz_below(3);
	case 3: return UINT64_MAX - d;
	case 4: return near + d - 4;                            /* around (near) */
	case 5: return near + d - 4;
	case 6: return UINT64_MAX - near + d - 4;               /* -near: wraps back */
	case 7: return (uint64_t)INT64_MAX + d - 4;
	case 8: return fuzz_below(near + 1);
	case 9: return (uint32_t)fuzz_rand();
	case 10: return fuzz_rand() >> fuzz_below(64);
	default: return fuzz_rand();
	}
}

void fuzz_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = fuzz_rand();

		memcpy(b + i, &r, n - i < 8 ? n - i : 8);
	}
}

void *fuzz_copy(const void *src, size_t n, size_t misalign)
{
	/* ASan's malloc(0) gives a chunk of which every byte is out of bounds. */
	uint8_t *p = malloc(misalign + n);

	if (p == NULL && misalign + n == 0)
		p = malloc(1);
	if (p == NULL)
		fail_msg("fuzz %s: out of memory for %zu bytes", name, n);
	if (ncopies == copies_cap) {
		copies_cap = copies_cap ? 2 * copies_cap : 16;
		copies = realloc(copies, copies_cap * sizeof(*copies));
		if (copies == NULL)
			fail_msg("fuzz %s: out of memory", name);
	}
	copies[ncopies++] = p;
	if (src != NULL)
		memcpy(p + misalign, src, n);
	else
		fuzz_bytes(p + misalign, n);
	return p + misalign;
}

void fuzz_fail(const char *file, int line, const char *what)
{
	alarm(0);
	running = false;
	fail_msg("%s:%d: fuzz %s: case %llu (seed %llu): check failed: %s", file, line, name,
		 (unsigned long long)case_no, (unsigned long long)seed, what);
	abort();        /* fail_msg does not return; this tells the compiler */
}
