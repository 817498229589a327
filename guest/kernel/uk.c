/*
 * uk.c - the unikernel (see uk.h): the app API of guest/apps/app.h as
 * plain calls into the guest kernel, and uk_run, which turns the command
 * line into the app's argv, refuses a bad run with one line, and calls the
 * app. Runs in ring 0, bare or as a VM under mica; the app runs in ring 0
 * with it, as the only thing the kernel does after boot.
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "guest/kernel/time.h"
#include "guest/kernel/uk.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/frame.h"
#include "lib/string.h"
#include "lib/x86.h"

#define MIB ((uint64_t)1 << 20)

_Static_assert((int)APP_EXIT_OK == (int)EXIT_OK &&
	       (int)APP_EXIT_FAILED == (int)EXIT_TEST_FAILED &&
	       (int)APP_EXIT_BAD_ARGS == (int)EXIT_BAD_CONFIG, "app exit codes are the kernel's");

static struct frame_pool *pool;

/* ---- The app API ---- */

int app_write(const char *buf, size_t len)
{
	/* The return value is an int: write at most what it can count. */
	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	console_write(buf, len);
	return (int)len;
}

void app_exit(int code)
{
	machine_exit(code);
}

uint64_t app_time_ns(void)
{
	return time_ns();
}

uint64_t app_tsc(void)
{
	return rdtsc();
}

void app_yield(void)
{
	/* Nothing else to run; the hint tells a hyperthreaded core, or a
	 * hypervisor watching for spinning, that this CPU is idle. */
	pause();
}

void app_sleep_ms(uint64_t ms)
{
	time_sleep_ms(ms);
}

int app_getpid(void)
{
	return 1;
}

uint64_t app_ticks(void)
{
	return time_ticks();
}

unsigned app_tick_hz(void)
{
	return time_hz();
}

void *app_alloc_pages(uint64_t bytes)
{
	uint64_t count = (bytes + FRAME_SIZE - 1) / FRAME_SIZE;

	if (pool == NULL || count == 0 || bytes > UINT64_MAX - FRAME_SIZE)
		return NULL;

	/* Identity-mapped: the physical address is the pointer. */
	uint64_t pa = frame_alloc_contig(pool, count, FRAME_SIZE);

	return pa != 0 ? (void *)(uintptr_t)pa : NULL;
}

/* ---- Running one app ---- */

void uk_set_pool(struct frame_pool *p)
{
	pool = p;
}


static bool is_kernel_key(const char *key)
{
	for (size_t i = 0; guest_kernel_keys[i] != NULL; i++) {
		if (strcmp(key, guest_kernel_keys[i]) == 0)
			return true;
	}
	return false;
}

/* How much of a malformed token an error line quotes. */
#define QUOTE_MAX 40

/* Room for one token rebuilt as "key=value", terminator included. */
#define ARG_MAX (CMDLINE_KEY_MAX + CMDLINE_VAL_MAX)

/* argv[0] is the name, in arg_buf[0]; argument i is in arg_buf[i]. */
static char arg_buf[UK_MAX_ARGS + 1][ARG_MAX];
static char *argv[UK_MAX_ARGS + 2];     /* the name, the arguments, NULL */

/* " arg1 arg2 ..." from argv[1..argc-1], into (buf) of (n) bytes, for the
 * error lines that quote the run: "app=mem size=64M: ...". */
static void join_args(int argc, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 1; i < argc && len < n; i++) {
		len += strlcpy(buf + len, " ", n - len);
		if (len < n)
			len += strlcpy(buf + len, argv[i], n - len);
	}
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One line for the token [tok, end) that cmdline_next refused: quoted
 * (shortened), with the reason. */
static void report_malformed(const char *name, const char *tok, const char *end)
{
	int len = (int)(end - tok), klen = 0;

	while (klen < len && tok[klen] != '=')
		klen++;

	const char *why = klen == 0 ? "empty key"
		: klen >= CMDLINE_KEY_MAX ? "key too long" : "value too long";

	klog("app=%s %.*s%s: malformed argument (%s)\n", name, len > QUOTE_MAX ? QUOTE_MAX : len,
	     tok, len > QUOTE_MAX ? "..." : "", why);
}

/*
 * Fill argv with (name) and the app's tokens of (cmdline). Returns argc,
 * or -1 after one line on the console for a malformed token or too many.
 * A bare "flag" stays "flag"; "key=" becomes "key" (the same value "").
 */
static int build_argv(const char *name, const char *cmdline)
{
	const char *cursor = cmdline_args(cmdline);
	char key[CMDLINE_KEY_MAX], val[CMDLINE_VAL_MAX];
	int argc = 0, r;

	strlcpy(arg_buf[0], name, ARG_MAX);
	argv[argc++] = arg_buf[0];
	for (;;) {
		const char *tok = skip_blanks(cursor);

		r = cmdline_next(&cursor, key, val);
		if (r == 0)
			break;
		if (r < 0) {
			report_malformed(name, tok, cursor);
			return -1;
		}
		if (is_kernel_key(key))
			continue;
		if (argc == UK_MAX_ARGS + 1) {
			klog("app=%s: more than %d arguments\n", name, UK_MAX_ARGS);
			return -1;
		}
		fmt_snprintf(arg_buf[argc], ARG_MAX, "%s%s%s", key, val[0] != '\0' ? "=" : "", val);
		argv[argc] = arg_buf[argc];
		argc++;
	}
	argv[argc] = NULL;
	return argc;
}

int uk_run(const char *cmdline, uint64_t free_bytes)
{
	char name[CMDLINE_VAL_MAX], known[128], err[APP_ERR_MAX], quoted[256];
	const struct app *app;
	uint64_t extra = 0;
	int argc;

	if (!cmdline_get(cmdline, "app", name, sizeof(name)))
		strlcpy(name, UK_DEFAULT_APP, sizeof(name));
	app = app_find(name);
	if (app == NULL) {
		app_list_known(known, sizeof(known));
		klog("app=%s: no such app (known: %s)\n", name, known);
		return EXIT_BAD_CONFIG;
	}

	argc = build_argv(app->name, cmdline);
	if (argc < 0)
		return EXIT_BAD_CONFIG;
	if (app->check(argc, argv, &extra, err, sizeof(err)) < 0) {
		if (app->usage[0] != '\0')
			klog("app=%s %s; usage: app=%s %s\n", app->name, err, app->name, app->usage);
		else
			klog("app=%s %s\n", app->name, err);
		return EXIT_BAD_CONFIG;
	}

	uint64_t need = app->min_mem_bytes + extra;

	if (need > free_bytes) {
		/* Rounded against the app: what it needs up, what there is down. */
		join_args(argc, quoted, sizeof(quoted));
		klog("app=%s%s: needs %lu MiB of free memory, this kernel has %lu MiB\n",
		     app->name, quoted, (need + MIB - 1) / MIB, free_bytes / MIB);
		return EXIT_BAD_CONFIG;
	}
	return app->main(argc, argv);
}
