/*
 * vmcs.c - VMCS access and the initial contents of a vCPU's VMCS: the
 * negotiated controls, mica as host, and a guest at the multiboot 1 entry
 * state.
 *
 * Runs in VMX root. SDM Vol. 3, "Virtual Machine Control Structures"
 * ("Guest-State Area", "Host-State Area", "VM-Execution Control Fields")
 * and the Multiboot Specification, "Machine state".
 */
#include "hv/linux_boot.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmcs_names.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_error.h"
#include "hv/vmx/vmx_insn.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/msr.h"
#include "lib/multiboot.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

/* Segment access rights in the VMCS format (SDM Vol. 3, "Guest
 * Non-Register State" / "Format of Access Rights"). */
#define AR_CODE32       0xc09b  /* G, D/B, P, S, execute/read, accessed */
#define AR_CODE64       0xa09b  /* G, L, P, S, execute/read, accessed */
#define AR_DATA32       0xc093  /* G, D/B, P, S, read/write, accessed */
#define AR_TSS32_BUSY   0x008b  /* P, busy 32-bit TSS */
#define AR_UNUSABLE     0x10000
#define FLAT_LIMIT      0xffffffffu

#define BOOT_CS 0x08            /* any selector would do: paging is off and */
#define BOOT_DS 0x10            /* the guest loads its own GDT before reloading */

#define PAT_POWER_ON    0x0007040600070406ULL   /* SDM Vol. 3, "PAT" reset value */
#define DR7_POWER_ON    0x400ULL
#define RFLAGS_POWER_ON 0x2ULL

extern char vmx_exit_entry[];

void vmcs_access_failed(const char *insn, uint32_t field, uint64_t value, enum vm_result r)
{
	if (r == VM_FAIL_VALID)
		vmx_print_insn_error(insn);
	panic("%s %s (0x%x) = 0x%lx failed (%s)", insn, vmcs_field_name(field), field,
	      (unsigned long)value, r == VM_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
}

/* Host state: what the CPU loads on every VM exit. mica's own GDT and TSS
 * (lib/cpu.c) make the selectors and bases valid for the host checks.
 * The descriptor tables and GS base (the per-CPU pointer, hv/percpu.h) are
 * this CPU's, read from the CPU: a VMCS launched on another CPU needs
 * them written again. */
void vmcs_write_host_cpu(void)
{
	struct desc_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_IA32_GS_BASE));
	vmcs_write(VMCS_HOST_TR_BASE, cpu_tss_base_of(gdtr.base));
	vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
}

static void setup_host(void)
{
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, GDT_KCODE);
	vmcs_write(VMCS_HOST_SS_SELECTOR, GDT_KDATA);
	vmcs_write(VMCS_HOST_DS_SELECTOR, GDT_KDATA);
	vmcs_write(VMCS_HOST_ES_SELECTOR, GDT_KDATA);
	vmcs_write(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_TR_SELECTOR, GDT_TSS);
	vmcs_write(VMCS_HOST_FS_BASE, 0);
	vmcs_write_host_cpu();
	vmcs_write(VMCS_HOST_IA32_SYSENTER_CS, 0);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, 0);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write(VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
	/* VMCS_HOST_RSP is written by vmentry.S before each entry. */
}

static void setup_controls(uint64_t eptp, uint16_t vpid)
{
	const struct vmx_caps *c = &vmx.caps;

	vmcs_write(VMCS_PIN_BASED_CTLS, vmx.pinbased);
	vmcs_write(VMCS_PRI_PROC_BASED_CTLS, vmx.procbased);
	vmcs_write(VMCS_SEC_PROC_BASED_CTLS, vmx.procbased2);
	vmcs_write(VMCS_EXIT_CTLS, vmx.exit);
	vmcs_write(VMCS_ENTRY_CTLS, vmx.entry);
	vmcs_write(VMCS_EXCEPTION_BITMAP, 0);   /* the guest handles its own */
	vmcs_write(VMCS_PF_ERROR_CODE_MASK, 0);
	vmcs_write(VMCS_PF_ERROR_CODE_MATCH, 0);
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_TSC_OFFSET, 0);
	vmcs_write(VMCS_EPT_POINTER, eptp);
	if (vmx.vpid)
		vmcs_write(VMCS_VPID, vpid);

	/*
	 * CR0 and CR4 bits the guest may not own: those VMX fixes (CR0.NE,
	 * CR4.VMXE, ...). The guest reads its own view from the read
	 * shadows; a write that changes an owned bit exits (hv/vmx/vmexit.c).
	 * Unrestricted guest exempts CR0.PE and CR0.PG from the fixed bits.
	 */
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK,
		   (c->cr0_fixed0 | ~c->cr0_fixed1) & ~(uint64_t)(CR0_PE | CR0_PG));
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK, c->cr4_fixed0 | ~c->cr4_fixed1);
	vmcs_write(VMCS_VMCS_LINK_POINTER, ~0ULL);
}

/* A segment's four VMCS fields, found from the ES encodings: the SDM
 * numbers the guest segment fields ES, CS, SS, DS, FS, GS, LDTR, TR in
 * steps of 2. */
static void set_segment(unsigned n, uint16_t sel, uint32_t base, uint32_t limit, uint32_t ar)
{
	vmcs_write(VMCS_GUEST_ES_SELECTOR + 2 * n, sel);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * n, base);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * n, limit);
	vmcs_write(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * n, ar);
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/*
 * The machine state of Multiboot 0.6.96 §3.2 "Machine state": 32-bit
 * protected mode, paging off, flat CS and data segments, EAX = magic,
 * EBX = multiboot information; A20 on, interrupts off. Everything else is
 * the power-on value.
 */
static void setup_guest(uint32_t entry)
{
	const struct vmx_caps *c = &vmx.caps;
	uint64_t cr0 = CR0_PE | CR0_ET;

	vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_write(VMCS_GUEST_CR0, ((cr0 | c->cr0_fixed0) & c->cr0_fixed1) & ~(uint64_t)CR0_PG);
	vmcs_write(VMCS_CR4_READ_SHADOW, 0);
	vmcs_write(VMCS_GUEST_CR4, c->cr4_fixed0 & c->cr4_fixed1);
	vmcs_write(VMCS_GUEST_CR3, 0);
	vmcs_write(VMCS_GUEST_DR7, DR7_POWER_ON);
	vmcs_write(VMCS_GUEST_RSP, 0);
	vmcs_write(VMCS_GUEST_RIP, entry);
	vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_POWER_ON);

	set_segment(SEG_CS, BOOT_CS, 0, FLAT_LIMIT, AR_CODE32);
	set_segment(SEG_SS, BOOT_DS, 0, FLAT_LIMIT, AR_DATA32);
	set_segment(SEG_DS, BOOT_DS, 0, FLAT_LIMIT, AR_DATA32);
	set_segment(SEG_ES, BOOT_DS, 0, FLAT_LIMIT, AR_DATA32);
	set_segment(SEG_FS, BOOT_DS, 0, FLAT_LIMIT, AR_DATA32);
	set_segment(SEG_GS, BOOT_DS, 0, FLAT_LIMIT, AR_DATA32);
	set_segment(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
	set_segment(SEG_TR, 0, 0, 0xffff, AR_TSS32_BUSY);
	vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0xffff);

	vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_IA32_PAT, PAT_POWER_ON);
	vmcs_write(VMCS_GUEST_IA32_EFER, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_ACTIVE);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	/* EAX and EBX live in struct vcpu_regs, not in the VMCS. */
}

int vmcs_setup(hpa_t vmcs, uint64_t eptp, uint16_t vpid, uint32_t entry)
{
	*(uint32_t *)hpa_to_hva(vmcs) = vmx_caps_vmcs_revision(&vmx.caps);
	if (vmclear(vmcs) != VM_SUCCESS || vmptrld(vmcs) != VM_SUCCESS) {
		klog("VMCLEAR/VMPTRLD of the VMCS at 0x%lx failed\n", (unsigned long)vmcs);
		return -1;
	}
	setup_controls(eptp, vpid);
	setup_host();
	setup_guest(entry);
	return 0;
}

/*
 * Linux's boot entry (boot.rst, "64-bit Boot Protocol" or "32-bit Boot
 * Protocol"): the state the plan gives, on top of setup_guest()'s. In
 * long mode CS is a 64-bit code segment (L set, D clear) and the
 * "IA-32e mode guest" entry control must match EFER.LMA (SDM Vol. 3,
 * "Checks on Guest Control Registers, Debug Registers, and MSRs"). The
 * CR0 and CR4 bits VMX fixes are forced in the real registers; the guest
 * reads the plan's values from the read shadows.
 */
void vmcs_set_boot_state(const struct linux_boot_regs *r)
{
	const struct vmx_caps *c = &vmx.caps;
	uint64_t entry = vmcs_read(VMCS_ENTRY_CTLS) & ~(uint64_t)VM_ENTRY_IA32E_MODE_GUEST;
	uint32_t cs_ar = r->long_mode ? AR_CODE64 : AR_CODE32;

	vmcs_write(VMCS_CR0_READ_SHADOW, r->cr0);
	vmcs_write(VMCS_GUEST_CR0, (r->cr0 | (c->cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG))) &
		   c->cr0_fixed1);
	vmcs_write(VMCS_CR4_READ_SHADOW, r->cr4);
	vmcs_write(VMCS_GUEST_CR4, (r->cr4 | c->cr4_fixed0) & c->cr4_fixed1);
	vmcs_write(VMCS_GUEST_CR3, r->cr3);
	vmcs_write(VMCS_GUEST_IA32_EFER, r->efer);
	vmcs_write(VMCS_ENTRY_CTLS, entry | (r->long_mode ? VM_ENTRY_IA32E_MODE_GUEST : 0));
	vmcs_write(VMCS_GUEST_RIP, r->rip);
	vmcs_write(VMCS_GUEST_RSP, r->rsp);
	vmcs_write(VMCS_GUEST_RFLAGS, r->rflags);
	set_segment(SEG_CS, r->cs, 0, FLAT_LIMIT, cs_ar);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			set_segment(s, r->ds, 0, FLAT_LIMIT, AR_DATA32);
	vmcs_write(VMCS_GUEST_GDTR_BASE, r->gdt_base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, r->gdt_limit);
}

/* The guest-state fields worth seeing when a VM stops unexpectedly. */
static const uint32_t dump_fields[] = {
	VMCS_GUEST_RIP, VMCS_GUEST_RSP, VMCS_GUEST_RFLAGS, VMCS_GUEST_CR0, VMCS_GUEST_CR3,
	VMCS_GUEST_CR4, VMCS_GUEST_IA32_EFER, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE,
	VMCS_GUEST_CS_ACCESS_RIGHTS, VMCS_GUEST_SS_ACCESS_RIGHTS, VMCS_GUEST_TR_ACCESS_RIGHTS,
	VMCS_GUEST_INTERRUPTIBILITY, VMCS_GUEST_ACTIVITY_STATE, VMCS_EXIT_REASON,
	VMCS_EXIT_QUALIFICATION, VMCS_GUEST_LINEAR_ADDRESS, VMCS_GUEST_PHYSICAL_ADDRESS,
	VMCS_EXIT_INTR_INFO, VMCS_EXIT_INSTRUCTION_LENGTH, VMCS_ENTRY_CTLS,
};

void vmcs_dump(const char *prefix)
{
	for (unsigned i = 0; i < sizeof(dump_fields) / sizeof(dump_fields[0]); i++) {
		uint64_t v = 0;

		vmread(dump_fields[i], &v);
		kprintf("%s  %-32s 0x%lx\n", prefix, vmcs_field_name(dump_fields[i]),
			(unsigned long)v);
	}
}
