/*
 * vpc.h - the small library of the virtual-PC test kernels (tests/vpc/):
 * KTAP on COM1, an IDT whose handlers tests can hook, faults caught and
 * reported instead of ending the kernel, ring 3, the local APIC by MMIO.
 * 32-bit protected mode, paging off, as a multiboot loader leaves it.
 * These kernels check a PC as any third-party kernel would: port I/O and
 * architectural state only, nothing of any hypervisor.
 */
#ifndef TESTS_VPC_VPC_H
#define TESTS_VPC_VPC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/apic.h"
#include "lib/cpuid.h"
#include "lib/x86.h"

/* MSRs these tests touch beyond lib/msr.h (SDM Vol. 4, "Model-Specific
 * Registers (MSRs)", architectural MSRs). */
#define MSR_TSC_ADJUST          0x0000003b
#define MSR_MCG_CAP             0x00000179
#define MSR_MCG_STATUS          0x0000017a
#define MSR_IA32_PERF_CAPABILITIES 0x00000345
#define MSR_X2APIC_ID           0x00000802

struct vpc_frame {
	uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

/* A test returns NULL when it passed, else why it failed (one line); a
 * reason starting with "SKIP" makes it a KTAP skip. */
struct vpc_test {
	const char *name;
	const char *(*fn)(void);
};

/* The multiboot information the loader handed over (EBX). */
extern uint32_t vpc_mbi;

/* Each kernel's table (one test file per kernel). */
extern const struct vpc_test vpc_tests[];
extern const unsigned vpc_ntests;

/* Formatted output on COM1 (%s %d %u %x %lx %llx). */
void vpc_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A failure reason formatted into a static buffer. */
const char *vpc_why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last fault caught by a probe: its vector, error code and the
 * EFLAGS the CPU pushed. */
extern volatile uint32_t vpc_fault_vector, vpc_fault_error, vpc_fault_eflags;
/* Where the next fault resumes (0: a fault is a failure of the kernel). */
extern volatile uint32_t vpc_fixup, vpc_user_fixup;

/* Probes: 0 if the instruction ran, -1 if it faulted (vector in
 * vpc_fault_vector). */
int vpc_rdmsr(uint32_t msr, uint64_t *val);
int vpc_wrmsr(uint32_t msr, uint64_t val);
int vpc_xsetbv(uint32_t xcr, uint64_t val);
/* Run (fn) in ring 3; it must fault. Returns the fault's vector. */
int vpc_user(void (*fn)(void));

/* Mark the IDT gate of (vector) present or not present. */
void vpc_gate(unsigned vector, bool present);

/* Interrupt handlers: (fn) runs for (vector) with the frame; the APIC
 * EOI is the handler's to send. */
void vpc_handle(unsigned vector, void (*fn)(struct vpc_frame *f));

/* The local APIC at its default address. */
static inline uint32_t apic_read(uint32_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(APIC_DEFAULT_BASE + off);
}

static inline void apic_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)(APIC_DEFAULT_BASE + off) = val;
}

static inline bool apic_bit(uint32_t first_reg, unsigned vector)
{
	return apic_read(first_reg + (vector / 32) * 0x10) & (1u << (vector % 32));
}

/* Spin with interrupts as they are until (*flag) reaches (want) or
 * (tsc_budget) TSC ticks pass; true if it did. */
bool vpc_wait(volatile uint32_t *flag, uint32_t want, uint64_t tsc_budget);
/* Spin for (tsc) TSC ticks. */
void vpc_delay(uint64_t tsc);

static inline uint32_t cr4_get(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void cr4_set(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

#endif /* TESTS_VPC_VPC_H */
