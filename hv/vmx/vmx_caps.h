/*
 * vmx_caps.h - what this CPU's VMX offers, as read once from the capability
 * MSRs at bring-up, with accessors that name the bits. Runs in VMX root;
 * also used on the host by unit tests, which fill the struct by hand.
 * SDM Vol. 3, App. A "VMX Capability Reporting Facility".
 */
#ifndef HV_VMX_VMX_CAPS_H
#define HV_VMX_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/msr.h"

/*
 * The capability MSRs as read from the CPU. When IA32_VMX_BASIC bit 55
 * (VMX_BASIC_TRUE_CTLS) is set, pinbased, procbased, exit and entry hold
 * the IA32_VMX_TRUE_* variants, which allow clearing some "default1"
 * controls; otherwise the plain MSRs. An MSR the CPU does not have reads
 * as 0 here: procbased2 exists only when procbased allows
 * PROCBASED_SECONDARY_CONTROLS, ept_vpid_cap only when procbased2 allows
 * EPT or VPID, vmfunc only when procbased2 allows VM functions.
 */
struct vmx_caps {
	uint64_t basic;         /* IA32_VMX_BASIC */
	uint64_t pinbased;      /* IA32_VMX_[TRUE_]PINBASED_CTLS */
	uint64_t procbased;     /* IA32_VMX_[TRUE_]PROCBASED_CTLS */
	uint64_t procbased2;    /* IA32_VMX_PROCBASED_CTLS2 */
	uint64_t exit;          /* IA32_VMX_[TRUE_]EXIT_CTLS */
	uint64_t entry;         /* IA32_VMX_[TRUE_]ENTRY_CTLS */
	uint64_t misc;          /* IA32_VMX_MISC */
	uint64_t cr0_fixed0;    /* IA32_VMX_CR0_FIXED0: CR0 bits that must be 1 */
	uint64_t cr0_fixed1;    /* IA32_VMX_CR0_FIXED1: CR0 bits that may be 1 */
	uint64_t cr4_fixed0;    /* IA32_VMX_CR4_FIXED0 */
	uint64_t cr4_fixed1;    /* IA32_VMX_CR4_FIXED1 */
	uint64_t ept_vpid_cap;  /* IA32_VMX_EPT_VPID_CAP */
	uint64_t vmfunc;        /* IA32_VMX_VMFUNC: VM functions that may be enabled */
	uint8_t maxphyaddr;     /* CPUID.80000008H:EAX[7:0]: physical-address width */
};

/*
 * A control MSR (pinbased ... entry, procbased2): bits 31:0 are the
 * allowed 0-settings, so a 1 there means the control must be 1; bits 63:32
 * are the allowed 1-settings, so a 0 there means the control must be 0
 * (SDM Vol. 3, App. A "VM-Execution Controls").
 */
static inline uint32_t vmx_ctl_allowed0(uint64_t ctl_msr) { return (uint32_t)ctl_msr; }
static inline uint32_t vmx_ctl_allowed1(uint64_t ctl_msr) { return (uint32_t)(ctl_msr >> 32); }

/* True if the control bits (bits) may all be set per (ctl_msr). */
static inline bool vmx_ctl_may_set(uint64_t ctl_msr, uint32_t bits)
{
	return (vmx_ctl_allowed1(ctl_msr) & bits) == bits;
}

/* IA32_VMX_BASIC (SDM Vol. 3, App. A "Basic VMX Information"). */
static inline uint32_t vmx_caps_vmcs_revision(const struct vmx_caps *c)
{
	return (uint32_t)(c->basic & VMX_BASIC_REVISION_MASK);
}
static inline uint32_t vmx_caps_vmcs_size(const struct vmx_caps *c)
{
	return (uint32_t)((c->basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & VMX_BASIC_VMCS_SIZE_MASK);
}
static inline bool vmx_caps_true_ctls(const struct vmx_caps *c) { return c->basic & VMX_BASIC_TRUE_CTLS; }

/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3, App. A "VPID and EPT Capabilities"). */
static inline bool vmx_caps_ept_execute_only(const struct vmx_caps *c) { return c->ept_vpid_cap & VMX_EPT_EXECUTE_ONLY; }
static inline bool vmx_caps_ept_walk4(const struct vmx_caps *c) { return c->ept_vpid_cap & VMX_EPT_PAGE_WALK_4; }
static inline bool vmx_caps_ept_wb(const struct vmx_caps *c) { return c->ept_vpid_cap & VMX_EPT_MEMTYPE_WB; }
static inline bool vmx_caps_ept_2mb(const struct vmx_caps *c) { return c->ept_vpid_cap & VMX_EPT_2MB_PAGE; }
static inline bool vmx_caps_ept_1gb(const struct vmx_caps *c) { return c->ept_vpid_cap & VMX_EPT_1GB_PAGE; }
static inline bool vmx_caps_ept_ad(const struct vmx_caps *c) { return c->ept_vpid_cap & VMX_EPT_AD; }
static inline bool vmx_caps_invept_single(const struct vmx_caps *c)
{
	return (c->ept_vpid_cap & (VMX_EPT_INVEPT | VMX_EPT_INVEPT_SINGLE_CONTEXT)) ==
	       (VMX_EPT_INVEPT | VMX_EPT_INVEPT_SINGLE_CONTEXT);
}
static inline bool vmx_caps_invept_all(const struct vmx_caps *c)
{
	return (c->ept_vpid_cap & (VMX_EPT_INVEPT | VMX_EPT_INVEPT_ALL_CONTEXT)) ==
	       (VMX_EPT_INVEPT | VMX_EPT_INVEPT_ALL_CONTEXT);
}

/* IA32_VMX_MISC (SDM Vol. 3, App. A "Miscellaneous Data"). */

/* The VMX-preemption timer counts down once every 2^rate TSC ticks. */
static inline unsigned vmx_caps_preemption_timer_rate(const struct vmx_caps *c)
{
	return (unsigned)(c->misc & VMX_MISC_PREEMPTION_TIMER_RATE);
}

/* VM exits store EFER.LMA into the "IA-32e mode guest" entry control. Set on
 * every CPU that offers unrestricted guest. */
static inline bool vmx_caps_stores_lma(const struct vmx_caps *c) { return c->misc & VMX_MISC_STORE_LMA; }

/* VM entry accepts activity state (state), an ACTIVITY_STATE_* of
 * hv/vmx/vmcs.h: active always; HLT, shutdown and wait-for-SIPI (1-3) if
 * their bit among bits 8:6 is set. */
static inline bool vmx_caps_activity_supported(const struct vmx_caps *c, uint32_t state)
{
	if (state == 0)
		return true;
	return state <= 3 && (c->misc & (VMX_MISC_ACTIVITY_HLT << (state - 1)));
}

/* Number of CR3-target values the CPU supports (4 on every CPU so far). */
static inline unsigned vmx_caps_cr3_targets(const struct vmx_caps *c)
{
	return (unsigned)((c->misc >> VMX_MISC_CR3_TARGETS_SHIFT) & VMX_MISC_CR3_TARGETS_MASK);
}

/* Software interrupts and exceptions may be injected with instruction
 * length 0. */
static inline bool vmx_caps_zero_len_injection(const struct vmx_caps *c)
{
	return c->misc & VMX_MISC_ZERO_LEN_INJECTION;
}

#endif /* HV_VMX_VMX_CAPS_H */
