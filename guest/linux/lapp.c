/*
 * lapp.c - the app API of guest/apps/app.h over Linux system calls, so
 * that the apps' unchanged sources run in the initramfs's init of a Linux
 * guest (ring 3), as uapp.c runs them over the container host's calls.
 */
#include "guest/apps/app.h"
#include "guest/linux/lsys.h"

#define PAGE_SIZE 4096ULL

/* Linux's clock tick as the app API reports it: the apps use it only in
 * their result lines, and a process cannot read the kernel's HZ. */
#define LAPP_TICK_HZ 100

int app_write(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long n = lnx_syscall3(LNX_SYS_write, 1, (long)(buf + done), (long)(len - done));

		if (n <= 0)
			return done ? (int)done : (int)n;
		done += (size_t)n;
	}
	return (int)done;
}

void app_exit(int code)
{
	for (;;)
		lnx_syscall3(LNX_SYS_exit, code, 0, 0);
}

uint64_t app_time_ns(void)
{
	struct lnx_timespec ts = { 0, 0 };

	lnx_syscall3(LNX_SYS_clock_gettime, LNX_CLOCK_MONOTONIC, (long)&ts, 0);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t app_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void app_yield(void)
{
	lnx_syscall3(LNX_SYS_sched_yield, 0, 0, 0);
}

void app_sleep_ms(uint64_t ms)
{
	struct lnx_timespec ts = { (long)(ms / 1000), (long)(ms % 1000) * 1000000L };

	lnx_syscall3(LNX_SYS_nanosleep, (long)&ts, 0, 0);
}

int app_getpid(void)
{
	return (int)lnx_syscall3(LNX_SYS_getpid, 0, 0, 0);
}

uint64_t app_ticks(void)
{
	return app_time_ns() / (1000000000ULL / LAPP_TICK_HZ);
}

unsigned app_tick_hz(void)
{
	return LAPP_TICK_HZ;
}

void *app_alloc_pages(uint64_t bytes)
{
	if (bytes == 0 || bytes > UINT64_MAX - (PAGE_SIZE - 1))
		return NULL;

	long addr = lnx_syscall6(LNX_SYS_mmap, 0, (long)((bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)),
				 LNX_PROT_READ | LNX_PROT_WRITE, LNX_MAP_PRIVATE | LNX_MAP_ANONYMOUS,
				 -1, 0);

	/* mmap returns -errno in [-4095, -1]. */
	return (unsigned long)addr >= -4095UL ? NULL : (void *)addr;
}
