/*
 * lsys.h - the few Linux x86-64 system calls the initramfs's init makes,
 * as inline SYSCALL wrappers: no C library, so the program is the same
 * static binary whatever the build machine's libc is. Numbers and
 * constants from Linux's arch/x86/entry/syscalls/syscall_64.tbl and
 * include/uapi/linux/reboot.h. Runs in a Linux guest's ring 3.
 */
#ifndef GUEST_LINUX_LSYS_H
#define GUEST_LINUX_LSYS_H

#include <stddef.h>
#include <stdint.h>

#define LNX_SYS_write          1
#define LNX_SYS_open           2
#define LNX_SYS_mmap           9
#define LNX_SYS_ioctl          16
#define LNX_SYS_sched_yield    24
#define LNX_SYS_nanosleep      35
#define LNX_SYS_getpid         39
#define LNX_SYS_exit           60
#define LNX_SYS_uname          63
#define LNX_SYS_mknod          133
#define LNX_SYS_mkdir          83
#define LNX_SYS_dup2           33
#define LNX_SYS_reboot         169
#define LNX_SYS_ioperm         173
#define LNX_SYS_clock_gettime  228

#define LNX_O_RDWR             2
#define LNX_TCSBRK             0x5409  /* with argument 1: tcdrain */
#define LNX_S_IFCHR            0020000
#define LNX_PROT_READ          1
#define LNX_PROT_WRITE         2
#define LNX_MAP_PRIVATE        0x02
#define LNX_MAP_ANONYMOUS      0x20
#define LNX_CLOCK_MONOTONIC    1

/* reboot(2): both magic numbers, then the command. */
#define LNX_REBOOT_MAGIC1          0xfee1deadu
#define LNX_REBOOT_MAGIC2          672274793u
#define LNX_REBOOT_CMD_POWER_OFF   0x4321fedcu
#define LNX_REBOOT_CMD_RESTART     0x01234567u

/* struct new_utsname: six fields of 65 bytes. */
struct lnx_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct lnx_timespec {
	long tv_sec, tv_nsec;
};

/* SYSCALL: number in RAX, arguments in RDI, RSI, RDX, R10, R8, R9; RCX
 * and R11 are clobbered; the result (or -errno) in RAX. */
static inline long lnx_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long lnx_syscall3(long n, long a, long b, long c)
{
	return lnx_syscall6(n, a, b, c, 0, 0, 0);
}

#endif /* GUEST_LINUX_LSYS_H */
