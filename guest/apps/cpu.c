/*
 * cpu.c - a fixed CPU-bound workload for the benchmark: the sieve of
 * Eratosthenes below n, run (rounds) times on a static bitmap. The result
 * line carries the TSC ticks the work took (cycles=, from after the ready
 * line to before the result line) and a checksum over the prime count and
 * the last primes, the same wherever it runs. Runs wherever the apps run
 * (guest/apps/app.h).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* The defaults cost about 30 million instructions (docs/apps.md): about a
 * second under Bochs, milliseconds on hardware. */
#define CPU_N_DEFAULT           200000
#define CPU_N_MAX               (1u << 21)
#define CPU_ROUNDS_DEFAULT      6
#define CPU_ROUNDS_MAX          1000
#define CPU_LAST                8       /* how many of the last primes the checksum covers */

/* One bit per number below CPU_N_MAX, set when the number is composite.
 * Static (256 KiB) because apps have no heap: the work is the same in
 * every kernel, with no allocator in the measurement. Not cleared at boot
 * (.noinit, linker/kernel.ld.inc): sieve() clears what it uses. */
static uint64_t composite[CPU_N_MAX / 64] __attribute__((section(".noinit")));

struct sieve_result {
	uint32_t count;                 /* primes below n */
	uint32_t last[CPU_LAST];        /* the last ones found, a ring indexed by count */
};

struct cpu_args {
	uint64_t n, rounds;
};

static const char *const cpu_keys[] = { "n", "rounds", NULL };

static int cpu_parse(int argc, char **argv, struct cpu_args *a, char *err, size_t n)
{
	if (app_check_keys(argc, argv, cpu_keys, err, n) < 0)
		return -1;
	if (app_arg_uint(argc, argv, "n", CPU_N_DEFAULT, 2, CPU_N_MAX, &a->n, err, n) < 0)
		return -1;
	return app_arg_uint(argc, argv, "rounds", CPU_ROUNDS_DEFAULT, 1, CPU_ROUNDS_MAX,
			    &a->rounds, err, n);
}

static int is_composite(uint32_t i)
{
	return (composite[i / 64] >> (i % 64)) & 1;
}

static void mark_composite(uint32_t i)
{
	composite[i / 64] |= 1ULL << (i % 64);
}

/* Find the primes below (n), which is at most CPU_N_MAX. */
static void sieve(uint32_t n, struct sieve_result *r)
{
	memset(composite, 0, (n + 63) / 64 * sizeof(composite[0]));

	/* Every composite below n has a prime factor p with p * p < n, and
	 * the multiples of p below p * p were already marked by smaller
	 * primes. */
	for (uint32_t p = 2; p * p < n; p++) {
		if (is_composite(p))
			continue;
		for (uint32_t m = p * p; m < n; m += p)
			mark_composite(m);
	}

	r->count = 0;
	for (uint32_t i = 2; i < n; i++) {
		if (!is_composite(i))
			r->last[r->count++ % CPU_LAST] = i;
	}
}

/* FNV-1a over the count, then the last primes (at most CPU_LAST of them)
 * in increasing order. */
static uint32_t sieve_checksum(const struct sieve_result *r)
{
	uint32_t kept = r->count < CPU_LAST ? r->count : CPU_LAST;
	uint32_t h = app_fnv1a_u32(APP_FNV_OFFSET, r->count);

	for (uint32_t k = r->count - kept; k < r->count; k++)
		h = app_fnv1a_u32(h, r->last[k % CPU_LAST]);
	return h;
}

int cpu_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n)
{
	struct cpu_args a;

	*extra_mem_bytes = 0;           /* the bitmap is part of the kernel */
	return cpu_parse(argc, argv, &a, err, n);
}

int cpu_main(int argc, char **argv)
{
	char err[APP_ERR_MAX], extra[128];
	struct sieve_result first, r;
	struct cpu_args a;

	if (cpu_parse(argc, argv, &a, err, sizeof(err)) < 0)
		return app_bad_args("cpu", err);

	/* The window is the work alone, from after the ready line to before
	 * the result line: no console output inside it, which costs very
	 * differently bare (polling the UART) and in a VM (an exit a byte). */
	app_ready("cpu");
	uint64_t start = app_tsc();

	sieve((uint32_t)a.n, &first);
	for (uint64_t i = 2; i <= a.rounds; i++) {
		/* Every round must agree with the first: a difference means
		 * the machine (or a hypervisor under it) lost some state. */
		sieve((uint32_t)a.n, &r);
		if (r.count != first.count) {
			app_printf("cpu: round %lu found %u primes below %lu, round 1 found %u\n",
				   i, r.count, a.n, first.count);
			return APP_EXIT_FAILED;
		}
	}

	uint64_t cycles = app_tsc() - start;

	fmt_snprintf(extra, sizeof(extra), "n=%lu rounds=%lu primes=%u cycles=%lu",
		     a.n, a.rounds, first.count, cycles);
	app_result("cpu", sieve_checksum(&first), extra);
	return APP_EXIT_OK;
}
