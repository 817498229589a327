/*
 * vmexit.h - handling of one VM exit (hv/vmx/vmexit.c).
 */
#ifndef HV_VMX_VMEXIT_H
#define HV_VMX_VMEXIT_H

#include <stdint.h>
#include "hv/vmx/vmx_exit_reasons.h"

struct vcpu;

/* Handle the VM exit of (v) whose basic reason is (reason): count it, run
 * its handler, skip the instruction when the handler is done with it. An
 * exit without a handler dumps the VMCS and stops that VM only. */
void vmexit_dispatch(struct vcpu *v, uint32_t reason);

/* Short name of a basic exit reason ("ept-violation"), from the table. */
const char *vmexit_name(uint32_t reason);

#endif /* HV_VMX_VMEXIT_H */
