/*
 * container.c - containers (see container.h): creation, the limits and
 * how they are enforced, and the end of a container.
 *
 * Runs in ring 0. A container is bookkeeping on top of processes: a pid
 * counter (its namespace), an image (its file view), counts checked
 * against its limits, and the CPU time its processes used in the current
 * period. Every limit says so on the console once, naming the container
 * and the limit, the first time it refuses something.
 */
#include "guest/kernel/container.h"
#include "guest/kernel/image.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/time.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/x86.h"

struct container *container_table;
unsigned container_events;
void (*container_owner_event)(void *owner);

/* An event the engine acts on: counted, and told to (c)'s owner. */
static void note_event(struct container *c)
{
	container_events++;
	if (c->owner && container_owner_event)
		container_owner_event(c->owner);
}

void container_init(struct frame_pool *pool)
{
	container_table = kernel_tables(pool, proc_slots * sizeof(struct container),
					"container table");
}
static unsigned next_id = 1;

struct container *container_create(const char *name, const struct image *image,
				   const struct container_limits *limits)
{
	for (unsigned i = 0; i < proc_slots; i++) {
		struct container *c = &container_table[i];

		if (c->state != CONTAINER_FREE)
			continue;
		memset(c, 0, sizeof(*c));
		c->state = CONTAINER_RUNNING;
		c->id = next_id++;
		strlcpy(c->name, name, sizeof(c->name));
		strlcpy(c->hostname, name, sizeof(c->hostname));
		c->image = image;
		c->limits = *limits;
		c->next_pid = 1;
		c->tsc_created = rdtsc();
		c->period_start = c->tsc_created;
		return c;
	}
	klog("container %s: the container table is full (%u containers)\n", name, proc_slots);
	return NULL;
}

static const char *error_name(int err)
{
	switch (err) {
	case SYS_ENOENT: return "no such program in the image";
	case SYS_ENOEXEC: return "not a static ELF64 program for the user range";
	case SYS_EAGAIN: return "process limit or process table full";
	case SYS_ENOMEM: return "out of memory (the container's limit or the kernel's)";
	case SYS_E2BIG: return "too many arguments, or one too long";
	}
	return "error";
}

int container_start(struct container *c, const char *path, int argc, char *const argv[])
{
	int err;

	if (proc_spawn(c, NULL, path, argc, argv, &err) == NULL) {
		klog("container %s: cannot start %s: %s\n", c->name, path, error_name(err));
		c->state = CONTAINER_ENDED;
		c->status = SYS_STATUS_FAULT;
		c->tsc_ended = rdtsc();
		if (c->owner == NULL && c->nprocs == 0)
			container_free(c);
		return -err;
	}
	return 0;
}

void container_stop(struct container *c)
{
	for (unsigned i = 0; i < proc_slots; i++)
		if (proc_table[i].state != PROC_FREE && proc_table[i].c == c)
			proc_kill(&proc_table[i]);
}

int container_charge(struct container *c, int64_t n)
{
	if (n > 0 && c->limits.max_pages && c->pages + (uint64_t)n > c->limits.max_pages) {
		c->limit_hits++;
		if (!c->mem_noted && (c->mem_noted = true))
			klog("container %s: memory limit of %lu KiB reached; allocation refused\n",
			     c->name, (unsigned long)(c->limits.max_pages * 4));
		return -1;
	}
	c->pages += (uint64_t)n;
	if (c->pages > c->peak_pages)
		c->peak_pages = c->pages;
	return 0;
}

bool container_may_spawn(struct container *c)
{
	if (c->state != CONTAINER_RUNNING)
		return false;                   /* ending: no new processes */
	if (c->limits.max_procs && c->nprocs >= c->limits.max_procs) {
		c->limit_hits++;
		if (!c->procs_noted && (c->procs_noted = true))
			klog("container %s: process limit of %u reached; spawn refused\n", c->name,
			     c->limits.max_procs);
		return false;
	}
	return true;
}

void container_proc_ended(struct container *c, struct proc *p)
{
	note_event(c);
	if (p->pid != 1 || c->state != CONTAINER_RUNNING)
		return;
	/* Its first process is its life, as in Docker: the rest go too. */
	c->state = CONTAINER_ENDED;
	c->status = p->status;
	c->tsc_ended = rdtsc();
	container_stop(c);
}

void container_proc_reaped(struct container *c)
{
	note_event(c);
	if (c->state == CONTAINER_ENDED && c->nprocs == 0 && c->owner == NULL)
		container_free(c);
}

int container_free(struct container *c)
{
	if (c->state != CONTAINER_ENDED || c->nprocs > 0)
		return -1;
	if (c->pages != 0)
		klog("container %s: %lu pages still charged after its last process; a leak\n",
		     c->name, (unsigned long)c->pages);
	c->state = CONTAINER_FREE;
	return 0;
}

bool container_throttled(struct container *c, uint64_t now)
{
	uint64_t period = time_tsc_hz();        /* one second */

	if (c->limits.cpu_pct == 0 || c->limits.cpu_pct >= 100)
		return false;
	if (now - c->period_start >= period) {
		c->period_start = now;
		c->period_tsc = 0;
	}
	if (c->period_tsc * 100 < period * c->limits.cpu_pct)
		return false;
	if (!c->throttled_noted) {
		c->throttled_noted = true;
		klog("container %s: CPU share of %u%% used up; throttled until the next second\n",
		     c->name, c->limits.cpu_pct);
	}
	return true;
}

void container_charge_cpu(struct container *c, uint64_t tsc)
{
	c->cpu_tsc += tsc;
	c->period_tsc += tsc;
}

void container_mark_ready(struct container *c)
{
	if (c->tsc_ready == 0) {
		c->tsc_ready = rdtsc();
		/* Called from its process's turn: that turn counts so far. */
		c->ready_cpu = c->start_work + c->cpu_tsc + sched_turn_cpu();
		note_event(c);
	}
}
