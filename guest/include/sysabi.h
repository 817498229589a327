/*
 * sysabi.h - the interface between the container host (the guest kernel
 * with `containers` on its command line) and its ring-3 processes: the
 * user address layout, the system call numbers, their errors and the
 * limits a process meets. The only kernel header guest/user/ includes;
 * self-contained C99, usable from assembly. docs/containers.md explains
 * each call. Numbers are never reused.
 */
#ifndef GUEST_INCLUDE_SYSABI_H
#define GUEST_INCLUDE_SYSABI_H

/*
 * User address space. The kernel keeps the first 512 GiB (PML4 entry 0)
 * for itself: its identity map of [0, 4 GiB), supervisor-only. A process
 * owns [USER_BASE, USER_END), under PML4 entry 1, and nothing else:
 *
 *   USER_STACK_TOP - USER_STACK_SIZE .. USER_STACK_TOP  the stack (grows down)
 *   USER_TEXT ..                                       program: text, data, bss
 *   USER_HEAP ..                                       SYS_mmap's pages, upward
 *
 * Below the stack, one unmapped guard page at least. Programs are static
 * ELF64 executables linked at USER_TEXT (linker/user.ld).
 */
#define USER_BASE               0x0000008000000000   /* 512 GiB */
#define USER_STACK_TOP          0x0000008000200000   /* USER_BASE + 2 MiB */
#define USER_STACK_SIZE         0x10000              /* 64 KiB */
#define USER_TEXT               0x0000008000200000   /* USER_BASE + 2 MiB */
#define USER_HEAP               0x0000008040000000   /* USER_BASE + 1 GiB */
#define USER_END                0x0000010000000000   /* 1 TiB: PML4 entry 1 only */

/*
 * At entry to a program (_start): RSP = the initial stack, 16-byte
 * aligned, holding argc (8 bytes), then argv[0] .. argv[argc - 1] and a
 * NULL (8 bytes each), then the strings. RDI = argc and RSI = argv too,
 * so _start may call main(argc, argv) directly. Other registers are zero;
 * RFLAGS has IF set and DF clear.
 */
#define USER_MAX_ARGS           16      /* argv[0] included */
#define USER_ARG_MAX            128     /* bytes per argument, NUL included */

/*
 * System calls: SYSCALL with the number in RAX and arguments in RDI, RSI,
 * RDX, R10, R8 (as Linux); the result comes back in RAX, negative errno
 * on failure. RCX and R11 are clobbered (SYSCALL's return RIP and
 * RFLAGS), every other register is preserved. Arguments are 64-bit; a pid
 * or fd is read as a C int of its low 32 bits. Any pointer or length that
 * does not lie wholly in the caller's own mapped user memory gives
 * -SYS_EFAULT; the kernel never faults on it.
 *
 * SYS_WRITE takes at most SYS_WRITE_MAX bytes a call; a fd other than 1
 * and 2 gives -SYS_EBADF (files are read-only). SYS_SPAWN's argv is a
 * NULL-terminated array of at most USER_MAX_ARGS strings, argv[0]
 * included; a NULL argv means { path }, an empty one gives -SYS_EINVAL.
 * SYS_EXIT's code is kept as its low 8 bits, as on Unix.
 */
#define SYS_WRITE               0   /* (fd, buf, len) -> bytes written; fd 1 and 2: the console */
#define SYS_EXIT                1   /* (code) -> does not return */
#define SYS_GETPID              2   /* () -> pid in the container (its first process is 1) */
#define SYS_YIELD               3   /* () -> 0, after others had the CPU */
#define SYS_SLEEP               4   /* (ms) -> 0, at least ms later */
#define SYS_CLOCK               5   /* (which: SYS_CLOCK_*) -> the value */
#define SYS_SPAWN               6   /* (path, argv) -> pid of the new child */
#define SYS_WAIT                7   /* (pid or -1, int *status or NULL) -> pid that ended */
#define SYS_KILL                8   /* (pid) -> 0: ends that process of the same container */
#define SYS_MMAP                9   /* (len) -> address of len bytes of fresh zeroed pages */
#define SYS_OPEN                10  /* (path) -> fd: a file of the container's image, read-only */
#define SYS_READ                11  /* (fd, buf, len) -> bytes read, 0 at the end */
#define SYS_CLOSE               12  /* (fd) -> 0 */
#define SYS_HOSTNAME            13  /* (buf, len) -> length: the container's hostname, NUL-ended */
#define SYS_GETPPID             14  /* () -> parent's pid in the container, 0 for its first */
#define SYS_KERNEL_BUG          15  /* () -> -SYS_EPERM unless `kernel-bug` is on the
				       host's command line; then corrupts the kernel
				       (docs/containers.md, "the shared-kernel weakness") */
#define SYS_NCALLS              16

/* SYS_CLOCK's (which). */
#define SYS_CLOCK_NS            0   /* nanoseconds since the kernel started its clock */
#define SYS_CLOCK_TICKS         1   /* timer interrupts since then */
#define SYS_CLOCK_HZ            2   /* timer interrupts per second */

/* Exit status of a process the kernel ended: a fault, SYS_KILL or the
 * memory limit. Positive codes are the process's own (SYS_EXIT). */
#define SYS_STATUS_FAULT        (-1)
#define SYS_STATUS_KILLED       (-2)

/* Errors, the values Linux uses, returned negated. */
#define SYS_EPERM               1   /* not allowed (e.g. SYS_KERNEL_BUG off) */
#define SYS_ENOENT              2   /* no such file in this container's image */
#define SYS_ESRCH               3   /* no such process in this container */
#define SYS_E2BIG               7   /* too many arguments, or one too long */
#define SYS_ENOEXEC             8   /* not a program this kernel runs */
#define SYS_EBADF               9   /* not an open file of this process */
#define SYS_ECHILD              10  /* no such child to wait for */
#define SYS_EAGAIN              11  /* the container's process limit is reached */
#define SYS_ENOMEM              12  /* the container's memory limit, or the kernel's memory */
#define SYS_EFAULT              14  /* a pointer outside the caller's memory */
#define SYS_EINVAL              22  /* a bad argument */
#define SYS_EMFILE              24  /* too many open files */
#define SYS_ENAMETOOLONG        36  /* a path or hostname too long */
#define SYS_ENOSYS              38  /* no such system call */

#define SYS_MAX_FDS             8   /* open files per process, fds 3 .. 10 (0-2: console) */
#define SYS_PATH_MAX            128 /* bytes, NUL included */
#define SYS_HOSTNAME_MAX        32  /* bytes, NUL included */
#define SYS_WRITE_MAX           4096 /* bytes taken by one SYS_WRITE; the rest is left */

#endif /* GUEST_INCLUDE_SYSABI_H */
