/*
 * probe.c - isolation seen from inside a container (guest ring 3): system
 * calls given pointers, lengths, paths, pids and numbers that are not the
 * caller's to use. Each must fail with its error, and the kernel must
 * neither fault nor act on them (guest/include/sysabi.h). Exit code 0 if
 * every check passed, 1 otherwise.
 *
 * Output, one line each, in this order (tests match them):
 *   probe pid=N ppid=M
 *   probe hostname=NAME
 *   probe CHECK: ok                          one line per check below
 *   probe CHECK: FAIL (got X, want Y)        X, Y a number or "-ENAME"
 *   probe: N checks, M failed
 * With neighbour-pid=P and neighbour-file=PATH it aims two more checks at
 * a container beside it (neighbour.c): kill of P, a pid live in that
 * container only, must give ESRCH; open of PATH, a file of that
 * container's image only, must give ENOENT. The neighbour's own output
 * shows whether it was touched.
 * With peek=ADDR (hex, "0x" optional) it does nothing but load 8 bytes
 * from ADDR in ring 3, and prints
 *   probe peek ADDR: loading
 *   probe peek ADDR = VALUE                  only if the load survived,
 * which it must not for a kernel address: the kernel ends the process.
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define PAGE            4096

/* Addresses that are not the process's to use. */
#define KERNEL_ADDR     0x100000UL      /* the guest kernel's image, supervisor-only */
#define UNMAPPED_ADDR   USER_BASE       /* user space, but below the stack's guard */
#define GUARD_ADDR      (USER_STACK_TOP - USER_STACK_SIZE - PAGE)
#define NONCANONICAL    0x8000000000000000UL

#define MOTD            "etc/motd"      /* a file both images have */
#define SOME_PROGRAM    "bin/hello"     /* spawned only if the kernel wrongly accepts */

/* A buffer of the caller's own, for checks where only the length is bad. */
static char own[64];

static long read_motd_into(void *buf, size_t len)
{
	long fd = sys_open(MOTD), r;

	if (fd < 0)
		return fd;
	r = sys_read(fd, buf, len);
	sys_close(fd);
	return r;
}

static long write_kernel(void)   { return sys_write(1, (const void *)KERNEL_ADDR, 16); }
static long write_unmapped(void) { return sys_write(1, (const void *)UNMAPPED_ADDR, 16); }
static long write_guard(void)    { return sys_write(1, (const void *)GUARD_ADDR, 16); }
static long write_noncanon(void) { return sys_write(1, (const void *)NONCANONICAL, 16); }
static long write_huge(void)     { return sys_write(1, own, 1UL << 62); }

/* A length that takes the buffer's end around to address 0: only a
 * range check written without overflow refuses it. */
static long write_wrap(void)     { return sys_write(1, own, 0 - (uintptr_t)own); }

static long read_kernel(void)    { return read_motd_into((void *)KERNEL_ADDR, 16); }

/* The program's text is mapped and the process may read it, but not
 * write it: the kernel must not write it on the process's behalf. */
static long read_text(void)      { return read_motd_into((void *)(uintptr_t)read_text, 16); }
static long read_badfd(void)     { return sys_read(SYS_MAX_FDS + 3, own, sizeof(own)); }

static long open_unmapped(void)  { return sys_open((const char *)UNMAPPED_ADDR); }

/* A path whose characters run up to the end of the mapped memory with
 * no NUL: the kernel must stop at the unmapped page after it. The heap
 * grows upward, so nothing follows the page just taken. */
static long open_unterminated(void)
{
	long page = sys_mmap(PAGE);

	if (page < 0)
		return page;
	memset((void *)page, 'a', PAGE);
	return sys_open((const char *)page + PAGE - 8);
}

static long open_long(void)
{
	char path[SYS_PATH_MAX + 64];

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	return sys_open(path);
}

/* Paths that would leave this container's image, were they followed. */
static long open_dotdot(void)    { return sys_open("../x"); }
static long open_module(void)    { return sys_open("/boot/apps.cpio"); }
static long open_other(void)     { return sys_open("../apps/bin/cpu"); }

static long kill_missing(void)   { return sys_kill(999); }

/* A neighbour's live pid and its image's file (neighbour-pid=,
 * neighbour-file=): real names, only not this container's. */
static long neighbour_pid;
static char neighbour_file[CMDLINE_VAL_MAX];

static long kill_neighbour(void) { return sys_kill(neighbour_pid); }
static long open_neighbour(void) { return sys_open(neighbour_file); }

/* Pid 0 is the first process's parent: outside the container. */
static long kill_zero(void)      { return sys_kill(0); }
static long wait_nochild(void)   { return sys_wait(-1, NULL); }

static long spawn_missing(void)
{
	char *argv[] = { "bin/nonexistent", NULL };

	return sys_spawn(argv[0], argv);
}

static long spawn_notelf(void)
{
	char *argv[] = { MOTD, NULL };

	return sys_spawn(MOTD, argv);
}

static long spawn_badargv(void)  { return sys_spawn(SOME_PROGRAM, (char *const *)KERNEL_ADDR); }

static long spawn_toomany(void)
{
	char *argv[USER_MAX_ARGS + 2];

	for (int i = 0; i <= USER_MAX_ARGS; i++)
		argv[i] = SOME_PROGRAM;
	argv[USER_MAX_ARGS + 1] = NULL;
	return sys_spawn(SOME_PROGRAM, argv);
}

static long spawn_toolong(void)
{
	char arg[USER_ARG_MAX + 1];
	char *argv[] = { SOME_PROGRAM, arg, NULL };

	memset(arg, 'a', USER_ARG_MAX);
	arg[USER_ARG_MAX] = '\0';
	return sys_spawn(SOME_PROGRAM, argv);
}

static long mmap_zero(void)      { return sys_mmap(0); }

/* Room for the hostname's characters but not its NUL. */
static long hostname_small(void)
{
	char name[SYS_HOSTNAME_MAX];
	long len = sys_hostname(name, sizeof(name));

	return len < 0 ? len : sys_hostname(name, (size_t)len);
}

static long hostname_kernel(void) { return sys_hostname((char *)KERNEL_ADDR, SYS_HOSTNAME_MAX); }
static long syscall_9999(void)   { return syscall5(9999, 0, 0, 0, 0, 0); }
static long syscall_ncalls(void) { return syscall5(SYS_NCALLS, 0, 0, 0, 0, 0); }
static long syscall_minus1(void) { return syscall5(-1, 0, 0, 0, 0, 0); }

static const struct check {
	const char *name;
	long (*run)(void);
	long want;
} checks[] = {
	{ "write-kernel",       write_kernel,       -SYS_EFAULT },
	{ "write-unmapped",     write_unmapped,     -SYS_EFAULT },
	{ "write-guard",        write_guard,        -SYS_EFAULT },
	{ "write-noncanonical", write_noncanon,     -SYS_EFAULT },
	{ "write-huge",         write_huge,         -SYS_EFAULT },
	{ "write-wrap",         write_wrap,         -SYS_EFAULT },
	{ "read-kernel",        read_kernel,        -SYS_EFAULT },
	{ "read-text",          read_text,          -SYS_EFAULT },
	{ "read-badfd",         read_badfd,         -SYS_EBADF },
	{ "open-unmapped",      open_unmapped,      -SYS_EFAULT },
	{ "open-unterminated",  open_unterminated,  -SYS_EFAULT },
	{ "open-long",          open_long,          -SYS_ENAMETOOLONG },
	{ "open-dotdot",        open_dotdot,        -SYS_ENOENT },
	{ "open-module",        open_module,        -SYS_ENOENT },
	{ "open-other",         open_other,         -SYS_ENOENT },
	{ "kill-missing",       kill_missing,       -SYS_ESRCH },
	{ "kill-zero",          kill_zero,          -SYS_ESRCH },
	/* Before the spawn checks, which leave a child if the kernel
	 * wrongly starts one. */
	{ "wait-nochild",       wait_nochild,       -SYS_ECHILD },
	{ "spawn-missing",      spawn_missing,      -SYS_ENOENT },
	{ "spawn-notelf",       spawn_notelf,       -SYS_ENOEXEC },
	{ "spawn-badargv",      spawn_badargv,      -SYS_EFAULT },
	{ "spawn-toomany",      spawn_toomany,      -SYS_E2BIG },
	{ "spawn-toolong",      spawn_toolong,      -SYS_E2BIG },
	{ "mmap-zero",          mmap_zero,          -SYS_EINVAL },
	{ "hostname-small",     hostname_small,     -SYS_ENAMETOOLONG },
	{ "hostname-kernel",    hostname_kernel,    -SYS_EFAULT },
	{ "syscall-9999",       syscall_9999,       -SYS_ENOSYS },
	{ "syscall-ncalls",     syscall_ncalls,     -SYS_ENOSYS },
	{ "syscall-minus1",     syscall_minus1,     -SYS_ENOSYS },
};

static const struct check neighbour_checks[] = {
	{ "kill-neighbour",     kill_neighbour,     -SYS_ESRCH },
	{ "open-neighbour",     open_neighbour,     -SYS_ENOENT },
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))
#define NNEIGHBOUR (sizeof(neighbour_checks) / sizeof(neighbour_checks[0]))

/* (v) as the FAIL line shows it: "-ENAME" for a known error, else the
 * number. */
static const char *show(long v, char *buf, size_t n)
{
	const char *name = sys_strerror(v);

	if (v < 0 && strcmp(name, "E?") != 0)
		fmt_snprintf(buf, n, "-%s", name);
	else
		fmt_snprintf(buf, n, "%ld", v);
	return buf;
}

/* peek=ADDR: one load from ring 3, reported only if it survives. */
static int peek(const char *val)
{
	char hex[CMDLINE_VAL_MAX + 2];
	uint64_t addr;

	fmt_snprintf(hex, sizeof(hex), "%s%s", strncmp(val, "0x", 2) == 0 ? "" : "0x", val);
	if (cmdline_parse_uint(hex, &addr) < 0) {
		uprintf("probe peek=%s: not a hex address\n", val);
		return APP_EXIT_BAD_ARGS;
	}
	uprintf("probe peek 0x%lx: loading\n", addr);
	uint64_t v = *(volatile uint64_t *)addr;
	uprintf("probe peek 0x%lx = 0x%lx\n", addr, v);
	return 0;
}

static const char *const probe_keys[] = { "peek", "neighbour-pid", "neighbour-file", NULL };

/* Run (c); print its line. Returns 1 if it failed. */
static unsigned run_check(const struct check *c)
{
	char got[24], want[24];
	long v = c->run();

	if (v == c->want) {
		uprintf("probe %s: ok\n", c->name);
		return 0;
	}
	uprintf("probe %s: FAIL (got %s, want %s)\n", c->name, show(v, got, sizeof(got)),
		show(c->want, want, sizeof(want)));
	return 1;
}

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], val[CMDLINE_VAL_MAX];
	char name[SYS_HOSTNAME_MAX];
	unsigned failed = 0;
	size_t n = NCHECKS;
	uint64_t pid;
	bool neighbour = app_arg(argc, argv, "neighbour-pid", NULL, 0) ||
			 app_arg(argc, argv, "neighbour-file", NULL, 0);

	if (app_check_keys(argc, argv, probe_keys, err, sizeof(err)) < 0 ||
	    app_arg_uint(argc, argv, "neighbour-pid", 0, 2, 1u << 30, &pid, err, sizeof(err)) < 0)
		return app_bad_args("probe", err);
	if (app_arg(argc, argv, "peek", val, sizeof(val)))
		return peek(val);
	if (neighbour && (!app_arg(argc, argv, "neighbour-file", neighbour_file,
				   sizeof(neighbour_file)) || pid == 0))
		return app_bad_args("probe", "neighbour-pid= and neighbour-file= go together");
	neighbour_pid = (long)pid;

	uprintf("probe pid=%ld ppid=%ld\n", sys_getpid(), sys_getppid());
	long r = sys_hostname(name, sizeof(name));
	uprintf("probe hostname=%s\n", r >= 0 ? name : sys_strerror(r));

	for (size_t i = 0; i < NCHECKS; i++)
		failed += run_check(&checks[i]);
	for (size_t i = 0; neighbour && i < NNEIGHBOUR; i++, n++)
		failed += run_check(&neighbour_checks[i]);
	uprintf("probe: %zu checks, %u failed\n", n, failed);
	return failed == 0 ? 0 : 1;
}
