/*
 * vmx_check.c - mica's software check of a VMCS before the first VM entry:
 * the VMX controls and the host-state area here, the guest-state area in
 * vmx_check_guest.c. Runs in VMX root after the VMCS is written, and on
 * the host in unit tests against a fake VMCS.
 * SDM Vol. 3, "Checks on VMX Controls and Host-State Area".
 *
 * Skipped, because mica never enables the feature (the CPU still checks):
 * APIC virtualization beyond the TPR shadow (the APIC-access address,
 * and the TPR threshold against the virtual TPR, which is in memory: mica's
 * threshold is 0), posted interrupts, tertiary controls, SMM and the
 * dual-monitor treatment (beyond requiring its controls to be 0), Intel PT,
 * CET, PKRS, user interrupts, and the reserved bits of
 * IA32_PERF_GLOBAL_CTRL, which depend on the CPU's counters.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmcs_names.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_check.h"
#include "hv/vmx/vmx_check_priv.h"
#include "hv/vmx/vmx_controls.h"
#include "lib/fmt.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

/* Exceptions that push an error code, and those that never do. The other
 * vectors (9, 15, 21-31) are not checked. SDM Vol. 3, "VM-Entry Control
 * Fields". */
#define EXC_WITH_ERROR_CODE \
	(BIT(VEC_DF) | BIT(VEC_TS) | BIT(VEC_NP) | BIT(VEC_SS) | BIT(VEC_GP) | \
	 BIT(VEC_PF) | BIT(VEC_AC))
#define EXC_WITHOUT_ERROR_CODE \
	(BIT(VEC_DE) | BIT(VEC_DB) | BIT(VEC_NMI) | BIT(VEC_BP) | BIT(VEC_OF) | \
	 BIT(VEC_BR) | BIT(VEC_UD) | BIT(VEC_NM) | BIT(VEC_MF) | BIT(VEC_MC) | \
	 BIT(VEC_XM) | BIT(VEC_VE))

/* Where the next part of c->why goes: never past its last byte. */
static size_t at(const struct check *c, int n)
{
	return (size_t)n < c->whylen ? (size_t)n : c->whylen - 1;
}

void vmx_check_vfail(struct check *c, uint32_t field, uint64_t value,
		     const char *rule, va_list ap)
{
	int n;

	if (c->failures++ > 0 || c->whylen == 0)
		return;
	n = fmt_snprintf(c->why, c->whylen, "%s: ", c->area);
	n += fmt_vsnprintf(c->why + at(c, n), c->whylen - at(c, n), rule, ap);
	fmt_snprintf(c->why + at(c, n), c->whylen - at(c, n),
		     " (%s=0x%llx) [SDM Vol. 3 \"%s\"]", vmcs_field_name(field),
		     (unsigned long long)value, c->section);
}

/*
 * A control field (field) holding (val) against its capability MSR (msr),
 * named (msr_name): the lowest offending bit is named.
 */
static void check_ctl_bits(struct check *c, uint32_t field, uint32_t val,
			   uint64_t msr, const char *msr_name)
{
	uint32_t must1 = vmx_ctl_allowed0(msr) & ~val;
	uint32_t must0 = val & ~vmx_ctl_allowed1(msr);
	unsigned bit;
	const char *name;

	if (must1) {
		bit = (unsigned)__builtin_ctz(must1);
		name = vmcs_control_bit_name(field, bit);
		if (name)
			fail(c, field, val, "%s clear but %s requires it", name, msr_name);
		else
			fail(c, field, val, "reserved bit %u clear but %s requires it",
			     bit, msr_name);
	}
	if (must0) {
		bit = (unsigned)__builtin_ctz(must0);
		name = vmcs_control_bit_name(field, bit);
		if (name)
			fail(c, field, val, "%s set but %s does not allow it", name, msr_name);
		else
			fail(c, field, val, "reserved bit %u set but %s does not allow it",
			     bit, msr_name);
	}
}

/* A control field that holds the physical address of a 4-KiB page the CPU
 * reads while the guest runs: it must be a whole page the CPU can reach. */
static void check_page_addr(struct check *c, uint32_t field, const char *what)
{
	uint64_t pa = rd(c, field);

	if (pa & 0xfff)
		fail(c, field, pa, "%s address not 4-KiB aligned", what);
	else if (!phys_ok(c, pa))
		fail(c, field, pa, "%s address beyond the physical-address width", what);
}

/* An MSR-load or MSR-store area: (count) entries of 16 bytes (MSR index,
 * reserved, value) at (addr), all of it reachable. SDM Vol. 3, "VM-Exit
 * Controls for MSRs", "VM-Entry Controls for MSRs". */
static void check_msr_area(struct check *c, uint32_t count_field,
			   uint32_t addr_field, const char *what)
{
	uint64_t n = rd(c, count_field);
	uint64_t pa;

	if (n == 0)
		return;
	pa = rd(c, addr_field);
	if (pa & 0xf)
		fail(c, addr_field, pa, "%s address not 16-byte aligned", what);
	else if (!phys_ok(c, pa) || !phys_ok(c, pa + n * 16 - 1))
		fail(c, addr_field, pa, "%s of %u entries beyond the physical-address width",
		     what, (unsigned)n);
}

/*
 * The execution controls against their capability MSRs, then against each
 * other: a control that refines another one needs that one set.
 */
static void check_exec_controls(struct check *c)
{
	const struct vmx_caps *k = c->caps;
	bool t = vmx_caps_true_ctls(k);
	uint64_t v;
	/* Secondary controls about guest-physical memory, which exists only
	 * with EPT. */
	static const uint32_t need_ept[] = {
		PROCBASED2_UNRESTRICTED_GUEST, PROCBASED2_ENABLE_PML,
		PROCBASED2_MODE_BASED_EPT_EXEC, PROCBASED2_SUB_PAGE_WRITE_PERMS,
	};

	section(c, "VM-Execution Control Fields");
	check_ctl_bits(c, VMCS_PIN_BASED_CTLS, c->pin, k->pinbased,
		       t ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS");
	check_ctl_bits(c, VMCS_PRI_PROC_BASED_CTLS, c->proc, k->procbased,
		       t ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS");
	/* The CPU ignores the secondary controls unless the primary ones
	 * activate them; so does this check (c->proc2 is 0 then). */
	if (c->proc & PROCBASED_SECONDARY_CONTROLS)
		check_ctl_bits(c, VMCS_SEC_PROC_BASED_CTLS, c->proc2, k->procbased2,
			       "IA32_VMX_PROCBASED_CTLS2");

	if ((v = rd(c, VMCS_CR3_TARGET_COUNT)) > vmx_caps_cr3_targets(k))
		fail(c, VMCS_CR3_TARGET_COUNT, v, "CR3-target count above the %u of IA32_VMX_MISC",
		     vmx_caps_cr3_targets(k));
	/* Virtual NMIs replace NMI blocking only for NMIs that exit; the NMI
	 * window is the window of a virtual NMI. */
	if ((c->pin & PINBASED_VIRTUAL_NMIS) && !(c->pin & PINBASED_NMI_EXITING))
		fail(c, VMCS_PIN_BASED_CTLS, c->pin,
		     "PINBASED_VIRTUAL_NMIS set without PINBASED_NMI_EXITING");
	if ((c->proc & PROCBASED_NMI_WINDOW_EXITING) && !(c->pin & PINBASED_VIRTUAL_NMIS))
		fail(c, VMCS_PRI_PROC_BASED_CTLS, c->proc,
		     "PROCBASED_NMI_WINDOW_EXITING set without PINBASED_VIRTUAL_NMIS");
	/* APIC virtualization is unused by mica; these cheap rules still
	 * catch a stray bit. All of it works on the virtual-APIC page. */
	if (!(c->proc & PROCBASED_USE_TPR_SHADOW) &&
	    (c->proc2 & (PROCBASED2_VIRTUALIZE_X2APIC | PROCBASED2_APIC_REGISTER_VIRT |
			 PROCBASED2_VIRTUAL_INTR_DELIVERY)))
		fail(c, VMCS_SEC_PROC_BASED_CTLS, c->proc2,
		     "APIC virtualization set without PROCBASED_USE_TPR_SHADOW");
	if ((c->proc2 & PROCBASED2_VIRTUALIZE_X2APIC) && (c->proc2 & PROCBASED2_VIRTUALIZE_APIC))
		fail(c, VMCS_SEC_PROC_BASED_CTLS, c->proc2,
		     "PROCBASED2_VIRTUALIZE_X2APIC and PROCBASED2_VIRTUALIZE_APIC both set");
	if ((c->proc2 & PROCBASED2_VIRTUAL_INTR_DELIVERY) && !(c->pin & PINBASED_EXTINT_EXITING))
		fail(c, VMCS_PIN_BASED_CTLS, c->pin,
		     "PROCBASED2_VIRTUAL_INTR_DELIVERY set without PINBASED_EXTINT_EXITING");
	/* VPID 0 tags the host's own TLB entries. */
	if ((c->proc2 & PROCBASED2_ENABLE_VPID) && rd(c, VMCS_VPID) == 0)
		fail(c, VMCS_VPID, 0, "VPID 0 (the host's) with PROCBASED2_ENABLE_VPID set");
	for (size_t i = 0; i < sizeof(need_ept) / sizeof(need_ept[0]); i++)
		if ((c->proc2 & need_ept[i]) && !(c->proc2 & PROCBASED2_ENABLE_EPT))
			fail(c, VMCS_SEC_PROC_BASED_CTLS, c->proc2,
			     "%s set without PROCBASED2_ENABLE_EPT",
			     vmcs_control_bit_name(VMCS_SEC_PROC_BASED_CTLS,
						   (unsigned)__builtin_ctz(need_ept[i])));
}

/* The pages the execution controls point to, for the controls in use. */
static void check_exec_addresses(struct check *c)
{
	section(c, "VM-Execution Control Fields");
	if (c->proc & PROCBASED_USE_IO_BITMAPS) {
		check_page_addr(c, VMCS_IO_BITMAP_A, "I/O bitmap A");
		check_page_addr(c, VMCS_IO_BITMAP_B, "I/O bitmap B");
	}
	if (c->proc & PROCBASED_USE_MSR_BITMAPS)
		check_page_addr(c, VMCS_MSR_BITMAP, "MSR bitmap");
	if (c->proc & PROCBASED_USE_TPR_SHADOW) {
		uint64_t v;

		check_page_addr(c, VMCS_VIRTUAL_APIC_ADDRESS, "virtual-APIC");
		if (!(c->proc2 & PROCBASED2_VIRTUAL_INTR_DELIVERY) &&
		    ((v = rd(c, VMCS_TPR_THRESHOLD)) >> 4))
			fail(c, VMCS_TPR_THRESHOLD, v, "TPR threshold bits 31:4 set");
	}
	if (c->proc2 & PROCBASED2_VIRTUALIZE_APIC)
		check_page_addr(c, VMCS_APIC_ACCESS_ADDRESS, "APIC-access");
	if (c->proc2 & PROCBASED2_VMCS_SHADOWING) {
		check_page_addr(c, VMCS_VMREAD_BITMAP, "VMREAD bitmap");
		check_page_addr(c, VMCS_VMWRITE_BITMAP, "VMWRITE bitmap");
	}
	if (c->proc2 & PROCBASED2_ENABLE_PML)
		check_page_addr(c, VMCS_PML_ADDRESS, "PML");
	if (c->proc2 & PROCBASED2_EPT_VIOLATION_VE)
		check_page_addr(c, VMCS_VE_INFO_ADDRESS, "virtualization-exception information");
}

/*
 * The EPT pointer, against IA32_VMX_EPT_VPID_CAP: the CPU must be able to
 * walk the tables it points to (memory type, number of levels) and every
 * bit it does not define must be 0.
 */
static void check_eptp(struct check *c)
{
	uint64_t cap = c->caps->ept_vpid_cap;
	uint64_t eptp, type, walk;

	if (!(c->proc2 & PROCBASED2_ENABLE_EPT))
		return;
	section(c, "VM-Execution Control Fields");
	eptp = rd(c, VMCS_EPT_POINTER);
	type = eptp & EPTP_MEMTYPE_MASK;
	walk = eptp & EPTP_WALK_LENGTH_MASK;
	if (!(type == EPTP_MEMTYPE_UC && (cap & VMX_EPT_MEMTYPE_UC)) &&
	    !(type == EPTP_MEMTYPE_WB && (cap & VMX_EPT_MEMTYPE_WB)))
		fail(c, VMCS_EPT_POINTER, eptp,
		     "EPTP memory type %u not offered by IA32_VMX_EPT_VPID_CAP", (unsigned)type);
	if (!(walk == EPTP_WALK_LENGTH_4 && (cap & VMX_EPT_PAGE_WALK_4)) &&
	    !(walk == EPTP_WALK_LENGTH_5 && (cap & VMX_EPT_PAGE_WALK_5)))
		fail(c, VMCS_EPT_POINTER, eptp,
		     "EPTP page-walk length %u not offered by IA32_VMX_EPT_VPID_CAP",
		     (unsigned)(walk >> EPTP_WALK_LENGTH_SHIFT) + 1);
	if ((eptp & EPTP_AD_ENABLE) && !(cap & VMX_EPT_AD))
		fail(c, VMCS_EPT_POINTER, eptp, "EPTP A/D enable set without EPT A/D flags");
	if ((eptp & EPTP_SUPERVISOR_SHADOW_STACK) && !(cap & VMX_EPT_SUPERVISOR_SHADOW_STACK))
		fail(c, VMCS_EPT_POINTER, eptp,
		     "EPTP supervisor shadow-stack bit set without the capability");
	if (eptp & EPTP_RESERVED_11_8)
		fail(c, VMCS_EPT_POINTER, eptp, "EPTP reserved bits 11:8 set");
	if (!phys_ok(c, eptp))
		fail(c, VMCS_EPT_POINTER, eptp, "EPTP address beyond the physical-address width");
}

/* VM functions, when enabled: only those IA32_VMX_VMFUNC offers. */
static void check_vmfunc(struct check *c)
{
	uint64_t funcs;

	if (!(c->proc2 & PROCBASED2_ENABLE_VMFUNC))
		return;
	section(c, "VM-Execution Control Fields");
	funcs = rd(c, VMCS_VMFUNC_CTLS);
	if (funcs & ~c->caps->vmfunc)
		fail(c, VMCS_VMFUNC_CTLS, funcs, "VM function %u not offered by IA32_VMX_VMFUNC",
		     (unsigned)__builtin_ctzll(funcs & ~c->caps->vmfunc));
	if (funcs & VMFUNC_EPTP_SWITCHING) {
		if (!(c->proc2 & PROCBASED2_ENABLE_EPT))
			fail(c, VMCS_VMFUNC_CTLS, funcs,
			     "EPTP switching without PROCBASED2_ENABLE_EPT");
		check_page_addr(c, VMCS_EPTP_LIST_ADDRESS, "EPTP list");
	}
}

/* The VM-exit controls; saving the preemption timer needs a running timer. */
static void check_exit_controls(struct check *c)
{
	section(c, "VM-Exit Control Fields");
	check_ctl_bits(c, VMCS_EXIT_CTLS, c->exit, c->caps->exit,
		       vmx_caps_true_ctls(c->caps) ? "IA32_VMX_TRUE_EXIT_CTLS"
						   : "IA32_VMX_EXIT_CTLS");
	if ((c->exit & VM_EXIT_SAVE_PREEMPTION_TIMER) && !(c->pin & PINBASED_PREEMPTION_TIMER))
		fail(c, VMCS_EXIT_CTLS, c->exit,
		     "VM_EXIT_SAVE_PREEMPTION_TIMER set without PINBASED_PREEMPTION_TIMER");
	check_msr_area(c, VMCS_EXIT_MSR_STORE_COUNT, VMCS_EXIT_MSR_STORE_ADDR,
		       "VM-exit MSR-store area");
	check_msr_area(c, VMCS_EXIT_MSR_LOAD_COUNT, VMCS_EXIT_MSR_LOAD_ADDR,
		       "VM-exit MSR-load area");
}

/*
 * The event VM entry injects (VMCS_ENTRY_INTR_INFO), if any: the type must
 * exist, the vector fit the type, the error code be pushed exactly when the
 * exception would push one, and a software event have the length of the
 * instruction it stands for.
 */
static void check_event_injection(struct check *c)
{
	uint32_t info = c->intr_info;
	unsigned type = VMCS_INTR_INFO_TYPE(info);
	unsigned vec = info & VMCS_INTR_INFO_VECTOR_MASK;
	bool has_ec = info & VMCS_INTR_INFO_DELIVER_ERROR_CODE;
	bool pe;
	uint64_t v;

	if (!(info & VMCS_INTR_INFO_VALID))
		return;
	pe = rd(c, VMCS_GUEST_CR0) & CR0_PE;
	/* Type 7 ("other event", a pending MTF exit) exists only with MTF. */
	if (type == INTR_TYPE_RESERVED ||
	    (type == INTR_TYPE_OTHER_EVENT && !vmx_ctl_may_set(c->caps->procbased, PROCBASED_MTF)))
		fail(c, VMCS_ENTRY_INTR_INFO, info, "interruption type %u reserved", type);
	if ((type == INTR_TYPE_NMI && vec != VEC_NMI) ||
	    (type == INTR_TYPE_HW_EXCEPTION && vec > 31) ||
	    (type == INTR_TYPE_OTHER_EVENT && vec != 0))
		fail(c, VMCS_ENTRY_INTR_INFO, info,
		     "vector %u does not fit interruption type %u", vec, type);

	/* Only hardware exceptions in protected mode push an error code, and
	 * unless IA32_VMX_BASIC says otherwise, exactly the ones that would. */
	if (has_ec && (type != INTR_TYPE_HW_EXCEPTION || !pe))
		fail(c, VMCS_ENTRY_INTR_INFO, info,
		     "deliver-error-code set for a non-hardware exception or with CR0.PE clear");
	else if (type == INTR_TYPE_HW_EXCEPTION && pe && vec < 32 &&
		 !(c->caps->basic & VMX_BASIC_NO_ERR_CODE_CHECK) &&
		 ((!has_ec && (EXC_WITH_ERROR_CODE & BIT(vec))) ||
		  (has_ec && (EXC_WITHOUT_ERROR_CODE & BIT(vec)))))
		fail(c, VMCS_ENTRY_INTR_INFO, info,
		     "deliver-error-code does not match exception vector %u", vec);
	if (info & VMCS_INTR_INFO_RESERVED)
		fail(c, VMCS_ENTRY_INTR_INFO, info, "interruption-information bits 30:12 set");
	if (has_ec && ((v = rd(c, VMCS_ENTRY_EXCEPTION_ERROR_CODE)) >> 16) != 0)
		fail(c, VMCS_ENTRY_EXCEPTION_ERROR_CODE, v, "error code bits 31:16 set");
	/* The pushed return address is RIP plus this length; x86
	 * instructions are 1 to 15 bytes long. */
	if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SW_EXCEPTION) {
		v = rd(c, VMCS_ENTRY_INSTRUCTION_LENGTH);
		if (v > 15 || (v == 0 && !vmx_caps_zero_len_injection(c->caps)))
			fail(c, VMCS_ENTRY_INSTRUCTION_LENGTH, v,
			     "instruction length of a software event not in 1-15");
	}
}

/* The VM-entry controls, the event to inject, and the MSRs to load. */
static void check_entry_controls(struct check *c)
{
	section(c, "VM-Entry Control Fields");
	check_ctl_bits(c, VMCS_ENTRY_CTLS, c->entry, c->caps->entry,
		       vmx_caps_true_ctls(c->caps) ? "IA32_VMX_TRUE_ENTRY_CTLS"
						   : "IA32_VMX_ENTRY_CTLS");
	check_event_injection(c);
	check_msr_area(c, VMCS_ENTRY_MSR_LOAD_COUNT, VMCS_ENTRY_MSR_LOAD_ADDR,
		       "VM-entry MSR-load area");
	/* mica never runs in SMM, where alone these two may be set. */
	if (c->entry & (VM_ENTRY_ENTRY_TO_SMM | VM_ENTRY_DEACTIVATE_DUAL_MONITOR))
		fail(c, VMCS_ENTRY_CTLS, c->entry,
		     "VM_ENTRY_ENTRY_TO_SMM or VM_ENTRY_DEACTIVATE_DUAL_MONITOR set outside SMM");
}

/*
 * What VM exit loads into the host's control registers and MSRs: values the
 * CPU accepts in VMX operation, addresses it can use. A bad one here would
 * surface only at the first VM exit, as a VMX abort.
 */
static void check_host_cr_msr(struct check *c)
{
	const struct vmx_caps *k = c->caps;
	uint64_t cr0 = rd(c, VMCS_HOST_CR0), cr4 = rd(c, VMCS_HOST_CR4);
	uint64_t cr3 = rd(c, VMCS_HOST_CR3), v;
	bool host64 = c->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE;

	section(c, "Checks on Host Control Registers, MSRs, and SSP");
	/* VM exit leaves CR0.NW and CR0.CD alone, so they are not checked. */
	check_fixed(c, VMCS_HOST_CR0, cr0, k->cr0_fixed0, k->cr0_fixed1, CR0_NW | CR0_CD, "CR0");
	check_fixed(c, VMCS_HOST_CR4, cr4, k->cr4_fixed0, k->cr4_fixed1, 0, "CR4");
	if (!phys_ok(c, cr3))
		fail(c, VMCS_HOST_CR3, cr3, "host CR3 beyond the physical-address width");
	if (!canonical(v = rd(c, VMCS_HOST_IA32_SYSENTER_ESP)))
		fail(c, VMCS_HOST_IA32_SYSENTER_ESP, v, "host IA32_SYSENTER_ESP not canonical");
	if (!canonical(v = rd(c, VMCS_HOST_IA32_SYSENTER_EIP)))
		fail(c, VMCS_HOST_IA32_SYSENTER_EIP, v, "host IA32_SYSENTER_EIP not canonical");
	if ((c->exit & VM_EXIT_LOAD_PAT) && !pat_ok(v = rd(c, VMCS_HOST_IA32_PAT)))
		fail(c, VMCS_HOST_IA32_PAT, v, "host IA32_PAT holds a reserved memory type");
	if (c->exit & VM_EXIT_LOAD_EFER) {
		v = rd(c, VMCS_HOST_IA32_EFER);
		if (v & EFER_RESERVED)
			fail(c, VMCS_HOST_IA32_EFER, v, "host IA32_EFER reserved bits set");
		if (!!(v & EFER_LMA) != host64 || !!(v & EFER_LME) != host64)
			fail(c, VMCS_HOST_IA32_EFER, v,
			     "host EFER.LMA and EFER.LME must equal VM_EXIT_HOST_ADDR_SPACE_SIZE");
	}
}

/* The host's selectors must name GDT entries at ring 0, and its bases be
 * usable in 64-bit mode. */
static void check_host_segments(struct check *c)
{
	static const struct {
		uint32_t field;
		const char *name;
	} sels[] = {
		{ VMCS_HOST_ES_SELECTOR, "ES" }, { VMCS_HOST_CS_SELECTOR, "CS" },
		{ VMCS_HOST_SS_SELECTOR, "SS" }, { VMCS_HOST_DS_SELECTOR, "DS" },
		{ VMCS_HOST_FS_SELECTOR, "FS" }, { VMCS_HOST_GS_SELECTOR, "GS" },
		{ VMCS_HOST_TR_SELECTOR, "TR" },
	};
	static const uint32_t bases[] = {
		VMCS_HOST_FS_BASE, VMCS_HOST_GS_BASE, VMCS_HOST_GDTR_BASE,
		VMCS_HOST_IDTR_BASE, VMCS_HOST_TR_BASE,
	};
	uint64_t v;

	section(c, "Checks on Host Segment and Descriptor-Table Registers");
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++)
		if ((v = rd(c, sels[i].field)) & (SEL_RPL_MASK | SEL_TI))
			fail(c, sels[i].field, v, "host %s selector RPL or TI not 0", sels[i].name);
	if ((v = rd(c, VMCS_HOST_CS_SELECTOR)) == 0)
		fail(c, VMCS_HOST_CS_SELECTOR, v, "host CS selector null");
	if ((v = rd(c, VMCS_HOST_TR_SELECTOR)) == 0)
		fail(c, VMCS_HOST_TR_SELECTOR, v, "host TR selector null");
	/* A null SS is fine for a 64-bit host; mica's host is always 64-bit. */
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (!canonical(v = rd(c, bases[i])))
			fail(c, bases[i], v, "host base address not canonical");
}

/* mica's host runs in 64-bit mode, so VM exits must return to it there. */
static void check_address_space_size(struct check *c)
{
	uint64_t v;

	section(c, "Checks Related to Address-Space Size");
	if (!(c->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE)) {
		fail(c, VMCS_EXIT_CTLS, c->exit,
		     "VM_EXIT_HOST_ADDR_SPACE_SIZE clear but mica's host is 64-bit");
		return;
	}
	if (!((v = rd(c, VMCS_HOST_CR4)) & CR4_PAE))
		fail(c, VMCS_HOST_CR4, v, "host CR4.PAE clear with VM_EXIT_HOST_ADDR_SPACE_SIZE");
	if (!canonical(v = rd(c, VMCS_HOST_RIP)))
		fail(c, VMCS_HOST_RIP, v, "host RIP not canonical");
}

/* A check of the VMCS (read)(ctx) reads, with (why) empty: the fields
 * both kinds of check start from. */
static inline __attribute__((always_inline)) void
check_begin(struct check *c, const struct vmx_caps *caps, vmcs_read_fn read, void *ctx,
	    char *why, size_t whylen)
{
	*c = (struct check){
		.caps = caps, .read = read, .ctx = ctx, .why = why, .whylen = whylen,
	};
	if (whylen > 0)
		why[0] = '\0';
	c->pin = (uint32_t)rd(c, VMCS_PIN_BASED_CTLS);
	c->intr_info = (uint32_t)rd(c, VMCS_ENTRY_INTR_INFO);
}

int vmx_check_state(const struct vmx_caps *caps, vmcs_read_fn read, void *ctx,
		    char *why, size_t whylen)
{
	struct check c;

	check_begin(&c, caps, read, ctx, why, whylen);

	c.proc = (uint32_t)rd(&c, VMCS_PRI_PROC_BASED_CTLS);
	if (c.proc & PROCBASED_SECONDARY_CONTROLS)
		c.proc2 = (uint32_t)rd(&c, VMCS_SEC_PROC_BASED_CTLS);
	c.exit = (uint32_t)rd(&c, VMCS_EXIT_CTLS);
	c.entry = (uint32_t)rd(&c, VMCS_ENTRY_CTLS);
	c.unrestricted = c.proc2 & PROCBASED2_UNRESTRICTED_GUEST;
	c.ia32e = c.entry & VM_ENTRY_IA32E_MODE_GUEST;

	/* The CPU stops at the first broken rule; we go on and count them
	 * all, in the SDM's order, and report the first. */
	c.area = "controls";
	check_exec_controls(&c);
	check_exec_addresses(&c);
	check_eptp(&c);
	check_vmfunc(&c);
	check_exit_controls(&c);
	check_entry_controls(&c);

	c.area = "host-state";
	check_host_cr_msr(&c);
	check_host_segments(&c);
	check_address_space_size(&c);

	c.area = "guest-state";
	vmx_check_guest_state(&c);
	return c.failures;
}

int vmx_check_event(const struct vmx_caps *caps, vmcs_read_fn read, void *ctx,
		    char *why, size_t whylen)
{
	struct check c;

	check_begin(&c, caps, read, ctx, why, whylen);

	c.area = "controls";
	section(&c, "VM-Entry Control Fields");
	check_event_injection(&c);
	c.area = "guest-state";
	vmx_check_guest_event(&c);
	return c.failures;
}
