/*
 * vmx_check.h - mica's own check of a VMCS before the first VM entry.
 * Bochs 2.7 accepts some guest states that real CPUs reject; mica runs
 * this check everywhere so that a state only Bochs would take fails on
 * Bochs too, with the broken rule named. Runs in VMX root; also on the
 * host in unit tests against a fake VMCS.
 * SDM Vol. 3, "Checks on VMX Controls and Host-State Area", "Checks on the
 * Guest State Area".
 */
#ifndef HV_VMX_VMX_CHECK_H
#define HV_VMX_VMX_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct vmx_caps;

/* Reads VMCS field (field), a full encoding from hv/vmx/vmcs.h, through
 * (ctx): vmread in mica, a table lookup in the unit tests. */
typedef uint64_t (*vmcs_read_fn)(void *ctx, uint32_t field);

/*
 * Check the VMCS that (rd)(ctx, field) reads against the VM-entry rules of
 * the SDM that apply to mica's configuration, with (caps) the CPU's VMX
 * capabilities. Returns 0 when every rule holds; otherwise the number of
 * rules broken, and (why), of (whylen) bytes, holds the first one as one
 * NUL-terminated line: area, rule, field and value, SDM section, e.g.
 *   guest-state: CR0.PG set without CR0.PE (VMCS_GUEST_CR0=0x80000011)
 *   [SDM Vol. 3 "Checks on Guest Control Registers, Debug Registers, and MSRs"]
 * (why) may be NULL when (whylen) is 0. Rules are checked in the SDM's
 * order: controls, host state, guest state.
 * Caller: the VCPU setup, after the last vmwrite and before VMLAUNCH.
 */
int vmx_check_state(const struct vmx_caps *caps, vmcs_read_fn rd, void *ctx,
		    char *why, size_t whylen);

/*
 * The rules an event to inject takes part in, alone: the VM-entry
 * interruption-information field and its error code and length, and the
 * guest's RFLAGS.IF, activity and interruptibility state against it.
 * Returns and fills (why) as vmx_check_state(). Caller: the entry path,
 * when mica injected an event into a VMCS whose other state passed
 * vmx_check_state() and changed since only through the guest's own
 * instructions (which the CPU keeps valid) or the CPU's exits.
 */
int vmx_check_event(const struct vmx_caps *caps, vmcs_read_fn rd, void *ctx,
		    char *why, size_t whylen);

#endif /* HV_VMX_VMX_CHECK_H */
