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
 *       -- PROGRAM [ARGS...]
 *   scale N R          stop N          ps          stats       summary
 *   wait [N]           wait-ready [N]  sleep MS    echo TEXT...
 *   density name=N image=I [mem=SIZE] -- PROGRAM [ARGS...]
 */
#include "guest/include/sysabi.h"
#include "guest/kernel/container.h"
#include "guest/kernel/engine.h"
#include "guest/kernel/hv.h"
#include "guest/kernel/image.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
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
#define SERVICE_NAME_MAX        24      /* leaves room for "-NNNN" in a container name */
#define SCRIPT_LINE_MAX         512
#define BACKOFF_FIRST_MS        10      /* the first restart waits this long, */
#define BACKOFF_MAX_MS          1000    /* doubling each time up to this */
#define DEFAULT_MAX_RESTARTS    5
#define DEFAULT_IMAGE           "apps"

enum restart_policy { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };
static const char *const policy_names[] = { "never", "on-failure", "always" };

struct service {
	bool used;
	char name[SERVICE_NAME_MAX];
	const struct image *image;
	int argc;
	char args[USER_MAX_ARGS][USER_ARG_MAX];         /* args[0] is the program */
	char hostname[CONTAINER_NAME_MAX];
	struct container_limits limits;
	enum restart_policy policy;
	unsigned max_restarts;
	unsigned replicas;                              /* wanted */
	unsigned backoff_ms;                            /* before the first restart */
	bool density;                                   /* made by `density` */
};

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

/* The script: a buffer of lines, and where the next line begins. */
static char script_buf[4096];
static const char *script, *script_end;
static const char *script_name;
static unsigned script_lineno;
static int exit_code = EXIT_OK;

/* The command holding the script, if any. */
static enum { HOLD_NONE, HOLD_WAIT, HOLD_WAIT_READY, HOLD_SLEEP, HOLD_DENSITY } hold;
static struct service *hold_svc;                /* NULL: every service */
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
	     r->restarts + 1, s->max_restarts, (unsigned long)ms, policy_names[s->policy]);
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
		if (r->restarts == 0)
			r->first_ready_tsc = c->tsc_ready - c->tsc_created;
		else
			r->recover_tsc = c->tsc_ready - r->stopped_tsc;
		if (!c->quiet)
			klog("container %s ready: %lu TSC after its start%s\n", c->name,
			     (unsigned long)(c->tsc_ready - c->tsc_created),
			     r->restarts ? " (restarted)" : "");
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
 * line in its current run? */
static bool all_ready(const struct service *s)
{
	for (unsigned i = 0; i < replica_top; i++) {
		const struct replica *r = &replicas[i];

		if (r->svc && (s == NULL || r->svc == s) && !r->ended && !r->removing &&
		    !(r->c && r->ready_noted))
			return false;
	}
	return true;
}

/* ---- Reports ---- */

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
	kprintf("stats: kernel: %lu KiB free, %lu switches, %lu system calls, idle %lu TSC\n",
		(unsigned long)(frame_pool_free_count(pool) * 4), (unsigned long)sched_switches(),
		(unsigned long)syscall_count(), (unsigned long)sched_idle_tsc());
}

/* The end-of-run table, one row per replica, in the columns mica's own
 * summary uses for VMs (docs/containers.md). */
static void print_summary(void)
{
	kprintf("summary: %-20s %-7s %8s %6s %9s %12s %12s %12s\n", "container", "outcome",
		"restarts", "faults", "peak_kib", "cpu_tsc", "ready_tsc", "recover_tsc");
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
		kprintf("summary: %-20s %-7s %8u %6u %9lu %12lu %12lu %12lu\n", name,
			c ? "running" : status_words(r->status), r->restarts, r->faults + (c ? c->faults : 0),
			(unsigned long)(peak * 4), (unsigned long)cpu,
			(unsigned long)r->first_ready_tsc, (unsigned long)r->recover_tsc);
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
			     (unsigned long)(frame_pool_free_count(pool) * 4),
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
	script = script_end;
	for (unsigned i = 0; i < MAX_SERVICES; i++)
		if (services[i].used)
			service_scale(&services[i], 0);
}

/* A bad line: say which and why, then script_abort(). */
static void script_error(const char *what, const char *why)
{
	klog("%s line %u: %s: %s\n", script_name, script_lineno, what, why);
	script_abort();
}

/* Next blank-separated word of (*s), NUL-terminated in place; NULL at the
 * end of the line. */
static char *word(char **s)
{
	char *w = *s;

	while (*w == ' ' || *w == '\t')
		w++;
	if (*w == '\0')
		return NULL;
	*s = w;
	while (**s && **s != ' ' && **s != '\t')
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return w;
}

/* The options of `run` and `density` before "--", into (s). Returns 0, or
 * -1 after script_error. */
static int parse_service(char **rest, struct service *s, bool density)
{
	char *w;

	memset(s, 0, sizeof(*s));
	s->image = image_find(DEFAULT_IMAGE);
	s->replicas = 1;
	s->max_restarts = DEFAULT_MAX_RESTARTS;
	s->backoff_ms = BACKOFF_FIRST_MS;
	s->density = density;
	while ((w = word(rest)) != NULL && strcmp(w, "--") != 0) {
		char *val = strchr(w, '=');
		uint64_t n;

		if (val == NULL) {
			script_error(w, "expected key=value or --");
			return -1;
		}
		*val++ = '\0';
		if (strcmp(w, "name") == 0 && strlen(val) < SERVICE_NAME_MAX - 0 && val[0]) {
			strlcpy(s->name, val, sizeof(s->name));
		} else if (strcmp(w, "image") == 0) {
			s->image = image_find(val);
			if (s->image == NULL) {
				char known[128];

				image_list(known, sizeof(known));
				klog("%s line %u: image=%s: no such image (images: %s)\n",
				     script_name, script_lineno, val, known);
				script_abort();
				return -1;
			}
		} else if (strcmp(w, "replicas") == 0 && !density && !cmdline_parse_uint(val, &n) &&
			   n >= 1 && n <= proc_slots) {
			s->replicas = (unsigned)n;
		} else if (strcmp(w, "restart") == 0 && !density) {
			unsigned k;

			for (k = 0; k < 3 && strcmp(val, policy_names[k]) != 0; k++)
				;
			if (k == 3) {
				script_error(val, "restart= takes never, on-failure or always");
				return -1;
			}
			s->policy = (enum restart_policy)k;
		} else if (strcmp(w, "max-restarts") == 0 && !cmdline_parse_uint(val, &n) &&
			   n <= 1000) {
			s->max_restarts = (unsigned)n;
		} else if (strcmp(w, "backoff") == 0 && !cmdline_parse_uint(val, &n) &&
			   n <= BACKOFF_MAX_MS) {
			s->backoff_ms = (unsigned)n;
		} else if (strcmp(w, "mem") == 0 && !cmdline_parse_size(val, &n) && n >= 4096) {
			s->limits.max_pages = n / 4096;
		} else if (strcmp(w, "procs") == 0 && !cmdline_parse_uint(val, &n) && n >= 1 &&
			   n <= proc_slots) {
			s->limits.max_procs = (unsigned)n;
		} else if (strcmp(w, "cpu") == 0 && !cmdline_parse_uint(val, &n) && n >= 1 &&
			   n <= 100) {
			s->limits.cpu_pct = (unsigned)n;
		} else if (strcmp(w, "hostname") == 0 && strlen(val) < CONTAINER_NAME_MAX) {
			strlcpy(s->hostname, val, sizeof(s->hostname));
		} else {
			val[-1] = '=';
			script_error(w, "unknown option or bad value (known: name, image, "
				     "replicas, restart, max-restarts, backoff, mem, procs, cpu, hostname)");
			return -1;
		}
	}
	if (s->name[0] == '\0') {
		script_error("name=", "missing (1 to 23 characters)");
		return -1;
	}
	if (service_find(s->name)) {
		script_error(s->name, "a service of that name exists already");
		return -1;
	}
	if (s->image == NULL) {
		script_error("image=", "missing, and there is no image called " DEFAULT_IMAGE);
		return -1;
	}
	while ((w = word(rest)) != NULL) {
		if (s->argc == USER_MAX_ARGS || strlen(w) >= USER_ARG_MAX) {
			script_error(w, "too many arguments, or one too long");
			return -1;
		}
		strlcpy(s->args[s->argc++], w, USER_ARG_MAX);
	}
	if (s->argc == 0) {
		script_error("--", "no program after it");
		return -1;
	}
	return 0;
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

	if (parse_service(&rest, &tmp, density))
		return;
	if (image_lookup(tmp.image, tmp.args[0], &data, &size)) {
		klog("%s line %u: %s: no such program in image %s\n", script_name, script_lineno,
		     tmp.args[0], tmp.image->name);
		script_abort();
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
	     s->limits.cpu_pct ? s->limits.cpu_pct : 100, policy_names[s->policy]);
	if (density) {
		density_count = 1;
		density_reported = false;
		density_quiet_bytes = 0;
		density_free_before = frame_pool_free_count(pool);
		hold = HOLD_DENSITY;
		hold_svc = s;
	}
	service_scale(s, density ? 1 : s->replicas);
}

/* The service a command names, or NULL after an error line. */
static struct service *named(char **rest, bool optional, bool *all)
{
	char *w = word(rest);
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
	char *rest = line, *cmd = word(&rest), *w;
	struct service *s;
	uint64_t n;
	bool all;

	if (cmd == NULL || cmd[0] == '#')
		return;
	if (strcmp(cmd, "run") == 0) {
		cmd_run(rest, false);
	} else if (strcmp(cmd, "density") == 0) {
		cmd_run(rest, true);
	} else if (strcmp(cmd, "scale") == 0) {
		if ((s = named(&rest, false, &all)) == NULL)
			return;
		w = word(&rest);
		if (w == NULL || cmdline_parse_uint(w, &n) || n > proc_slots) {
			script_error(w ? w : "(nothing)", "scale takes a count of replicas");
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
		w = word(&rest);
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
			     "wait-ready, sleep, ps, stats, summary, echo, density)");
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
		return all_ready(hold_svc);
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
	poll_replicas();
	while (hold_done()) {
		char line[SCRIPT_LINE_MAX];
		const char *nl;
		size_t len;

		hold = HOLD_NONE;
		if (script >= script_end)
			return;
		for (nl = script; nl < script_end && *nl != '\n'; nl++)
			;
		len = (size_t)(nl - script);
		script_lineno++;
		if (len >= sizeof(line)) {
			script_error("line", "longer than 511 characters");
			return;
		}
		memcpy(line, script, len);
		line[len] = '\0';
		script = nl < script_end ? nl + 1 : nl;
		run_line(line);
		poll_replicas();
	}
}

/* Done: the script read to its end, nothing held, every replica settled. */
static int engine_done(void)
{
	return script >= script_end && hold == HOLD_NONE && settled(NULL);
}

/* ---- Start ---- */

/* `script=IMAGE:PATH` or `script=PATH` (the first image that has it). */
static int load_script(const char *spec)
{
	static char name[CMDLINE_VAL_MAX];
	const char *colon = strchr(spec, ':'), *path = colon ? colon + 1 : spec;
	const uint8_t *data = NULL;
	uint64_t size = 0;
	int found = -1;

	strlcpy(name, spec, sizeof(name));
	if (colon) {
		char img[IMAGE_NAME_MAX];
		size_t k = (size_t)(colon - spec);
		const struct image *im;

		if (k >= sizeof(img))
			k = sizeof(img) - 1;
		memcpy(img, spec, k);
		img[k] = '\0';
		im = image_find(img);
		found = im ? image_lookup(im, path, &data, &size) : -1;
	} else {
		for (unsigned i = 0; image_get(i) && found != 0; i++)
			found = image_lookup(image_get(i), path, &data, &size);
	}
	if (found != 0) {
		char known[128];

		image_list(known, sizeof(known));
		klog("script=%s: no such file in the images (images: %s)\n", spec, known);
		return -1;
	}
	if (size >= sizeof(script_buf)) {
		klog("script=%s: %lu bytes; a script may have at most %lu\n", spec,
		     (unsigned long)size, (unsigned long)sizeof(script_buf) - 1);
		return -1;
	}
	memcpy(script_buf, data, size);
	script = script_buf;
	script_end = script_buf + size;
	script_name = name;
	return 0;
}

/* The options of the guest kernel's command line that are the engine's
 * own or the guest kernel's: not passed to the program. */
static bool engine_key(const char *key)
{
	static const char *const own[] = { "containers", "script", "replicas", "image",
					   "kernel-bug", "app", NULL };

	for (unsigned i = 0; own[i]; i++)
		if (strcmp(key, own[i]) == 0)
			return true;
	for (unsigned i = 0; guest_kernel_keys[i]; i++)
		if (strcmp(key, guest_kernel_keys[i]) == 0)
			return true;
	return false;
}

/* `containers app=NAME [replicas=N] [image=I] [ARGS...]`: the one-line
 * script "run name=NAME image=I replicas=N -- bin/NAME ARGS..." then
 * "wait". */
static int command_line_script(const char *cmdline)
{
	char app[CMDLINE_VAL_MAX], img[CMDLINE_VAL_MAX], rep[CMDLINE_VAL_MAX];
	char key[CMDLINE_KEY_MAX], val[CMDLINE_VAL_MAX];
	const char *cursor = cmdline_args(cmdline);
	size_t len;

	if (!cmdline_get(cmdline, "app", app, sizeof(app)))
		strlcpy(app, "hello", sizeof(app));
	if (!cmdline_get(cmdline, "image", img, sizeof(img)))
		strlcpy(img, DEFAULT_IMAGE, sizeof(img));
	if (!cmdline_get(cmdline, "replicas", rep, sizeof(rep)))
		strlcpy(rep, "1", sizeof(rep));
	len = fmt_snprintf(script_buf, sizeof(script_buf),
			   "run name=%s image=%s replicas=%s -- bin/%s", app, img, rep, app);
	while (cmdline_next(&cursor, key, val) != 0 && len < sizeof(script_buf)) {
		if (key[0] == '\0' || engine_key(key))
			continue;
		len += fmt_snprintf(script_buf + len, sizeof(script_buf) - len, " %s%s%s", key,
				    val[0] ? "=" : "", val);
	}
	if (len < sizeof(script_buf))
		len += fmt_snprintf(script_buf + len, sizeof(script_buf) - len, "\nwait\n");
	if (len >= sizeof(script_buf)) {
		klog("containers: the command line makes too long a script\n");
		return -1;
	}
	script = script_buf;
	script_end = script_buf + len;
	script_name = "command line";
	return 0;
}

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
	     (unsigned long)((before - frame_pool_free_count(pool)) * 4),
	     (unsigned long)(frame_pool_free_count(pool) * 4));
	klog("container host: kernel objects: %lu bytes per process, %lu per container\n",
	     (unsigned long)sizeof(struct proc), (unsigned long)sizeof(struct container));
	syscall_allow_kernel_bug(cmdline_get(bi->cmdline, "kernel-bug", NULL, 0));
	if (cmdline_get(bi->cmdline, "kernel-bug", NULL, 0))
		klog("kernel-bug: on; any process may corrupt this kernel (SYS_KERNEL_BUG)\n");

	if (cmdline_get(bi->cmdline, "script", spec, sizeof(spec))) {
		if (load_script(spec))
			return EXIT_BAD_CONFIG;
	} else if (command_line_script(bi->cmdline)) {
		return EXIT_BAD_CONFIG;
	}
	sched_run(engine_poll, engine_done);
	print_summary();
	klog("container host: done, %lu KiB free\n",
	     (unsigned long)(frame_pool_free_count(pool) * 4));
	return exit_code;
}
