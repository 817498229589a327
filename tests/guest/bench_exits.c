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
#include "hv/include/hvabi.h"
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
