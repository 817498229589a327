/*
 * flood.c - floods the console (guest ring 3): procs= processes of one
 * container (the first and procs-1 children it spawns) each write
 * numbered lines in a tight loop for ms= milliseconds of the kernel's
 * clock, many lines per SYS_WRITE, never sleeping or yielding. The
 * scenarios count the lines that arrive, and check that no two were
 * mixed, beside a bystander that measures its CPU share (bin/share).
 *
 * Output (tests match it):
 *   flood P N ABC...xyz0123456789      line N (0, 1, ...) of pid P, the
 *                                      payload always the same 62 bytes
 *   flood: pid P wrote N lines         each process, at its end
 *   flood: done                        the first, after its children
 * Exit code 0, or 1 if a spawn, a write or a child failed.
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define FLOOD_PATH      "bin/flood"
#define FLOOD_PROCS_MAX 8
#define FLOOD_MS_MAX    (600 * 1000)
#define FLOOD_BATCH     4000            /* bytes of whole lines per write */
#define NS_PER_MS       1000000ULL

static const char payload[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char *const flood_keys[] = { "ms", "procs", "child", NULL };
static char batch[FLOOD_BATCH];

/* Write numbered lines until (end) ns; returns 0, or 1 if a write failed. */
static int flood(long pid, uint64_t end)
{
	uint64_t lines = 0;

	while ((uint64_t)sys_clock(SYS_CLOCK_NS) < end) {
		size_t len = 0;

		for (;;) {
			char line[128];
			int n = fmt_snprintf(line, sizeof(line), "flood %ld %lu %s\n", pid,
					     (unsigned long)lines, payload);

			if (len + (size_t)n > sizeof(batch))
				break;
			memcpy(batch + len, line, (size_t)n);
			len += (size_t)n;
			lines++;
		}
		if (write_all(1, batch, len) != (long)len) {
			uprintf("flood: pid %ld: write failed\n", pid);
			return 1;
		}
	}
	uprintf("flood: pid %ld wrote %lu lines\n", pid, (unsigned long)lines);
	return 0;
}

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], ms_arg[32];
	uint64_t ms, procs;
	long pid = sys_getpid(), children[FLOOD_PROCS_MAX];
	int failed = 0;

	if (app_check_keys(argc, argv, flood_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "ms", 1000, 1, FLOOD_MS_MAX, &ms, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "procs", 1, 1, FLOOD_PROCS_MAX, &procs, err, sizeof(err)) < 0)
		return app_bad_args("flood", err);

	uint64_t end = (uint64_t)sys_clock(SYS_CLOCK_NS) + ms * NS_PER_MS;

	if (app_arg(argc, argv, "child", NULL, 0))
		return flood(pid, end);

	/* The children flood for as long, from their own start. */
	fmt_snprintf(ms_arg, sizeof(ms_arg), "ms=%lu", (unsigned long)ms);
	char *child_argv[] = { FLOOD_PATH, ms_arg, "child", NULL };
	for (uint64_t i = 1; i < procs; i++) {
		children[i] = sys_spawn(FLOOD_PATH, child_argv);
		if (children[i] < 0) {
			uprintf("flood: spawn: %s\n", sys_strerror(children[i]));
			failed = 1;
		}
	}
	failed |= flood(pid, end);
	for (uint64_t i = 1; i < procs; i++) {
		int status = 0;

		if (children[i] >= 0 && (sys_wait(children[i], &status) < 0 || status != 0))
			failed = 1;
	}
	uprintf("flood: done\n");
	return failed;
}
