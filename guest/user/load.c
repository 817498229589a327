/*
 * load.c - a load phase, then an idle phase (guest ring 3), for the
 * autoscaling test (tests/scenarios/containers-autoscale-bochs.sh): it
 * spins until the kernel's clock reads until= milliseconds (since the
 * kernel started it, so that every replica, whenever it started, stops
 * at the same moment), then sleeps for good. With no until= it spins for
 * good. It never yields while it spins: only preemption and its
 * container's cpu= share stop it.
 *
 * Output (tests match it):
 *   ready app=load pid=P tsc=T         at its start
 *   load: idle at MS ms                once its load phase is over
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"

#define LOAD_MS_MAX     (24ULL * 3600 * 1000)
#define LOAD_NAP_MS     1000    /* each sleep of the idle phase */
#define NS_PER_MS       1000000ULL

static const char *const load_keys[] = { "until", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	uint64_t until;

	if (app_check_keys(argc, argv, load_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "until", LOAD_MS_MAX, 1, LOAD_MS_MAX, &until, err,
			 sizeof(err)) < 0)
		return app_bad_args("load", err);

	app_ready("load");
	while ((uint64_t)sys_clock(SYS_CLOCK_NS) < until * NS_PER_MS)
		for (volatile unsigned i = 0; i < 4096; i++)
			;
	uprintf("load: idle at %lu ms\n", (unsigned long)((uint64_t)sys_clock(SYS_CLOCK_NS) / NS_PER_MS));
	for (;;)
		sys_sleep(LOAD_NAP_MS);
}
