/*
 * syscall.c - the container host's system calls (see syscall.h).
 *
 * Runs in ring 0 on the calling process's kernel stack, with interrupts
 * off: a system call is preempted only where it asks (the console write,
 * between chunks: tty.c), or blocked (sleep, wait, yield) by switching to
 * the scheduler. Every user pointer goes through
 * uaccess.c; every handler returns a result or a negative SYS_E* code and
 * never trusts an argument. One table maps each number to its handler.
 */
#include "guest/include/sysabi.h"
#include "guest/kernel/container.h"
#include "guest/kernel/image.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/syscall.h"
#include "guest/kernel/time.h"
#include "guest/kernel/uaccess.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

/* SDM Vol. 3, "Fast System Calls in 64-Bit Mode": SYSCALL loads CS from
 * STAR[47:32] and SS = that + 8; SYSRET to 64-bit code loads CS from
 * STAR[63:48] + 16 and SS = STAR[63:48] + 8, both with RPL 3. */
#define STAR_VALUE      (((uint64_t)(GDT_UCODE32 | 3) << 48) | ((uint64_t)GDT_KCODE << 32))
/* Flags cleared on SYSCALL: interrupts off, no single-step, string
 * operations upward, alignment checks off, no nested task. */
#define FMASK_VALUE     (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT)

#define READ_MAX        (1u << 20)      /* bytes one SYS_READ copies at most */
#define SLEEP_MAX_MS    (24ULL * 3600 * 1000)

extern char syscall_entry[];

static bool kernel_bug_allowed;
static uint64_t ncalls;

void syscall_allow_kernel_bug(bool on)
{
	kernel_bug_allowed = on;
}

uint64_t syscall_count(void)
{
	return ncalls;
}

void syscall_init(void)
{
	wrmsr(MSR_IA32_STAR, STAR_VALUE);
	wrmsr(MSR_IA32_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_IA32_FMASK, FMASK_VALUE);
	wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | EFER_SCE);
}

/* ---- The calls; (p) is the caller, a..e its arguments ---- */

/* Bytes of a write copied in at a time: the copy is on the writer's own
 * kernel stack, since it may block in the middle (tty.c). */
#define WRITE_PIECE     256

static long sys_write(struct proc *p, uint64_t fd, uint64_t buf, uint64_t len, uint64_t d,
		      uint64_t e)
{
	char piece[WRITE_PIECE];
	uint64_t done = 0;

	if ((int)fd != 1 && (int)fd != 2)
		return -SYS_EBADF;
	if (!uaccess_range_ok(buf, len))
		return -SYS_EFAULT;
	if (len > SYS_WRITE_MAX)
		len = SYS_WRITE_MAX;
	/* Each whole line goes out before the next piece is read; a kill
	 * that came meanwhile ends the write at a piece's end. */
	while (done < len && !p->killed) {
		uint64_t n = len - done < WRITE_PIECE ? len - done : WRITE_PIECE;
		int r = uaccess_copy_in(p, piece, buf + done, n);

		if (r)
			return done ? (long)done : r;
		proc_console_write(p, piece, n);
		done += n;
	}
	return (long)done;
}

static long sys_exit(struct proc *p, uint64_t code, uint64_t b, uint64_t c, uint64_t d,
		     uint64_t e)
{
	/* As on Unix, the status a parent sees is the low 8 bits. */
	proc_exit((int)(code & 0xff));
}

static long sys_getpid(struct proc *p, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		       uint64_t e)
{
	return p->pid;
}

static long sys_getppid(struct proc *p, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			uint64_t e)
{
	return p->parent ? p->parent->pid : 0;
}

static long sys_yield(struct proc *p, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		      uint64_t e)
{
	sched_yield();
	return 0;
}

static long sys_sleep(struct proc *p, uint64_t ms, uint64_t b, uint64_t c, uint64_t d,
		      uint64_t e)
{
	uint64_t hz = time_hz();

	if (ms > SLEEP_MAX_MS)
		return -SYS_EINVAL;
	/* Whole ticks, rounded up, and one more: the current tick is partly
	 * gone already. */
	sched_sleep(time_ticks() + (ms * hz + 999) / 1000 + (ms ? 1 : 0));
	return 0;
}

static long sys_clock(struct proc *p, uint64_t which, uint64_t b, uint64_t c, uint64_t d,
		      uint64_t e)
{
	switch (which) {
	case SYS_CLOCK_NS:
		return (long)time_ns();
	case SYS_CLOCK_TICKS:
		return (long)time_ticks();
	case SYS_CLOCK_HZ:
		return time_hz();
	}
	return -SYS_EINVAL;
}

static long sys_spawn(struct proc *p, uint64_t upath, uint64_t uargv, uint64_t c, uint64_t d,
		      uint64_t e)
{
	static char path[SYS_PATH_MAX], args[USER_MAX_ARGS][USER_ARG_MAX];
	char *argv[USER_MAX_ARGS];
	int argc = 0, err;
	long r = uaccess_string(p, path, upath, sizeof(path));
	struct proc *child;

	if (r < 0)
		return r;
	if (uargv == 0) {
		strlcpy(args[0], path, USER_ARG_MAX);
		argv[argc++] = args[0];
	}
	for (; uargv != 0; argc++) {
		uint64_t ptr;

		if (uaccess_copy_in(p, &ptr, uargv + (uint64_t)argc * 8, 8))
			return -SYS_EFAULT;
		if (ptr == 0)
			break;
		if (argc == USER_MAX_ARGS)
			return -SYS_E2BIG;
		r = uaccess_string(p, args[argc], ptr, USER_ARG_MAX);
		if (r == -SYS_ENAMETOOLONG)
			return -SYS_E2BIG;
		if (r < 0)
			return r;
		argv[argc] = args[argc];
	}
	if (argc == 0)
		return -SYS_EINVAL;             /* argv[0] is required */
	child = proc_spawn(p->c, p, path, argc, argv, &err);
	return child ? child->pid : -err;
}

static long sys_wait(struct proc *p, uint64_t upid, uint64_t ustatus, uint64_t c, uint64_t d,
		     uint64_t e)
{
	int pid = (int)upid, zero = 0;

	if (ustatus && uaccess_copy_out(p, ustatus, &zero, sizeof(zero)))
		return -SYS_EFAULT;             /* checked before anything is reaped */
	for (;;) {
		bool have = false;

		for (unsigned i = 0; i < proc_slots; i++) {
			struct proc *q = &proc_table[i];

			if (q->state == PROC_FREE || q->parent != p || (pid != -1 && q->pid != pid))
				continue;
			have = true;
			if (q->state == PROC_ZOMBIE) {
				int qpid = q->pid, status = proc_reap(q);

				if (ustatus)
					uaccess_copy_out(p, ustatus, &status, sizeof(status));
				return qpid;
			}
		}
		if (!have)
			return -SYS_ECHILD;
		if (p->killed)
			return -SYS_ECHILD;     /* the dispatcher ends it */
		p->wait_pid = pid;
		p->state = PROC_WAITING;
		sched_block();
	}
}

static long sys_kill(struct proc *p, uint64_t upid, uint64_t b, uint64_t c, uint64_t d,
		     uint64_t e)
{
	struct proc *q = proc_find(p->c, (int)upid);

	/* Only the caller's container is searched: another container's
	 * processes have no pid here. */
	if (q == NULL || q->state == PROC_ZOMBIE)
		return -SYS_ESRCH;
	p->c->kills++;
	proc_kill(q);
	return 0;
}

static long sys_mmap(struct proc *p, uint64_t len, uint64_t b, uint64_t c, uint64_t d,
		     uint64_t e)
{
	uint64_t addr;
	int r = proc_mmap(p, len, &addr);

	return r ? r : (long)addr;
}

static long sys_open(struct proc *p, uint64_t upath, uint64_t b, uint64_t c, uint64_t d,
		     uint64_t e)
{
	char path[SYS_PATH_MAX];
	const uint8_t *data;
	uint64_t size;
	long r = uaccess_string(p, path, upath, sizeof(path));

	if (r < 0)
		return r;
	/* The container's own image is the only place a name is looked up:
	 * another container's files cannot be named at all. */
	if (image_lookup(p->c->image, path, &data, &size))
		return -SYS_ENOENT;
	for (int fd = 0; fd < SYS_MAX_FDS; fd++) {
		if (p->files[fd].data == NULL) {
			p->files[fd] = (struct open_file){ .data = data, .size = size };
			return fd + 3;
		}
	}
	return -SYS_EMFILE;
}

/* The open file behind (fd), or NULL. */
static struct open_file *file(struct proc *p, uint64_t fd)
{
	int i = (int)fd - 3;

	if (i < 0 || i >= SYS_MAX_FDS || p->files[i].data == NULL)
		return NULL;
	return &p->files[i];
}

static long sys_read(struct proc *p, uint64_t fd, uint64_t buf, uint64_t len, uint64_t d,
		     uint64_t e)
{
	struct open_file *f = file(p, fd);
	uint64_t n;

	if (f == NULL)
		return -SYS_EBADF;
	if (!uaccess_range_ok(buf, len))
		return -SYS_EFAULT;
	n = f->size - f->offset;
	if (n > len)
		n = len;
	if (n > READ_MAX)
		n = READ_MAX;
	if (uaccess_copy_out(p, buf, f->data + f->offset, n))
		return -SYS_EFAULT;
	f->offset += n;
	return (long)n;
}

static long sys_close(struct proc *p, uint64_t fd, uint64_t b, uint64_t c, uint64_t d,
		      uint64_t e)
{
	struct open_file *f = file(p, fd);

	if (f == NULL)
		return -SYS_EBADF;
	f->data = NULL;
	return 0;
}

static long sys_hostname(struct proc *p, uint64_t buf, uint64_t len, uint64_t c, uint64_t d,
			 uint64_t e)
{
	size_t n = strlen(p->c->hostname);

	if (len < n + 1)
		return -SYS_ENAMETOOLONG;
	if (uaccess_copy_out(p, buf, p->c->hostname, n + 1))
		return -SYS_EFAULT;
	return (long)n;
}

/*
 * The shared-kernel weakness, on purpose (docs/containers.md): a kernel
 * bug reachable from one process. It does what a stray memset with a bad
 * length does in a real kernel: it overwrites the process table, every
 * container's processes included. The scheduler then follows a garbage
 * pointer, the kernel faults in ring 0 and panics, and every container
 * goes down with it. Off unless `kernel-bug` is on the command line.
 */
static long sys_kernel_bug(struct proc *p, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			   uint64_t e)
{
	if (!kernel_bug_allowed)
		return -SYS_EPERM;
	unsigned running = 0;

	for (unsigned i = 0; i < proc_slots; i++)
		running += container_table[i].state == CONTAINER_RUNNING;
	klog("kernel-bug: container %s, pid %d: corrupting the process table, as a kernel bug "
	     "would (%u containers running)\n", p->c->name, p->pid, running);
	memset(proc_table, 0x4b, proc_slots * sizeof(struct proc));
	sched_yield();
	panic("kernel-bug: the kernel survived its own corruption");
}

typedef long (*syscall_fn)(struct proc *p, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			   uint64_t e);

static const syscall_fn calls[SYS_NCALLS] = {
	[SYS_WRITE] = sys_write,
	[SYS_EXIT] = sys_exit,
	[SYS_GETPID] = sys_getpid,
	[SYS_YIELD] = sys_yield,
	[SYS_SLEEP] = sys_sleep,
	[SYS_CLOCK] = sys_clock,
	[SYS_SPAWN] = sys_spawn,
	[SYS_WAIT] = sys_wait,
	[SYS_KILL] = sys_kill,
	[SYS_MMAP] = sys_mmap,
	[SYS_OPEN] = sys_open,
	[SYS_READ] = sys_read,
	[SYS_CLOSE] = sys_close,
	[SYS_HOSTNAME] = sys_hostname,
	[SYS_GETPPID] = sys_getppid,
	[SYS_KERNEL_BUG] = sys_kernel_bug,
};

void syscall_dispatch(struct trap_frame *tf)
{
	struct proc *p = sched_current();
	uint64_t nr = tf->rax;

	ncalls++;
	if (nr < SYS_NCALLS && calls[nr])
		tf->rax = (uint64_t)calls[nr](p, tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8);
	else
		tf->rax = (uint64_t)-SYS_ENOSYS;
	/* A kill that came while it slept or waited ends it here, on its way
	 * back to ring 3. */
	if (p->killed)
		proc_exit(SYS_STATUS_KILLED);
}
