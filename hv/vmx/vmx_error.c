/*
 * vmx_error.c - names of the VM-instruction error numbers, for the one line
 * mica prints when a VMX instruction fails. Runs in VMX root; also built
 * on the host by the unit tests.
 * SDM Vol. 3, "VM Instruction Error Numbers".
 */
#include <stddef.h>

#include "hv/vmx/vmx_error.h"

/* One table, indexed by the error number: the SDM's own wording, shortened
 * only where it runs past one line. */
static const char *const insn_error_names[VMXERR_MAX] = {
	[VMXERR_VMCALL_IN_VMX_ROOT]               = "VMCALL executed in VMX root operation",
	[VMXERR_VMCLEAR_INVALID_ADDRESS]          = "VMCLEAR with invalid physical address",
	[VMXERR_VMCLEAR_VMXON_POINTER]            = "VMCLEAR with VMXON pointer",
	[VMXERR_VMLAUNCH_NONCLEAR_VMCS]           = "VMLAUNCH with non-clear VMCS",
	[VMXERR_VMRESUME_NONLAUNCHED_VMCS]        = "VMRESUME with non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF]            = "VMRESUME after VMXOFF",
	[VMXERR_ENTRY_INVALID_CONTROL_FIELD]      = "VM entry with invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE_FIELD]   = "VM entry with invalid host-state field(s)",
	[VMXERR_VMPTRLD_INVALID_ADDRESS]          = "VMPTRLD with invalid physical address",
	[VMXERR_VMPTRLD_VMXON_POINTER]            = "VMPTRLD with VMXON pointer",
	[VMXERR_VMPTRLD_INCORRECT_REVISION]       = "VMPTRLD with incorrect VMCS revision identifier",
	[VMXERR_UNSUPPORTED_VMCS_COMPONENT]       = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[VMXERR_VMWRITE_READ_ONLY_COMPONENT]      = "VMWRITE to read-only VMCS component",
	[VMXERR_VMXON_IN_VMX_ROOT]                = "VMXON executed in VMX root operation",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS]     = "VM entry with invalid executive-VMCS pointer",
	[VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS] = "VM entry with non-launched executive VMCS",
	[VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON]   = "VM entry with executive-VMCS pointer not VMXON pointer",
	[VMXERR_VMCALL_NONCLEAR_VMCS]             = "VMCALL with non-clear VMCS",
	[VMXERR_VMCALL_INVALID_EXIT_CONTROLS]     = "VMCALL with invalid VM-exit control fields",
	[VMXERR_VMCALL_INCORRECT_MSEG_REVISION]   = "VMCALL with incorrect MSEG revision identifier",
	[VMXERR_VMXOFF_DUAL_MONITOR]              = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[VMXERR_VMCALL_INVALID_SMM_FEATURES]      = "VMCALL with invalid SMM-monitor features",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROLS] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS]   = "VM entry with events blocked by MOV SS",
	[VMXERR_INVALID_INVEPT_INVVPID_OPERAND]   = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(uint32_t n)
{
	if (n >= VMXERR_MAX || insn_error_names[n] == NULL)
		return "unknown VM-instruction error";
	return insn_error_names[n];
}
