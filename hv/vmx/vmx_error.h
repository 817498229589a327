/*
 * vmx_error.h - the VM-instruction error numbers a VMX instruction leaves
 * in VMCS_INSTRUCTION_ERROR when it fails with VM_FAIL_VALID (CF=0, ZF=1),
 * and their names for error messages. Runs in VMX root.
 * SDM Vol. 3, "VM Instruction Error Numbers".
 */
#ifndef HV_VMX_VMX_ERROR_H
#define HV_VMX_VMX_ERROR_H

#include <stdint.h>

/* SDM Vol. 3, table "VM-Instruction Error Numbers". 14, 21 and 27 are
 * reserved. */
enum vmx_insn_error {
	VMXERR_VMCALL_IN_VMX_ROOT               = 1,
	VMXERR_VMCLEAR_INVALID_ADDRESS          = 2,
	VMXERR_VMCLEAR_VMXON_POINTER            = 3,
	VMXERR_VMLAUNCH_NONCLEAR_VMCS           = 4,
	VMXERR_VMRESUME_NONLAUNCHED_VMCS        = 5,
	VMXERR_VMRESUME_AFTER_VMXOFF            = 6,
	VMXERR_ENTRY_INVALID_CONTROL_FIELD      = 7,
	VMXERR_ENTRY_INVALID_HOST_STATE_FIELD   = 8,
	VMXERR_VMPTRLD_INVALID_ADDRESS          = 9,
	VMXERR_VMPTRLD_VMXON_POINTER            = 10,
	VMXERR_VMPTRLD_INCORRECT_REVISION       = 11,
	VMXERR_UNSUPPORTED_VMCS_COMPONENT       = 12,
	VMXERR_VMWRITE_READ_ONLY_COMPONENT      = 13,
	VMXERR_VMXON_IN_VMX_ROOT                = 15,
	VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS     = 16,
	VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS = 17,
	VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON   = 18,
	VMXERR_VMCALL_NONCLEAR_VMCS             = 19,
	VMXERR_VMCALL_INVALID_EXIT_CONTROLS     = 20,
	VMXERR_VMCALL_INCORRECT_MSEG_REVISION   = 22,
	VMXERR_VMXOFF_DUAL_MONITOR              = 23,
	VMXERR_VMCALL_INVALID_SMM_FEATURES      = 24,
	VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROLS = 25,
	VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS   = 26,
	VMXERR_INVALID_INVEPT_INVVPID_OPERAND   = 28,
	VMXERR_MAX                                      /* one past the last */
};

/*
 * The name of VM-instruction error (n), as the SDM table words it, e.g.
 * 8 -> "VM entry with invalid host-state field(s)"; "unknown
 * VM-instruction error" for 0, the reserved numbers and anything above 28.
 * Never NULL. Caller: whoever reports a VM_FAIL_VALID.
 */
const char *vmx_insn_error_name(uint32_t n);

#endif /* HV_VMX_VMX_ERROR_H */
