/*
 * vmexit_dr.c - each vCPU owns its debug registers. DR7 and IA32_DEBUGCTL
 * are in the VMCS ("load debug controls" on entry, "save debug controls"
 * on exit; every exit leaves DR7 = 0x400 and DEBUGCTL = 0 for mica).
 * DR0-DR3 and DR6 are not: a vCPU starts with MOV-DR exiting on and its
 * values here; its first access to one is emulated, and then the values
 * go into the CPU and MOV-DR exiting goes off, as KVM does, so a guest
 * that uses them runs its debugger without exits. From then on they are
 * switched with the rest of the vCPU's CPU state (vmx_dr_switch).
 *
 * Why mica can leave a guest's DR0-DR3/DR6 in the CPU across its exits:
 * a VM exit loads DR7 with 0x400 (no breakpoint enabled) and clears
 * IA32_DEBUGCTL, so no address in DR0-DR3 can fire in mica, and mica reads
 * DR6 nowhere. Another vCPU never sees them: the switch loads its own, or
 * mica's. A vCPU whose values are not in the CPU keeps MOV-DR exiting on
 * and its DR7 free of enabled breakpoints (a DR7 write that enables one
 * makes it load them), so its breakpoints never match another's addresses.
 *
 * Runs in VMX root. SDM Vol. 3, "Debug Registers", "MOV DR" exiting in
 * "Instructions That Cause VM Exits Conditionally", "Exit Qualification
 * for MOV DR", "Loading Host Control Registers, Debug Registers, MSRs".
 */
#include "hv/percpu.h"
#include "hv/vmx/vmexit_dr.h"
#include "hv/vmx/vmexit_priv.h"
#include "hv/vmx/vmx_controls.h"
#include "lib/x86.h"

/* The vCPU whose DR0-DR3/DR6 this CPU holds, or NULL: mica's own (0 and
 * DR6's power-on value). Each CPU has its own (struct vmx_percpu). */
#define dr_cpu (this_cpu()->vmx.dr_cpu)

void vmx_dr_reset(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;

	for (unsigned i = 0; i < 4; i++)
		a->dr[i] = 0;
	a->dr6 = DR6_INIT;
	a->dr_live = false;
}

static void save(struct vmx_vcpu *a)
{
	a->dr[0] = read_dr0();
	a->dr[1] = read_dr1();
	a->dr[2] = read_dr2();
	a->dr[3] = read_dr3();
	a->dr6 = read_dr6();
}

static void load(const uint64_t dr[4], uint64_t dr6)
{
	write_dr0(dr[0]);
	write_dr1(dr[1]);
	write_dr2(dr[2]);
	write_dr3(dr[3]);
	write_dr6(dr6);
}

static const uint64_t mica_dr[4] = { 0, 0, 0, 0 };

void vmx_dr_switch(struct vcpu *next)
{
	if (__builtin_expect(dr_cpu == NULL && !next->arch.dr_live, 1))
		return;
	if (dr_cpu == next)
		return;
	if (dr_cpu)
		save(&dr_cpu->arch);
	if (next->arch.dr_live)
		load(next->arch.dr, next->arch.dr6);
	else
		load(mica_dr, DR6_INIT);
	dr_cpu = next->arch.dr_live ? next : NULL;
}

void vmx_dr_forget(struct vcpu *v)
{
	if (dr_cpu != v)
		return;
	load(mica_dr, DR6_INIT);
	dr_cpu = NULL;
}

void vmx_dr_release(struct vcpu *v)
{
	if (dr_cpu != v)
		return;
	save(&v->arch);
	vmx_dr_forget(v);
}

/* From now on (v)'s DR0-DR3/DR6 are in the CPU and its MOV DRs run
 * without exits. (v) is the CPU's vCPU, so dr_cpu is (v) or mica. */
static void go_live(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;

	load(a->dr, a->dr6);
	dr_cpu = v;
	a->dr_live = true;
	a->procbased &= ~(uint32_t)PROCBASED_MOV_DR_EXITING;
	vmx_vcpu_write_procbased(v);
}

/* The guest's CR4 as it sees it: the bits mica owns from the read shadow. */
static uint64_t guest_cr4(void)
{
	uint64_t mask = vmcs_read(VMCS_CR4_GUEST_HOST_MASK);

	return (vmcs_read(VMCS_GUEST_CR4) & ~mask) | (vmcs_read(VMCS_CR4_READ_SHADOW) & mask);
}

/*
 * MOV to or from a debug register while MOV-DR exiting is on. The exit
 * comes before the CPU's own checks (SDM: it takes priority over the #GP
 * for CPL > 0 and the #UD for DR4/DR5 with CR4.DE), so they are made here,
 * in KVM's order: #UD, #GP, then the general-detect #DB. Then the access
 * is emulated on the vCPU's values, and a DR0-DR3/DR6 access (or a DR7
 * write enabling a breakpoint) loads them into the CPU for good.
 */
enum exit_action vmexit_dr_access(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned dr = q & DR_ACCESS_DR_MASK, reg = DR_ACCESS_GPR(q);
	bool long64 = guest_64bit();
	uint64_t dr7 = vmcs_read(VMCS_GUEST_DR7), val;

	if (dr == 4 || dr == 5) {
		if (guest_cr4() & CR4_DE)
			return inject_ud();
		dr += 2;
	}
	if (guest_cpl() > 0)
		return inject_gp();
	if (dr7 & DR7_GD) {
		/* The #DB a general detect raises: DR6.BD, the breakpoint
		 * bits cleared; the CPU clears DR7.GD on delivery, but VM
		 * entry delivering an injected #DB updates neither. */
		a->dr6 = (a->dr6 & ~DR6_B0_B3) | DR6_INIT | DR6_BD;
		vmcs_write(VMCS_GUEST_DR7, dr7 & ~(uint64_t)DR7_GD);
		inject_exception(VEC_DB, false, 0);
		return RESUME;
	}

	if (q & DR_ACCESS_FROM_DR) {
		val = dr < 4 ? a->dr[dr] : dr == 6 ? a->dr6 : dr7;
		vmexit_set_gpr(v, reg, long64 ? val : (uint32_t)val);
		if (dr != 7)
			go_live(v);
		return RESUME_NEXT;
	}
	val = vmexit_get_gpr(v, reg);
	if (!long64)
		val = (uint32_t)val;
	if (dr < 4) {
		a->dr[dr] = val;
	} else if (dr == 6) {
		if (val >> 32)
			return inject_gp();
		a->dr6 = (val & DR6_WRITABLE) | DR6_INIT;
	} else {
		if (val >> 32)
			return inject_gp();
		val = (val & DR7_VOLATILE) | DR7_INIT;
		vmcs_write(VMCS_GUEST_DR7, val);
		if (!(val & DR7_ENABLES))
			return RESUME_NEXT;     /* DR7 alone needs no switch */
	}
	go_live(v);
	return RESUME_NEXT;
}
