/*
 * apic_access.c - the APIC-access page (hv/vmx/apic_access.h): one page
 * of mica's, which EPT maps at a guest's APIC address once the guest
 * first touches it, so that its APIC accesses exit as APIC accesses. No
 * guest access ever reaches the page's contents: without "APIC-register
 * virtualization" every access exits, except TPR reads and writes, which
 * the TPR shadow (the vCPU's virtual-APIC page) takes. So one page serves
 * every VM and holds nothing.
 *
 * Runs in VMX root. SDM Vol. 3, "Virtualizing Memory-Mapped APIC
 * Accesses", "Priority of APIC-Access VM Exits", "Invalidating Cached
 * Translation Information".
 */
#include "hv/vlapic.h"
#include "hv/vm.h"
#include "hv/vmx/apic_access.h"
#include "hv/vmx/ept.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_insn.h"
#include "lib/console.h"

static uint8_t page[4096] __attribute__((aligned(4096)));

bool vmx_apic_access_on(void)
{
	return vmx.procbased2 & PROCBASED2_VIRTUALIZE_APIC;
}

void vmx_apic_access_disable(void)
{
	vmx.procbased2 &= ~(uint32_t)PROCBASED2_VIRTUALIZE_APIC;
}

void vmx_apic_access_init(struct vcpu *v)
{
	v->arch.apic_access_mapped = false;
	if (vmx_apic_access_on())
		vmcs_write(VMCS_APIC_ACCESS_ADDRESS, (hpa_t)(uintptr_t)page);
}

void vmx_apic_access_map(struct vcpu *v, gpa_t gpa)
{
	struct vm *vm = v->vm;

	gpa &= ~(gpa_t)(sizeof(page) - 1);
	if (!vmx_apic_access_on() || v->arch.apic_access_mapped || gpa < vm->mem_bytes)
		return;
	/* Read and write: an instruction fetch stays an EPT violation. A
	 * new mapping needs no INVEPT: no translation that ended in an EPT
	 * violation is cached. */
	if (ept_map(&vm->ept, gpa, (hpa_t)(uintptr_t)page, sizeof(page), EPT_READ | EPT_WRITE))
		return;
	v->arch.apic_access_mapped = true;
	v->arch.apic_access_gpa = gpa;
}

static void unmap(struct vcpu *v)
{
	if (ept_unmap_4k(&v->vm->ept, v->arch.apic_access_gpa) == 0)
		vmx_invept(v->arch.eptp);
	v->arch.apic_access_mapped = false;
}

void vmx_apic_access_sync(struct vcpu *v)
{
	if (v->arch.apic_access_mapped && !vlapic_mmio(&v->lapic, v->arch.apic_access_gpa))
		unmap(v);
}

void vmx_apic_access_release(struct vcpu *v)
{
	if (v->arch.apic_access_mapped)
		unmap(v);
}
