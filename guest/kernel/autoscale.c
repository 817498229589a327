/*
 * autoscale.c - the scaling policy of a service (see autoscale.h).
 *
 * Runs in ring 0 in the engine's turn between processes (engine.c), and
 * on the host in the unit tests: numbers in, a count out, no state but
 * the service's struct autoscale. The rule is Kubernetes' horizontal pod
 * autoscaler's (desired = ceil(current x use / target), a tolerance of
 * 10% around the target), measured per replica against its CPU share,
 * with the engine's restart back-off as the cooldown between changes.
 */
#include "guest/kernel/autoscale.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"

int autoscale_parse_range(struct autoscale *a, const char *val, unsigned max_replicas,
			  char *why, size_t n)
{
	char lo[24];
	const char *dash = strchr(val, '-');
	size_t k = dash ? (size_t)(dash - val) : 0;
	uint64_t min, max;

	if (dash == NULL || k == 0 || k >= sizeof(lo)) {
		fmt_snprintf(why, n, "takes MIN-MAX, two replica counts (e.g. 1-4)");
		return -1;
	}
	memcpy(lo, val, k);
	lo[k] = '\0';
	if (cmdline_parse_uint(lo, &min) || cmdline_parse_uint(dash + 1, &max)) {
		fmt_snprintf(why, n, "takes MIN-MAX, two replica counts (e.g. 1-4)");
		return -1;
	}
	if (min == 0) {
		fmt_snprintf(why, n, "MIN must be at least 1");
		return -1;
	}
	if (min > max) {
		fmt_snprintf(why, n, "MIN %lu is greater than MAX %lu", (unsigned long)min,
			     (unsigned long)max);
		return -1;
	}
	if (max > max_replicas) {
		fmt_snprintf(why, n, "MAX %lu is more than the %u replicas there is room for",
			     (unsigned long)max, max_replicas);
		return -1;
	}
	a->min = (unsigned)min;
	a->max = (unsigned)max;
	return 0;
}

int autoscale_parse_target(struct autoscale *a, const char *val, char *why, size_t n)
{
	char num[8];
	size_t len = strlen(val);
	uint64_t pct;

	if (len > 0 && val[len - 1] == '%')
		len--;
	if (len == 0 || len >= sizeof(num)) {
		fmt_snprintf(why, n, "takes the CPU use aimed at, 1 to 100 (%%)");
		return -1;
	}
	memcpy(num, val, len);
	num[len] = '\0';
	if (cmdline_parse_uint(num, &pct) || pct < 1 || pct > 100) {
		fmt_snprintf(why, n, "takes the CPU use aimed at, 1 to 100 (%%)");
		return -1;
	}
	a->target_pct = (unsigned)pct;
	return 0;
}

/* A new window from (now), with the service's CPU time (cpu) so far. */
static void new_window(struct autoscale *a, uint64_t now, uint64_t cpu)
{
	a->window_start = now;
	a->window_cpu = cpu;
}

/* The count the last window asks for: ceil(live x use / target), live
 * itself within the tolerance, kept within min..max. */
static unsigned wanted(const struct autoscale *a, unsigned live)
{
	unsigned t = a->target_pct, want;
	unsigned slack = (t * AUTOSCALE_TOLERANCE_PCT + 99) / 100;

	if (a->use_pct + slack >= t && a->use_pct <= t + slack)
		want = live;
	else
		want = (unsigned)(((uint64_t)live * a->use_pct + t - 1) / t);
	if (want < a->min)
		want = a->min;
	if (want > a->max)
		want = a->max;
	return want;
}

unsigned autoscale_step(struct autoscale *a, const char *name,
			const struct autoscale_sample *now)
{
	uint64_t elapsed = now->tsc - a->window_start, capacity;
	unsigned want, live = now->live;

	if (!a->started) {
		a->started = true;
		a->start_tsc = now->tsc;
		new_window(a, now->tsc, now->cpu);
		return live;
	}
	/* In the cooldown nothing counts: replicas just made or stopped
	 * would make the window say what the change did, not the load. The
	 * first window begins at the first look after it. */
	if (now->tsc < a->cooldown_until || a->window_start < a->cooldown_until) {
		new_window(a, now->tsc, now->cpu);
		return live;
	}
	if (elapsed < now->window)
		return live;
	capacity = (uint64_t)live * now->request_pct * elapsed / 100;
	a->use_pct = capacity ? (unsigned)((now->cpu - a->window_cpu) * 100 / capacity) : 0;
	a->measured = true;
	new_window(a, now->tsc, now->cpu);
	if (live == 0)
		return live;            /* none to measure: the restarts' business */

	want = wanted(a, live);
	if (want == live) {
		a->over = a->under = 0;
		a->changes_in_a_row = 0;
		if (a->changes && !a->target_reported) {
			/* How long the policy took to bring the load to a
			 * count it keeps (tools/bench.sh, tools/experiment.sh). */
			a->target_reported = true;
			a->target_tsc = a->change_tsc - a->start_tsc;
			klog("engine: autoscale %s: steady at %u replicas, cpu %u%% (target %u%%), "
			     "%lu TSC from its start to its last change\n", name, live, a->use_pct,
			     a->target_pct, (unsigned long)a->target_tsc);
			kprintf("bench: container_autoscale_to_target %lu\n",
				(unsigned long)a->target_tsc);
		}
		return live;
	}
	if (want > live) {
		a->under = 0;
		a->want = a->over++ ? (want < a->want ? want : a->want) : want;
		if (a->over < AUTOSCALE_UP_WINDOWS)
			return live;
	} else {
		a->over = 0;
		a->want = a->under++ ? (want > a->want ? want : a->want) : want;
		if (a->under < AUTOSCALE_DOWN_WINDOWS)
			return live;
	}
	/* A change: the most cautious count of the streak, then the
	 * cooldown, doubling with each change in a row. */
	want = a->want;
	a->over = a->under = 0;
	a->cooldown_until = now->tsc + (now->window << (a->changes_in_a_row < AUTOSCALE_COOLDOWN_MAX ?
							 a->changes_in_a_row : AUTOSCALE_COOLDOWN_MAX));
	a->changes_in_a_row++;
	a->changes++;
	a->change_tsc = now->tsc;
	fmt_snprintf(a->reason, sizeof(a->reason), "scaled %u->%u: cpu %u%% %c target %u%%", live,
		     want, a->use_pct, want > live ? '>' : '<', a->target_pct);
	klog("engine: autoscale %s: %s (at %lu ms)\n", name, a->reason, (unsigned long)now->ms);
	return want;
}

void autoscale_print(const struct autoscale *a, const char *prefix, const char *name,
		     unsigned live)
{
	char use[16] = "-";

	if (a->measured)
		fmt_snprintf(use, sizeof(use), "%u%%", a->use_pct);
	kprintf("%s: service %s: replicas %u (autoscale %u-%u), cpu %s, target %u%%, %s\n", prefix,
		name, live, a->min, a->max, use, a->target_pct, a->changes ? a->reason : "not scaled yet");
}
