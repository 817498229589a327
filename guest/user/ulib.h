/*
 * ulib.h - the user library of the container host's programs (guest ring
 * 3): one function per system call of guest/include/sysabi.h (the stubs
 * of usys.S), a raw call for tests, error names and printf to the
 * console (ulib.c). The apps of guest/apps/ reach the same calls through
 * app.h (uapp.c).
 *
 * Every call returns what the kernel put in RAX: the result, or a
 * negative error -SYS_E*. Integer arguments are declared long even where
 * the value is an int (fd, pid, code): C leaves the upper half of an int
 * argument's register undefined, and the kernel may read all 64 bits, so
 * -1 must arrive sign-extended. The compiler does that for a long.
 */
#ifndef GUEST_USER_ULIB_H
#define GUEST_USER_ULIB_H

#include <stddef.h>
#include <stdint.h>

#include "guest/include/sysabi.h"

/* Call number (nr) with five arguments, whatever they are, for tests
 * that hand the kernel bad numbers and bad arguments. */
long syscall5(long nr, long a1, long a2, long a3, long a4, long a5);

/* Write (len) bytes of (buf) to (fd): 1 and 2 are the console. Returns
 * the bytes taken, at most SYS_WRITE_MAX: loop for more (write_all). */
long sys_write(long fd, const void *buf, size_t len);

/* End this process with exit status (code), of which its parent's
 * sys_wait receives the low 8 bits. */
void sys_exit(long code) __attribute__((noreturn));

/* This process's pid and its parent's, as the container numbers them:
 * its first process is 1, whose parent is 0. */
long sys_getpid(void);
long sys_getppid(void);

/* Let the other processes run first. Returns 0. */
long sys_yield(void);

/* Sleep at least (ms) milliseconds. Returns 0. */
long sys_sleep(uint64_t ms);

/* The clock (which): SYS_CLOCK_NS, SYS_CLOCK_TICKS or SYS_CLOCK_HZ. */
long sys_clock(long which);

/* Start the program (path) of this container's image, e.g. "bin/cpu",
 * with (argv), NULL-terminated, argv[0] included (NULL: argv[0] = path
 * and nothing more). Returns the child's pid; -SYS_EAGAIN at the
 * container's process limit. */
long sys_spawn(const char *path, char *const argv[]);

/* Wait for the child (pid), or any child for -1, to end. Returns its pid
 * with its exit status in (*status) unless status is NULL: the low 8 bits
 * of its exit code, or SYS_STATUS_FAULT / SYS_STATUS_KILLED. -SYS_ECHILD
 * if there is no such child. */
long sys_wait(long pid, int *status);

/* End the process (pid) of this container. Returns 0, or -SYS_ESRCH. */
long sys_kill(long pid);

/* (len) bytes of fresh zeroed pages. Returns their address as a long,
 * or -SYS_ENOMEM (the container's memory limit) or -SYS_EINVAL. */
long sys_mmap(uint64_t len);

/* Open the file (path) of this container's image, e.g. "etc/motd",
 * read-only. Returns an fd, or -SYS_ENOENT. */
long sys_open(const char *path);

/* Read up to (len) bytes of (fd) into (buf). Returns the bytes read, 0
 * at the end of the file. */
long sys_read(long fd, void *buf, size_t len);

/* Close (fd). Returns 0, or -SYS_EBADF. */
long sys_close(long fd);

/* The container's hostname into (buf) of (len) bytes, NUL-terminated.
 * Returns its length, or -SYS_ENAMETOOLONG if it does not fit. */
long sys_hostname(char *buf, size_t len);

/* The deliberate kernel bug of docs/containers.md: -SYS_EPERM unless
 * the host enabled it. */
long sys_kernel_bug(void);

/*
 * Write all (len) bytes of (buf) to (fd), in as many sys_write calls as
 * that takes. Returns len, or what was written before an error, or the
 * error if it came first.
 */
long write_all(long fd, const void *buf, size_t len);

/* The name of error (err), e.g. "ENOENT", from a call's negative result
 * or the positive number; "OK" for 0, "E?" for a number sysabi.h does
 * not define. */
const char *sys_strerror(long err);

/* printf (formats of lib/fmt.h) to the console, fd 1, in one piece: at
 * most UPRINTF_MAX - 1 characters, the rest is cut (enough for the
 * one-line results of the test programs; the apps' app_printf has no
 * limit). Returns the number of characters written, or a negative error. */
#define UPRINTF_MAX 512

int uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* GUEST_USER_ULIB_H */
