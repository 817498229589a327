/*
 * forkbomb.c - a process that spawns copies of itself as fast as it can
 * (guest ring 3), to show a container's process limit holding and the
 * rest of the machine unharmed. Each copy spawns up to FORKBOMB_CHILDREN
 * children and the tree is levels= deep (default 4: at most 341
 * processes), so it ends even where nothing limits it. A copy whose
 * spawn is refused says so once, stops spawning, waits for its children
 * and exits.
 *
 * Output (tests match it):
 *   forkbomb: pid N spawn refused: EAGAIN   at most once per process (or
 *                                           another error's name)
 *   forkbomb: P processes in all            the first process, at the end
 *   forkbomb: contained                     the first process, last
 * Each process exits with the number of processes of its subtree, itself
 * included, so that the first can count them all. An exit status has 8
 * bits, so a count stops at 255: P is exact up to levels=4.
 *
 * With `wide` it measures what a process limit allowed instead: the first
 * process spawns children that sleep until killed, one after another until
 * a spawn is refused, lets them run, then kills and reaps each. A child
 * reaped as killed was alive when the kill came, so all of them and the
 * first lived at once. Output:
 *   forkbomb: child pid N up                each child, once it runs
 *   forkbomb: pid 1 spawn refused: EAGAIN   (or another error's name)
 *   forkbomb: P processes at once           P = 1 + the children killed
 * Exit code 0 if every child was reaped as killed, else 1.
 */
#include <stdbool.h>

#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/fmt.h"

#define FORKBOMB_PATH           "bin/forkbomb"
#define FORKBOMB_CHILDREN       4
#define FORKBOMB_LEVELS         4
#define FORKBOMB_LEVELS_MAX     8
#define STATUS_MAX              255
#define WIDE_MAX                4096    /* children at most, with no limit */
#define CHILD_SLEEP_MS          60000   /* far longer than the test */
#define SETTLE_MS               50      /* time for every child to run */

static const char *const forkbomb_keys[] = { "levels", "child", "wide", NULL };

/* `wide`: how many processes the container let live at once. */
static int wide(bool child)
{
	char *child_argv[] = { FORKBOMB_PATH, "wide", "child", NULL };
	long pids[WIDE_MAX], n = 0, killed = 0;
	int status;

	if (child) {
		uprintf("forkbomb: child pid %ld up\n", sys_getpid());
		sys_sleep(CHILD_SLEEP_MS);
		return 0;
	}
	while (n < WIDE_MAX) {
		long pid = sys_spawn(FORKBOMB_PATH, child_argv);

		if (pid < 0) {
			uprintf("forkbomb: pid %ld spawn refused: %s\n", sys_getpid(),
				sys_strerror(pid));
			break;
		}
		pids[n++] = pid;
	}
	sys_sleep(SETTLE_MS);
	for (long i = 0; i < n; i++)
		sys_kill(pids[i]);
	for (long i = 0; i < n; i++)
		if (sys_wait(pids[i], &status) == pids[i] && status == SYS_STATUS_KILLED)
			killed++;
	uprintf("forkbomb: %ld processes at once\n", 1 + killed);
	return killed == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], levels_arg[32];
	uint64_t levels;
	long processes = 1;
	int status;

	if (app_check_keys(argc, argv, forkbomb_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "levels", FORKBOMB_LEVELS, 0, FORKBOMB_LEVELS_MAX,
			 &levels, err, sizeof(err)) < 0)
		return app_bad_args("forkbomb", err);

	bool first = !app_arg(argc, argv, "child", NULL, 0);

	if (app_arg(argc, argv, "wide", NULL, 0))
		return wide(!first);
	char *child_argv[] = { FORKBOMB_PATH, "child", levels_arg, NULL };

	fmt_snprintf(levels_arg, sizeof(levels_arg), "levels=%lu", levels > 0 ? levels - 1 : 0);
	for (int i = 0; levels > 0 && i < FORKBOMB_CHILDREN; i++) {
		long pid = sys_spawn(FORKBOMB_PATH, child_argv);

		if (pid < 0) {
			uprintf("forkbomb: pid %ld spawn refused: %s\n", sys_getpid(),
				sys_strerror(pid));
			break;
		}
	}

	/* A child the kernel ended (a negative status) still was one. */
	while (sys_wait(-1, &status) > 0)
		processes += status > 0 ? status : 1;

	if (first) {
		uprintf("forkbomb: %ld processes in all\n", processes);
		uprintf("forkbomb: contained\n");
		return 0;
	}
	return processes < STATUS_MAX ? (int)processes : STATUS_MAX;
}
