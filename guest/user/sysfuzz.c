/*
 * sysfuzz.c - the system-call fuzzer (guest ring 3): random system-call
 * numbers with random arguments, drawn from values that are not the
 * caller's to use (kernel addresses, unmapped and non-canonical pointers,
 * huge and wrapping lengths, negative pids and fds) mixed with ordinary
 * ones. The kernel must answer every call with a result or an error and
 * never fault; containers beside this one must not notice.
 *
 *   seed=S     the generator's seed (default 1): the same seed, the same calls
 *   n=N        calls to make (default 10000)
 *
 * Never called: SYS_EXIT (it would end the run early) and SYS_KERNEL_BUG
 * (the deliberate bug). SYS_KILL never names this process itself; a child
 * that a random SYS_SPAWN starts is killed and waited for at once; sleeps
 * are short. Output (tests match it):
 *   sysfuzz: seed=S n=N
 *   sysfuzz: C calls, E errors, O ok           every 10000 calls and at the end
 *   sysfuzz: done
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/fmt.h"
#include "lib/rand.h"

#define REPORT_EVERY    1000
#define MAX_CHILDREN    4

static const char *const sysfuzz_keys[] = { "seed", "n", NULL };

/* The same sequence for the same seed (lib/rand.h). */
static uint64_t state;

static uint64_t rnd(void)
{
	return rand_next(&state);
}

static char buf[4096];          /* a buffer of its own, for valid pointers */
static char path[] = "bin/hello";

/* One argument: mostly the values a kernel must refuse. */
static long arg(void)
{
	switch (rnd() % 16) {
	case 0: return 0;
	case 1: return -1;
	case 2: return (long)(rnd() % 64);
	case 3: return (long)rnd();                             /* anything */
	case 4: return 0x100000;                                /* the kernel's image */
	case 5: return (long)(rnd() & 0xffffffffUL);            /* low memory: the kernel's */
	case 6: return (long)0x8000000000000000UL;              /* non-canonical */
	case 7: return (long)0xffffffff80000000UL;              /* upper half */
	case 8: return (long)(USER_BASE + (rnd() % 0x200000));  /* user, mostly unmapped */
	case 9: return (long)(USER_STACK_TOP - 8 - (rnd() % USER_STACK_SIZE));
	case 10: return (long)(USER_END - (rnd() % 64));        /* the top of user space */
	case 11: return (long)(uintptr_t)(buf + rnd() % sizeof(buf));
	case 12: return (long)(rnd() % (1UL << 40));            /* huge length */
	case 13: return (long)(uintptr_t)path;
	case 14: return (long)(USER_HEAP + (rnd() % 0x100000));
	default: return (long)(rnd() % 5000);
	}
}

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX];
	uint64_t seed, n, errors = 0, ok = 0, calls = 0;
	long self = sys_getpid();

	if (app_check_keys(argc, argv, sysfuzz_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "seed", 1, 0, UINT64_MAX, &seed, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "n", 10000, 1, 100000000, &n, err, sizeof(err)) < 0)
		return app_bad_args("sysfuzz", err);
	state = seed * 2654435761u + 0x9e3779b97f4a7c15ULL;
	uprintf("sysfuzz: seed=%lu n=%lu\n", seed, n);

	while (calls < n) {
		long nr = (long)(rnd() % (SYS_NCALLS + 4)), a1 = arg(), a2 = arg(), r;

		if (rnd() % 64 == 0)
			nr = (long)rnd();               /* far outside the table */
		if (nr == SYS_EXIT || nr == SYS_KERNEL_BUG)
			continue;
		if (nr == SYS_SLEEP)
			a1 &= 3;
		if (nr == SYS_KILL && a1 == self)
			continue;
		if (nr == SYS_WAIT)
			continue;                       /* only for its own children, below */
		r = syscall5(nr, a1, a2, arg(), arg(), arg());
		calls++;
		if (nr == SYS_SPAWN && r > 0) {
			/* A child it did start: end it, and reap it. */
			sys_kill(r);
			sys_wait(r, NULL);
		}
		if (r < 0 && r >= -4095)
			errors++;
		else
			ok++;
		if (calls % REPORT_EVERY == 0 || calls == n)
			uprintf("sysfuzz: %lu calls, %lu errors, %lu ok\n", calls, errors, ok);
	}
	uprintf("sysfuzz: done\n");
	return 0;
}
