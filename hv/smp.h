/*
 * smp.h - every CPU of the machine: discovery, start-up, VMX operation on
 * each, and the boot lines that say what each one does (hv/smp.c).
 */
#ifndef HV_SMP_H
#define HV_SMP_H

#include <stdbool.h>

struct boot_info;
struct frame_pool;
struct percpu;

/* Make the boot CPU cpus[0], reached through its GS base (this_cpu()).
 * First thing after cpu_init(): the NMI handler counts in it. */
void smp_boot_cpu(void);

/*
 * Find the other CPUs (ACPI
 * MADT, else the MP table; `smp=mptable` tries the MP table first,
 * `ghostcpu=ID` adds a table entry for a CPU that is not there), and
 * start each: its own stacks, GDT/TSS, IDT and local APIC, then it waits
 * for calls. A CPU that does not answer is left out. Call after
 * clock_init(), intr_init() and boot_info_init(), before any VMCS is
 * set up (the host state takes this CPU's GS base).
 */
void smp_init(struct boot_info *bi);

/* After the boot CPU's vmx_on(): each started CPU into VMX operation,
 * with its own VMXON region from (pool), by a call to it. */
void smp_vmx_on(struct frame_pool *pool);

/* One line per CPU (its APIC ID, as the table says and as it read it,
 * what it does, or why it is left out), then "N CPUs found, M in VMX
 * operation, K running guests". */
void smp_report(void);

/* Has another CPU ended the run? Then this one stops in its NMI handler
 * (hv/intr.c), where the ending CPU's NMI brought it. */
bool smp_stop_requested(void);

/* How many CPUs mica knows (started or not), and the one of index (i). */
unsigned smp_cpus(void);
struct percpu *smp_cpu(unsigned i);

#endif /* HV_SMP_H */
