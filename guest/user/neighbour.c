/*
 * neighbour.c - the bystander of the isolation tests (guest ring 3): a
 * container with a live process at pid 2 and a file of its own image,
 * for a probe in another container to aim at (probe.c's neighbour-pid=
 * and neighbour-file=). What it prints is what the attack must not
 * change: pid 2 ticks on to the end, and the file reads the same before
 * and after.
 *
 * The first process hashes file= (default etc/secret), spawns pid 2 and
 * waits for it, then hashes the file again. Pid 2 prints the ready line
 * (so that a script's `wait-ready` holds until it lives), then ticks=N
 * ticks (default 50) 20 ms apart.
 *
 * Output (tests match it):
 *   neighbour: PATH bytes=N fnv=0xXXXXXXXX   the first process, twice
 *   ready app=neighbour pid=2 tsc=T          pid 2
 *   neighbour: pid 2 tick K                  pid 2, K = 1 .. N
 *   neighbour: child 2 exited S              the first process
 * Exit code 0 if pid 2 exited 0 and the file read the same both times.
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"

#define NEIGHBOUR_PATH  "bin/neighbour"
#define TICK_MS         20
#define TICKS_DEFAULT   50
#define TICKS_MAX       100000

static const char *const neighbour_keys[] = { "child", "ticks", "file", NULL };

/* Print and return the FNV-1a hash of (path), or 0 if it cannot be read. */
static uint32_t hash_file(const char *path)
{
	char buf[256];
	uint32_t h = APP_FNV_OFFSET;
	uint64_t bytes = 0;
	long fd = sys_open(path), n;

	if (fd < 0) {
		uprintf("neighbour: %s: %s\n", path, sys_strerror(fd));
		return 0;
	}
	while ((n = sys_read(fd, buf, sizeof(buf))) > 0) {
		h = app_fnv1a(h, buf, (size_t)n);
		bytes += (uint64_t)n;
	}
	sys_close(fd);
	if (n < 0) {
		uprintf("neighbour: %s: %s\n", path, sys_strerror(n));
		return 0;
	}
	uprintf("neighbour: %s bytes=%lu fnv=0x%08x\n", path, bytes, h);
	return h;
}

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], path[CMDLINE_VAL_MAX] = "etc/secret", ticks_arg[32];
	uint64_t ticks;
	int status = -1;

	if (app_check_keys(argc, argv, neighbour_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "ticks", TICKS_DEFAULT, 1, TICKS_MAX, &ticks, err,
			 sizeof(err)) < 0)
		return app_bad_args("neighbour", err);
	app_arg(argc, argv, "file", path, sizeof(path));

	if (app_arg(argc, argv, "child", NULL, 0)) {
		long pid = sys_getpid();

		app_ready("neighbour");
		for (uint64_t k = 1; k <= ticks; k++) {
			sys_sleep(TICK_MS);
			uprintf("neighbour: pid %ld tick %lu\n", pid, k);
		}
		return 0;
	}

	uint32_t before = hash_file(path);
	char *child_argv[] = { NEIGHBOUR_PATH, "child", ticks_arg, NULL };

	fmt_snprintf(ticks_arg, sizeof(ticks_arg), "ticks=%lu", ticks);
	long child = sys_spawn(NEIGHBOUR_PATH, child_argv);

	if (child < 0) {
		uprintf("neighbour: spawn: %s\n", sys_strerror(child));
		return 1;
	}
	long r = sys_wait(child, &status);

	uprintf("neighbour: child %ld exited %d\n", r, status);
	uint32_t after = hash_file(path);

	return status == 0 && before != 0 && before == after ? 0 : 1;
}
