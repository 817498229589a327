/*
 * tty.h - the container host's console output: the lines processes
 * write, each sent whole, by the processes themselves, in chunks short
 * enough that a write never holds interrupts off for long, and charged to
 * the writer's CPU time. docs/containers.md, "Console output".
 */
#ifndef GUEST_KERNEL_TTY_H
#define GUEST_KERNEL_TTY_H

#include <stdbool.h>

struct proc;

/* Take over the console: COM1 bare, HC_CONSOLE_WRITE under mica
 * (under_mica). The kernel's own lines (klog, kprintf) go out at once, as
 * before, after the rest of a process's line still in flight. Call once,
 * before the first process runs. */
void tty_init(bool under_mica);

/*
 * Send (p)'s line (text) of (len) bytes (no newline) as "[container] text"
 * and a newline. (p) is the current process, in a system call or on its
 * way out. Blocks until the line has gone out: while the device is busy
 * (sleeping, or polling on its own CPU time), and at the end of its turn
 * (yielding between chunks). Another process's line that lost the CPU
 * half sent is finished first, so lines never mix.
 */
void tty_put_line(struct proc *p, const char *text, unsigned len);

#endif /* GUEST_KERNEL_TTY_H */
