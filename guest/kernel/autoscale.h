/*
 * autoscale.h - the orchestrator's scaling policy for a service,
 * `autoscale=MIN-MAX target=PCT` (docs/containers.md, "Autoscaling"):
 * the CPU use of a service's replicas over a window, as Kubernetes'
 * horizontal pod autoscaler measures it, and the replica count it wants.
 * Pure logic on numbers the engine (engine.c) hands it, so that the host
 * unit tests (tests/unit/test_autoscale.c) run it as the kernel does.
 */
#ifndef GUEST_KERNEL_AUTOSCALE_H
#define GUEST_KERNEL_AUTOSCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTOSCALE_UP_WINDOWS    1       /* windows over target before adding replicas */
#define AUTOSCALE_DOWN_WINDOWS  2       /* windows under target before removing some */
#define AUTOSCALE_TOLERANCE_PCT 10      /* of the target: no change this close to it */
#define AUTOSCALE_COOLDOWN_MAX  3       /* the cooldown doubles up to 8 windows */
#define AUTOSCALE_REASON_MAX    64

/* A service's policy (min, max, target: max 0 means none) and what it
 * has seen. The engine keeps one in each service. */
struct autoscale {
	unsigned min, max;              /* replicas, 1 <= min <= max */
	unsigned target_pct;            /* CPU use per replica aimed at, 1..100 */
	/* The current window: its start and the service's CPU time then. */
	uint64_t window_start, window_cpu;
	bool started;
	unsigned over, under;           /* consecutive windows each way */
	unsigned want;                  /* the streak's most cautious count */
	uint64_t cooldown_until;        /* no window counts before this TSC */
	unsigned changes_in_a_row;      /* since the last window on target */
	unsigned use_pct;               /* the last window's use, per replica */
	bool measured;                  /* use_pct is from a whole window */
	unsigned changes;
	char reason[AUTOSCALE_REASON_MAX]; /* why the count last changed */
	/* Time to target: from the service's start to the ready of the
	 * replicas of its last change before a window on target. */
	uint64_t start_tsc, change_tsc, target_tsc;
	bool target_reported;
};

/*
 * Parse `autoscale=MIN-MAX` (val) into (a). Returns 0, or -1 with the
 * reason in (why) (n bytes): not two numbers, MIN 0, MIN above MAX, or
 * MAX above (max_replicas).
 */
int autoscale_parse_range(struct autoscale *a, const char *val, unsigned max_replicas,
			  char *why, size_t n);

/* Parse `target=PCT` (val, "50" or "50%") into (a). Returns 0, or -1 with
 * the reason in (why): not a whole number from 1 to 100. */
int autoscale_parse_target(struct autoscale *a, const char *val, char *why, size_t n);

/* What the engine sees of a service at one look. */
struct autoscale_sample {
	uint64_t tsc;                   /* now */
	uint64_t ms;                    /* the kernel clock now, for the lines */
	uint64_t cpu;                   /* CPU time all its replicas used, ever */
	uint64_t window;                /* TSC ticks a window: one second */
	unsigned live;                  /* replicas running or coming back */
	unsigned request_pct;           /* what one may use of a CPU: cpu=, or 100 */
};

/*
 * One look at the service (name) under (a), as (now) shows it. Each
 * replica's use is measured against its CPU share (request_pct), as
 * Kubernetes measures a pod's against its CPU request; the window is one
 * second, the period of cpu= shares, so that a throttled replica's use
 * is whole periods.
 *
 * At the end of each window: use = the window's CPU time / (live x
 * request x window); wanted = ceil(live x use / target) within min..max,
 * or live within the tolerance. The count changes once the windows have
 * wanted more for AUTOSCALE_UP_WINDOWS, or fewer for
 * AUTOSCALE_DOWN_WINDOWS, in a row; then no window counts for a cooldown
 * of one window, doubled at each change in a row (as restarts back off)
 * up to 2^AUTOSCALE_COOLDOWN_MAX windows, and a window on target resets
 * it. Returns the count wanted now: (live) when no change, else the new
 * count, after the line "engine: autoscale NAME: scaled A->B: cpu U% >
 * target T% (at MS ms)" (or "<"). The first window on target after a
 * change prints how long the service took to get there from its start,
 * and its "bench: container_autoscale_to_target TSC" line.
 */
unsigned autoscale_step(struct autoscale *a, const char *name,
			const struct autoscale_sample *now);

/* The row of ps and stats for the service (name) with (live) replicas,
 * after (prefix): "PREFIX: service NAME: replicas L (autoscale MIN-MAX),
 * cpu U%, target T%, REASON" (cpu "-" before a whole window; "not scaled
 * yet" before a change). */
void autoscale_print(const struct autoscale *a, const char *prefix, const char *name,
		     unsigned live);

#endif /* GUEST_KERNEL_AUTOSCALE_H */
