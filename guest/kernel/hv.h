/*
 * hv.h - the guest kernel's side of mica: detection by CPUID and the
 * hypercalls it then prefers (hv/include/hvabi.h, docs/hypercalls.md).
 */
#ifndef GUEST_KERNEL_HV_H
#define GUEST_KERNEL_HV_H

#include <stdbool.h>

/* True when CPUID says a hypervisor is present and it signs "MicaMicaMica". */
bool hv_detect(void);

/* Under mica: send the console through HC_CONSOLE_WRITE (one exit per
 * line instead of one per byte) and end runs with HC_EXIT. */
void hv_use_hypercalls(void);

#endif /* GUEST_KERNEL_HV_H */
