/*
 * idle.c - the smallest container (guest ring 3): prints its ready line
 * and sleeps, taking no CPU, so that many of them measure how densely
 * containers pack. With ms=N it ends after N ms, with exit code 0.
 *
 * Output, one line: "ready app=idle pid=P tsc=T" (docs/apps.md).
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"

#define IDLE_NAP_MS 1000        /* how long each sleep of an endless idle is */
#define IDLE_MS_MAX (24ULL * 3600 * 1000)

static const char *const idle_keys[] = { "ms", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	uint64_t ms;

	if (app_check_keys(argc, argv, idle_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "ms", 0, 0, IDLE_MS_MAX, &ms, err, sizeof(err)) < 0)
		return app_bad_args("idle", err);

	app_ready("idle");
	if (app_arg(argc, argv, "ms", NULL, 0)) {
		sys_sleep(ms);
		return 0;
	}
	for (;;)
		sys_sleep(IDLE_NAP_MS);
}
