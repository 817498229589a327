/*
 * uapp.c - the app API of guest/apps/app.h over system calls, so that the
 * apps' unchanged sources (and guest/apps/applib.c) run as ring-3
 * processes of the container host. The unikernel's version of the same
 * functions is guest/kernel/uk.c.
 */
#include "guest/apps/app.h"
#include "guest/user/ulib.h"

#define PAGE_SIZE 4096ULL

int app_write(const char *buf, size_t len)
{
	return (int)write_all(1, buf, len);
}

void app_exit(int code)
{
	sys_exit(code);
}

uint64_t app_time_ns(void)
{
	return (uint64_t)sys_clock(SYS_CLOCK_NS);
}

/* RDTSC is allowed in ring 3 (the kernel leaves CR4.TSD clear), so the
 * ready and result lines cost no system call. */
uint64_t app_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void app_yield(void)
{
	sys_yield();
}

void app_sleep_ms(uint64_t ms)
{
	sys_sleep(ms);
}

int app_getpid(void)
{
	return (int)sys_getpid();
}

uint64_t app_ticks(void)
{
	return (uint64_t)sys_clock(SYS_CLOCK_TICKS);
}

unsigned app_tick_hz(void)
{
	return (unsigned)sys_clock(SYS_CLOCK_HZ);
}

void *app_alloc_pages(uint64_t bytes)
{
	/* app.h promises whole pages; ask for them so, and refuse a size
	 * that would wrap when rounded. */
	if (bytes == 0 || bytes > UINT64_MAX - (PAGE_SIZE - 1))
		return NULL;

	long addr = sys_mmap((bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));

	return addr < 0 ? NULL : (void *)addr;
}
