/*
 * test_vmx_check_guest.c - host unit tests for the guest-state half of
 * vmx_check_state() (hv/vmx/vmx_check_guest.c; cmocka, ASan, UBSan). From
 * a state that passes (tests/unit/vmx_fake.c: a multiboot guest, or the
 * real-mode, virtual-8086, IA-32e or restricted one made here, each of
 * which must pass too), each case breaks one rule alone: the check must
 * count one broken rule and name it and its field. Every message of
 * vmx_check_guest.c must have its case (test_every_guest_rule_has_a_case
 * reads the source).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_check.h"
#include "tests/unit/vmx_fake.h"

/* ---- other states that pass ---- */

/* Real mode, as an unrestricted guest may start (e.g. at the reset vector). */
static void real_mode(struct fake_vmcs *v)
{
	set(v, VMCS_GUEST_CR0, CR0_ET | CR0_NE);
	guest_seg(v, VMCS_GUEST_CS_SELECTOR, 0xf000, 0xf0000, 0xffff, 0x9b);
	guest_seg(v, VMCS_GUEST_SS_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(v, VMCS_GUEST_DS_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(v, VMCS_GUEST_ES_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(v, VMCS_GUEST_FS_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(v, VMCS_GUEST_GS_SELECTOR, 0, 0, 0xffff, 0x93);
	set(v, VMCS_GUEST_RIP, 0xfff0);
}

/* A 64-bit guest: IA-32e mode, paging with PAE, a 64-bit code segment. */
static void long_mode(struct fake_vmcs *v)
{
	set(v, VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_IA32E_MODE_GUEST);
	set(v, VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG);
	set(v, VMCS_GUEST_CR3, 0x30000);
	set(v, VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	set(v, VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	guest_seg(v, VMCS_GUEST_CS_SELECTOR, 0x08, 0, 0xffffffff, 0xa09b);
	set(v, VMCS_GUEST_RIP, 0xffffffff80001000);
}

/* Virtual-8086 mode: every segment as a real-mode load makes it, at ring 3. */
static void v86_mode(struct fake_vmcs *v)
{
	static const uint32_t sel[] = {
		VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_SS_SELECTOR,
		VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR,
	};

	for (unsigned i = 0; i < 6; i++)
		guest_seg(v, sel[i], (uint16_t)(0x1000 + i), (0x1000 + i) << 4, 0xffff, 0xf3);
	set(v, VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_VM);
	set(v, VMCS_GUEST_RIP, 0x100);
}

/* Without unrestricted guest: the guest must page, and the privilege
 * rules on selectors apply. */
static void restricted(struct fake_vmcs *v)
{
	set(v, VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 & ~PROCBASED2_UNRESTRICTED_GUEST);
	set(v, VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG);
}

/* A CPU that offers CET (CR4.CET allowed by IA32_VMX_CR4_FIXED1). */
static void cet_cpu(struct fake_vmcs *v)
{
	caps.cr4_fixed1 |= CR4_CET;
}

static void test_other_states_pass(void **state)
{
	void (*const prepare[])(struct fake_vmcs *) = {
		real_mode, long_mode, v86_mode, restricted, cet_cpu,
	};
	struct fake_vmcs v;
	char why[256];

	for (unsigned i = 0; i < sizeof(prepare) / sizeof(prepare[0]); i++) {
		good_state(&v);
		prepare[i](&v);
		if (check(&v, why, sizeof(why)) != 0)
			fail_msg("state %u: %s", i, why);
		assert_int_equal(v.unknown_reads, 0);
	}
}

/* ---- each rule broken alone ---- */

#define INJECT(type, vec) (VMCS_INTR_INFO_VALID | ((type) << 8) | (vec))
#define GUEST_IF (RFLAGS_RESERVED1 | RFLAGS_IF)

static const struct mutation mutations[] = {
	/* control registers, DR7 and MSRs */
	{ "guest_pg_without_pe", 1,
	  "guest-state: CR0.PG set without CR0.PE (VMCS_GUEST_CR0=0x80000030) "
	  "[SDM Vol. 3 \"Checks on Guest Control Registers, Debug Registers, and MSRs\"]",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_PG | CR0_ET | CR0_NE) } },
	{ "guest_cr0_ne_clear", 1, "CR0 bit 5 clear but IA32_VMX_CR0_FIXED0 requires it",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET) } },
	{ "guest_cr0_pg_clear_restricted", 1, "CR0 bit 31 clear but IA32_VMX_CR0_FIXED0 requires it",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE) }, restricted },
	/* PE cannot break alone: PG then breaks either its fixed bit or
	 * "PG without PE". The first message is PE's. */
	{ "guest_cr0_pe_clear_restricted", 2, "CR0 bit 0 clear but IA32_VMX_CR0_FIXED0 requires it",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_ET | CR0_NE | CR0_PG) }, restricted },
	{ "guest_cr0_bit_32", 1, "CR0 bit 32 set but IA32_VMX_CR0_FIXED1 forbids it",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | BIT(32)) } },
	{ "guest_cr4_vmxe_clear", 1, "CR4 bit 13 clear but IA32_VMX_CR4_FIXED0 requires it",
	  "VMCS_GUEST_CR4", { SET(VMCS_GUEST_CR4, 0) } },
	{ "guest_cr4_la57", 1, "CR4 bit 12 set but IA32_VMX_CR4_FIXED1 forbids it",
	  "VMCS_GUEST_CR4", { SET(VMCS_GUEST_CR4, CR4_VMXE | CR4_LA57) } },
	{ "guest_cet_without_wp", 1, "CR4.CET set without CR0.WP", "VMCS_GUEST_CR4",
	  { SET(VMCS_GUEST_CR4, CR4_VMXE | CR4_CET) }, cet_cpu },
	{ "guest_debugctl_reserved", 1, "IA32_DEBUGCTL reserved bits set", "VMCS_GUEST_IA32_DEBUGCTL",
	  { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_LOAD_DEBUG_CONTROLS),
	    SET(VMCS_GUEST_IA32_DEBUGCTL, BIT(3)) } },
	{ "guest_dr7_bits_63_32", 1, "DR7 bits 63:32 set", "VMCS_GUEST_DR7",
	  { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_LOAD_DEBUG_CONTROLS),
	    SET(VMCS_GUEST_DR7, BIT(32) | 0x400) } },
	{ "guest_ia32e_without_paging", 1, "IA-32e mode guest without CR0.PG", "VMCS_GUEST_CR0",
	  { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_WP),
	    SET(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA) }, long_mode },
	{ "guest_ia32e_without_pae", 1, "IA-32e mode guest without CR4.PAE", "VMCS_GUEST_CR4",
	  { SET(VMCS_GUEST_CR4, CR4_VMXE) }, long_mode },
	{ "guest_pcide_outside_ia32e", 1, "CR4.PCIDE set outside IA-32e mode", "VMCS_GUEST_CR4",
	  { SET(VMCS_GUEST_CR4, CR4_VMXE | CR4_PCIDE) } },
	{ "guest_cr3_beyond_maxphyaddr", 1, "CR3 beyond the physical-address width",
	  "VMCS_GUEST_CR3", { SET(VMCS_GUEST_CR3, BIT(39)) } },
	{ "guest_sysenter_esp_noncanonical", 1, "IA32_SYSENTER_ESP not canonical",
	  "VMCS_GUEST_IA32_SYSENTER_ESP", { SET(VMCS_GUEST_IA32_SYSENTER_ESP, BIT(47)) } },
	{ "guest_sysenter_eip_noncanonical", 1, "IA32_SYSENTER_EIP not canonical",
	  "VMCS_GUEST_IA32_SYSENTER_EIP", { SET(VMCS_GUEST_IA32_SYSENTER_EIP, BIT(47)) } },
	{ "guest_pat_reserved_type", 1, "IA32_PAT holds a reserved memory type", "VMCS_GUEST_IA32_PAT",
	  { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_LOAD_PAT),
	    SET(VMCS_GUEST_IA32_PAT, 0x0007040600070402) } },
	{ "guest_efer_reserved", 1, "IA32_EFER reserved bits set", "VMCS_GUEST_IA32_EFER",
	  { SET(VMCS_GUEST_IA32_EFER, BIT(1)) } },
	{ "guest_efer_lma_without_ia32e", 1, "EFER.LMA differs from VM_ENTRY_IA32E_MODE_GUEST",
	  "VMCS_GUEST_IA32_EFER", { SET(VMCS_GUEST_IA32_EFER, EFER_LMA) } },
	{ "guest_efer_lme_without_lma_paging", 1, "EFER.LMA differs from EFER.LME with CR0.PG set",
	  "VMCS_GUEST_IA32_EFER",
	  { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG),
	    SET(VMCS_GUEST_IA32_EFER, EFER_LME) } },
	/* segment registers */
	{ "guest_v86_base", 1, "ES base not selector * 16 in virtual-8086 mode", "VMCS_GUEST_ES_BASE",
	  { SET(VMCS_GUEST_ES_BASE, 0x10010) }, v86_mode },
	{ "guest_v86_limit", 1, "DS limit not 0xffff in virtual-8086 mode", "VMCS_GUEST_DS_LIMIT",
	  { SET(VMCS_GUEST_DS_LIMIT, 0xfffff) }, v86_mode },
	{ "guest_v86_access_rights", 1, "GS access rights not 0xf3 in virtual-8086 mode",
	  "VMCS_GUEST_GS_ACCESS_RIGHTS", { SET(VMCS_GUEST_GS_ACCESS_RIGHTS, 0x93) }, v86_mode },
	{ "guest_ds_not_present", 1, "DS.P clear", "VMCS_GUEST_DS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_DS_ACCESS_RIGHTS, 0xc013) } },
	{ "guest_fs_ar_reserved", 1, "FS access-rights reserved bits 11:8 or 31:17 set",
	  "VMCS_GUEST_FS_ACCESS_RIGHTS", { SET(VMCS_GUEST_FS_ACCESS_RIGHTS, AR_DATA32 | BIT(8)) } },
	{ "guest_cs_limit_vs_granularity", 1, "CS limit does not fit CS.G=0",
	  "VMCS_GUEST_CS_LIMIT=0xffffffff", { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0x409b) } },
	{ "guest_cs_data_not_accessed", 1, "CS type 2 not an accessed code segment",
	  "VMCS_GUEST_CS_ACCESS_RIGHTS", { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc092) } },
	{ "guest_cs_l_and_db", 1, "CS.L and CS.D/B both set in IA-32e mode",
	  "VMCS_GUEST_CS_ACCESS_RIGHTS", { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xe09b) }, long_mode },
	{ "guest_ss_execute_only_type", 1, "SS type 11 not a read/write accessed data segment",
	  "VMCS_GUEST_SS_ACCESS_RIGHTS", { SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc09b) } },
	{ "guest_ds_not_accessed", 1, "DS type 2 not accessed", "VMCS_GUEST_DS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_DS_ACCESS_RIGHTS, 0xc092) } },
	{ "guest_es_execute_only", 1, "ES type 9 is execute-only code", "VMCS_GUEST_ES_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_ES_ACCESS_RIGHTS, 0xc099) } },
	{ "guest_gs_system_segment", 1, "GS.S clear (system segment)", "VMCS_GUEST_GS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_GS_ACCESS_RIGHTS, 0xc083) } },
	{ "guest_cs_type3_dpl3", 1, "CS.DPL not 0 with CS type 3", "VMCS_GUEST_CS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_cs_dpl_differs_from_ss", 1,
	  "CS.DPL 0 differs from SS.DPL 3 for non-conforming code", "VMCS_GUEST_CS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_conforming_cs_dpl_above_ss", 1, "CS.DPL 3 above SS.DPL 0 for conforming code",
	  "VMCS_GUEST_CS_ACCESS_RIGHTS", { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc0ff) } },
	{ "guest_ss_dpl_vs_rpl", 1, "SS.DPL differs from SS selector RPL", "VMCS_GUEST_SS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_CS_SELECTOR, 0x13), SET(VMCS_GUEST_SS_SELECTOR, 0x1b) }, restricted },
	{ "guest_ss_dpl_with_pe_clear", 1, "SS.DPL not 0 with CR0.PE clear or CS type 3",
	  "VMCS_GUEST_SS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_CR0, CR0_ET | CR0_NE), SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc09f),
	    SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_ds_dpl_below_rpl", 1, "DS.DPL below its selector RPL", "VMCS_GUEST_DS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_DS_SELECTOR, 0x1b) }, restricted },
	{ "guest_ss_rpl_vs_cs_rpl", 1, "SS selector RPL differs from CS selector RPL",
	  "VMCS_GUEST_SS_SELECTOR",
	  { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc09f), SET(VMCS_GUEST_SS_SELECTOR, 0x1b),
	    SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) }, restricted },
	{ "guest_cs_base_high", 1, "CS base bits 63:32 set", "VMCS_GUEST_CS_BASE",
	  { SET(VMCS_GUEST_CS_BASE, BIT(32)) } },
	{ "guest_es_base_high", 1, "ES base bits 63:32 set", "VMCS_GUEST_ES_BASE",
	  { SET(VMCS_GUEST_ES_BASE, BIT(32)) } },
	{ "guest_fs_base_noncanonical", 1, "FS base not canonical", "VMCS_GUEST_FS_BASE",
	  { SET(VMCS_GUEST_FS_BASE, 0x0000800000000000) } },
	{ "guest_tr_ti", 1, "TR selector TI set", "VMCS_GUEST_TR_SELECTOR",
	  { SET(VMCS_GUEST_TR_SELECTOR, SEL_TI) } },
	{ "guest_tr_unusable", 1, "TR unusable", "VMCS_GUEST_TR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_TR_ACCESS_RIGHTS, SEG_AR_UNUSABLE | AR_TSS32) } },
	{ "guest_tr_available_tss", 1, "TR type 9 not a busy TSS (3 or 11)",
	  "VMCS_GUEST_TR_ACCESS_RIGHTS", { SET(VMCS_GUEST_TR_ACCESS_RIGHTS, 0x89) } },
	{ "guest_tr_16bit_tss_ia32e", 1, "TR type 3 not a busy TSS (11 in IA-32e mode)",
	  "VMCS_GUEST_TR_ACCESS_RIGHTS", { SET(VMCS_GUEST_TR_ACCESS_RIGHTS, 0x83) }, long_mode },
	{ "guest_tr_s_set", 1, "TR.S set", "VMCS_GUEST_TR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_TR_ACCESS_RIGHTS, AR_TSS32 | SEG_AR_S) } },
	{ "guest_ldtr_ti", 1, "LDTR selector TI set", "VMCS_GUEST_LDTR_SELECTOR",
	  { SET(VMCS_GUEST_LDTR_SELECTOR, SEL_TI), SET(VMCS_GUEST_LDTR_ACCESS_RIGHTS, 0x82) } },
	{ "guest_ldtr_usable_wrong_type", 1, "LDTR type 3 not 2", "VMCS_GUEST_LDTR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_LDTR_ACCESS_RIGHTS, 0x83) } },
	{ "guest_ldtr_s_set", 1, "LDTR.S set", "VMCS_GUEST_LDTR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_LDTR_ACCESS_RIGHTS, 0x92) } },
	/* descriptor-table registers */
	{ "guest_idtr_base_noncanonical", 1, "IDTR base not canonical", "VMCS_GUEST_IDTR_BASE",
	  { SET(VMCS_GUEST_IDTR_BASE, 0x0000800000000000) } },
	{ "guest_gdtr_limit_above_64k", 1, "GDTR limit above 0xffff", "VMCS_GUEST_GDTR_LIMIT",
	  { SET(VMCS_GUEST_GDTR_LIMIT, 0x10000) } },
	/* RIP and RFLAGS */
	{ "guest_rip_high_bits", 1, "RIP bits 63:32 set outside 64-bit mode", "VMCS_GUEST_RIP",
	  { SET(VMCS_GUEST_RIP, BIT(32)) } },
	{ "guest_rip_noncanonical_64", 1, "RIP not canonical in 64-bit mode", "VMCS_GUEST_RIP",
	  { SET(VMCS_GUEST_RIP, 0x0000800000000000) }, long_mode },
	{ "guest_rflags_reserved_bit", 1, "RFLAGS reserved bits 3, 5, 15 or 63:22 set",
	  "VMCS_GUEST_RFLAGS", { SET(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1 | BIT(15)) } },
	{ "guest_rflags_bit1_clear", 1, "RFLAGS reserved bit 1 clear", "VMCS_GUEST_RFLAGS=0x0",
	  { SET(VMCS_GUEST_RFLAGS, 0) } },
	{ "guest_v86_with_pe_clear", 1, "RFLAGS.VM set in IA-32e mode or with CR0.PE clear",
	  "VMCS_GUEST_RFLAGS", { SET(VMCS_GUEST_CR0, CR0_ET | CR0_NE) }, v86_mode },
	{ "guest_extint_with_if_clear", 1, "RFLAGS.IF clear while injecting an external interrupt",
	  "VMCS_GUEST_RFLAGS", { SET(VMCS_ENTRY_INTR_INFO, INJECT(INTR_TYPE_EXT_INTR, 0x20)) } },
	/* activity state */
	{ "guest_activity_state_4", 1, "activity state 4 not offered by IA32_VMX_MISC",
	  "VMCS_GUEST_ACTIVITY_STATE", { SET(VMCS_GUEST_ACTIVITY_STATE, 4) } },
	{ "guest_hlt_with_ss_dpl_3", 1, "HLT activity state with SS.DPL 3 (must be 0)",
	  "VMCS_GUEST_ACTIVITY_STATE",
	  { SET(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	    SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc09f), SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_hlt_with_mov_ss_blocking", 1,
	  "activity state not active while blocking by STI or MOV SS", "VMCS_GUEST_ACTIVITY_STATE",
	  { SET(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	    SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_MOV_SS) } },
	{ "guest_hlt_inject_gp", 1, "event injected that activity state 1 blocks",
	  "VMCS_ENTRY_INTR_INFO",
	  { SET(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	    SET(VMCS_ENTRY_INTR_INFO, INJECT(INTR_TYPE_HW_EXCEPTION, VEC_GP) |
		VMCS_INTR_INFO_DELIVER_ERROR_CODE) } },
	/* interruptibility state */
	{ "guest_interruptibility_reserved", 1, "interruptibility reserved bits 31:5 set",
	  "VMCS_GUEST_INTERRUPTIBILITY", { SET(VMCS_GUEST_INTERRUPTIBILITY, BIT(5)) } },
	{ "guest_sti_and_mov_ss_blocking", 1, "blocking by STI and by MOV SS both set",
	  "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_STI |
		INTERRUPTIBILITY_BLOCKING_BY_MOV_SS),
	    SET(VMCS_GUEST_RFLAGS, GUEST_IF) } },
	{ "guest_sti_blocking_with_if_clear", 1, "blocking by STI with RFLAGS.IF clear",
	  "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_STI) } },
	{ "guest_extint_while_mov_ss_blocking", 1,
	  "external interrupt injected while blocking by STI or MOV SS", "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_RFLAGS, GUEST_IF),
	    SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_MOV_SS),
	    SET(VMCS_ENTRY_INTR_INFO, INJECT(INTR_TYPE_EXT_INTR, 0x20)) } },
	{ "guest_nmi_while_mov_ss_blocking", 1, "NMI injected while blocking by MOV SS",
	  "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_MOV_SS),
	    SET(VMCS_ENTRY_INTR_INFO, INJECT(INTR_TYPE_NMI, 2)) } },
	{ "guest_smi_blocking_outside_smm", 1, "blocking by SMI set outside SMM",
	  "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_SMI) } },
	{ "guest_virtual_nmi_while_nmi_blocking", 1,
	  "NMI injected with virtual NMIs while blocking by NMI", "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN | PINBASED_VIRTUAL_NMIS),
	    SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_NMI),
	    SET(VMCS_ENTRY_INTR_INFO, INJECT(INTR_TYPE_NMI, 2)) } },
	/* pending debug exceptions */
	{ "guest_pending_dbg_reserved", 1, "pending debug exceptions reserved bits set",
	  "VMCS_GUEST_PENDING_DBG_EXCEPTIONS", { SET(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, BIT(4)) } },
	{ "guest_bs_clear_with_tf", 1, "BS clear with RFLAGS.TF set and DEBUGCTL.BTF clear",
	  "VMCS_GUEST_PENDING_DBG_EXCEPTIONS",
	  { SET(VMCS_GUEST_RFLAGS, GUEST_IF | RFLAGS_TF),
	    SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_STI) } },
	{ "guest_bs_set_without_tf", 1, "BS set without a pending single-step trap",
	  "VMCS_GUEST_PENDING_DBG_EXCEPTIONS",
	  { SET(VMCS_GUEST_RFLAGS, GUEST_IF),
	    SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_STI),
	    SET(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS) } },
	/* VMCS link pointer, PDPTEs */
	{ "guest_link_pointer_not_ones", 1, "VMCS link pointer not ~0 (mica uses no shadow VMCS)",
	  "VMCS_VMCS_LINK_POINTER=0x0", { SET(VMCS_VMCS_LINK_POINTER, 0) } },
	{ "guest_pdpte_reserved_bits", 1, "PDPTE0 present with reserved bits set",
	  "VMCS_GUEST_PDPTE0",
	  { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG),
	    SET(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE), SET(VMCS_GUEST_PDPTE0, 0x40000 | BIT(1) | BIT(0)) } },
	{ "guest_pdpte_beyond_maxphyaddr", 1, "PDPTE3 present with reserved bits set",
	  "VMCS_GUEST_PDPTE3",
	  { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG),
	    SET(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE), SET(VMCS_GUEST_PDPTE3, BIT(39) | BIT(0)) } },
};

#define NMUTATIONS (sizeof(mutations) / sizeof(mutations[0]))

/* vmx_check_event(), the check before an entry that injects an event into
 * a state checked before: it finds the rules the event takes part in, in
 * the controls and in the guest state, and leaves the others to the whole
 * check. */
static void test_event_check(void **state)
{
	static const struct {
		uint64_t rflags, intr, activity, info;
		const char *rule;
	} cases[] = {
		{ GUEST_IF, 0, 0, INJECT(INTR_TYPE_EXT_INTR, 0x20), NULL },
		{ RFLAGS_RESERVED1, 0, 0, INJECT(INTR_TYPE_EXT_INTR, 0x20),
		  "RFLAGS.IF clear while injecting an external interrupt" },
		{ GUEST_IF, INTERRUPTIBILITY_BLOCKING_BY_STI, 0, INJECT(INTR_TYPE_EXT_INTR, 0x20),
		  "external interrupt injected while blocking by STI or MOV SS" },
		{ GUEST_IF, 0, ACTIVITY_STATE_HLT,
		  INJECT(INTR_TYPE_HW_EXCEPTION, VEC_GP) | VMCS_INTR_INFO_DELIVER_ERROR_CODE,
		  "event injected that activity state 1 blocks" },
		{ GUEST_IF, 0, 0, INJECT(INTR_TYPE_NMI, 3), "does not fit interruption type" },
		{ GUEST_IF, 0, 0, INJECT(INTR_TYPE_HW_EXCEPTION, VEC_GP),
		  "deliver-error-code does not match exception vector 13" },
	};
	struct fake_vmcs v;
	char why[256];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		good_state(&v);
		/* Broken where only the whole check looks. */
		set(&v, VMCS_VMCS_LINK_POINTER, 0);
		set(&v, VMCS_GUEST_RFLAGS, cases[i].rflags);
		set(&v, VMCS_GUEST_INTERRUPTIBILITY, cases[i].intr);
		set(&v, VMCS_GUEST_ACTIVITY_STATE, cases[i].activity);
		set(&v, VMCS_ENTRY_INTR_INFO, cases[i].info);
		set(&v, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
		if (vmx_check_event(&caps, fake_read, &v, why, sizeof(why)) != (cases[i].rule != NULL))
			fail_msg("case %u: %s", i, why);
		if (cases[i].rule && !strstr(why, cases[i].rule))
			fail_msg("case %u: \"%s\" does not name \"%s\"", i, why, cases[i].rule);
		assert_true(check(&v, why, sizeof(why)) >= 1);
	}
}

/* Every fail() message of hv/vmx/vmx_check_guest.c has a case above: a new
 * rule without one fails here. */
static void test_every_guest_rule_has_a_case(void **state)
{
	assert_every_rule_has_a_case("hv/vmx/vmx_check_guest.c", mutations, NMUTATIONS, 60);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_other_states_pass),
		cmocka_unit_test(test_every_guest_rule_has_a_case),
		cmocka_unit_test(test_event_check),
	};

	return run_vmx_tests(fixed, sizeof(fixed) / sizeof(fixed[0]), mutations, NMUTATIONS);
}
