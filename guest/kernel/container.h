/*
 * container.h - containers of the container host: a group of processes
 * with its own PID namespace (its first process is PID 1), its own file
 * view (one image), its own hostname, and limits on memory pages, number
 * of processes and CPU share. The kernel is shared: that is the point.
 * docs/containers.md.
 */
#ifndef GUEST_KERNEL_CONTAINER_H
#define GUEST_KERNEL_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

struct image;
struct frame_pool;
struct proc;

#define CONTAINER_NAME_MAX      32

/* What a container may use. 0 in a field means "no limit of its own":
 * the kernel's memory and process table still bound it. */
struct container_limits {
	uint64_t max_pages;             /* 4 KiB frames: user pages, page tables, kernel stacks */
	unsigned max_procs;             /* processes alive (zombies included) at once */
	unsigned cpu_pct;               /* share of each CPU period, 1..100 */
};

enum container_state {
	CONTAINER_FREE,
	CONTAINER_RUNNING,              /* its first process lives */
	CONTAINER_ENDED,                /* its first process ended; the rest are being reaped */
};

struct container {
	enum container_state state;
	unsigned id;                    /* 1, 2, ... in creation order: never reused */
	char name[CONTAINER_NAME_MAX];
	char hostname[CONTAINER_NAME_MAX];
	const struct image *image;
	struct container_limits limits;

	int next_pid;                   /* the PID namespace: the next pid to give */
	unsigned nprocs;                /* processes in the table, zombies included */
	uint64_t pages, peak_pages;     /* frames held now, and at most */
	int status;                     /* CONTAINER_ENDED: its first process's status */

	uint64_t period_start, period_tsc; /* CPU share: this period's start and use */
	uint64_t cpu_tsc;               /* CPU time of all its processes, ever */
	bool throttled_noted;           /* the throttle line was printed (once a container) */
	bool mem_noted, procs_noted, table_noted; /* each limit's line, once a container */

	uint64_t tsc_created, tsc_ready, tsc_ended; /* ready: its first "ready " line */
	uint64_t start_work;            /* CPU work of creating and starting it */
	uint64_t ready_cpu;             /* start_work + its CPU up to ready */
	unsigned faults, kills;         /* processes ended by a fault, by SYS_KILL */
	unsigned limit_hits;            /* spawns or pages refused by a limit */

	void *owner;                    /* the engine's replica slot, or NULL */
	bool quiet;                     /* its output is counted, not printed */
	uint64_t quiet_bytes;
};

/* Make a container, empty (no process yet). Returns it, or NULL with one
 * line if the table is full. (name) is copied and also the hostname. */
struct container *container_create(const char *name, const struct image *image,
				   const struct container_limits *limits);

/* Start its first process: (path) of its image with (argv). Returns 0,
 * or a negative SYS_E* code after one line naming the container. */
int container_start(struct container *c, const char *path, int argc, char *const argv[]);

/* End (c): every process of it is killed; it becomes ENDED when its first
 * process is gone. */
void container_stop(struct container *c);

/*
 * Account (n) more frames (negative: fewer) to (c). Returns 0, or -1
 * without accounting if the memory limit would be passed (a line says so,
 * once per container).
 */
int container_charge(struct container *c, int64_t n);

/* May (c) have one more process? Prints the limit line once if not. */
bool container_may_spawn(struct container *c);

/* Called by proc.c when a process of (c) ends, and when its zombie is
 * reaped: keeps the counts, ends the container when its first process
 * ends, and frees it when it is ENDED and empty and has no owner. */
void container_proc_ended(struct container *c, struct proc *p);
void container_proc_reaped(struct container *c);

/* Give an ENDED container whose processes are all reaped back to the
 * table. Returns 0, or -1 while processes remain. */
int container_free(struct container *c);

/* Is (c) over its CPU share in the current period? Starts a new period
 * when the last one is over. (now) is the TSC. */
bool container_throttled(struct container *c, uint64_t now);

/* Charge (tsc) of CPU time to (c). */
void container_charge_cpu(struct container *c, uint64_t tsc);

/* Mark (c) ready: called for its first console line starting "ready ". */
void container_mark_ready(struct container *c);

/* Counts every change the engine acts on: a container ready, a process
 * ended or reaped. The scheduler gives the engine its turn when this
 * changes or a tick passes, not between every two processes. */
extern unsigned container_events;

/* Told the owner of the container of each such event (the engine's
 * replica), so that the engine looks at that replica alone; NULL: no one. */
extern void (*container_owner_event)(void *owner);

/* The table, as many entries as the process table (proc_slots), for ps and stats; from frames. */
extern struct container *container_table;

/* Take the table's memory from (pool). Called once, before the first
 * container_create(). */
void container_init(struct frame_pool *pool);

#endif /* GUEST_KERNEL_CONTAINER_H */
