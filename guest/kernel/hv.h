/*
 * hv.h - the guest kernel's side of mica: detection by CPUID and the
 * hypercalls it then prefers (hv/include/hvabi.h, docs/hypercalls.md).
 */
#ifndef GUEST_KERNEL_HV_H
#define GUEST_KERNEL_HV_H

#include <stdbool.h>
#include <stddef.h>

/* True when CPUID says a hypervisor is present and it signs "MicaMicaMica". */
bool hv_detect(void);

/* VMCALL hypercall (nr) with arguments (a0) in RDI and (a1) in RSI
 * (hv/include/hvabi.h); returns RAX. Only under mica: elsewhere #UD. */
long hv_call(long nr, long a0, long a1);
/* The same with a third argument (RDX). */
long hv_call3(long nr, long a0, long a1, long a2);

/* Under mica: one HC_CONSOLE_WRITE of up to (len) bytes of (buf). Returns
 * how many mica took: fewer than asked, or 0 while its console is busy
 * (write the rest again later). With (wait), a call that finds the VM's
 * console queue full keeps the VM off the CPU until it drained; without,
 * it returns at once (HC_CONSOLE_NOWAIT), so other processes run. A call mica refuses sends up to 16 bytes
 * through the VM's UART instead, so no byte is ever dropped. */
size_t hv_console_try(const char *buf, size_t len, bool wait);

/* Under mica: send the console through HC_CONSOLE_WRITE (one exit per
 * line instead of one per byte) and end runs with HC_EXIT. */
void hv_use_hypercalls(void);

#endif /* GUEST_KERNEL_HV_H */
