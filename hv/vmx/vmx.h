/*
 * vmx.h - VT-x on the boot CPU: capability discovery, control negotiation,
 * VMXON. SDM Vol. 3, "Introduction to Virtual Machine Extensions",
 * "Discovering Support for VMX", "Enabling and Entering VMX Operation".
 */
#ifndef HV_VMX_VMX_H
#define HV_VMX_VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/types.h"
#include "hv/vmx/vmx_caps.h"

struct frame_pool;

/* What the CPU offers and what mica chose, filled by vmx_probe(). */
struct vmx_cpu {
	struct vmx_caps caps;
	uint32_t pinbased, procbased, procbased2, exit, entry; /* negotiated */
	bool ept_2m;            /* 2 MiB EPT pages */
	bool vpid;              /* VPIDs tag the guests' TLB entries */
	bool xsave;             /* host CR4.OSXSAVE set, so XSETBV works */
	bool tpr_shadow;        /* MOV CR8 works on a virtual-APIC page; else it exits */
	bool ins_outs_info;     /* exits give INS/OUTS address size and segment */
	bool preemption_timer;  /* the VMX-preemption timer is on */
	bool timer_saved;       /* ... and VM exits save what is left of it */
	unsigned timer_rate;    /* it counts once every 2^rate TSC ticks */
	hpa_t vmxon_region;
};

extern struct vmx_cpu vmx;

/*
 * Check that this CPU can run mica's guests: VMX present and not locked off
 * by firmware, EPT with write-back 4-level walks, unrestricted guest.
 * Negotiates the controls into (vmx). Prints one line of what the CPU
 * offers, or one line saying why VT-x is not available.
 * Returns 0 when usable, -1 otherwise.
 */
int vmx_probe(void);

/*
 * Enter VMX root operation: CR0 and CR4 to the fixed bits, CR4.VMXE, then
 * VMXON on a region from (pool). Call after vmx_probe() succeeded.
 * Returns 0, or -1 after one line naming the failure.
 */
int vmx_on(struct frame_pool *pool);

/*
 * Enter VMX root operation on a CPU other than the boot CPU, after the
 * boot CPU's vmx_probe() and vmx_on() succeeded: the same checks (VMX in
 * CPUID, IA32_FEATURE_CONTROL; capability MSRs and XSAVE as the boot
 * CPU's, for which the controls were negotiated), then VMXON on (region),
 * a zeroed frame of this CPU's, and VMPTRST into (*vmcs_ptr), which only
 * VMX operation allows (all ones: no current VMCS). Prints nothing:
 * returns 0, or -1 with one line in (err). Called on that CPU.
 */
int vmx_on_cpu(hpa_t region, uint64_t *vmcs_ptr, char *err, size_t errlen);

/* Drop this CPU's translations derived from the EPT of (eptp): INVEPT
 * single-context where the CPU has it, else all-context. SDM Vol. 3,
 * "Invalidating Cached Translation Information". */
void vmx_invept(uint64_t eptp);

/* Name of a VM-instruction error number (SDM "VM-Instruction Error
 * Numbers") read from the current VMCS, with the number: for messages. */
void vmx_print_insn_error(const char *insn);

#endif /* HV_VMX_VMX_H */
