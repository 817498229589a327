/*
 * spin.c - a busy loop for ms= milliseconds of the kernel's clock (guest
 * ring 3): it never sleeps or yields, so only preemption lets others run.
 * It counts its loops, a measure of the CPU share it got, and reads the
 * clock once every SPIN_BATCH loops so that system calls stay out of the
 * measure.
 *
 * Output (tests match it), one line: "spin: loops=L ms=N", exit code 0.
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"

#define SPIN_BATCH      (1u << 14)
#define SPIN_MS_DEFAULT 100
#define SPIN_MS_MAX     (3600 * 1000)
#define NS_PER_MS       1000000ULL

static const char *const spin_keys[] = { "ms", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	uint64_t ms, loops = 0;

	if (app_check_keys(argc, argv, spin_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "ms", SPIN_MS_DEFAULT, 1, SPIN_MS_MAX, &ms, err, sizeof(err)) < 0)
		return app_bad_args("spin", err);

	uint64_t end = (uint64_t)sys_clock(SYS_CLOCK_NS) + ms * NS_PER_MS;

	do {
		/* The empty asm makes the compiler keep every increment
		 * instead of adding SPIN_BATCH at once. */
		for (unsigned i = 0; i < SPIN_BATCH; i++) {
			loops++;
			__asm__ volatile("" : "+r"(loops));
		}
	} while ((uint64_t)sys_clock(SYS_CLOCK_NS) < end);

	uprintf("spin: loops=%lu ms=%lu\n", loops, ms);
	return 0;
}
