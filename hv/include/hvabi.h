/*
 * hvabi.h - the interface between mica and its guests: hypervisor
 * detection through CPUID and the hypercall numbers. The only hypervisor
 * header guest/ may include; self-contained C99. docs/hypercalls.md
 * explains each call. Numbers are never reused.
 */
#ifndef HV_INCLUDE_HVABI_H
#define HV_INCLUDE_HVABI_H

/*
 * Detection: CPUID.1:ECX bit 31 ("hypervisor present") is set, and CPUID
 * leaf 0x40000000 returns EAX = the highest hypervisor leaf and
 * EBX, ECX, EDX = the 12-byte signature "MicaMicaMica".
 * Leaf 0x40000001 returns EAX = HVABI_VERSION and EBX = the TSC's rate in
 * kHz, as mica measured it against the real PIT (a guest sharing the CPU
 * cannot calibrate reliably itself: other VMs run while it measures).
 */
#define HVABI_CPUID_BASE        0x40000000u
#define HVABI_CPUID_INFO        0x40000001u
#define HVABI_CPUID_MAX         HVABI_CPUID_INFO
#define HVABI_SIGNATURE         "MicaMicaMica"
#define HVABI_SIGNATURE_EBX     0x6163694du     /* "Mica" as little-endian */
#define HVABI_VERSION           1u

/*
 * Hypercalls: VMCALL with the number in RAX and arguments in RDI, RSI, RDX,
 * R10 (as Linux passes syscall arguments); the result comes back in RAX,
 * negative errno-style on failure. Other registers are preserved.
 */
#define HC_CONSOLE_WRITE        1   /* (gpa buf, len) -> bytes written */
#define HC_EXIT                 2   /* (code) -> does not return */
#define HC_INFO                 3   /* (gpa struct hvabi_info *) -> 0 */
#define HC_NULL                 4   /* () -> 0: measures a round trip */
#define HC_STEAL_CLOCK          5   /* (gpa of a u64, 8-aligned; 0: none) -> 0:
				       the steal clock, below */

/*
 * The steal clock: once a guest gives mica the address of an 8-byte
 * counter with HC_STEAL_CLOCK, mica adds to it, before each turn of the
 * VM on the CPU, the TSC ticks since its last turn ended: the time other
 * VMs (and mica for them) had the CPU. A guest subtracts it from TSC
 * intervals to know its own CPU time, as Linux's steal time does under KVM.
 * The counter only grows; mica writes it whole while the VM is stopped.
 */

/* Results. */
#define HC_OK                   0
#define HC_EINVAL               (-22)   /* bad argument */
#define HC_EFAULT               (-14)   /* pointer outside guest RAM */
#define HC_ENOSYS               (-38)   /* no such hypercall */

#define HC_CONSOLE_MAX          4096    /* bytes accepted per HC_CONSOLE_WRITE */
/* HC_CONSOLE_WRITE's flags (its third argument, RDX). By default a call
 * that finds the VM's console queue full takes the VM off the CPU until
 * the queue drained, as a slow UART holds back a single-threaded kernel;
 * with HC_CONSOLE_NOWAIT it returns 0 at once, for a kernel that has
 * other work to run meanwhile (the container host). */
#define HC_CONSOLE_NOWAIT       1

/* What HC_INFO writes into guest memory. */
struct hvabi_info {
	unsigned int version;           /* HVABI_VERSION */
	unsigned int vm_id;             /* 1, 2, ... in creation order */
	unsigned long long mem_bytes;   /* guest RAM size */
	char name[32];                  /* the VM's name, NUL-terminated */
	unsigned int restarts;          /* times mica rebuilt this VM after a stop */
	unsigned int reserved;
};
/* The layout docs/hypercalls.md gives, offsets included: an ABI, fixed. */
_Static_assert(sizeof(struct hvabi_info) == 56 &&
	       __builtin_offsetof(struct hvabi_info, mem_bytes) == 8 &&
	       __builtin_offsetof(struct hvabi_info, name) == 16 &&
	       __builtin_offsetof(struct hvabi_info, restarts) == 48,
	       "struct hvabi_info is 56 bytes, laid out as docs/hypercalls.md says");

#endif /* HV_INCLUDE_HVABI_H */
