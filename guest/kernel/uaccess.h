/*
 * uaccess.h - the only way the container host reads or writes a process's
 * memory. Every user pointer and length a system call receives is checked
 * here against the process's own page tables: the range must lie in
 * [USER_BASE, USER_END) and every page of it be mapped for ring 3 (and
 * writable, to write). The copy goes through the kernel's identity map of
 * the frames, never through the user address, so a bad pointer gives
 * -SYS_EFAULT and can never fault the kernel (and SMAP stays on).
 */
#ifndef GUEST_KERNEL_UACCESS_H
#define GUEST_KERNEL_UACCESS_H

#include <stddef.h>
#include <stdint.h>

struct proc;

/* Copy (len) bytes from (p)'s user address (src) to (dst). Returns 0 or
 * -SYS_EFAULT (then dst may hold part of it). */
int uaccess_copy_in(struct proc *p, void *dst, uint64_t src, uint64_t len);

/* Copy (len) bytes from (src) to (p)'s user address (dst). Returns 0 or
 * -SYS_EFAULT (then part of it may have been written). */
int uaccess_copy_out(struct proc *p, uint64_t dst, const void *src, uint64_t len);

/* Copy the NUL-terminated string at user (src) into (dst) of (n) bytes.
 * Returns its length, -SYS_EFAULT, or -SYS_ENAMETOOLONG if no NUL comes
 * within n bytes. */
long uaccess_string(struct proc *p, char *dst, uint64_t src, size_t n);

/* Does [va, va + len) lie inside the user range at all? (No page is
 * looked at: for lengths too large to walk.) */
int uaccess_range_ok(uint64_t va, uint64_t len);

#endif /* GUEST_KERNEL_UACCESS_H */
