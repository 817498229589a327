/*
 * hv.c - detecting mica and using its hypercalls.
 *
 * Runs in the guest kernel, ring 0. The kernel is identity-mapped, so a
 * buffer's virtual address is the guest-physical address mica expects.
 */
#include "guest/kernel/hv.h"
#include "hv/include/hvabi.h"
#include "lib/console.h"
#include "lib/cpuid.h"
#include "lib/string.h"
#include "lib/uart.h"
#include "lib/x86.h"

long hv_call3(long nr, long a0, long a1, long a2)
{
	long ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1), "d"(a2) : "memory");
	return ret;
}

long hv_call(long nr, long a0, long a1)
{
	return hv_call3(nr, a0, a1, 0);
}

bool hv_detect(void)
{
	struct cpuid_regs r;
	char sig[12];

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR))
		return false;
	r = cpuid(HVABI_CPUID_BASE, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	return memcmp(sig, HVABI_SIGNATURE, sizeof(sig)) == 0;
}

/* A call mica refused (HC_ENOSYS from a mica without it, HC_EFAULT for a
 * buffer it cannot reach): (buf) goes out through the VM's own UART,
 * which ends on the same console, rather than be dropped. */
static void uart_fallback(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		uart_putc(UART_COM1, buf[i]);
}

size_t hv_console_try(const char *buf, size_t len, bool wait)
{
	long done;

	if (len > HC_CONSOLE_MAX)
		len = HC_CONSOLE_MAX;
	done = hv_call3(HC_CONSOLE_WRITE, (long)buf, (long)len, wait ? 0 : HC_CONSOLE_NOWAIT);
	if (done >= 0)
		return (size_t)done < len ? (size_t)done : len;
	if (len > UART_FIFO_SIZE)
		len = UART_FIFO_SIZE;
	uart_fallback(buf, len);
	return len;
}

/* The kernel's console under mica: mica takes what its console has room
 * for and says how much; the rest goes again, after a pause, as on a slow
 * serial line (a call that took nothing has kept the VM off the CPU a
 * while already). Every byte goes out. */
static void hc_console(const char *buf, size_t len)
{
	while (len) {
		size_t done = hv_console_try(buf, len, true);

		if (done == 0)
			pause();
		buf += done;
		len -= done;
	}
}

static void hc_exit(int code)
{
	hv_call(HC_EXIT, code, 0);
}

void hv_use_hypercalls(void)
{
	console_set_sink(hc_console);
	machine_set_exit(hc_exit);
}
