/*
 * vmx_move.c - a vCPU's VMCS from one CPU to another. A VMCS is active
 * on at most one CPU, which may keep its data cached inside the CPU: only
 * VMCLEAR on that CPU makes the copy in memory complete and the VMCS
 * inactive, with its launch state "clear", so that another CPU may load
 * it by VMPTRLD and must enter it by VMLAUNCH. The host-state area holds
 * values of the CPU that set it up (its GDT, IDT, TSS and per-CPU GS
 * base): the new CPU writes its own before the first entry, or the next
 * VM exit would land on the old CPU's tables and per-CPU record.
 *
 * Runs in VMX root: release on the old CPU, arrival on the new one.
 * SDM Vol. 3, "VMCS Data", "Software Use of Virtual-Machine Control
 * Structures" ("Migrating a VMCS Between Logical Processors"), "Host-State
 * Area", "Invalidating Cached Translation Information".
 */
#include "hv/percpu.h"
#include "hv/vm.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmexit_dr.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_insn.h"
#include "hv/vmx/vmx_move.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/msr.h"
#include "lib/x86.h"

void vmx_vcpu_release(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	uint64_t t0 = rdtsc();

	/* Guest state the CPU holds, not the VMCS, goes with the vCPU. */
	vmx_vcpu_unload(v);
	vmx_dr_release(v);
	if (vmclear(a->vmcs) != VM_SUCCESS)
		panic("vm %s: VMCLEAR of its VMCS at 0x%lx failed", v->vm->name,
		      (unsigned long)a->vmcs);
	a->launched = false;            /* VMCLEAR made its launch state "clear" */
	v->vm->move_tsc += rdtsc() - t0;
	/* Last: another CPU may take it up from here on. */
	__atomic_store_n(&a->cpu, NULL, __ATOMIC_RELEASE);
}

void vmx_vcpu_flush_tlb(struct vcpu *v)
{
	vmx_invept(v->arch.eptp);
	if (!vmx.vpid)
		return;
	if (vmx.caps.ept_vpid_cap & VMX_VPID_INVVPID_SINGLE_CONTEXT)
		invvpid(INVVPID_SINGLE_CONTEXT, (uint16_t)v->vm->id, 0);
	else if (vmx.caps.ept_vpid_cap & VMX_VPID_INVVPID_ALL_CONTEXT)
		invvpid(INVVPID_ALL_CONTEXT, 0, 0);
}

int vmx_vcpu_arrive(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	struct percpu *was = __atomic_load_n(&a->cpu, __ATOMIC_ACQUIRE);
	uint64_t t0 = rdtsc();

	/* Loading a VMCS another CPU still has active would give two CPUs
	 * one VMCS, each with its own cached copy: "undefined" in the SDM,
	 * silent corruption in practice. */
	if (was && was != this_cpu()) {
		vm_crash(v->vm, "its VMCS is still active on CPU %u: not released before the move",
			 was->index);
		return -1;
	}
	if (vmptrld(a->vmcs) != VM_SUCCESS) {
		vm_crash(v->vm, "VMPTRLD of its VMCS at 0x%lx failed", (unsigned long)a->vmcs);
		return -1;
	}
	a->cpu = this_cpu();
	vmcs_write_host_cpu();  /* this CPU's, not the old one's */
	/* Translations this CPU cached for the VM on an earlier stay may be
	 * stale now: its EPT and its page tables changed since, elsewhere. */
	vmx_vcpu_flush_tlb(v);
	v->vm->move_tsc += rdtsc() - t0;
	return 0;
}
