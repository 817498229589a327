/*
 * test_autoscale.c - guest/kernel/autoscale.c, a service's scaling policy:
 * bad autoscale= and target= values get a reason naming what is wrong;
 * the count follows ceil(live x use / target) within MIN..MAX, not
 * within the 10% tolerance; up after one window over target, down after
 * two under; a cooldown after each change that doubles with changes in a
 * row; the lines it prints. klog and kprintf are caught here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "guest/kernel/autoscale.h"

#define WINDOW  1000000ULL      /* TSC ticks a window, in these tests */

static char said[4096];

static void say(const char *fmt, va_list ap)
{
	size_t n = strlen(said);

	vsnprintf(said + n, sizeof(said) - n, fmt, ap);
}

void klog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return 0;
}

static void range_errors_name_the_problem(void **state)
{
	struct autoscale a = { 0 };
	char why[96];

	(void)state;
	assert_int_equal(autoscale_parse_range(&a, "1-4", 64, why, sizeof(why)), 0);
	assert_int_equal(a.min, 1);
	assert_int_equal(a.max, 4);
	assert_int_equal(autoscale_parse_range(&a, "3-3", 64, why, sizeof(why)), 0);
	assert_int_equal(autoscale_parse_range(&a, "5-2", 64, why, sizeof(why)), -1);
	assert_string_equal(why, "MIN 5 is greater than MAX 2");
	assert_int_equal(autoscale_parse_range(&a, "0-2", 64, why, sizeof(why)), -1);
	assert_string_equal(why, "MIN must be at least 1");
	assert_int_equal(autoscale_parse_range(&a, "1-65", 64, why, sizeof(why)), -1);
	assert_string_equal(why, "MAX 65 is more than the 64 replicas there is room for");
	for (const char *bad[] = { "4", "-4", "1-", "a-b", "1-4x", "", "1--4", NULL }, **b = bad; *b; b++) {
		assert_int_equal(autoscale_parse_range(&a, *b, 64, why, sizeof(why)), -1);
		assert_string_equal(why, "takes MIN-MAX, two replica counts (e.g. 1-4)");
	}
	assert_int_equal(a.min, 3);     /* a bad value leaves the last good one */
	assert_int_equal(a.max, 3);
}

static void target_errors_name_the_problem(void **state)
{
	struct autoscale a = { 0 };
	char why[96];

	(void)state;
	assert_int_equal(autoscale_parse_target(&a, "50", why, sizeof(why)), 0);
	assert_int_equal(a.target_pct, 50);
	assert_int_equal(autoscale_parse_target(&a, "100%", why, sizeof(why)), 0);
	assert_int_equal(a.target_pct, 100);
	assert_int_equal(autoscale_parse_target(&a, "1", why, sizeof(why)), 0);
	for (const char *bad[] = { "0", "0%", "101", "150%", "x", "%", "", "5o", "-5", NULL }, **b = bad;
	     *b; b++) {
		assert_int_equal(autoscale_parse_target(&a, *b, why, sizeof(why)), -1);
		assert_string_equal(why, "takes the CPU use aimed at, 1 to 100 (%)");
	}
	assert_int_equal(a.target_pct, 1);
}

/* A service of (live) replicas each using (pct)% of its (request)% share
 * over one window from (*t), its CPU time (*cpu) going up accordingly. */
static unsigned window(struct autoscale *a, uint64_t *t, uint64_t *cpu, unsigned live,
		       unsigned pct, unsigned request)
{
	struct autoscale_sample s;

	*t += WINDOW;
	*cpu += (uint64_t)live * request * pct * WINDOW / 10000;
	s = (struct autoscale_sample){ *t, *t / 1000, *cpu, WINDOW, live, request };
	return autoscale_step(a, "web", &s);
}

static struct autoscale policy(unsigned min, unsigned max, unsigned target, uint64_t *t,
			       uint64_t *cpu)
{
	struct autoscale a = { .min = min, .max = max, .target_pct = target };
	struct autoscale_sample s = { *t, 0, *cpu, WINDOW, min, 20 };

	said[0] = '\0';
	assert_int_equal(autoscale_step(&a, "web", &s), min);  /* starts the first window */
	return a;
}

static void follows_the_rule_with_cooldowns(void **state)
{
	uint64_t t = 5 * WINDOW, cpu = 0;
	struct autoscale a = policy(1, 4, 50, &t, &cpu);

	(void)state;
	/* 1 at 100% of a 50% target: ceil(1 x 100 / 50) = 2, at once. */
	assert_int_equal(window(&a, &t, &cpu, 1, 100, 20), 2);
	assert_string_equal(a.reason, "scaled 1->2: cpu 100% > target 50%");
	assert_non_null(strstr(said, "engine: autoscale web: scaled 1->2: cpu 100% > target 50% (at "));
	/* A window's cooldown: the load the change made does not count. */
	assert_int_equal(window(&a, &t, &cpu, 2, 100, 20), 2);
	/* Then 2 at 100%: 4, and a cooldown of two windows. */
	assert_int_equal(window(&a, &t, &cpu, 2, 100, 20), 4);
	assert_int_equal(window(&a, &t, &cpu, 4, 100, 20), 4);
	assert_int_equal(window(&a, &t, &cpu, 4, 100, 20), 4);
	assert_null(strstr(said, "steady"));
	/* At the max, 100% wants 8: kept at 4, which is steady. */
	assert_int_equal(window(&a, &t, &cpu, 4, 100, 20), 4);
	assert_non_null(strstr(said, "engine: autoscale web: steady at 4 replicas, cpu 100% (target 50%), "
			       "3000000 TSC from its start to its last change\n"));
	assert_non_null(strstr(said, "bench: container_autoscale_to_target 3000000\n"));
	/* Within the tolerance (45..55%): no change, whatever the rule says. */
	assert_int_equal(window(&a, &t, &cpu, 4, 55, 20), 4);
	assert_int_equal(window(&a, &t, &cpu, 4, 45, 20), 4);
	/* Under: one window is not enough (4 x 10 / 50 asks for 1); the
	 * second decides (4 x 30 / 50 asks for 3), and the streak's higher
	 * count, 3, wins. */
	assert_int_equal(window(&a, &t, &cpu, 4, 10, 20), 4);
	assert_int_equal(window(&a, &t, &cpu, 4, 30, 20), 3);
	assert_string_equal(a.reason, "scaled 4->3: cpu 30% < target 50%");
	/* A window on target reset the doubling: one window's cooldown. */
	assert_int_equal(window(&a, &t, &cpu, 3, 0, 20), 3);
	assert_int_equal(window(&a, &t, &cpu, 3, 0, 20), 3);
	assert_int_equal(window(&a, &t, &cpu, 3, 0, 20), 1);    /* never below MIN */
	assert_int_equal(a.changes, 4);
}

static void use_is_per_replica_against_its_share(void **state)
{
	uint64_t t = 0, cpu = 0;
	struct autoscale a = policy(2, 10, 80, &t, &cpu);

	(void)state;
	/* 2 replicas without cpu= (100% each) using 60% of a CPU each: under
	 * 80% by more than the tolerance, yet ceil(2 x 60 / 80) is 2. */
	assert_int_equal(window(&a, &t, &cpu, 2, 60, 100), 2);
	assert_int_equal(a.use_pct, 60);
	/* 3 replicas each at their whole 50% share: 100% of it, each. */
	a = policy(3, 10, 50, &t, &cpu);
	assert_int_equal(window(&a, &t, &cpu, 3, 100, 50), 6);
	assert_int_equal(a.use_pct, 100);
}

static void cooldown_doubles_with_changes_in_a_row(void **state)
{
	uint64_t t = 0, cpu = 0;
	struct autoscale a = policy(1, 64, 50, &t, &cpu);
	unsigned live = 1, waited[5];

	(void)state;
	/* Always over target: each change, then the windows until the next. */
	for (int k = 0; k < 5; k++) {
		unsigned n = 0, want;

		while ((want = window(&a, &t, &cpu, live, 100, 20)) == live)
			n++;
		waited[k] = n;
		live = want;
	}
	assert_int_equal(waited[0], 0);         /* the first window decides */
	assert_int_equal(waited[1], 1);         /* 1 window of cooldown, then 1 */
	assert_int_equal(waited[2], 2);         /* 2 */
	assert_int_equal(waited[3], 4);         /* 4 */
	assert_int_equal(waited[4], 8);         /* 8, the most */
	assert_int_equal(live, 32);
}

static void prints_its_row(void **state)
{
	uint64_t t = 0, cpu = 0;
	struct autoscale a = policy(1, 4, 50, &t, &cpu);

	(void)state;
	autoscale_print(&a, "ps", "web", 1);
	assert_string_equal(said, "ps: service web: replicas 1 (autoscale 1-4), cpu -, target 50%, "
			    "not scaled yet\n");
	window(&a, &t, &cpu, 1, 95, 20);
	said[0] = '\0';
	autoscale_print(&a, "stats", "web", 2);
	assert_string_equal(said, "stats: service web: replicas 2 (autoscale 1-4), cpu 95%, target 50%, "
			    "scaled 1->2: cpu 95% > target 50%\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(range_errors_name_the_problem),
		cmocka_unit_test(target_errors_name_the_problem),
		cmocka_unit_test(follows_the_rule_with_cooldowns),
		cmocka_unit_test(use_is_per_replica_against_its_share),
		cmocka_unit_test(cooldown_doubles_with_changes_in_a_row),
		cmocka_unit_test(prints_its_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
