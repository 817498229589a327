/*
 * share.c - a CPU share meter (guest ring 3): for ms= milliseconds of the
 * kernel's clock it reads the TSC in a tight loop, never sleeping or
 * yielding. Two consecutive reads closer than a small threshold (50 us of
 * TSC time, measured against the clock first) mean it had the CPU in
 * between; a longer gap is time the CPU was elsewhere (another process,
 * the kernel, another VM). Its share is the sum of the short gaps over the
 * whole interval: what the scheduler really gave it, whatever the kernel
 * charged.
 *
 * Output (tests match it), one line, exit code 0:
 *   share: NN.N% ms=N
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"

#define SHARE_MS_MAX    (600 * 1000)
#define NS_PER_MS       1000000ULL
#define CALIBRATE_NS    (2 * NS_PER_MS)
#define THRESHOLD_NS    50000ULL        /* a gap shorter than this is its own */
#define CLOCK_EVERY     4096            /* TSC reads per clock system call */

static const char *const share_keys[] = { "ms", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	uint64_t ms;

	if (app_check_keys(argc, argv, share_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "ms", 1000, 1, SHARE_MS_MAX, &ms, err, sizeof(err)) < 0)
		return app_bad_args("share", err);

	/* TSC ticks per THRESHOLD_NS, from two readings of both clocks. */
	uint64_t ns0 = (uint64_t)sys_clock(SYS_CLOCK_NS), tsc0 = app_tsc(), ns1;

	while ((ns1 = (uint64_t)sys_clock(SYS_CLOCK_NS)) < ns0 + CALIBRATE_NS)
		;
	uint64_t threshold = (app_tsc() - tsc0) * THRESHOLD_NS / (ns1 - ns0);

	uint64_t end = ns1 + ms * NS_PER_MS, start = app_tsc(), last = start, own = 0, now;

	for (;;) {
		for (unsigned i = 0; i < CLOCK_EVERY; i++) {
			now = app_tsc();
			if (now - last < threshold)
				own += now - last;
			last = now;
		}
		if ((uint64_t)sys_clock(SYS_CLOCK_NS) >= end)
			break;
	}
	uint64_t permille = own * 1000 / (last - start);

	uprintf("share: %lu.%lu%% ms=%lu\n", (unsigned long)(permille / 10),
		(unsigned long)(permille % 10), (unsigned long)ms);
	return 0;
}
