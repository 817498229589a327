/*
 * bench.c - the container host's costs in TSC ticks (guest ring 3; under
 * Bochs the TSC counts instructions):
 *   what=syscall n=N   N SYS_GETPID calls, the cheapest round trip into
 *                      the kernel: prints "bench: null_syscall T" with
 *                      T = ticks / N
 *   what=switch n=N    a child and this process hand the CPU to each
 *                      other with SYS_YIELD, N times each: prints
 *                      "bench: process_switch T" with T = ticks / (2N)
 *   what=switch-child  the child of what=switch (not for direct use)
 * Exit code 0, or 1 if a call failed (with one line saying which).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define BENCH_PATH      "bin/bench"
#define BENCH_N_DEFAULT 1000
#define BENCH_N_MAX     10000000

static int bench_syscall(uint64_t n)
{
	uint64_t start = app_tsc();

	for (uint64_t i = 0; i < n; i++)
		sys_getpid();

	uint64_t ticks = app_tsc() - start;

	uprintf("bench: null_syscall %lu\n", ticks / n);
	return 0;
}

/*
 * The parent yields once to let the child start, then N times timed; the
 * child yields N + 1 times. So from the parent's first timed yield to the
 * return of its last, each of its N yields switches to the child and
 * each of the child's switches back: 2N switches, none of them the
 * child's start.
 */
static int bench_switch(uint64_t n)
{
	char n_arg[32];
	char *child_argv[] = { BENCH_PATH, "what=switch-child", n_arg, NULL };
	int status;

	fmt_snprintf(n_arg, sizeof(n_arg), "n=%lu", n);
	long child = sys_spawn(BENCH_PATH, child_argv);
	if (child < 0) {
		uprintf("bench: spawn: %s\n", sys_strerror(child));
		return 1;
	}

	sys_yield();
	uint64_t start = app_tsc();
	for (uint64_t i = 0; i < n; i++)
		sys_yield();
	uint64_t ticks = app_tsc() - start;

	long r = sys_wait(child, &status);
	if (r < 0) {
		uprintf("bench: wait %ld: %s\n", child, sys_strerror(r));
		return 1;
	}
	if (status != 0) {
		uprintf("bench: child %ld exited %d\n", child, status);
		return 1;
	}
	uprintf("bench: process_switch %lu\n", ticks / (2 * n));
	return 0;
}

static int bench_switch_child(uint64_t n)
{
	for (uint64_t i = 0; i <= n; i++)
		sys_yield();
	return 0;
}

static const char *const bench_keys[] = { "what", "n", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], what[CMDLINE_VAL_MAX];
	uint64_t n;

	if (app_check_keys(argc, argv, bench_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "n", BENCH_N_DEFAULT, 1, BENCH_N_MAX, &n, err, sizeof(err)) < 0)
		return app_bad_args("bench", err);
	if (!app_arg(argc, argv, "what", what, sizeof(what)))
		what[0] = '\0';

	if (strcmp(what, "syscall") == 0)
		return bench_syscall(n);
	if (strcmp(what, "switch") == 0)
		return bench_switch(n);
	if (strcmp(what, "switch-child") == 0)
		return bench_switch_child(n);
	return app_bad_args("bench", "what=W: must be syscall or switch");
}
