/*
 * hello.c - the smallest app, and the default one: a greeting between the
 * ready and result lines, with the FNV-1a hash of the greeting as its
 * checksum. Shows that an app starts, writes and ends. Runs wherever the
 * apps run (guest/apps/app.h).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "lib/fmt.h"
#include "lib/string.h"

static const char *const hello_keys[] = { NULL };

int hello_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n)
{
	*extra_mem_bytes = 0;
	return app_check_keys(argc, argv, hello_keys, err, n);
}

int hello_main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	char greeting[64];

	if (app_check_keys(argc, argv, hello_keys, err, sizeof(err)) < 0)
		return app_bad_args("hello", err);

	app_ready("hello");
	/* The pid is part of the greeting, and so of the checksum: the
	 * checksum vouches for exactly the line that was printed. */
	fmt_snprintf(greeting, sizeof(greeting), "hello from app hello, pid %d", app_getpid());
	app_printf("%s\n", greeting);
	app_result("hello", app_fnv1a(APP_FNV_OFFSET, greeting, strlen(greeting)), NULL);
	return APP_EXIT_OK;
}
