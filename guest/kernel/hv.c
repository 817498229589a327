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
#include "lib/x86.h"

long hv_call(long nr, long a0, long a1)
{
	long ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1) : "memory");
	return ret;
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

/* mica takes what its console has room for and says how much: the rest
 * goes again, after a pause, as on a slow serial line. */
static void hc_console(const char *buf, size_t len)
{
	while (len) {
		size_t n = len < HC_CONSOLE_MAX ? len : HC_CONSOLE_MAX;
		long done = hv_call(HC_CONSOLE_WRITE, (long)buf, (long)n);

		if (done < 0)
			return;         /* a bad buffer: nothing more to do */
		if (done == 0)
			pause();
		buf += done;
		len -= (size_t)done;
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
