/*
 * percpu.h - what each CPU of the machine owns, in one structure per CPU,
 * reached on that CPU through its GS base (this_cpu()). Per-CPU by
 * construction: a field is written only by its own CPU once that CPU
 * runs (before, only by the boot CPU that sets the structure up); the
 * mailbox, which other CPUs write, has its own lock.
 * SDM Vol. 3, "Multiple-Processor Management".
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/vmx/vmx_percpu.h"
#include "lib/cpu.h"

struct sched_cpu;

/* What a CPU has come to; a CPU at CPU_FAILED is left out, with why[]. */
enum cpu_state {
	CPU_ABSENT,     /* not started (yet) */
	CPU_STARTING,   /* INIT-SIPI-SIPI sent */
	CPU_ALIVE,      /* its own GDT, TSS, IDT, local APIC: waits for calls */
	CPU_VMX,        /* ... and in VMX root operation */
	CPU_FAILED,     /* left out */
};

/* A call one CPU asks another to run (hv/smp_call.h). */
struct smp_call {
	void (*fn)(void *arg);
	void *arg;
};

#define SMP_MAILBOX_SLOTS 8

struct percpu {
	struct percpu *self;            /* at offset 0: %gs:0 is this_cpu() */
	unsigned index;                 /* 0 is the boot CPU */
	uint32_t apic_id;               /* from the firmware's table */
	uint32_t apic_id_seen;          /* what the CPU itself read from its local APIC */
	enum cpu_state state;           /* atomic loads and stores */
	char why[112];                  /* why it is CPU_FAILED */
	uint64_t alive_tsc;             /* its TSC when it came alive */
	uint64_t start_tsc;             /* from the first SIPI to then */
	uint64_t call_tsc;              /* its first call's round trip, on the boot CPU's TSC */
	bool pinged;                    /* it ran that call */
	hpa_t vmxon_region;
	uint64_t vmcs_ptr;              /* VMPTRST after its VMXON: all ones */
	uint64_t stack_top, df_stack_top;
	void *idt;                      /* its own copy of mica's IDT */
	struct cpu_tables tables;       /* its own GDT and TSS */

	/* The mailbox: calls other CPUs ask this one to run, a ring written
	 * at head by senders and read at tail by this CPU. */
	struct spinlock mbox_lock;      /* serialises the senders to this CPU */
	struct smp_call mbox[SMP_MAILBOX_SLOTS];
	uint32_t mbox_head;             /* next slot a sender fills (under mbox_lock) */
	uint32_t mbox_tail;             /* calls run so far (this CPU only) */
	uint64_t ipis;                  /* call IPIs taken */
	uint64_t nmis;                  /* NMIs taken in mica (hv/intr.c) */

	/* Work longer than a call, started by one (hv/sched_smp.c: the CPU's
	 * scheduler): ap_main() runs it outside smp_poll(), so that calls
	 * keep coming while it runs. Set by a call, cleared by the CPU. */
	void (*task)(void *arg);
	void *task_arg;
	struct vmx_percpu vmx;          /* VT-x's per-CPU state (hv/vmx/vmx_percpu.h) */
	struct sched_cpu *sched;        /* its run queue and VMs (hv/sched_smp.h) */
	bool sched_stops;               /* a VM of its own is to stop (set by a call) */
};

/* This CPU's structure. Valid once smp_init() (boot CPU) or ap_main()
 * (every other CPU) has set the GS base. */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	/* Not volatile: a CPU's GS base never changes once set, so the
	 * compiler may reuse one load within a function. */
	__asm__("mov %%gs:0, %0" : "=r"(p));
	return p;
}

#endif /* HV_PERCPU_H */
