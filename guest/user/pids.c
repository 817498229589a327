/*
 * pids.c - a container's process ids as its processes see them (guest
 * ring 3): the first process of a container is pid 1 with parent 0, and
 * its children are numbered in the same space. It prints its ids, spawns
 * PIDS_CHILDREN copies of itself with the argument "child", each of
 * which prints its ids and exits with its pid as the code, and waits for
 * each in turn.
 *
 * Output (tests match it):
 *   pids: pid=P ppid=Q                        the parent, first
 *   pids: child pid=C ppid=P                  each child, in any order
 *   pids: child C exited S                    the parent, for each child
 * The parent exits 0 if every child exited with its own pid, else 1.
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"

#define PIDS_PATH       "bin/pids"
#define PIDS_CHILDREN   3

static const char *const pids_keys[] = { "child", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	long pid = sys_getpid(), children[PIDS_CHILDREN];
	char *child_argv[] = { PIDS_PATH, "child", NULL };
	int failed = 0;

	if (app_check_keys(argc, argv, pids_keys, err, sizeof(err)) < 0)
		return app_bad_args("pids", err);
	if (app_arg(argc, argv, "child", NULL, 0)) {
		uprintf("pids: child pid=%ld ppid=%ld\n", pid, sys_getppid());
		return (int)pid;
	}

	uprintf("pids: pid=%ld ppid=%ld\n", pid, sys_getppid());
	for (int i = 0; i < PIDS_CHILDREN; i++) {
		children[i] = sys_spawn(PIDS_PATH, child_argv);
		if (children[i] < 0) {
			uprintf("pids: spawn: %s\n", sys_strerror(children[i]));
			failed = 1;
		}
	}
	for (int i = 0; i < PIDS_CHILDREN; i++) {
		int status = 0;
		long r;

		if (children[i] < 0)
			continue;
		r = sys_wait(children[i], &status);
		if (r < 0) {
			uprintf("pids: wait %ld: %s\n", children[i], sys_strerror(r));
			failed = 1;
			continue;
		}
		uprintf("pids: child %ld exited %d\n", r, status);
		failed |= status != r;
	}
	return failed;
}
