/*
 * syscall.h - the container host's system calls: SYSCALL set-up and the
 * dispatcher behind guest/kernel/entry.S. The numbers and their meaning
 * are guest/include/sysabi.h; docs/containers.md explains each.
 */
#ifndef GUEST_KERNEL_SYSCALL_H
#define GUEST_KERNEL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/* Turn on SYSCALL/SYSRET (IA32_EFER.SCE) and point IA32_LSTAR at
 * syscall_entry. Called by proc_init(). */
void syscall_init(void);

/* Allow SYS_KERNEL_BUG (the `kernel-bug` option). */
void syscall_allow_kernel_bug(bool on);

/* Called by syscall_entry with the frame it built: the number in
 * frame->rax, the result goes back there. */
void syscall_dispatch(struct trap_frame *tf);

/* System calls made so far. */
uint64_t syscall_count(void);

#endif /* GUEST_KERNEL_SYSCALL_H */
