/*
 * registry.h - the table of the apps linked into the guest kernel, and
 * each app's two entry points. The unikernel (guest/kernel/uk.c) picks one
 * by the `app=NAME` option; docs/apps.md lists them.
 */
#ifndef GUEST_APPS_REGISTRY_H
#define GUEST_APPS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

/*
 * One app. (check) runs before (main), so that the kernel can refuse a
 * bad run with one line before anything starts:
 *   check(argc, argv, &extra, err, n) returns 0 with (*extra) set to the
 *   free memory these arguments need on top of min_mem_bytes (0 for most
 *   apps), or -1 with one line in (err) (n bytes, no newline) that begins
 *   with the bad argument, e.g. "n=abc: not a number".
 *   main(argc, argv) does the work and returns the app's exit code
 *   (enum app_exit_code, guest/apps/app.h). It checks its arguments again,
 *   for callers that skip check.
 * argv[0] is the app's name and argv[argc] is NULL, as in C's main.
 */
struct app {
	const char *name;
	const char *usage;              /* its arguments, e.g. "[n=LIMIT] [rounds=R]" */
	uint64_t min_mem_bytes;         /* free memory it needs, whatever its arguments */
	int (*check)(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n);
	int (*main)(int argc, char **argv);
};

/* Every app, in the order app_list_known names them. */
extern const struct app apps[];
extern const unsigned napps;

/* The app called (name), or NULL. */
const struct app *app_find(const char *name);

/* The apps' names, ", "-separated ("hello, cpu, mem, clock"), into (buf)
 * of (n) bytes; truncated, always terminated when n > 0. */
void app_list_known(char *buf, size_t n);

/* The entry points, one pair per file guest/apps/NAME.c. */
int hello_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n);
int hello_main(int argc, char **argv);
int cpu_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n);
int cpu_main(int argc, char **argv);
int mem_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n);
int mem_main(int argc, char **argv);
int clock_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n);
int clock_main(int argc, char **argv);

#endif /* GUEST_APPS_REGISTRY_H */
