/*
 * vmx_vcpu.h - the VT-x half of a vCPU: its VMCS, the registers the VMCS
 * does not hold, and exit counters. hv/vm.c drives it through the
 * functions below and never touches a VMCS field itself.
 */
#ifndef HV_VMX_VMX_VCPU_H
#define HV_VMX_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/types.h"
#include "hv/vmx/vcpu_regs.h"
#include "hv/vmx/vmx_exit_reasons.h"

struct vcpu;
struct frame_pool;
struct percpu;

/* MSRs a guest owns outright while it runs (mica uses none of them): the
 * first vmx_guest_msr_count() of vmx_guest_msrs; the last, IA32_TSC_AUX,
 * only where guests have RDTSCP (it exists with RDTSCP or RDPID, and mica
 * shows them only with the enable-RDTSCP control). */
#define VMX_GUEST_MSRS 6
#define VMX_GUEST_MSR_KERNEL_GS_BASE 4 /* its index: SWAPGS changes it without an exit */
extern const uint32_t vmx_guest_msrs[VMX_GUEST_MSRS];
unsigned vmx_guest_msr_count(void);
int vmx_guest_msr_index(uint32_t msr);
void vmx_vcpu_write_guest_msr(struct vcpu *v, unsigned i, uint64_t val);

struct vmx_vcpu {
	struct vcpu_regs regs;
	uint64_t cr2;                   /* while another vCPU owns the CPU */
	hpa_t fpu;                      /* x87/SSE/AVX state (XSAVE or FXSAVE area) */
	unsigned fpu_frames;
	uint64_t msrs[VMX_GUEST_MSRS];  /* in vmx_guest_msrs order: every write
					 * exits, so these are current but for
					 * KERNEL_GS_BASE while the vCPU owns
					 * the CPU */
	hpa_t vmcs;
	struct percpu *cpu;             /* the CPU its VMCS is active on, or NULL once
					 * released for a move (hv/vmx/vmx_move.c) */
	uint64_t eptp;                  /* for INVEPT when the VM goes */
	bool window;                    /* interrupt-window exiting is on */
	bool nmi_window;                /* NMI-window exiting is on */
	uint64_t timer_target;          /* TSC the preemption timer counts to */
	/* The exit loop (hv/vmx/vmentry.S, vmexit_fast.c): an exit may be
	 * served without the slow path before (deadline), the earliest of
	 * the next device event, NMI press and slice end as they stood at
	 * the last slow entry; 0 when every exit needs the slow path. */
	uint64_t deadline;
	uint64_t entry_tsc, exit_tsc;   /* TSC of the last entry and exit */
	bool exit_handled;              /* the fast path served the exit */
	bool launched;
	bool recheck;                   /* mica changed guest state the entry checks cover */
	uint64_t xcr0;                  /* the guest's XCR0 */
	uint32_t procbased;             /* its primary processor-based controls now */
	/* Debug registers (hv/vmx/vmexit_dr.c): DR7 and DEBUGCTL are in the
	 * VMCS. DR0-DR3 and DR6 are here until the guest first touches one;
	 * from then on (dr_live) they go with the CPU, switched with the vCPU. */
	uint64_t dr[4], dr6;
	bool dr_live;
	/* Task priority: the TPR shadow's virtual-APIC page, or without one
	 * the APIC's own TPR, which CR8-load/store exiting reaches. */
	hpa_t vapic;
	uint8_t tpr_threshold;          /* what VMCS_TPR_THRESHOLD holds */
	/* The APIC-access page (hv/vmx/apic_access.c), once EPT maps it. */
	bool apic_access_mapped;
	gpa_t apic_access_gpa;
	uint64_t exits[EXIT_REASON_MAX];/* VM exits by basic reason */
};

/*
 * Give (v) a VMCS from (pool) and fill it: negotiated controls, mica as
 * host, and a guest at the multiboot 1 entry state (32-bit protected mode,
 * paging off, CS:EIP = flat:entry, EAX = 0x2BADB002, EBX = mbi), running
 * on (eptp) with (vpid). Returns 0, or -1 after one line saying why.
 */
int vmx_vcpu_init(struct vcpu *v, struct frame_pool *pool, uint64_t eptp, uint16_t vpid,
		  uint32_t entry, uint32_t mbi);

struct linux_boot_regs;

/* Right after vmx_vcpu_init(): start (v) at a Linux boot entry instead
 * (hv/linux_boot.h): its control registers, segments and RIP, RSI =
 * boot_params, every other general register zero. */
void vmx_vcpu_set_boot_state(struct vcpu *v, const struct linux_boot_regs *r);

/* The entry checks mica ran (vmx_check_state() before an entry: the
 * first, after each change of guest state the SDM's checks cover, or every
 * entry in a MICA_DEBUG=1 build) and their TSC cost, for all vCPUs. */
void vmx_vcpu_check_stats(uint64_t *checks, uint64_t *tsc);
/* The same for the event-only checks (vmx_check_event() before an entry
 * that injects an event into a VMCS whose other state passed). */
void vmx_vcpu_event_check_stats(uint64_t *checks, uint64_t *tsc);

/* Test hook (`break-state` on a module's command line): make (v)'s guest
 * state one the SDM forbids, as a faulty emulation of a mode switch could
 * (EFER.LMA flipped, so that it no longer matches the "IA-32e mode guest"
 * entry control), so that the check before the next entry must catch it. Call during one of (v)'s exits. */
void vmx_vcpu_break_state(struct vcpu *v);

/* One turn of (v) on the CPU: enter the guest and handle its VM exits
 * until the VM stops, halts waiting for an interrupt, or reaches the end
 * of its slice (vm->slice_end). */
void vmx_vcpu_run(struct vcpu *v);

/* Print "exits: name count, ..." for (v). */
void vmx_vcpu_print_exits(const struct vcpu *v);

/* The guest's task priority (CR8, 0-15), and setting it; either lives in
 * the virtual-APIC page (TPR shadow) or in (v) (CR8 exiting). The current
 * VMCS must be (v)'s. */
unsigned vmx_vcpu_tpr(struct vcpu *v);
void vmx_vcpu_set_tpr(struct vcpu *v, unsigned tpr);

/* The APIC's TPR (v->lapic) and the TPR shadow are one register: pull
 * copies VTPR into the APIC before mica reads it, push the APIC's into
 * VTPR after mica wrote it. Without a TPR shadow both do nothing. */
void vmx_vcpu_tpr_pull(struct vcpu *v);
void vmx_vcpu_tpr_push(struct vcpu *v);

/* Write (v)'s primary processor-based controls after changing
 * v->arch.procbased. (v)'s VMCS must be current. */
void vmx_vcpu_write_procbased(struct vcpu *v);

/* This CPU lets go of (v), before it goes to another CPU: the guest
 * state the CPU holds for it (CR2, its MSRs, FPU/SSE/AVX) saved into (v),
 * and its VMCS no longer this CPU's current one. Debug registers:
 * vmx_dr_release(). */
void vmx_vcpu_unload(struct vcpu *v);

/* VMCLEAR the VMCS and give its frame back. */
void vmx_vcpu_destroy(struct vcpu *v, struct frame_pool *pool);

#endif /* HV_VMX_VMX_VCPU_H */
