/*
 * vmexit.c - the VM-exit table and its handlers: one small handler per
 * basic exit reason, one dispatcher that counts, and advances RIP only
 * when a handler asks for it.
 *
 * Runs in VMX root after every VM exit, with the guest's registers in
 * struct vcpu_regs. SDM Vol. 3, "VM Exits", "Exit Qualification for VM
 * Exits", App. C "VMX Basic Exit Reasons". Nothing a guest does here may
 * stop mica: a guest that cannot continue is stopped alone (vm_crash).
 */
#include "hv/clock.h"
#include "hv/include/hvabi.h"
#include "hv/vdev.h"
#include "hv/vm.h"
#include "hv/vmx/apic_access.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmexit.h"
#include "hv/vmx/vmexit_priv.h"
#include "hv/vmx/vmexit_intr.h"
#include "hv/vmx/vmx_nmi.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_insn.h"
#include "lib/console.h"
#include "lib/cpuid.h"
#include "lib/msr.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

/* IA32_BIOS_SIGN_ID's revision (bits 63:32) of the virtual CPU's
 * microcode: 1, as KVM reports it. */
#define MICROCODE_REVISION      0x100000000ULL


/* 48-bit canonical: bits 63:47 all equal. Stricter than a 57-bit CPU
 * needs, never looser, so a value that passes is safe to load. */
static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* A PAT value every CPU accepts: each byte a valid memory type (SDM
 * Vol. 3, "Programming the PAT": 0, 1, 4, 5, 6, 7). */
static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		unsigned t = (pat >> (8 * i)) & 0xff;

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* The guest's TSC is the host's plus an offset the CPU adds for RDTSC
 * and RDTSCP ("use TSC offsetting"; SDM Vol. 3, "Timestamp Counter
 * Offsetting"). Without the control a guest cannot move its TSC. */
static bool tsc_offsetting(void)
{
	return vmx.procbased & PROCBASED_TSC_OFFSETTING;
}

/* ---- CPUID ----------------------------------------------------------- */

/*
 * Features the guest must not see: VMX and MONITOR/MWAIT (not emulated),
 * power management beyond ARAT (leaf 6),
 * instructions whose VM-execution enable mica leaves off (they would
 * raise #UD in the guest), and what the virtual CPU lacks: PDCM (no
 * IA32_PERF_CAPABILITIES), the APIC timer's TSC-deadline mode and x2APIC
 * (the APIC is an xAPIC, hv/vlapic.c), an architectural PMU (leaf 0AH:
 * version 0, as KVM reports without one). The OS-enabled bits follow the
 * guest's CR4, not mica's; the APIC bit follows IA32_APIC_BASE.EN (SDM
 * Vol. 3, "Local APIC Status and Location").
 */
#define XSAVE_LEGACY_AND_HEADER 576     /* the compacted format's first components */

/* The size of an XSAVE area in compacted format for the components of
 * (xcr0): SDM Vol. 1, "Compacted Form of XSAVE Area". */
static uint32_t xsave_compacted_size(uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;

	for (unsigned i = 2; i < 64; i++) {
		struct cpuid_regs c;

		if (!(xcr0 & (1ULL << i)))
			continue;
		c = cpuid(0xd, i);
		if (c.ecx & CPUID_DN_ECX_ALIGN64)
			size = (size + 63) & ~63u;
		size += c.eax;
	}
	return size;
}

static __attribute__((noinline)) void hide_features(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
						    struct cpuid_regs *c)
{
	uint64_t cr4;
	bool rdtscp = vmx.procbased2 & PROCBASED2_ENABLE_RDTSCP;

	switch (leaf) {
	case 1:
		/* OSXSAVE is not a bit mica owns: a guest that sets it does not
		 * exit, so the read shadow would be stale; the real CR4 is not. */
		cr4 = vmcs_read(VMCS_GUEST_CR4);
		c->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_MONITOR | CPUID_1_ECX_OSXSAVE);
		c->ecx |= CPUID_1_ECX_HYPERVISOR | (cr4 & CR4_OSXSAVE ? CPUID_1_ECX_OSXSAVE : 0);
		c->ecx &= ~(CPUID_1_ECX_PDCM | CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
		if (!vlapic_hw_enabled(&v->lapic))
			c->edx &= ~CPUID_1_EDX_APIC;
		break;
	case 0xa:
		*c = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	case 7:
		if (subleaf != 0)
			break;
		cr4 = vmcs_read(VMCS_GUEST_CR4);
		c->ebx &= ~(CPUID_7_EBX_INVPCID | CPUID_7_EBX_TSC_ADJUST);
		c->ebx |= tsc_offsetting() ? CPUID_7_EBX_TSC_ADJUST : 0;
		c->ecx &= ~(CPUID_7_ECX_WAITPKG | CPUID_7_ECX_OSPKE | (rdtscp ? 0 : CPUID_7_ECX_RDPID));
		c->ecx |= cr4 & CR4_PKE ? CPUID_7_ECX_OSPKE : 0;
		break;
	case 6:
		/* Power management: only ARAT, as KVM reports it; no APERF/
		 * MPERF, HWP or energy-performance bias MSRs behind it. */
		*c = (struct cpuid_regs){ CPUID_6_EAX_ARAT, 0, 0, 0 };
		break;
	case 0xd:
		/* Sub-leaf 1's EBX is the compacted size for XCR0 | IA32_XSS
		 * (XSS is 0: no XSAVES), as KVM computes it; Bochs reports
		 * the standard size there. */
		if (subleaf == 1) {
			c->eax &= ~CPUID_D1_EAX_XSAVES;
			c->ebx = xsave_compacted_size(v->arch.xcr0);
		}
		break;
	case 0x15:
		/* The virtual CPU's clocks: the crystal is the APIC timer's
		 * bus, TSC/crystal mica's measured TSC rate over it, so a
		 * kernel calibrates neither against the PIT (SDM Vol. 2,
		 * "CPUID", leaf 15H). */
		vlapic_cpuid_15h(clock_tsc_hz() / 1000, &c->eax, &c->ebx, &c->ecx);
		c->edx = 0;
		break;
	case CPUID_EXT_FEATURES:
		if (!rdtscp)
			c->edx &= ~CPUID_EXT_EDX_RDTSCP;
		break;
	}
}

/* The leaves mica answers itself or edits. */
void vmexit_cpuid_special(struct vcpu *v, uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs c = { 0, 0, 0, 0 };

	if (leaf >= CPUID_HV_FIRST && leaf <= CPUID_HV_LAST) {
		if (leaf == HVABI_CPUID_BASE) {
			const uint32_t *sig = (const uint32_t *)HVABI_SIGNATURE;

			c = (struct cpuid_regs){ HVABI_CPUID_MAX, sig[0], sig[1], sig[2] };
		} else if (leaf == HVABI_CPUID_INFO) {
			c.eax = HVABI_VERSION;
			c.ebx = (uint32_t)(clock_tsc_hz() / 1000);
		}
	} else {
		c = cpuid(leaf, subleaf);
		hide_features(v, leaf, subleaf, &c);
	}
	vmexit_set_cpuid(&v->arch.regs, c);
}

static enum exit_action vmexit_cpuid(struct vcpu *v)
{
	return vmexit_cpuid_inline(v);
}

/* ---- RDPMC ---------------------------------------------------------------- */

/* The virtual CPU has no performance counters (CPUID leaf 0AH is zero):
 * every counter number is invalid, which is #GP(0) (SDM Vol. 2, "RDPMC";
 * KVM does the same without a virtual PMU). */
static enum exit_action vmexit_rdpmc(struct vcpu *v)
{
	return inject_gp();
}

/* ---- VMCALL: hypercalls ------------------------------------------------ */

static enum exit_action vmexit_vmcall(struct vcpu *v)
{
	return vmexit_vmcall_inline(v);
}

/* ---- HLT ----------------------------------------------------------------- */

/*
 * With interrupts off, a halted guest has finished: that is how kernels
 * stop. With interrupts on it waits in HLT for its next interrupt
 * (hv/vdev.c, vdev_hlt): RIP moves past the HLT now, and the VM leaves
 * the CPU until a device event raises one (vmx_vcpu_run looks again at
 * each wake), which is then delivered after the HLT.
 */
enum exit_action vmexit_hlt(struct vcpu *v)
{
	struct vm *vm = vm_of(v);

	if (!(vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		vm_halted(vm);
		return STOP;
	}
	vmx_vcpu_tpr_pull(v);
	vm->in_hlt = true;
	vdev_hlt(vm, rdtsc());
	return vm->state == VM_RUNNING ? RESUME_NEXT : STOP;
}

/* ---- RDMSR / WRMSR: an explicit allow-list ------------------------------ */

/* MSRs held in the VMCS guest area, loaded and saved on every transition. */
static const struct { uint32_t msr, field; } vmcs_msrs[] = {
	{ MSR_IA32_SYSENTER_CS, VMCS_GUEST_IA32_SYSENTER_CS },
	{ MSR_IA32_SYSENTER_ESP, VMCS_GUEST_IA32_SYSENTER_ESP },
	{ MSR_IA32_SYSENTER_EIP, VMCS_GUEST_IA32_SYSENTER_EIP },
	{ MSR_IA32_PAT, VMCS_GUEST_IA32_PAT },
	{ MSR_IA32_FS_BASE, VMCS_GUEST_FS_BASE },
	{ MSR_IA32_GS_BASE, VMCS_GUEST_GS_BASE },
	{ MSR_IA32_DEBUGCTL, VMCS_GUEST_IA32_DEBUGCTL },
};

static int vmcs_msr_field(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(vmcs_msrs) / sizeof(vmcs_msrs[0]); i++)
		if (vmcs_msrs[i].msr == msr)
			return (int)vmcs_msrs[i].field;
	return -1;
}

static void set_tsc_offset(struct vcpu *v, uint64_t off)
{
	v->tsc_offset = off;
	vmcs_write(VMCS_TSC_OFFSET, off);
	vm_of(v)->irq_check = true;     /* the APIC timer's deadline moved */
}

/* MSRs the guest owns outright: its values live in the real registers
 * while it runs, and hv/vmx/vmx_vcpu.c switches them with the vCPU. */
static bool passthrough(uint32_t msr)
{
	return vmx_guest_msr_index(msr) >= 0;
}

static enum exit_action vmexit_rdmsr(struct vcpu *v)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint32_t msr = (uint32_t)r->rcx;
	int field = vmcs_msr_field(msr);
	uint64_t val;

	if (field >= 0)
		val = vmcs_read((uint32_t)field);
	else if (msr == MSR_IA32_EFER)
		val = vmcs_read(VMCS_GUEST_IA32_EFER);
	else if (passthrough(msr))
		val = rdmsr(msr);
	else if (msr == MSR_IA32_APIC_BASE)
		val = vlapic_base(&v->lapic);
	else if (msr == MSR_IA32_TSC)
		val = rdtsc() + v->tsc_offset;
	else if (msr == MSR_IA32_TSC_ADJUST && tsc_offsetting())
		val = v->tsc_adjust;
	else if (msr == MSR_IA32_MISC_ENABLE)
		val = v->misc_enable;
	else if (msr == MSR_IA32_MCG_CAP)
		val = 0;        /* no banks, no extended registers, no MCG_CTL */
	else if (msr == MSR_IA32_MCG_STATUS)
		val = v->mcg_status;
	else if (msr == MSR_IA32_MTRRCAP || msr == MSR_IA32_MTRR_DEF_TYPE)
		val = 0;        /* no MTRRs: all memory is write-back under EPT */
	else if (msr == MSR_IA32_BIOS_SIGN_ID)
		val = MICROCODE_REVISION;
	else
		return inject_gp();
	r->rax = (uint32_t)val;
	r->rdx = val >> 32;
	return RESUME_NEXT;
}

/*
 * The IA32_DEBUGCTL bits a guest may set: BTF, which the CPU honours from
 * the guest's value that VM entry loads, and bus-lock detection where the
 * CPU has it (CPUID.(EAX=7,ECX=0):ECX[24]). LBR is dropped as KVM drops
 * it when it does not virtualize the LBR stack; the rest (BTS, tracing
 * into a DS area the guest cannot set, freezes) raise #GP.
 */
static uint64_t debugctl_supported(void)
{
	static uint64_t bld = ~0ULL;

	if (bld == ~0ULL)
		bld = cpuid(7, 0).ecx & CPUID_7_ECX_BUS_LOCK_DETECT ? DEBUGCTL_BUS_LOCK_DETECT : 0;
	return DEBUGCTL_BTF | bld;
}

static enum exit_action vmexit_wrmsr(struct vcpu *v)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint32_t msr = (uint32_t)r->rcx;
	uint64_t val = (r->rdx << 32) | (uint32_t)r->rax;
	int field = vmcs_msr_field(msr), own;

	if (field >= 0) {
		/* What the CPU would refuse with #GP must not reach the VMCS:
		 * the next VM entry would fail instead. */
		if (msr == MSR_IA32_DEBUGCTL)
			val &= ~(uint64_t)DEBUGCTL_LBR; /* as KVM: accepted, not recorded */
		if ((msr == MSR_IA32_PAT && !pat_valid(val)) ||
		    (msr == MSR_IA32_DEBUGCTL && (val & ~debugctl_supported())) ||
		    (msr != MSR_IA32_PAT && msr != MSR_IA32_DEBUGCTL &&
		     msr != MSR_IA32_SYSENTER_CS && !canonical(val)))
			return inject_gp();
		vmcs_write((uint32_t)field, val);
		v->arch.recheck = true;
	} else if (msr == MSR_IA32_EFER) {
		/* LMA is the CPU's to set, when paging turns on with LME; LME
		 * may not change while paging is on. */
		uint64_t old = vmcs_read(VMCS_GUEST_IA32_EFER);

		if ((val & ~(uint64_t)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) ||
		    ((val & EFER_NXE) && !(cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_NX)) ||
		    ((vmcs_read(VMCS_GUEST_CR0) & CR0_PG) && ((val ^ old) & EFER_LME)))
			return inject_gp();
		vmcs_write(VMCS_GUEST_IA32_EFER, (val & ~(uint64_t)EFER_LMA) | (old & EFER_LMA));
		v->arch.recheck = true;
	} else if ((own = vmx_guest_msr_index(msr)) >= 0) {
		/* mica loads these into the real registers: a value the CPU
		 * refuses would fault in mica, not in the guest. */
		if (((msr == MSR_IA32_FMASK || msr == MSR_IA32_TSC_AUX) && (val >> 32)) ||
		    (msr != MSR_IA32_STAR && msr != MSR_IA32_FMASK && !canonical(val)))
			return inject_gp();
		vmx_vcpu_write_guest_msr(v, (unsigned)own, val);
	} else if (msr == MSR_IA32_APIC_BASE) {
		if (vlapic_set_base(&v->lapic, val))
			return inject_gp();
		vmx_apic_access_sync(v);        /* the page leaves an old address */
		vm_of(v)->irq_check = true;     /* LINT0 opens or closes */
	} else if (msr == MSR_IA32_TSC && tsc_offsetting()) {
		/* SDM Vol. 3, "Time-Stamp Counter Adjustment": a TSC write
		 * adds its change to IA32_TSC_ADJUST. */
		uint64_t now = rdtsc();

		v->tsc_adjust += val - (now + v->tsc_offset);
		set_tsc_offset(v, val - now);
	} else if (msr == MSR_IA32_TSC_ADJUST && tsc_offsetting()) {
		set_tsc_offset(v, v->tsc_offset + (val - v->tsc_adjust));
		v->tsc_adjust = val;
	} else if (msr == MSR_IA32_MISC_ENABLE) {
		/* Fast strings is the guest's to set; the rest reads as it
		 * was (KVM keeps what the guest writes; mica emulates none of
		 * the other bits' features, so it keeps them fixed). */
		v->misc_enable = (v->misc_enable & ~(uint64_t)MISC_ENABLE_FAST_STRINGS) |
				 (val & MISC_ENABLE_FAST_STRINGS);
	} else if (msr == MSR_IA32_MCG_STATUS) {
		if (val & ~(uint64_t)MCG_STATUS_DEFINED)
			return inject_gp();
		v->mcg_status = val;
	} else if (msr == MSR_IA32_MTRR_DEF_TYPE || msr == MSR_IA32_BIOS_SIGN_ID) {
		/* accepted and ignored (0 to BIOS_SIGN_ID is how a kernel
		 * asks for the revision: it reads as always) */
	} else {
		return inject_gp();
	}
	return RESUME_NEXT;
}

/* ---- XSETBV, INVD, WBINVD ------------------------------------------------ */

static enum exit_action vmexit_xsetbv(struct vcpu *v)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint64_t val = (r->rdx << 32) | (uint32_t)r->rax;
	struct cpuid_regs d = cpuid(0xd, 0);
	uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;

	/* SDM Vol. 1, "XSETBV": XCR0 only, x87 always on, AVX needs SSE,
	 * nothing the CPU lacks. */
	unsigned avx512 = (val >> XCR0_AVX512_SHIFT) & 7;

	if ((uint32_t)r->rcx != 0 || !vmx.xsave || !(val & XCR0_X87) ||
	    (val & ~supported) || ((val & XCR0_AVX) && !(val & XCR0_SSE)) ||
	    (avx512 && (avx512 != 7 || !(val & XCR0_AVX))) ||
	    (((val >> XCR0_BNDREGS_SHIFT) ^ (val >> XCR0_BNDCSR_SHIFT)) & 1) ||
	    (((val >> XCR0_TILECFG_SHIFT) ^ (val >> XCR0_TILEDATA_SHIFT)) & 1))
		return inject_gp();
	__asm__ volatile("xsetbv" : : "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(0));
	v->arch.xcr0 = val;
	return RESUME_NEXT;
}

/* Caches are coherent under EPT with write-back memory: nothing to do. */
static enum exit_action vmexit_cache(struct vcpu *v)
{
	return RESUME_NEXT;
}

/* ---- Control-register accesses ------------------------------------------- */

static uint64_t *gpr(struct vcpu_regs *r, unsigned n)
{
	uint64_t *regs[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, NULL, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};
	return regs[n & 15];
}

uint64_t vmexit_get_gpr(struct vcpu *v, unsigned n)
{
	return (n & 15) == 4 ? vmcs_read(VMCS_GUEST_RSP) : *gpr(&v->arch.regs, n);
}

void vmexit_set_gpr(struct vcpu *v, unsigned n, uint64_t val)
{
	if ((n & 15) == 4)
		vmcs_write(VMCS_GUEST_RSP, val);
	else
		*gpr(&v->arch.regs, n) = val;
}

/* The CR0 the guest sees: the bits mica owns from the read shadow, the
 * rest from the real register. */
static uint64_t guest_cr0(void)
{
	uint64_t mask = vmcs_read(VMCS_CR0_GUEST_HOST_MASK);

	return (vmcs_read(VMCS_GUEST_CR0) & ~mask) | (vmcs_read(VMCS_CR0_READ_SHADOW) & mask);
}

/*
 * A write to CR0 or CR4 that changes a bit mica owns (the VMX fixed bits:
 * CR0.NE, CR4.VMXE, ...). The guest gets its value in the read shadow; the
 * real register keeps the fixed bits.
 */
static enum exit_action write_cr(struct vcpu *v, unsigned cr, uint64_t val)
{
	const struct vmx_caps *c = &vmx.caps;

	v->arch.recheck = true;         /* a mode switch: the entry checks change */

	if (cr == 0) {
		uint64_t old = guest_cr0();
		uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);
		uint32_t entry = (uint32_t)vmcs_read(VMCS_ENTRY_CTLS);
		bool on = (val & CR0_PG) && !(old & CR0_PG), off = !(val & CR0_PG) && (old & CR0_PG);
		bool cs_l = vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & SEG_AR_L;
		uint64_t cr4 = vmcs_read(VMCS_GUEST_CR4);

		if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
		    ((val & CR0_NW) && !(val & CR0_CD)))
			return inject_gp();
		/* Paging on with EFER.LME activates long mode, paging off leaves
		 * it: SDM Vol. 3, "IA-32e Mode Operation". The CPU does it when
		 * no exit is involved; here mica must, with the CPU's checks. */
		if (on && (efer & EFER_LME)) {
			if (!(cr4 & CR4_PAE) || cs_l)
				return inject_gp();
			efer |= EFER_LMA;
			entry |= VM_ENTRY_IA32E_MODE_GUEST;
		} else if (off && (efer & EFER_LMA)) {
			if (cs_l || (cr4 & CR4_PCIDE))
				return inject_gp();
			efer &= ~(uint64_t)EFER_LMA;
			entry &= ~(uint32_t)VM_ENTRY_IA32E_MODE_GUEST;
		}
		vmcs_write(VMCS_GUEST_IA32_EFER, efer);
		vmcs_write(VMCS_ENTRY_CTLS, entry);
		vmcs_write(VMCS_CR0_READ_SHADOW, val);
		/* The fixed bits, except PE and PG, which unrestricted guest
		 * leaves to the guest. */
		vmcs_write(VMCS_GUEST_CR0, (val | (c->cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG))) &
			   c->cr0_fixed1);
		if ((on || off) && vmx.vpid)
			invvpid(INVVPID_SINGLE_CONTEXT, (uint16_t)vm_of(v)->id, 0);
		return RESUME_NEXT;
	}
	if (cr == 4) {
		/* The guest may set what the CPU allows, except VMXE: VMX
		 * is hidden from it. */
		if ((val & ~c->cr4_fixed1) || (val & CR4_VMXE))
			return inject_gp();
		vmcs_write(VMCS_CR4_READ_SHADOW, val);
		vmcs_write(VMCS_GUEST_CR4, (val | c->cr4_fixed0) & c->cr4_fixed1);
		return RESUME_NEXT;
	}
	if (cr == 8) {
		/* CR8 exits only without a TPR shadow; it exists in 64-bit
		 * mode only, where bits 63:4 are reserved. */
		if (val >> 4)
			return inject_gp();
		vmx_vcpu_set_tpr(v, (unsigned)val);
		return RESUME_NEXT;
	}
	vm_crash(vm_of(v), "MOV to CR%u exited, but mica never asks for that", cr);
	return STOP;
}

static enum exit_action vmexit_cr_access(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned cr = (q & CR_ACCESS_CR_MASK);
	uint64_t cr0;

	switch (CR_ACCESS_TYPE(q)) {
	case CR_ACCESS_MOV_TO_CR:
		return write_cr(v, cr, vmexit_get_gpr(v, CR_ACCESS_GPR(q)));
	case CR_ACCESS_MOV_FROM_CR:
		if (cr != 8)
			break;
		vmexit_set_gpr(v, CR_ACCESS_GPR(q), vmx_vcpu_tpr(v));
		return RESUME_NEXT;
	case CR_ACCESS_CLTS:
		return write_cr(v, 0, guest_cr0() & ~(uint64_t)CR0_TS);
	case CR_ACCESS_LMSW:
		/* LMSW sets PE but never clears it; it touches bits 3:0 only. */
		cr0 = guest_cr0();
		return write_cr(v, 0, (cr0 & ~0xfULL) | (cr0 & CR0_PE) |
				(CR_ACCESS_LMSW_DATA(q) & 0xf));
	}
	vm_crash(vm_of(v), "MOV from CR%u exited, but mica never asks for that", cr);
	return STOP;
}

/* ---- The guest cannot continue ------------------------------------------- */

static enum exit_action vmexit_triple_fault(struct vcpu *v)
{
	vm_crash(vm_of(v), "triple fault at RIP 0x%lx", (unsigned long)vmcs_read(VMCS_GUEST_RIP));
	return STOP;
}

static enum exit_action vmexit_ept_misconfig(struct vcpu *v)
{
	vm_crash(vm_of(v), "EPT misconfiguration at guest-physical 0x%lx (a mica bug), guest RIP 0x%lx",
		 (unsigned long)vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS),
		 (unsigned long)vmcs_read(VMCS_GUEST_RIP));
	return STOP;
}

/* VMX instructions in the guest: VMX is hidden, so they are invalid. */
static enum exit_action vmexit_vmx_insn(struct vcpu *v)
{
	return inject_ud();
}

/* Events whose work happens before the next entry (interrupt window,
 * preemption timer: hv/vmx/vmx_vcpu.c), or that need none: continue. */
static enum exit_action vmexit_ignore(struct vcpu *v)
{
	return RESUME;
}

/* Host events: served by mica (hv/vmx/vmexit_intr.c); the guest goes on. */
static enum exit_action vmexit_ext_intr(struct vcpu *v)
{
	vmexit_intr_external(v);
	return RESUME;
}

/* The guest lowered its TPR (MOV to CR8, no exit otherwise) below the
 * class of an interrupt its APIC holds back: look again. Trap-like: RIP
 * is already past the MOV. */
static enum exit_action vmexit_tpr_below_threshold(struct vcpu *v)
{
	vm_of(v)->irq_check = true;
	return RESUME;
}

static enum exit_action vmexit_nmi_window(struct vcpu *v)
{
	vmx_nmi_window_open(v);
	return RESUME;
}

static enum exit_action vmexit_unhandled(struct vcpu *v, uint32_t reason);

static enum exit_action vmexit_nmi(struct vcpu *v)
{
	return vmexit_intr_nmi(v) ? vmexit_unhandled(v, EXIT_REASON_EXCEPTION_NMI) : RESUME;
}

static enum exit_action vmexit_unhandled(struct vcpu *v, uint32_t reason)
{
	klog("vm %s: unhandled VM exit, reason %u (%s); VMCS:\n", vm_of(v)->name, reason,
	     vmexit_name(reason));
	vmcs_dump("    ");
	vm_crash(vm_of(v), "unhandled VM exit %u (%s)", reason, vmexit_name(reason));
	return STOP;
}

void vmexit_skip(uint64_t len)
{
	vmexit_skip_inline(len);
}

/* ---- The table -------------------------------------------------------- */

static const struct exit_desc {
	const char *name;
	enum exit_action (*fn)(struct vcpu *v);
} exit_table[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI]     = { "exception-or-nmi",  vmexit_nmi },
	[EXIT_REASON_EXT_INTR]          = { "external-interrupt", vmexit_ext_intr },
	[EXIT_REASON_TRIPLE_FAULT]      = { "triple-fault",      vmexit_triple_fault },
	[EXIT_REASON_INIT]              = { "init-signal",       vmexit_ignore },
	[EXIT_REASON_SIPI]              = { "sipi",              vmexit_ignore },
	[EXIT_REASON_INTR_WINDOW]       = { "interrupt-window",  vmexit_ignore },
	[EXIT_REASON_NMI_WINDOW]        = { "nmi-window",        vmexit_nmi_window },
	[EXIT_REASON_TASK_SWITCH]       = { "task-switch",       NULL },
	[EXIT_REASON_CPUID]             = { "cpuid",             vmexit_cpuid },
	[EXIT_REASON_GETSEC]            = { "getsec",            vmexit_vmx_insn },
	[EXIT_REASON_HLT]               = { "hlt",               vmexit_hlt },
	[EXIT_REASON_INVD]              = { "invd",              vmexit_cache },
	[EXIT_REASON_INVLPG]            = { "invlpg",            NULL },
	[EXIT_REASON_RDPMC]             = { "rdpmc",             vmexit_rdpmc },
	[EXIT_REASON_RDTSC]             = { "rdtsc",             NULL },
	[EXIT_REASON_RSM]               = { "rsm",               NULL },
	[EXIT_REASON_VMCALL]            = { "vmcall",            vmexit_vmcall },
	[EXIT_REASON_VMCLEAR]           = { "vmclear",           vmexit_vmx_insn },
	[EXIT_REASON_VMLAUNCH]          = { "vmlaunch",          vmexit_vmx_insn },
	[EXIT_REASON_VMPTRLD]           = { "vmptrld",           vmexit_vmx_insn },
	[EXIT_REASON_VMPTRST]           = { "vmptrst",           vmexit_vmx_insn },
	[EXIT_REASON_VMREAD]            = { "vmread",            vmexit_vmx_insn },
	[EXIT_REASON_VMRESUME]          = { "vmresume",          vmexit_vmx_insn },
	[EXIT_REASON_VMWRITE]           = { "vmwrite",           vmexit_vmx_insn },
	[EXIT_REASON_VMXOFF]            = { "vmxoff",            vmexit_vmx_insn },
	[EXIT_REASON_VMXON]             = { "vmxon",             vmexit_vmx_insn },
	[EXIT_REASON_CR_ACCESS]         = { "cr-access",         vmexit_cr_access },
	[EXIT_REASON_DR_ACCESS]         = { "dr-access",         vmexit_dr_access },
	[EXIT_REASON_IO_INSTRUCTION]    = { "io",                vmexit_io },
	[EXIT_REASON_RDMSR]             = { "rdmsr",             vmexit_rdmsr },
	[EXIT_REASON_WRMSR]             = { "wrmsr",             vmexit_wrmsr },
	[EXIT_REASON_INVALID_GUEST_STATE] = { "invalid-guest-state", NULL },
	[EXIT_REASON_MSR_LOADING]       = { "msr-loading",       NULL },
	[EXIT_REASON_MWAIT]             = { "mwait",             vmexit_vmx_insn },
	[EXIT_REASON_MTF]               = { "monitor-trap-flag", NULL },
	[EXIT_REASON_MONITOR]           = { "monitor",           vmexit_vmx_insn },
	[EXIT_REASON_PAUSE]             = { "pause",             NULL },
	[EXIT_REASON_MCE_DURING_ENTRY]  = { "machine-check-during-entry", NULL },
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = { "tpr-below-threshold", vmexit_tpr_below_threshold },
	[EXIT_REASON_APIC_ACCESS]       = { "apic-access",       vmexit_apic_access },
	[EXIT_REASON_GDTR_IDTR]         = { "gdtr-idtr-access",  NULL },
	[EXIT_REASON_LDTR_TR]           = { "ldtr-tr-access",    NULL },
	[EXIT_REASON_EPT_VIOLATION]     = { "ept-violation",     vmexit_ept_violation },
	[EXIT_REASON_EPT_MISCONFIG]     = { "ept-misconfig",     vmexit_ept_misconfig },
	[EXIT_REASON_INVEPT]            = { "invept",            vmexit_vmx_insn },
	[EXIT_REASON_RDTSCP]            = { "rdtscp",            NULL },
	[EXIT_REASON_PREEMPTION_TIMER]  = { "preemption-timer",  vmexit_ignore },
	[EXIT_REASON_INVVPID]           = { "invvpid",           vmexit_vmx_insn },
	[EXIT_REASON_WBINVD]            = { "wbinvd",            vmexit_cache },
	[EXIT_REASON_XSETBV]            = { "xsetbv",            vmexit_xsetbv },
	[EXIT_REASON_VMFUNC]            = { "vmfunc",            vmexit_vmx_insn },
};

const char *vmexit_name(uint32_t reason)
{
	if (reason < EXIT_REASON_MAX && exit_table[reason].name)
		return exit_table[reason].name;
	return "unknown";
}

void vmexit_dispatch(struct vcpu *v, uint32_t reason)
{
	const struct exit_desc *d = reason < EXIT_REASON_MAX ? &exit_table[reason] : NULL;
	enum exit_action a;

	if (reason < EXIT_REASON_MAX)
		v->arch.exits[reason]++;
	a = d && d->fn ? d->fn(v) : vmexit_unhandled(v, reason);
	if (a == RESUME_NEXT)
		vmexit_skip_inline(vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
}
