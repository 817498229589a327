/*
 * vmcs_names.h - names for VMCS fields and control bits, as spelled in
 * hv/vmx/vmcs.h and hv/vmx/vmx_controls.h, so that an error message names
 * the field or bit a student can grep for. Runs in VMX root; also built on
 * the host by the unit tests.
 */
#ifndef HV_VMX_VMCS_NAMES_H
#define HV_VMX_VMCS_NAMES_H

#include <stdint.h>

/*
 * The name of the VMCS field whose encoding is (field), e.g. 0x681e ->
 * "VMCS_GUEST_RIP"; "unknown VMCS field" for an encoding not in
 * hv/vmx/vmcs.h, including the "high" halves of 64-bit fields. Never NULL.
 */
const char *vmcs_field_name(uint32_t field);

/*
 * The name of bit (bit) of the control field (field), one of
 * VMCS_PIN_BASED_CTLS, VMCS_PRI_PROC_BASED_CTLS, VMCS_SEC_PROC_BASED_CTLS,
 * VMCS_EXIT_CTLS and VMCS_ENTRY_CTLS, e.g. (VMCS_PRI_PROC_BASED_CTLS, 7) ->
 * "PROCBASED_HLT_EXITING". NULL for a reserved bit or another field.
 * Callers: control negotiation and vmx_check_state() name the bit a CPU
 * refuses.
 */
const char *vmcs_control_bit_name(uint32_t field, unsigned bit);

#endif /* HV_VMX_VMCS_NAMES_H */
