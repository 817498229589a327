/*
 * vmx.c - VT-x capability discovery and control negotiation on the boot
 * CPU; VMXON on it and on every other CPU.
 *
 * Runs in 64-bit ring 0 at boot. SDM Vol. 3, "Discovering Support for VMX",
 * "Enabling and Entering VMX Operation", "VMX Capability MSRs".
 */
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_error.h"
#include "hv/vmx/vmx_insn.h"
#include "hv/vmx/vmx_negotiate.h"
#include "lib/console.h"
#include "lib/cpuid.h"
#include "lib/fmt.h"
#include "lib/frame.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"


struct vmx_cpu vmx;

/*
 * The controls mica wants, as named sets. What each one is for:
 * - external interrupts exit, acknowledged by the exit, so a host device
 *   never reaches a guest's IDT and mica serves it (hv/vmx/vmexit_intr.c);
 *   NMIs exit too, with virtual NMIs, so that an NMI mica owes a guest can
 *   wait for an NMI window;
 * - the VMX-preemption timer brings mica back at a guest's next timer
 *   tick, to inject it, and ends its slice: without it, a guest that never
 *   exits would keep the CPU for good;
 * - DR7 and DEBUGCTL are the guest's, saved and loaded with it; MOV DR
 *   exits until the guest first uses DR0-DR3/DR6 (hv/vmx/vmexit_dr.c);
 * - MOV CR8 works on a virtual-APIC page (TPR shadow), or exits where the
 *   CPU has none: the real task priority stays mica's;
 * - HLT, all I/O, all MSRs (no bitmap), MWAIT/MONITOR, WBINVD and RDPMC
 *   exit, so mica sees every access to a device or to machine state;
 * - a guest's accesses to its local APIC's page exit as APIC accesses
 *   where the CPU can virtualize them (hv/vmx/apic_access.c), else as EPT
 *   violations; both are emulated alike (hv/vmx/vmexit_mmio.c);
 * - EPT with unrestricted guest, so a guest starts in 32-bit protected mode
 *   with paging off, exactly as GRUB leaves it;
 * - CR3 exiting is forbidden: under EPT the guest owns its page tables.
 */
static const struct vmx_ctl pinbased_wanted[] = {
	VMX_CTL(PINBASED_EXTINT_EXITING, REQUIRED),
	VMX_CTL(PINBASED_NMI_EXITING, REQUIRED),
	VMX_CTL(PINBASED_VIRTUAL_NMIS, REQUIRED),
	VMX_CTL(PINBASED_PREEMPTION_TIMER, REQUIRED),
};

static const struct vmx_ctl procbased_wanted[] = {
	VMX_CTL(PROCBASED_HLT_EXITING, REQUIRED),
	VMX_CTL(PROCBASED_UNCOND_IO_EXITING, REQUIRED),
	VMX_CTL(PROCBASED_MWAIT_EXITING, REQUIRED),
	VMX_CTL(PROCBASED_MONITOR_EXITING, REQUIRED),
	VMX_CTL(PROCBASED_RDPMC_EXITING, OPTIONAL),
	VMX_CTL(PROCBASED_TSC_OFFSETTING, OPTIONAL),
	VMX_CTL(PROCBASED_MOV_DR_EXITING, REQUIRED),
	VMX_CTL(PROCBASED_USE_TPR_SHADOW, OPTIONAL),
	VMX_CTL(PROCBASED_SECONDARY_CONTROLS, REQUIRED),
	VMX_CTL(PROCBASED_CR3_LOAD_EXITING, FORBIDDEN),
	VMX_CTL(PROCBASED_CR3_STORE_EXITING, FORBIDDEN),
	VMX_CTL(PROCBASED_USE_MSR_BITMAPS, FORBIDDEN),
	VMX_CTL(PROCBASED_USE_IO_BITMAPS, FORBIDDEN),
	VMX_CTL(PROCBASED_TSC_OFFSETTING, FORBIDDEN),
	VMX_CTL(PROCBASED_RDTSC_EXITING, FORBIDDEN),
};

/* Without a TPR shadow, MOV CR8 must exit, or the guest would write the
 * real task-priority register. */
static const struct vmx_ctl procbased_cr8_wanted[] = {
	VMX_CTL(PROCBASED_CR8_LOAD_EXITING, REQUIRED),
	VMX_CTL(PROCBASED_CR8_STORE_EXITING, REQUIRED),
};

static const struct vmx_ctl procbased2_wanted[] = {
	VMX_CTL(PROCBASED2_ENABLE_EPT, REQUIRED),
	VMX_CTL(PROCBASED2_UNRESTRICTED_GUEST, REQUIRED),
	VMX_CTL(PROCBASED2_ENABLE_VPID, OPTIONAL),
	VMX_CTL(PROCBASED2_WBINVD_EXITING, OPTIONAL),
	VMX_CTL(PROCBASED2_ENABLE_RDTSCP, OPTIONAL),
	VMX_CTL(PROCBASED2_VIRTUALIZE_APIC, OPTIONAL),
};

static const struct vmx_ctl exit_wanted[] = {
	VMX_CTL(VM_EXIT_HOST_ADDR_SPACE_SIZE, REQUIRED),
	VMX_CTL(VM_EXIT_SAVE_EFER, REQUIRED),
	VMX_CTL(VM_EXIT_LOAD_EFER, REQUIRED),
	VMX_CTL(VM_EXIT_SAVE_PAT, REQUIRED),
	VMX_CTL(VM_EXIT_LOAD_PAT, REQUIRED),
	VMX_CTL(VM_EXIT_SAVE_PREEMPTION_TIMER, OPTIONAL),
	VMX_CTL(VM_EXIT_SAVE_DEBUG_CONTROLS, REQUIRED),
	VMX_CTL(VM_EXIT_ACK_INTR_ON_EXIT, REQUIRED),
};

static const struct vmx_ctl entry_wanted[] = {
	VMX_CTL(VM_ENTRY_LOAD_EFER, REQUIRED),
	VMX_CTL(VM_ENTRY_LOAD_PAT, REQUIRED),
	VMX_CTL(VM_ENTRY_LOAD_DEBUG_CONTROLS, REQUIRED),
	VMX_CTL(VM_ENTRY_IA32E_MODE_GUEST, FORBIDDEN),
	VMX_CTL(VM_ENTRY_ENTRY_TO_SMM, FORBIDDEN),
};

#define NEGOTIATE(what, msr, set, out) \
	vmx_negotiate(what, msr, set, sizeof(set) / sizeof(set[0]), out, err, sizeof(err))

static void unavailable(const char *why)
{
	klog("VT-x is not available: %s\n", why);
}

/* IA32_FEATURE_CONTROL: firmware may have locked VMX off; if it left the
 * MSR unlocked, enable VMX outside SMX and lock it, as firmware would.
 * Returns 0, or -1 with one line in (err). */
static int feature_control(char *err, size_t errlen)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCK)) {
		fc |= FEATURE_CONTROL_VMXON_OUTSIDE_SMX | FEATURE_CONTROL_LOCK;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	}
	if (!(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		fmt_snprintf(err, errlen, "the firmware locked VMX off "
			     "(IA32_FEATURE_CONTROL = 0x%lx); enable Intel Virtualization "
			     "Technology in the firmware setup", (unsigned long)fc);
		return -1;
	}
	return 0;
}

static void read_caps(struct vmx_caps *c)
{
	bool true_ctls;

	memset(c, 0, sizeof(*c));
	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	c->pinbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	c->procbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	c->entry = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* The secondary controls MSR exists only if the primary controls
	 * can activate them; EPT/VPID capabilities only if either exists. */
	if ((c->procbased >> 32) & PROCBASED_SECONDARY_CONTROLS)
		c->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if ((c->procbased2 >> 32) & (PROCBASED2_ENABLE_EPT | PROCBASED2_ENABLE_VPID))
		c->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	c->maxphyaddr = cpuid(0x80000008, 0).eax & 0xff;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

int vmx_probe(void)
{
	struct vmx_caps *c = &vmx.caps;
	char err[160];

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX)) {
		unavailable("this CPU does not report VMX (CPUID.1:ECX.VMX[bit 5] = 0); "
			    "under QEMU use KVM with nested VT-x, or Bochs");
		return -1;
	}
	if (feature_control(err, sizeof(err))) {
		unavailable(err);
		return -1;
	}
	read_caps(c);

	klog("VT-x: VMCS revision 0x%x, EPT %s, VPID %s, unrestricted guest %s, "
	     "preemption timer %s, EPT 2M pages %s, 1G pages %s, APIC-access page %s\n",
	     vmx_caps_vmcs_revision(c),
	     yn((c->procbased2 >> 32) & PROCBASED2_ENABLE_EPT),
	     yn((c->procbased2 >> 32) & PROCBASED2_ENABLE_VPID),
	     yn((c->procbased2 >> 32) & PROCBASED2_UNRESTRICTED_GUEST),
	     yn((c->pinbased >> 32) & PINBASED_PREEMPTION_TIMER),
	     yn(c->ept_vpid_cap & VMX_EPT_2MB_PAGE), yn(c->ept_vpid_cap & VMX_EPT_1GB_PAGE),
	     yn((c->procbased2 >> 32) & PROCBASED2_VIRTUALIZE_APIC));

	if (NEGOTIATE("pin-based controls", c->pinbased, pinbased_wanted, &vmx.pinbased) ||
	    NEGOTIATE("processor-based controls", c->procbased, procbased_wanted, &vmx.procbased) ||
	    NEGOTIATE("secondary processor-based controls", c->procbased2, procbased2_wanted,
		      &vmx.procbased2) ||
	    NEGOTIATE("VM-exit controls", c->exit, exit_wanted, &vmx.exit) ||
	    NEGOTIATE("VM-entry controls", c->entry, entry_wanted, &vmx.entry)) {
		unavailable(err);
		return -1;
	}
	vmx.tpr_shadow = vmx.procbased & PROCBASED_USE_TPR_SHADOW;
	if (!vmx.tpr_shadow) {
		uint32_t cr8;

		if (NEGOTIATE("processor-based controls", c->procbased, procbased_cr8_wanted, &cr8)) {
			unavailable(err);
			return -1;
		}
		vmx.procbased |= cr8;
	}
	vmx.ins_outs_info = c->basic & VMX_BASIC_INS_OUTS_INFO;
	if (!(c->ept_vpid_cap & VMX_EPT_PAGE_WALK_4) || !(c->ept_vpid_cap & VMX_EPT_MEMTYPE_WB)) {
		unavailable("EPT lacks 4-level walks or write-back paging structures "
			    "(IA32_VMX_EPT_VPID_CAP bits 6, 14)");
		return -1;
	}
	if (!vmx_caps_invept_single(c) && !vmx_caps_invept_all(c)) {
		unavailable("the CPU has no INVEPT (IA32_VMX_EPT_VPID_CAP bits 20, 25, 26): "
			    "mica could not drop a VM's translations when it goes");
		return -1;
	}
	vmx.ept_2m = c->ept_vpid_cap & VMX_EPT_2MB_PAGE;
	vmx.vpid = vmx.procbased2 & PROCBASED2_ENABLE_VPID;
	vmx.preemption_timer = vmx.pinbased & PINBASED_PREEMPTION_TIMER;
	vmx.timer_saved = vmx.exit & VM_EXIT_SAVE_PREEMPTION_TIMER;
	vmx.timer_rate = vmx_caps_preemption_timer_rate(c);
	return 0;
}

/*
 * This CPU into VMX root operation on (region), a zeroed frame: CR0 and
 * CR4 to the fixed bits, then VMXON. Returns 0, or -1 with one line in
 * (err). SDM Vol. 3, "Enabling and Entering VMX Operation".
 */
static int enter_vmx(hpa_t region, char *err, size_t errlen)
{
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();
	enum vm_result r;

	*(uint32_t *)hpa_to_hva(region) = vmx_caps_vmcs_revision(&vmx.caps);
	/* SDM Vol. 3, "VMX-Fixed Bits in CR0" and "in CR4": bits set in
	 * FIXED0 must be 1, bits clear in FIXED1 must be 0, in VMX operation. */
	cr0 = (cr0 | vmx.caps.cr0_fixed0) & vmx.caps.cr0_fixed1;
	cr4 = (cr4 | vmx.caps.cr4_fixed0 | CR4_VMXE) & vmx.caps.cr4_fixed1;
	/* FXSAVE/XSAVE, which mica runs to switch guests' FPU state, need
	 * CR4.OSFXSR to include the SSE registers; XSETBV needs CR4.OSXSAVE. */
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	write_cr0(cr0);
	write_cr4(cr4);

	r = vmxon(region);
	if (r != VM_SUCCESS) {
		fmt_snprintf(err, errlen, "VMXON failed (%s): CR0 0x%lx CR4 0x%lx, region 0x%lx",
			     r == VM_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid",
			     (unsigned long)cr0, (unsigned long)cr4, (unsigned long)region);
		return -1;
	}
	return 0;
}

int vmx_on(struct frame_pool *pool)
{
	char err[160];

	vmx.vmxon_region = frame_alloc(pool);
	if (!vmx.vmxon_region) {
		klog("VMXON: no memory for the VMXON region\n");
		return -1;
	}
	memset(hpa_to_hva(vmx.vmxon_region), 0, FRAME_SIZE);
	vmx.xsave = cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE;
	if (enter_vmx(vmx.vmxon_region, err, sizeof(err))) {
		klog("%s\n", err);
		return -1;
	}
	klog("VT-x: VMXON done; controls pin 0x%x proc 0x%x proc2 0x%x exit 0x%x entry 0x%x\n",
	     vmx.pinbased, vmx.procbased, vmx.procbased2, vmx.exit, vmx.entry);
	return 0;
}

int vmx_on_cpu(hpa_t region, uint64_t *vmcs_ptr, char *err, size_t errlen)
{
	struct vmx_caps mine;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX)) {
		fmt_snprintf(err, errlen, "this CPU does not report VMX");
		return -1;
	}
	if (feature_control(err, errlen))
		return -1;
	/* mica negotiated its controls once, on the boot CPU: a CPU that
	 * offers other capabilities could fail an entry the boot CPU passes. */
	read_caps(&mine);
	if (memcmp(&mine, &vmx.caps, sizeof(mine)) != 0) {
		fmt_snprintf(err, errlen, "its VMX capability MSRs differ from the boot CPU's");
		return -1;
	}
	if (((cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE) != 0) != vmx.xsave) {
		fmt_snprintf(err, errlen, "its XSAVE support differs from the boot CPU's");
		return -1;
	}
	if (enter_vmx(region, err, errlen))
		return -1;
	/* In VMX operation VMPTRST works (outside it, #UD): no VMCS is
	 * current yet, so it stores all ones. */
	vmptrst(vmcs_ptr);
	return 0;
}

void vmx_print_insn_error(const char *insn)
{
	uint64_t n = 0;

	vmread(VMCS_INSTRUCTION_ERROR, &n);
	klog("%s failed: VM-instruction error %lu: %s\n", insn, (unsigned long)n,
	     vmx_insn_error_name((uint32_t)n));
}

void vmx_invept(uint64_t eptp)
{
	if (vmx_caps_invept_single(&vmx.caps))
		invept(INVEPT_SINGLE_CONTEXT, eptp);
	else
		invept(INVEPT_ALL_CONTEXT, 0);
}
