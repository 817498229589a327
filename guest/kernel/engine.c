/*
 * engine.c - the container engine and orchestrator (see engine.h).
 *
 * Runs in ring 0, in the scheduler's loop between processes (engine_poll):
 * it never blocks. A script is a list of commands, one per line, run in
 * order; `wait`, `wait-ready`, `sleep` and `density` hold the script until
 * what they wait for has happened, while processes run. A service is a
 * named set of replicas; each replica is one container at a time, made
 * again by its restart policy with back-off when it ends. Commands:
 *
 *   run name=N image=I [replicas=R] [restart=never|on-failure|always]
 *       [max-restarts=M] [backoff=MS] [mem=SIZE] [procs=P] [cpu=PCT] [hostname=H]
 *       [autoscale=MIN-MAX target=PCT] -- PROGRAM [ARGS...]
 *   scale N R          stop N          ps          stats       summary
 *   wait [N]           wait-ready [N]  wait-replicas N R       sleep MS    echo TEXT...
 *   density name=N image=I [mem=SIZE] -- PROGRAM [ARGS...]
 */
#include "guest/include/sysabi.h"
#include "guest/kernel/autoscale.h"
#include "guest/kernel/container.h"
#include "guest/kernel/engine.h"
#include "guest/kernel/hv.h"
#include "guest/kernel/image.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/script.h"
#include "guest/kernel/syscall.h"
#include "guest/kernel/time.h"
#include "guest/kernel/tty.h"
#include "guest/kernel/uk.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/frame.h"
#include "lib/string.h"
#include "lib/x86.h"

#define MAX_SERVICES            32

/* One replica of a service: a container now, or one to come back. */
struct replica {
	struct service *svc;                    /* NULL: slot unused */
	unsigned index;                         /* 1, 2, ...: the name's suffix */
	struct container *c;                    /* NULL between runs */
	bool removing;                          /* scaled down or stopped: no restart */
	bool ready_noted;
	uint64_t restart_tick;                  /* when c is NULL and a restart is due */
	bool restart_due;
	unsigned restarts;
	int status;                             /* of its last run */
	uint64_t first_ready_tsc;               /* spawn-to-ready of its first run */
	uint64_t first_ready_cpu;               /* the same in CPU work (container.h) */
	uint64_t recover_tsc;                   /* its last end to its next ready */
	uint64_t stopped_tsc;
	uint64_t peak_pages, cpu_tsc;           /* over all its runs */
	unsigned faults;
	bool ended;                             /* done for good (kept for the summary) */
};

static struct service *services;         /* MAX_SERVICES, from frames */
static struct replica *replicas;         /* proc_slots, from frames */
static unsigned replica_top;             /* slots at and above it are unused */
static struct frame_pool *pool;

/*
 * The replicas that need a look (poll_replicas), one bit per slot: those
 * whose container had an event (ready, a process ended or reaped: told by
 * container.c through container_owner_event) and those waiting for a
 * restart. The engine reacts to these instead of scanning every slot;
 * going through the bits in slot order keeps the order of its lines.
 */
static uint64_t watch[(PROC_SLOTS_MAX + 63) / 64];
static unsigned watch_words;

static int exit_code = EXIT_OK;

/* The command holding the script, if any. */
static enum { HOLD_NONE, HOLD_WAIT, HOLD_WAIT_READY, HOLD_REPLICAS, HOLD_SLEEP, HOLD_DENSITY } hold;
static struct service *hold_svc;                /* NULL: every service */
static unsigned hold_replicas;                  /* HOLD_REPLICAS: the count awaited */
static uint64_t hold_until_tick;
static unsigned density_count;
static uint64_t density_quiet_bytes;            /* what its containers printed */
static bool density_reported;
static uint64_t density_free_before;

/* ---- Replicas ---- */

static void watch_mark(const struct replica *r)
{
	unsigned i = (unsigned)(r - replicas);

	watch[i / 64] |= 1ULL << (i % 64);
}

static void replica_event(void *owner)
{
	watch_mark(owner);
}

static void replica_name(const struct replica *r, char *buf, size_t n)
{
	fmt_snprintf(buf, n, "%s-%u", r->svc->name, r->index);
}

/* Make (r)'s container and start it. Returns 0 or a negative SYS_E*. */
static int replica_start(struct replica *r)
{
	struct service *s = r->svc;
	char name[CONTAINER_NAME_MAX];
	char *argv[USER_MAX_ARGS];
	uint64_t work = sched_cpu_clock();
	int err;

	replica_name(r, name, sizeof(name));
	r->c = container_create(name, s->image, &s->limits);
	if (r->c == NULL)
		return -SYS_EAGAIN;
	if (s->hostname[0])
		strlcpy(r->c->hostname, s->hostname, sizeof(r->c->hostname));
	r->c->owner = r;
	r->c->quiet = s->density;
	r->ready_noted = false;
	for (int i = 0; i < s->argc; i++)
		argv[i] = s->args[i];
	err = container_start(r->c, s->args[0], s->argc, argv);
	r->c->start_work = sched_cpu_clock() - work;
	if (err) {
		r->status = r->c->status;
		r->c->owner = NULL;
		container_free(r->c);
		r->c = NULL;
	}
	return err;
}

static struct replica *replica_new(struct service *s, unsigned index)
{
	for (unsigned i = 0; i < proc_slots; i++) {
		struct replica *r = &replicas[i];

		if (r->svc == NULL) {
			memset(r, 0, sizeof(*r));
			r->svc = s;
			r->index = index;
			if (i >= replica_top)
				replica_top = i + 1;
			return r;
		}
	}
	return NULL;
}

static const char *status_words(int status)
{
	if (status == 0)
		return "ok";
	if (status == SYS_STATUS_FAULT)
		return "fault";
	if (status == SYS_STATUS_KILLED)
		return "killed";
	return "failed";
}

/* Is (r) live: a container running, or one to come back? */
static bool replica_live(const struct replica *r)
{
	return r->svc && !r->ended && (r->c || r->restart_due);
}

/* (r)'s run ended with (status): restart it or not, by its policy, with
 * back-off: backoff= ms (10 by default), doubling up to a second. */
static void replica_decide(struct replica *r, int status)
{
	struct service *s = r->svc;
	bool restart = !r->removing &&
		(s->policy == RESTART_ALWAYS || (s->policy == RESTART_ON_FAILURE && status != 0));
	uint64_t ms;

	r->status = status;
	if (restart && r->restarts >= s->max_restarts) {
		klog("container %s-%u: %u restarts reached (max-restarts); left stopped\n",
		     s->name, r->index, r->restarts);
		restart = false;
	}
	if (!restart) {
		r->ended = true;
		return;
	}
	ms = (uint64_t)s->backoff_ms << (r->restarts < 7 ? r->restarts : 7);
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	r->restart_due = true;
	watch_mark(r);
	r->restart_tick = time_ticks() + (ms * time_hz() + 999) / 1000;
	klog("container %s-%u: restart %u of %u in %lu ms (restart=%s)\n", s->name, r->index,
	     r->restarts + 1, s->max_restarts, (unsigned long)ms, restart_policy_names[s->policy]);
}

/* (r)'s container has ended and every process of it is reaped: record
 * the run, free the container, then restart or not. */
static void replica_ended(struct replica *r)
{
	struct container *c = r->c;
	int status = c->status;

	r->stopped_tsc = c->tsc_ended;
	r->cpu_tsc += c->cpu_tsc;
	r->faults += c->faults;
	if (c->peak_pages > r->peak_pages)
		r->peak_pages = c->peak_pages;
	if (!c->quiet)
		klog("container %s exited: status %d (%s), %lu KiB at most, CPU %lu TSC\n",
		     c->name, status, status_words(status), (unsigned long)(c->peak_pages * 4),
		     (unsigned long)c->cpu_tsc);
	c->owner = NULL;
	container_free(c);
	r->c = NULL;
	replica_decide(r, status);
}

/* A look at (r): its ready line, its end, its restart if due. One
 * waiting for its restart stays watched. */
static void poll_replica(struct replica *r)
{
	struct container *c = r->c;

	if (r->svc == NULL)
		return;
	if (c && c->tsc_ready && !r->ready_noted) {
		r->ready_noted = true;
		if (r->restarts == 0) {
			r->first_ready_tsc = c->tsc_ready - c->tsc_created;
			r->first_ready_cpu = c->ready_cpu;
		} else
			r->recover_tsc = c->tsc_ready - r->stopped_tsc;
		if (!c->quiet)
			klog("container %s ready: %lu TSC after its start, CPU work %lu TSC%s\n",
			     c->name, (unsigned long)(c->tsc_ready - c->tsc_created),
			     (unsigned long)c->ready_cpu, r->restarts ? " (restarted)" : "");
	}
	if (c && c->state == CONTAINER_ENDED && c->nprocs == 0)
		replica_ended(r);
	if (r->restart_due && !r->removing && time_ticks() >= r->restart_tick) {
		r->restart_due = false;
		r->restarts++;
		r->stopped_tsc = r->stopped_tsc ? r->stopped_tsc : rdtsc();
		if (replica_start(r))
			replica_decide(r, SYS_STATUS_FAULT);
	}
	if (r->restart_due)
		watch_mark(r);
}

/* A look at each watched replica, in slot order. A replica marked while
 * this runs is looked at in the next poll (its event also brings one). */
static void poll_replicas(void)
{
	for (unsigned w = 0; w < watch_words; w++) {
		uint64_t bits = watch[w];

		watch[w] = 0;
		for (; bits; bits &= bits - 1)
			poll_replica(&replicas[w * 64 + (unsigned)__builtin_ctzll(bits)]);
	}
}

/* ---- Services ---- */

static struct service *service_find(const char *name)
{
	for (unsigned i = 0; i < MAX_SERVICES; i++)
		if (services[i].used && strcmp(services[i].name, name) == 0)
			return &services[i];
	return NULL;
}

static bool service_exists(const char *name)
{
	return service_find(name) != NULL;
}

/* Live replicas of (s). */
static unsigned service_live(const struct service *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < replica_top; i++)
		if (replicas[i].svc == s && replica_live(&replicas[i]) && !replicas[i].removing)
			n++;
	return n;
}

/* Bring (s) to (want) live replicas: start new ones with the next free
 * indices, or stop the highest ones. Returns the number that could not
 * be started. */
static unsigned service_scale(struct service *s, unsigned want)
{
	unsigned live = service_live(s), failed = 0;

	s->replicas = want;
	for (unsigned index = 1; live < want; index++) {
		bool taken = false;
		struct replica *r;

		for (unsigned i = 0; i < replica_top; i++)
			if (replicas[i].svc == s && replicas[i].index == index && !replicas[i].ended)
				taken = true;
		if (taken)
			continue;
		r = replica_new(s, index);
		if (r == NULL)
			klog("engine: %s-%u: no free replica slot (%u in use)\n", s->name, index,
			     proc_slots);
		if (r == NULL || replica_start(r)) {
			if (r)
				replica_decide(r, SYS_STATUS_FAULT);
			failed++;
		}
		live++;
	}
	unsigned top_index = 0;

	for (unsigned i = 0; i < replica_top; i++)
		if (replicas[i].svc == s && replicas[i].index > top_index)
			top_index = replicas[i].index;
	for (unsigned index = top_index; live > want && index > 0; index--) {
		for (unsigned i = 0; i < replica_top; i++) {
			struct replica *r = &replicas[i];

			if (r->svc != s || r->index != index || !replica_live(r) || r->removing)
				continue;
			r->removing = true;
			r->restart_due = false;
			if (r->c)
				container_stop(r->c);
			else
				r->ended = true;
			live--;
		}
	}
	return failed;
}

/* Are all replicas of (s) (NULL: of every service) done for good? */
static bool settled(const struct service *s)
{
	for (unsigned i = 0; i < replica_top; i++) {
		const struct replica *r = &replicas[i];

		if (r->svc && (s == NULL || r->svc == s) && (r->c || r->restart_due))
			return false;
	}
	return true;
}

/* Has every live replica of (s) (NULL: every service) printed its ready
 * line in its current run, and (gone) every one scaled down ended? */
static bool all_ready(const struct service *s, bool gone)
{
	for (unsigned i = 0; i < replica_top; i++) {
		const struct replica *r = &replicas[i];

		if (r->svc && (s == NULL || r->svc == s) && !r->ended &&
		    (r->removing ? gone && r->c : !(r->c && r->ready_noted)))
			return false;
	}
	return true;
}

/* ---- Autoscaling (autoscale.c decides) ---- */

/* The CPU time every replica of (s) has used, ever. */
static uint64_t service_cpu(const struct service *s)
{
	uint64_t cpu = 0;

	for (unsigned i = 0; i < replica_top; i++)
		if (replicas[i].svc == s)
			cpu += replicas[i].cpu_tsc + (replicas[i].c ? replicas[i].c->cpu_tsc : 0);
	return cpu;
}

/* A look at each autoscaled service that runs (a stopped one, 0
 * replicas wanted, stays stopped): its count changed as its policy says. */
static void autoscale_services(void)
{
	for (unsigned i = 0; i < MAX_SERVICES; i++) {
		struct service *s = &services[i];
		struct autoscale_sample now;
		unsigned want;

		if (!s->used || s->autoscale.max == 0 || s->replicas == 0)
			continue;
		now = (struct autoscale_sample){ rdtsc(), time_ns() / 1000000, service_cpu(s),
			time_tsc_hz(), service_live(s), s->limits.cpu_pct ? s->limits.cpu_pct : 100 };
		want = autoscale_step(&s->autoscale, s->name, &now);
		if (want != now.live)
			service_scale(s, want);
	}
}

/* ---- Reports ---- */

/* A row for each autoscaled service (autoscale_print). */
static void print_services(const char *prefix)
{
	for (unsigned i = 0; i < MAX_SERVICES; i++)
		if (services[i].used && services[i].autoscale.max)
			autoscale_print(&services[i].autoscale, prefix, services[i].name,
					service_live(&services[i]));
}

static void print_ps(void)
{
	kprintf("ps: %-20s %5s %-8s %5s %9s %12s\n", "CONTAINER", "PID", "STATE", "PPID",
		"KIB", "CPU_TSC");
	for (unsigned i = 0; i < proc_slots; i++) {
		static const char *const states[] = { "free", "runnable", "running", "sleeping",
						      "waiting", "zombie" };
		struct proc *p = &proc_table[i];

		if (p->state == PROC_FREE)
			continue;
		kprintf("ps: %-20s %5d %-8s %5d %9lu %12lu %s\n", p->c->name, p->pid,
			states[p->state], p->parent ? p->parent->pid : 0,
			(unsigned long)(p->pages * 4), (unsigned long)p->cpu_tsc, p->name);
	}
	print_services("ps");
}

static void print_stats(void)
{
	kprintf("stats: %-20s %5s %9s %9s %12s %6s %6s %6s\n", "CONTAINER", "PROCS", "KIB",
		"PEAK_KIB", "CPU_TSC", "FAULTS", "KILLS", "LIMITS");
	for (unsigned i = 0; i < proc_slots; i++) {
		struct container *c = &container_table[i];

		if (c->state == CONTAINER_FREE)
			continue;
		kprintf("stats: %-20s %5u %9lu %9lu %12lu %6u %6u %6u\n", c->name, c->nprocs,
			(unsigned long)(c->pages * 4), (unsigned long)(c->peak_pages * 4),
			(unsigned long)c->cpu_tsc, c->faults, c->kills, c->limit_hits);
	}
	print_services("stats");
	kprintf("stats: kernel: %lu KiB free, %lu switches, %lu system calls, idle %lu TSC\n",
		(unsigned long)(proc_free_frames() * 4), (unsigned long)sched_switches(),
		(unsigned long)syscall_count(), (unsigned long)sched_idle_tsc());
}

/* The end-of-run table, one row per replica, in the columns mica's own
 * summary uses for VMs (docs/containers.md). */
static void print_summary(void)
{
	kprintf("summary: %-20s %-7s %8s %6s %9s %12s %12s %12s %12s\n", "container", "outcome",
		"restarts", "faults", "peak_kib", "cpu_tsc", "ready_tsc", "recover_tsc", "ready_cpu");
	for (unsigned i = 0; i < replica_top; i++) {
		const struct replica *r = &replicas[i];
		const struct container *c = r->c;
		char name[CONTAINER_NAME_MAX];
		uint64_t peak = r->peak_pages, cpu = r->cpu_tsc;

		if (r->svc == NULL || r->svc->density)
			continue;
		/* A container still running counts with what it has used so far. */
		if (c && c->peak_pages > peak)
			peak = c->peak_pages;
		if (c)
			cpu += c->cpu_tsc;
		replica_name(r, name, sizeof(name));
		kprintf("summary: %-20s %-7s %8u %6u %9lu %12lu %12lu %12lu %12lu\n", name,
			c ? "running" : status_words(r->status), r->restarts, r->faults + (c ? c->faults : 0),
			(unsigned long)(peak * 4), (unsigned long)cpu,
			(unsigned long)r->first_ready_tsc, (unsigned long)r->recover_tsc,
			(unsigned long)r->first_ready_cpu);
	}
}

/* ---- Density: how many containers fit ---- */

/* A `density` step: once the last container made is ready, make the
 * next; when one cannot be made or dies before it is ready, report how
 * many were ready and what ran out, then stop them all. */
static bool density_step(void)
{
	struct service *s = hold_svc;
	struct replica *last = NULL;

	if (density_reported)
		goto done;
	for (unsigned i = 0; i < replica_top; i++)
		if (replicas[i].svc == s && replicas[i].index == density_count)
			last = &replicas[i];
	if (last) {
		if (last->c && !last->ready_noted)
			return false;                   /* not ready yet */
		if (last->c && (density_count & (density_count - 1)) == 0) {
			/* How start and memory grow with the number of
			 * containers (tools/report.sh): at 1, 2, 4 .. */
			kprintf("bench: container_start_cpu_%u %lu\n", density_count,
				(unsigned long)last->c->ready_cpu);
			kprintf("bench: container_kib_each_%u %lu\n", density_count,
				(unsigned long)((density_free_before - proc_free_frames()) * 4 /
						density_count));
		}
		if (last->c) {
			struct replica *r = replica_new(s, ++density_count);
			int err = r ? replica_start(r) : -SYS_EAGAIN;

			if (err == 0)
				return false;
			if (r)
				r->ended = true;
			klog("density: %u containers of %s ready; container %u not made: %s "
			     "(%lu KiB of kernel memory left of %lu)\n", density_count - 1,
			     s->args[0], density_count,
			     err == -SYS_ENOMEM ? "out of memory" : "process or container table full",
			     (unsigned long)(proc_free_frames() * 4),
			     (unsigned long)(density_free_before * 4));
		} else {
			klog("density: %u containers of %s ready; container %u ended before it was "
			     "ready (status %d)\n", density_count - 1, s->args[0], density_count,
			     last->status);
		}
		for (unsigned i = 0; i < replica_top; i++)
			if (replicas[i].svc == s && replicas[i].c)
				density_quiet_bytes += replicas[i].c->quiet_bytes;
		klog("density: their console output, %lu bytes, was counted, not printed\n",
		     (unsigned long)density_quiet_bytes);
		kprintf("bench: container_density %u\n", density_count - 1);
		density_reported = true;
		service_scale(s, 0);
		return false;
	}
done:
	if (!settled(s))
		return false;
	/* Done: its replicas and the service go, so that what the count
	 * filled is free for the rest of the script. */
	for (unsigned i = 0; i < replica_top; i++)
		if (replicas[i].svc == s)
			replicas[i].svc = NULL;
	while (replica_top > 0 && replicas[replica_top - 1].svc == NULL)
		replica_top--;
	s->used = false;
	return true;
}

/* ---- The script ---- */

/* After a bad line: stop reading the script, and stop what it started (a
 * service with restart=always would otherwise run on). */
static void script_abort(void)
{
	exit_code = EXIT_BAD_CONFIG;
	script_stop();
	for (unsigned i = 0; i < MAX_SERVICES; i++)
		if (services[i].used)
			service_scale(&services[i], 0);
}

/* A bad line: say which and why, then script_abort(). */
static void script_error(const char *what, const char *why)
{
	script_report(what, why);
	script_abort();
}

static struct service *service_new(void)
{
	for (unsigned i = 0; i < MAX_SERVICES; i++)
		if (!services[i].used)
			return &services[i];
	return NULL;
}

static void cmd_run(char *rest, bool density)
{
	struct service tmp, *s;
	const uint8_t *data;
	uint64_t size;

	if (script_parse_service(&rest, &tmp, density, service_exists)) {
		script_abort();
		return;
	}
	if (image_lookup(tmp.image, tmp.args[0], &data, &size)) {
		char why[64];

		fmt_snprintf(why, sizeof(why), "no such program in image %s", tmp.image->name);
		script_error(tmp.args[0], why);
		return;
	}
	s = service_new();
	if (s == NULL) {
		script_error(tmp.name, "too many services");
		return;
	}
	*s = tmp;
	s->used = true;
	klog("engine: %s %s: %u x %s:%s (%lu bytes), mem %lu KiB, procs %u, cpu %u%%, "
	     "restart=%s\n", density ? "density" : "run", s->name, density ? 1 : s->replicas,
	     s->image->name, s->args[0], (unsigned long)size,
	     (unsigned long)(s->limits.max_pages * 4), s->limits.max_procs,
	     s->limits.cpu_pct ? s->limits.cpu_pct : 100, restart_policy_names[s->policy]);
	if (density) {
		density_count = 1;
		density_reported = false;
		density_quiet_bytes = 0;
		density_free_before = proc_free_frames();
		hold = HOLD_DENSITY;
		hold_svc = s;
	}
	if (s->autoscale.max)
		klog("engine: autoscale %s: %u to %u replicas, target cpu %u%% of cpu=%u%% each\n",
		     s->name, s->autoscale.min, s->autoscale.max, s->autoscale.target_pct,
		     s->limits.cpu_pct ? s->limits.cpu_pct : 100);
	service_scale(s, density ? 1 : s->replicas);
}

/* The service a command names, or NULL after an error line. */
static struct service *named(char **rest, bool optional, bool *all)
{
	char *w = script_word(rest);
	struct service *s;

	*all = w == NULL;
	if (w == NULL) {
		if (!optional)
			script_error("(nothing)", "a service name is needed");
		return NULL;
	}
	s = service_find(w);
	if (s == NULL)
		script_error(w, "no such service");
	return s;
}

/* Run one line of the script. */
static void run_line(char *line)
{
	char *rest = line, *cmd = script_word(&rest), *w;
	struct service *s;
	uint64_t n;
	bool all;

	if (cmd == NULL || cmd[0] == '#')
		return;
	if (strcmp(cmd, "run") == 0) {
		cmd_run(rest, false);
	} else if (strcmp(cmd, "density") == 0) {
		cmd_run(rest, true);
	} else if (strcmp(cmd, "scale") == 0 || strcmp(cmd, "wait-replicas") == 0) {
		if ((s = named(&rest, false, &all)) == NULL)
			return;
		w = script_word(&rest);
		if (w == NULL || cmdline_parse_uint(w, &n) || n > proc_slots) {
			script_error(w ? w : "(nothing)", cmd[0] == 's' ? "scale takes a count of "
				     "replicas" : "wait-replicas takes a count of replicas");
			return;
		}
		if (cmd[0] == 'w') {
			hold = HOLD_REPLICAS;
			hold_svc = s;
			hold_replicas = (unsigned)n;
			return;
		}
		klog("engine: scale %s from %u to %u\n", s->name, service_live(s), (unsigned)n);
		service_scale(s, (unsigned)n);
	} else if (strcmp(cmd, "stop") == 0) {
		if ((s = named(&rest, false, &all)) == NULL)
			return;
		klog("engine: stop %s\n", s->name);
		service_scale(s, 0);
	} else if (strcmp(cmd, "wait") == 0 || strcmp(cmd, "wait-ready") == 0) {
		s = named(&rest, true, &all);
		if (s == NULL && !all)
			return;
		hold = cmd[4] ? HOLD_WAIT_READY : HOLD_WAIT;
		hold_svc = s;
	} else if (strcmp(cmd, "sleep") == 0) {
		w = script_word(&rest);
		if (w == NULL || cmdline_parse_uint(w, &n) || n > 3600000) {
			script_error(w ? w : "(nothing)", "sleep takes milliseconds");
			return;
		}
		hold = HOLD_SLEEP;
		hold_until_tick = time_ticks() + (n * time_hz() + 999) / 1000;
	} else if (strcmp(cmd, "ps") == 0) {
		print_ps();
	} else if (strcmp(cmd, "stats") == 0) {
		print_stats();
	} else if (strcmp(cmd, "summary") == 0) {
		print_summary();
	} else if (strcmp(cmd, "echo") == 0) {
		kprintf("%s\n", rest);
	} else {
		script_error(cmd, "unknown command (known: run, scale, stop, wait, "
			     "wait-ready, wait-replicas, sleep, ps, stats, summary, echo, density)");
	}
}

/* Is the command holding the script done? */
static bool hold_done(void)
{
	switch (hold) {
	case HOLD_NONE:
		return true;
	case HOLD_WAIT:
		return settled(hold_svc);
	case HOLD_WAIT_READY:
		return all_ready(hold_svc, false);
	case HOLD_REPLICAS:
		return service_live(hold_svc) == hold_replicas && all_ready(hold_svc, true);
	case HOLD_SLEEP:
		return time_ticks() >= hold_until_tick;
	case HOLD_DENSITY:
		return density_step();
	}
	return true;
}

/* The engine's turn, between processes: replicas first, then as many
 * script lines as need no waiting. */
static void engine_poll(void)
{
	autoscale_services();
	poll_replicas();
	while (hold_done()) {
		char line[SCRIPT_LINE_MAX];
		int got;

		hold = HOLD_NONE;
		got = script_next_line(line);
		if (got < 0)
			script_abort();
		if (got <= 0)
			return;
		run_line(line);
		poll_replicas();
	}
}

/* Done: the script read to its end, nothing held, every replica settled. */
static int engine_done(void)
{
	return script_at_end() && hold == HOLD_NONE && settled(NULL);
}

/* ---- Start ---- */

int engine_main(struct boot_info *bi)
{
	char spec[CMDLINE_VAL_MAX];

	uint64_t before;
	unsigned nimages;

	pool = &bi->frames;
	before = frame_pool_free_count(pool);
	nimages = image_init(bi);
	proc_init(pool);
	container_init(pool);
	services = kernel_tables(pool, MAX_SERVICES * sizeof(*services), "services");
	replicas = kernel_tables(pool, proc_slots * sizeof(*replicas), "replicas");
	watch_words = (proc_slots + 63) / 64;
	container_owner_event = replica_event;
	sched_init();
	tty_init(hv_detect());          /* processes' lines: tty.c */
	klog("container host: %u images, tables %lu KiB, %lu KiB free for containers\n", nimages,
	     (unsigned long)((before - proc_free_frames()) * 4),
	     (unsigned long)(proc_free_frames() * 4));
	klog("container host: kernel objects: %lu bytes per process, %lu per container\n",
	     (unsigned long)sizeof(struct proc), (unsigned long)sizeof(struct container));
	klog("container host: engine tables: %u services in %lu KiB, %lu bytes per replica\n",
	     MAX_SERVICES, (unsigned long)((MAX_SERVICES * sizeof(*services) + FRAME_SIZE - 1) / FRAME_SIZE * 4),
	     (unsigned long)sizeof(struct replica));
	syscall_allow_kernel_bug(cmdline_get(bi->cmdline, "kernel-bug", NULL, 0));
	if (cmdline_get(bi->cmdline, "kernel-bug", NULL, 0))
		klog("kernel-bug: on; any process may corrupt this kernel (SYS_KERNEL_BUG)\n");

	if (cmdline_get(bi->cmdline, "script", spec, sizeof(spec))) {
		if (script_load(spec))
			return EXIT_BAD_CONFIG;
	} else if (script_from_cmdline(bi->cmdline)) {
		return EXIT_BAD_CONFIG;
	}
	sched_run(engine_poll, engine_done);
	print_summary();
	klog("container host: done, %lu KiB free\n",
	     (unsigned long)(proc_free_frames() * 4));
	return exit_code;
}
