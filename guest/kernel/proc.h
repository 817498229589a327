/*
 * proc.h - ring-3 processes of the container host: the process table,
 * each process's address space and kernel stack, loading a program from a
 * container's image, and the ends of a process (exit, kill, fault, wait).
 * The scheduler that runs them is guest/kernel/sched.c; the calls they make
 * are guest/kernel/syscall.c. docs/containers.md.
 */
#ifndef GUEST_KERNEL_PROC_H
#define GUEST_KERNEL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/include/sysabi.h"

struct container;
struct frame_pool;
struct trap_frame;

/* Room in the process table: every process of every container. It is
 * sized by memory at start, one slot per PROC_SLOT_MEMORY bytes free (a
 * minimal process takes about 48 KiB, more than one slot's worth), within these bounds, so that a
 * small container host does not spend its memory on empty slots. */
#define PROC_SLOTS_MIN          64
#define PROC_SLOTS_MAX          2048
#define PROC_SLOT_MEMORY        (32 * 1024)
/* Each process's kernel stack: traps and system calls run on it. */
#define KSTACK_PAGES            2
#define KSTACK_SIZE             (KSTACK_PAGES * 4096)
/* A line of a process's console output is held until its newline, or
 * until this many characters, and then printed whole with its prefix. */
#define PROC_LINE_MAX           200

enum proc_state {
	PROC_FREE,              /* slot unused */
	PROC_RUNNABLE,          /* waiting for the CPU */
	PROC_RUNNING,           /* on the CPU */
	PROC_SLEEPING,          /* until tick wake_tick (SYS_SLEEP) */
	PROC_WAITING,           /* for a child to end (SYS_WAIT) */
	PROC_ZOMBIE,            /* ended; its status waits for its parent or the engine */
};

/* Callee-saved registers as swtch() (guest/kernel/entry.S) pushes them:
 * a process not on the CPU is suspended inside swtch with these saved. */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

/* An open file: a member of the container's image, read-only. */
struct open_file {
	const uint8_t *data;    /* NULL: fd not open */
	uint64_t size, offset;
};

struct proc {
	enum proc_state state;
	int pid;                        /* in its container's namespace: 1, 2, ... */
	struct container *c;
	struct proc *parent;            /* NULL for a container's first process */
	char name[32];                  /* the program's path in the image */

	uint64_t *pml4;                 /* its address space */
	uint64_t kstack;                /* KSTACK_SIZE bytes */
	struct context *ctx;            /* where swtch() left it */
	uint64_t heap_top;              /* next SYS_MMAP address */
	uint64_t pages;                 /* frames it holds: user pages, tables, kernel stack */

	uint64_t wake_tick;             /* PROC_SLEEPING */
	struct proc *run_next;          /* the run queue (sched.c), while RUNNABLE */
	struct proc *sleep_next, *sleep_prev; /* the sleepers (sched.c), while SLEEPING */
	int wait_pid;                   /* PROC_WAITING: a pid, or -1 for any child */
	bool killed;                    /* end at the next return to ring 3 */
	int status;                     /* PROC_ZOMBIE: exit code or SYS_STATUS_* */

	uint64_t tsc_on_cpu;            /* when it last got the CPU */
	uint64_t cpu_tsc;               /* its CPU time so far */

	struct open_file files[SYS_MAX_FDS];
	char line[PROC_LINE_MAX];       /* console output not yet printed */
	unsigned line_len;

	/* x87/SSE registers while off the CPU (FXSAVE format). */
	uint8_t fpu[512] __attribute__((aligned(16)));
};

/* proc_slots entries, taken from frames by proc_init(): a guest kernel
 * that runs no containers does not carry them. */
extern struct proc *proc_table;
extern unsigned proc_slots;

/* Set up what processes need once: SYSCALL (syscall.c), SMEP/SMAP where
 * the CPU has them, user-fault handlers, and the frame pool processes take
 * memory from. Prints one line. */
void proc_init(struct frame_pool *pool);

/*
 * Start the program (path) of (c)'s image with (argv) (argc strings,
 * argv[0] included) as a new process of (c), child of (parent) (NULL for
 * the container's first). Returns the process, RUNNABLE, or NULL with
 * (*err) set to a SYS_E* code: SYS_EAGAIN (the container's process limit,
 * or the process table full), SYS_ENOMEM (its memory limit, or frames),
 * SYS_ENOENT (no such program), SYS_ENOEXEC (not a static ELF64 program
 * linked inside the user range), SYS_E2BIG (arguments).
 */
struct proc *proc_spawn(struct container *c, struct proc *parent, const char *path,
			int argc, char *const argv[], int *err);

/* End the current process with (status): its memory goes back at once,
 * its children pass to the container's first process, and its parent
 * (or the engine) is woken. Does not return. */
void proc_exit(int status) __attribute__((noreturn));

/* Mark (p) to end with SYS_STATUS_KILLED the next time it would return to
 * ring 3; wakes it if it sleeps or waits. */
void proc_kill(struct proc *p);

/* Free a ZOMBIE's slot and kernel stack; returns its status. */
int proc_reap(struct proc *p);

/* The process of (c) with pid (pid), not FREE, or NULL. */
struct proc *proc_find(const struct container *c, int pid);

/*
 * Make sure the user page holding (va) is mapped in (p): a page of the
 * stack region not touched before is allocated now (charged to the
 * container), as a page fault there would. Returns 0, or -1 if (va) lies
 * outside that region or memory ran out.
 */
int proc_grow_stack(struct proc *p, uint64_t va);

/* Map (len) bytes of fresh zeroed pages at (p)'s heap top. Returns 0
 * with their address in (*addr), -SYS_EINVAL for a length of 0 or past
 * the heap, or -SYS_ENOMEM at the container's limit or without frames. */
int proc_mmap(struct proc *p, uint64_t len, uint64_t *addr);

/* Take a zeroed frame for (p), charged to its container. Returns its
 * physical (= kernel virtual) address, or 0 at the limit or without
 * frames, with (*err) set to SYS_ENOMEM. */
uint64_t proc_alloc_page(struct proc *p);

/* Frames free for processes: the pool's, and the zeroed page tables kept
 * for reuse (proc.c). */
uint64_t proc_free_frames(void);

/* Console output of (p), the current process: buffered into lines, each
 * printed whole with the container's name as prefix (tty.c). Returns once
 * every complete line has gone out; may block meanwhile. */
void proc_console_write(struct proc *p, const char *buf, uint64_t len);

/* Print what is left of (p)'s last line, (p) being the current process;
 * may block, as proc_console_write. */
void proc_console_flush(struct proc *p);

/* (bytes) of zeroed kernel memory from (p), for a table the container
 * host keeps for its whole run; panics (at start-up) without it. */
void *kernel_tables(struct frame_pool *p, uint64_t bytes, const char *what);

/* The kernel's own address space (the identity map vm_init built). */
uint64_t *proc_kernel_pml4(void);

#endif /* GUEST_KERNEL_PROC_H */
