/*
 * vmx.h - VT-x on the boot CPU: capability discovery, control negotiation,
 * VMXON. SDM Vol. 3, "Introduction to Virtual Machine Extensions",
 * "Discovering Support for VMX", "Enabling and Entering VMX Operation".
 */
#ifndef HV_VMX_VMX_H
#define HV_VMX_VMX_H

/*
 * Check that this CPU can run mica's guests: VMX present and not locked off
 * by firmware, EPT and unrestricted guest offered. Prints one line of what
 * the CPU offers, or one line saying why VT-x is not available.
 * Returns 0 when usable, -1 otherwise.
 */
int vmx_probe(void);

#endif /* HV_VMX_VMX_H */
