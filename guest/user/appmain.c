/*
 * appmain.c - main of an app of guest/apps/ built as a user program of
 * the container host (guest ring 3): compiled once per app with
 * -DAPP=NAME, it calls NAME_check and then NAME_main (guest/apps/
 * registry.h), as the unikernel's uk_run does, so that a bad argument
 * gets the same one line here as there.
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"

#ifndef APP
#error "compile with -DAPP=NAME, NAME an app of guest/apps/registry.h"
#endif

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)

#define APP_NAME STR(APP)
#define APP_CHECK CAT(APP, _check)
#define APP_MAIN CAT(APP, _main)

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	char *own_argv[] = { APP_NAME, NULL };
	uint64_t extra_mem_bytes;

	/* registry.h promises argv[0] is the app's name; the spawner gave
	 * the program's path, or nothing at all. */
	if (argc < 1) {
		argc = 1;
		argv = own_argv;
	}
	argv[0] = APP_NAME;

	/* The memory the arguments need is not checked here: the app's own
	 * app_alloc_pages fails cleanly at the container's limit. */
	if (APP_CHECK(argc, argv, &extra_mem_bytes, err, sizeof(err)) < 0)
		return app_bad_args(APP_NAME, err);
	return APP_MAIN(argc, argv);
}
