/*
 * clock.c - the kernel's timer, seen from an app: a line with the tick
 * count once a second for seconds= seconds, then a result line with the
 * tick rate measured over the run (timer ticks against the TSC clock) next
 * to the programmed one. Its checksum is the number of lines printed, the
 * only thing in it that cannot vary. With busy=1 it spins (app_yield)
 * instead of sleeping, so the ticks it counts are interrupts that reached
 * a CPU that never halts. Runs wherever the apps run
 * (guest/apps/app.h).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "lib/fmt.h"

#define CLOCK_SECONDS_DEFAULT   3
#define CLOCK_SECONDS_MAX       3600
#define NS_PER_MS               1000000ULL
#define NS_PER_S                1000000000ULL

static const char *const clock_keys[] = { "seconds", "busy", NULL };

struct clock_args {
	uint64_t seconds, busy;
};

static int clock_parse(int argc, char **argv, struct clock_args *a, char *err, size_t n)
{
	if (app_check_keys(argc, argv, clock_keys, err, n) < 0)
		return -1;
	if (app_arg_uint(argc, argv, "seconds", CLOCK_SECONDS_DEFAULT, 1, CLOCK_SECONDS_MAX,
			 &a->seconds, err, n) < 0)
		return -1;
	return app_arg_uint(argc, argv, "busy", 0, 0, 1, &a->busy, err, n);
}

int clock_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n)
{
	struct clock_args a;

	*extra_mem_bytes = 0;
	return clock_parse(argc, argv, &a, err, n);
}

int clock_main(int argc, char **argv)
{
	char err[APP_ERR_MAX], extra[128];
	struct clock_args a;
	uint32_t lines = 0;

	if (clock_parse(argc, argv, &a, err, sizeof(err)) < 0)
		return app_bad_args("clock", err);

	app_ready("clock");
	uint64_t ticks0 = app_ticks(), ns0 = app_time_ns(), last = ticks0;

	for (uint64_t s = 1; s <= a.seconds; s++) {
		/* Sleep (or spin) to the next whole second since the start,
		 * not for a second: the time spent printing then does not
		 * add up. */
		uint64_t now = app_time_ns() - ns0;

		if (a.busy) {
			while (app_time_ns() - ns0 < s * NS_PER_S)
				app_yield();
		} else if (now < s * NS_PER_S) {
			app_sleep_ms((s * NS_PER_S - now + NS_PER_MS - 1) / NS_PER_MS);
		}

		uint64_t ticks = app_ticks();

		app_printf("clock: second %lu, ticks=%lu (+%lu)\n", s, ticks, ticks - last);
		last = ticks;
		lines++;
	}

	/* Ticks per second over the run, rounded to the nearest. */
	uint64_t ticks = app_ticks() - ticks0, ns = app_time_ns() - ns0;
	uint64_t measured = ns > 0 ? (ticks * NS_PER_S + ns / 2) / ns : 0;

	fmt_snprintf(extra, sizeof(extra), "seconds=%lu ticks=%lu hz=%u measured_hz=%lu",
		     a.seconds, ticks, app_tick_hz(), measured);
	app_result("clock", lines, extra);
	return APP_EXIT_OK;
}
