/*
 * bench_exits.c - the cost of a VM exit round trip, measured from inside
 * the guest (`test=bench-exits`): RDTSC around many CPUID exits and many
 * null hypercalls, less the cost of the same loop doing nothing. Under
 * Bochs, RDTSC counts instructions, so the figures are exact instruction
 * counts: the guest's CPUID or VMCALL, the exit, mica's handler and the
 * entry back.
 *
 * Runs in the guest kernel, ring 0, 64-bit mode, under mica.
 */
#include "guest/kernel/time.h"
#include "hv/include/hvabi.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/x86.h"
#include "tests/guest/guest_tests.h"

#define ROUNDS 1000

/* Each loop is the same shape; only the instruction in the middle differs. */
static uint64_t loop_empty(void)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < ROUNDS; i++)
		__asm__ volatile("" : : : "memory");
	return rdtsc() - t0;
}

static uint64_t loop_cpuid(void)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < ROUNDS; i++) {
		uint32_t a = 0, b, c = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
	}
	return rdtsc() - t0;
}

static uint64_t loop_vmcall(void)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < ROUNDS; i++) {
		long ret;

		__asm__ volatile("vmcall" : "=a"(ret) : "a"((long)HC_NULL) : "memory");
	}
	return rdtsc() - t0;
}

void guest_bench_exits(void)
{
	uint64_t empty = loop_empty();
	uint64_t cpuid_rt = (loop_cpuid() - empty) / ROUNDS;
	uint64_t vmcall_rt = (loop_vmcall() - empty) / ROUNDS;

	kprintf("bench: cpuid_exit_round_trip %lu\n", (unsigned long)cpuid_rt);
	kprintf("bench: null_vmcall_round_trip %lu\n", (unsigned long)vmcall_rt);
}

/*
 * `test=exit-storm ms=N`: CPUID and null hypercalls back to back for N ms
 * of TSC time (1000 by default), each answer checked: the exits mica's
 * fast path serves, from a VM that would hold the CPU if that path
 * forgot its slice. Prints "exit-storm: ..." and exits 0, or 1 if an
 * answer was wrong.
 */
void guest_exit_storm(struct boot_info *bi)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t ms = 1000, rounds = 0, wrong = 0, end;
	uint32_t vendor[3];

	if (cmdline_get(bi->cmdline, "ms", val, sizeof(val)) &&
	    (cmdline_parse_uint(val, &ms) || ms < 1 || ms > 600000)) {
		klog("exit-storm: ms=%s: give milliseconds from 1 to 600000\n", val);
		machine_exit(EXIT_BAD_CONFIG);
	}
	{
		uint32_t a = 0, c = 0;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(vendor[0]), "+c"(c), "=d"(vendor[1]));
		vendor[2] = c;
	}
	end = rdtsc() + time_tsc_hz() / 1000 * ms;
	while (rdtsc() < end) {
		uint32_t a = 0, b, c = 0, d;
		long ret;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
		wrong += b != vendor[0] || d != vendor[1] || c != vendor[2];
		__asm__ volatile("vmcall" : "=a"(ret) : "a"((long)HC_NULL) : "memory");
		wrong += ret != HC_OK;
		rounds++;
	}
	kprintf("exit-storm: %lu CPUID and %lu VMCALL exits in %lu ms, %lu wrong answers\n",
		(unsigned long)rounds, (unsigned long)rounds, (unsigned long)ms,
		(unsigned long)wrong);
	machine_exit(wrong ? EXIT_TEST_FAILED : EXIT_OK);
}
