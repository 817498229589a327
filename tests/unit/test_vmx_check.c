/*
 * test_vmx_check.c - host unit tests for vmx_check_state() (hv/vmx/
 * vmx_check.c: the controls and the host state) and the name tables it
 * uses (cmocka, ASan, UBSan). A fake VMCS (tests/unit/vmx_fake.c) starts
 * from a state that passes: a Skylake-class CPU's capabilities, a guest as
 * a multiboot loader leaves it, a 64-bit host. Each mutation then breaks
 * one rule, and the check must name that rule and that field. The guest
 * state's rules: test_vmx_check_guest.c.
 * Set VMX_CHECK_VERBOSE=1 to print every message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmcs_names.h"
#include "hv/vmx/vmx_check.h"
#include "hv/vmx/vmx_error.h"
#include "tests/unit/vmx_fake.h"

/* ---- states that pass ---- */

static void test_good_state_passes(void **state)
{
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	assert_int_equal(check(&v, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* every field the check reads is one the good state sets */
	assert_int_equal(v.unknown_reads, 0);
}

/* The CPU ignores the secondary controls unless the primary controls
 * activate them, and so must the check. Without them there is no
 * unrestricted guest, so the guest must page. */
static void test_secondary_ignored_when_not_activated(void **state)
{
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	set(&v, VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC & ~PROCBASED_SECONDARY_CONTROLS);
	set(&v, VMCS_SEC_PROC_BASED_CTLS, 0xffffffff);
	set(&v, VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG);
	assert_int_equal(check(&v, why, sizeof(why)), 0);
}

/* ---- states that fail ---- */

/* Every broken rule counts; why holds the first (the SDM's order). */
static void test_counts_every_rule_reports_first(void **state)
{
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	set(&v, VMCS_GUEST_RFLAGS, 0);                          /* guest */
	set(&v, VMCS_HOST_TR_SELECTOR, 0);                      /* host */
	set(&v, VMCS_VPID, 0);                                  /* controls */
	assert_int_equal(check(&v, why, sizeof(why)), 3);
	assert_non_null(strstr(why, "controls: VPID 0"));
}

/* A short buffer gets a truncated, terminated message; the count is whole. */
static void test_short_why_buffer(void **state)
{
	struct fake_vmcs v;
	char why[16];

	good_state(&v);
	set(&v, VMCS_VPID, 0);
	memset(why, 'x', sizeof(why));
	assert_int_equal(vmx_check_state(&skylake, fake_read, &v, why, sizeof(why)), 1);
	assert_string_equal(why, "controls: VPID ");
	assert_int_equal(vmx_check_state(&skylake, fake_read, &v, NULL, 0), 1);
}

/* A CPU without EPT accessed and dirty flags. */
static void no_ept_ad(struct fake_vmcs *v)
{
	caps.ept_vpid_cap &= ~VMX_EPT_AD;
}

static const struct mutation mutations[] = {
	/* VM-execution controls */
	{ "pin_posted_intr_not_allowed", 1,
	  "controls: PINBASED_POSTED_INTR set but IA32_VMX_TRUE_PINBASED_CTLS does not allow it",
	  "(VMCS_PIN_BASED_CTLS=0x9f)",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN | PINBASED_POSTED_INTR) } },
	{ "pin_default1_cleared", 1,
	  "reserved bit 1 clear but IA32_VMX_TRUE_PINBASED_CTLS requires it", "VMCS_PIN_BASED_CTLS",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN & ~BIT(1)) } },
	{ "pin_reserved_bit_set", 1,
	  "reserved bit 8 set but IA32_VMX_TRUE_PINBASED_CTLS does not allow it", "VMCS_PIN_BASED_CTLS",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN | BIT(8)) } },
	{ "proc2_encls_not_allowed", 1,
	  "PROCBASED2_ENABLE_ENCLS_EXITING set but IA32_VMX_PROCBASED_CTLS2 does not allow it",
	  "VMCS_SEC_PROC_BASED_CTLS",
	  { SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 | PROCBASED2_ENABLE_ENCLS_EXITING) } },
	{ "unrestricted_guest_without_ept", 1,
	  "PROCBASED2_UNRESTRICTED_GUEST set without PROCBASED2_ENABLE_EPT", "VMCS_SEC_PROC_BASED_CTLS",
	  { SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 & ~PROCBASED2_ENABLE_EPT) } },
	{ "virtual_nmis_without_nmi_exiting", 1,
	  "PINBASED_VIRTUAL_NMIS set without PINBASED_NMI_EXITING", "VMCS_PIN_BASED_CTLS",
	  { SET(VMCS_PIN_BASED_CTLS, 0x16 | PINBASED_EXTINT_EXITING | PINBASED_VIRTUAL_NMIS) } },
	{ "vpid_zero", 1, "VPID 0 (the host's) with PROCBASED2_ENABLE_VPID set", "(VMCS_VPID=0x0)",
	  { SET(VMCS_VPID, 0) } },
	{ "eptp_walk_length_5", 1,
	  "EPTP page-walk length 5 not offered by IA32_VMX_EPT_VPID_CAP", "VMCS_EPT_POINTER",
	  { SET(VMCS_EPT_POINTER, 0x13000 | EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_5) } },
	{ "eptp_memtype_wt", 1, "EPTP memory type 4 not offered by IA32_VMX_EPT_VPID_CAP", "VMCS_EPT_POINTER",
	  { SET(VMCS_EPT_POINTER, 0x13000 | 4 | EPTP_WALK_LENGTH_4) } },
	{ "eptp_reserved_bits", 1, "EPTP reserved bits 11:8 set", "VMCS_EPT_POINTER",
	  { SET(VMCS_EPT_POINTER, GOOD_EPTP | BIT(8)) } },
	{ "eptp_beyond_maxphyaddr", 1, "EPTP address beyond the physical-address width",
	  "VMCS_EPT_POINTER=0x800000001e",
	  { SET(VMCS_EPT_POINTER, BIT(39) | EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4) } },
	{ "io_bitmap_misaligned", 1, "I/O bitmap A address not 4-KiB aligned", "VMCS_IO_BITMAP_A",
	  { SET(VMCS_IO_BITMAP_A, 0x10010) } },
	{ "virtual_apic_misaligned", 1, "virtual-APIC address not 4-KiB aligned",
	  "VMCS_VIRTUAL_APIC_ADDRESS",
	  { SET(VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC | PROCBASED_USE_TPR_SHADOW),
	    SET(VMCS_VIRTUAL_APIC_ADDRESS, 0x15080), SET(VMCS_TPR_THRESHOLD, 0) } },
	{ "virtual_apic_beyond_maxphyaddr", 1, "virtual-APIC address beyond the physical-address width",
	  "VMCS_VIRTUAL_APIC_ADDRESS",
	  { SET(VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC | PROCBASED_USE_TPR_SHADOW),
	    SET(VMCS_VIRTUAL_APIC_ADDRESS, BIT(39)), SET(VMCS_TPR_THRESHOLD, 0) } },
	{ "tpr_threshold_bits_31_4", 1, "TPR threshold bits 31:4 set", "VMCS_TPR_THRESHOLD=0x10",
	  { SET(VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC | PROCBASED_USE_TPR_SHADOW),
	    SET(VMCS_VIRTUAL_APIC_ADDRESS, 0x15000), SET(VMCS_TPR_THRESHOLD, 0x10) } },
	{ "cr3_target_count_5", 1, "CR3-target count above the 4 of IA32_VMX_MISC",
	  "VMCS_CR3_TARGET_COUNT", { SET(VMCS_CR3_TARGET_COUNT, 5) } },
	{ "nmi_window_without_virtual_nmis", 1,
	  "PROCBASED_NMI_WINDOW_EXITING set without PINBASED_VIRTUAL_NMIS", "VMCS_PRI_PROC_BASED_CTLS",
	  { SET(VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC | PROCBASED_NMI_WINDOW_EXITING) } },
	{ "apic_virt_without_tpr_shadow", 1, "APIC virtualization set without PROCBASED_USE_TPR_SHADOW",
	  "VMCS_SEC_PROC_BASED_CTLS",
	  { SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 | PROCBASED2_APIC_REGISTER_VIRT) } },
	{ "x2apic_and_apic_access", 1,
	  "PROCBASED2_VIRTUALIZE_X2APIC and PROCBASED2_VIRTUALIZE_APIC both set",
	  "VMCS_SEC_PROC_BASED_CTLS",
	  { SET(VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC | PROCBASED_USE_TPR_SHADOW),
	    SET(VMCS_VIRTUAL_APIC_ADDRESS, 0x15000), SET(VMCS_TPR_THRESHOLD, 0),
	    SET(VMCS_APIC_ACCESS_ADDRESS, 0x16000),
	    SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 | PROCBASED2_VIRTUALIZE_X2APIC |
		PROCBASED2_VIRTUALIZE_APIC) } },
	{ "apic_access_misaligned", 1, "APIC-access address not 4-KiB aligned",
	  "VMCS_APIC_ACCESS_ADDRESS",
	  { SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 | PROCBASED2_VIRTUALIZE_APIC),
	    SET(VMCS_APIC_ACCESS_ADDRESS, 0x16040) } },
	{ "virtual_intr_delivery_without_extint_exiting", 1,
	  "PROCBASED2_VIRTUAL_INTR_DELIVERY set without PINBASED_EXTINT_EXITING",
	  "VMCS_PIN_BASED_CTLS",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN & ~PINBASED_EXTINT_EXITING),
	    SET(VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC | PROCBASED_USE_TPR_SHADOW),
	    SET(VMCS_VIRTUAL_APIC_ADDRESS, 0x15000), SET(VMCS_TPR_THRESHOLD, 0),
	    SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 | PROCBASED2_VIRTUAL_INTR_DELIVERY) } },
	{ "eptp_ad_without_capability", 1, "EPTP A/D enable set without EPT A/D flags",
	  "VMCS_EPT_POINTER", { SET(VMCS_EPT_POINTER, GOOD_EPTP | EPTP_AD_ENABLE) }, no_ept_ad },
	{ "eptp_shadow_stack_without_capability", 1,
	  "EPTP supervisor shadow-stack bit set without the capability", "VMCS_EPT_POINTER",
	  { SET(VMCS_EPT_POINTER, GOOD_EPTP | EPTP_SUPERVISOR_SHADOW_STACK) } },
	{ "vmfunc_not_offered", 1, "VM function 1 not offered by IA32_VMX_VMFUNC", "VMCS_VMFUNC_CTLS",
	  { SET(VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2 | PROCBASED2_ENABLE_VMFUNC),
	    SET(VMCS_VMFUNC_CTLS, BIT(1)) } },
	{ "eptp_switching_without_ept", 1, "EPTP switching without PROCBASED2_ENABLE_EPT",
	  "VMCS_VMFUNC_CTLS",
	  { SET(VMCS_SEC_PROC_BASED_CTLS, PROCBASED2_ENABLE_VPID | PROCBASED2_ENABLE_VMFUNC),
	    SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG),
	    SET(VMCS_VMFUNC_CTLS, VMFUNC_EPTP_SWITCHING), SET(VMCS_EPTP_LIST_ADDRESS, 0x15000) } },
	{ "msr_bitmap_beyond_maxphyaddr", 1, "MSR bitmap address beyond the physical-address width",
	  "VMCS_MSR_BITMAP", { SET(VMCS_MSR_BITMAP, BIT(40)) } },
	/* VM-exit and VM-entry controls */
	{ "save_preemption_timer_without_timer", 1,
	  "VM_EXIT_SAVE_PREEMPTION_TIMER set without PINBASED_PREEMPTION_TIMER", "VMCS_EXIT_CTLS",
	  { SET(VMCS_EXIT_CTLS, GOOD_EXIT | VM_EXIT_SAVE_PREEMPTION_TIMER) } },
	{ "exit_msr_store_beyond_maxphyaddr", 1,
	  "VM-exit MSR-store area of 2 entries beyond the physical-address width",
	  "VMCS_EXIT_MSR_STORE_ADDR",
	  { SET(VMCS_EXIT_MSR_STORE_COUNT, 2), SET(VMCS_EXIT_MSR_STORE_ADDR, BIT(39) - 16) } },
	{ "entry_msr_load_misaligned", 1,
	  "VM-entry MSR-load area address not 16-byte aligned", "VMCS_ENTRY_MSR_LOAD_ADDR",
	  { SET(VMCS_ENTRY_MSR_LOAD_COUNT, 1), SET(VMCS_ENTRY_MSR_LOAD_ADDR, 0x14008) } },
	{ "entry_to_smm", 1, "VM_ENTRY_ENTRY_TO_SMM or VM_ENTRY_DEACTIVATE_DUAL_MONITOR set outside SMM",
	  "VMCS_ENTRY_CTLS", { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_ENTRY_TO_SMM) } },
	{ "inject_type_reserved", 1, "interruption type 1 reserved", "VMCS_ENTRY_INTR_INFO",
	  { SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_RESERVED << 8) | 32) } },
	{ "inject_nmi_wrong_vector", 1, "vector 3 does not fit interruption type 2",
	  "VMCS_ENTRY_INTR_INFO",
	  { SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_NMI << 8) | VEC_BP) } },
	{ "inject_gp_without_error_code", 1,
	  "deliver-error-code does not match exception vector 13", "VMCS_ENTRY_INTR_INFO=0x8000030d",
	  { SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << 8) | VEC_GP) } },
	{ "inject_error_code_bits_31_16", 1, "error code bits 31:16 set",
	  "VMCS_ENTRY_EXCEPTION_ERROR_CODE",
	  { SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << 8) |
		VMCS_INTR_INFO_DELIVER_ERROR_CODE | VEC_PF),
	    SET(VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0x10002) } },
	{ "inject_soft_intr_length_16", 1, "instruction length of a software event not in 1-15",
	  "VMCS_ENTRY_INSTRUCTION_LENGTH",
	  { SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_SW_INTR << 8) | 0x80),
	    SET(VMCS_ENTRY_INSTRUCTION_LENGTH, 16) } },
	{ "inject_extint_with_error_code", 1,
	  "deliver-error-code set for a non-hardware exception or with CR0.PE clear",
	  "VMCS_ENTRY_INTR_INFO",
	  { SET(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF),
	    SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_EXT_INTR << 8) |
		VMCS_INTR_INFO_DELIVER_ERROR_CODE | 0x20) } },
	{ "inject_reserved_bits", 1, "interruption-information bits 30:12 set", "VMCS_ENTRY_INTR_INFO",
	  { SET(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF),
	    SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_EXT_INTR << 8) | BIT(12) |
		0x20) } },
	/* host state */
	{ "host_sysenter_esp_noncanonical", 1, "host IA32_SYSENTER_ESP not canonical",
	  "VMCS_HOST_IA32_SYSENTER_ESP", { SET(VMCS_HOST_IA32_SYSENTER_ESP, 0x0000800000000000) } },
	{ "host_pat_reserved_type", 1, "host IA32_PAT holds a reserved memory type",
	  "VMCS_HOST_IA32_PAT",
	  { SET(VMCS_EXIT_CTLS, GOOD_EXIT | VM_EXIT_LOAD_PAT), SET(VMCS_HOST_IA32_PAT, 0x3) } },
	{ "host_efer_reserved", 1, "host IA32_EFER reserved bits set", "VMCS_HOST_IA32_EFER",
	  { SET(VMCS_HOST_IA32_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | BIT(1)) } },
	{ "host_cs_null", 1, "host CS selector null", "VMCS_HOST_CS_SELECTOR",
	  { SET(VMCS_HOST_CS_SELECTOR, 0) } },
	{ "host_cr0_without_pg", 1, "host-state: CR0 bit 31 clear but IA32_VMX_CR0_FIXED0 requires it",
	  "VMCS_HOST_CR0", { SET(VMCS_HOST_CR0, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP) } },
	{ "host_cr3_beyond_maxphyaddr", 1, "host CR3 beyond the physical-address width",
	  "VMCS_HOST_CR3", { SET(VMCS_HOST_CR3, BIT(45)) } },
	{ "host_efer_lma_clear", 1, "host EFER.LMA and EFER.LME must equal VM_EXIT_HOST_ADDR_SPACE_SIZE",
	  "VMCS_HOST_IA32_EFER", { SET(VMCS_HOST_IA32_EFER, EFER_SCE | EFER_LME | EFER_NXE) } },
	{ "host_sysenter_eip_noncanonical", 1, "host IA32_SYSENTER_EIP not canonical",
	  "VMCS_HOST_IA32_SYSENTER_EIP", { SET(VMCS_HOST_IA32_SYSENTER_EIP, 0x0000800000000000) } },
	{ "host_cs_rpl_3", 1, "host CS selector RPL or TI not 0", "VMCS_HOST_CS_SELECTOR=0xb",
	  { SET(VMCS_HOST_CS_SELECTOR, 0x0b) } },
	{ "host_tr_null", 1, "host TR selector null", "VMCS_HOST_TR_SELECTOR",
	  { SET(VMCS_HOST_TR_SELECTOR, 0) } },
	{ "host_gdtr_base_noncanonical", 1, "host base address not canonical", "VMCS_HOST_GDTR_BASE",
	  { SET(VMCS_HOST_GDTR_BASE, 0x0000800000000000) } },
	{ "host_32bit", 1, "VM_EXIT_HOST_ADDR_SPACE_SIZE clear but mica's host is 64-bit",
	  "VMCS_EXIT_CTLS", { SET(VMCS_EXIT_CTLS, 0x00036dfb) } },
	{ "host_cr4_without_pae", 1, "host CR4.PAE clear with VM_EXIT_HOST_ADDR_SPACE_SIZE",
	  "VMCS_HOST_CR4", { SET(VMCS_HOST_CR4, CR4_VMXE) } },
	{ "host_rip_noncanonical", 1, "host RIP not canonical", "VMCS_HOST_RIP=0xfff0800000000000",
	  { SET(VMCS_HOST_RIP, 0xfff0800000000000) } },
};

#define NMUTATIONS (sizeof(mutations) / sizeof(mutations[0]))

/* Every fail() message of hv/vmx/vmx_check.c has a case above. */
static void test_every_rule_has_a_case(void **state)
{
	assert_every_rule_has_a_case("hv/vmx/vmx_check.c", mutations, NMUTATIONS, 40);
}

/* ---- the name tables ---- */

static void test_insn_error_names(void **state)
{
	assert_string_equal(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
	assert_string_equal(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_insn_error_name(VMXERR_VMPTRLD_INCORRECT_REVISION),
			    "VMPTRLD with incorrect VMCS revision identifier");
	assert_string_equal(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_string_equal(vmx_insn_error_name(0), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(14), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(29), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(UINT32_MAX), "unknown VM-instruction error");
}

static void test_field_names(void **state)
{
	assert_string_equal(vmcs_field_name(VMCS_VPID), "VMCS_VPID");
	assert_string_equal(vmcs_field_name(0x681e), "VMCS_GUEST_RIP");
	assert_string_equal(vmcs_field_name(VMCS_VMCS_LINK_POINTER), "VMCS_VMCS_LINK_POINTER");
	assert_string_equal(vmcs_field_name(VMCS_HOST_IA32_SYSENTER_CS), "VMCS_HOST_IA32_SYSENTER_CS");
	assert_string_equal(vmcs_field_name(VMCS_SPEC_CTRL_SHADOW), "VMCS_SPEC_CTRL_SHADOW");
	assert_string_equal(vmcs_field_name(VMCS_EPT_POINTER + 1), "unknown VMCS field");
	assert_string_equal(vmcs_field_name(0xffffffff), "unknown VMCS field");
}

static void test_control_bit_names(void **state)
{
	assert_string_equal(vmcs_control_bit_name(VMCS_PRI_PROC_BASED_CTLS, 7), "PROCBASED_HLT_EXITING");
	assert_string_equal(vmcs_control_bit_name(VMCS_SEC_PROC_BASED_CTLS, 7),
			    "PROCBASED2_UNRESTRICTED_GUEST");
	assert_string_equal(vmcs_control_bit_name(VMCS_EXIT_CTLS, 9), "VM_EXIT_HOST_ADDR_SPACE_SIZE");
	assert_string_equal(vmcs_control_bit_name(VMCS_ENTRY_CTLS, 9), "VM_ENTRY_IA32E_MODE_GUEST");
	assert_null(vmcs_control_bit_name(VMCS_PIN_BASED_CTLS, 1));     /* reserved */
	assert_null(vmcs_control_bit_name(VMCS_GUEST_RIP, 0));          /* not a control field */
	assert_null(vmcs_control_bit_name(VMCS_PIN_BASED_CTLS, 32));
}

/* The encoding macros agree with App. B's grouping. */
static void test_field_encoding_macros(void **state)
{
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_VPID), VMCS_FIELD_WIDTH_16);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_EPT_POINTER), VMCS_FIELD_WIDTH_64);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_EXIT_REASON), VMCS_FIELD_WIDTH_32);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_GUEST_RIP), VMCS_FIELD_WIDTH_NATURAL);
	assert_int_equal(VMCS_FIELD_TYPE(VMCS_EXIT_REASON), VMCS_FIELD_TYPE_EXIT_INFO);
	assert_int_equal(VMCS_FIELD_TYPE(VMCS_HOST_CR0), VMCS_FIELD_TYPE_HOST);
	assert_int_equal(VMCS_FIELD_TYPE(VMCS_GUEST_IA32_EFER), VMCS_FIELD_TYPE_GUEST);
	assert_int_equal(VMCS_FIELD_TYPE(VMCS_MSR_BITMAP), VMCS_FIELD_TYPE_CONTROL);
	assert_false(VMCS_FIELD_IS_HIGH(VMCS_EPT_POINTER));
	assert_true(VMCS_FIELD_IS_HIGH(VMCS_EPT_POINTER + 1));
}

/* The capability accessors read the bits the SDM names. */
static void test_caps_accessors(void **state)
{
	assert_int_equal(vmx_ctl_allowed0(skylake.pinbased), 0x16);
	assert_int_equal(vmx_ctl_allowed1(skylake.pinbased), 0x7f);
	assert_true(vmx_caps_true_ctls(&skylake));
	assert_int_equal(vmx_caps_vmcs_revision(&skylake), 4);
	assert_int_equal(vmx_caps_vmcs_size(&skylake), 0x400);
	assert_true(vmx_caps_ept_walk4(&skylake) && vmx_caps_ept_wb(&skylake));
	assert_true(vmx_caps_ept_2mb(&skylake) && vmx_caps_ept_1gb(&skylake));
	assert_true(vmx_caps_ept_execute_only(&skylake) && vmx_caps_ept_ad(&skylake));
	assert_true(vmx_caps_invept_single(&skylake) && vmx_caps_invept_all(&skylake));
	assert_int_equal(vmx_caps_preemption_timer_rate(&skylake), 7);
	assert_true(vmx_caps_stores_lma(&skylake));
	assert_true(vmx_caps_activity_supported(&skylake, ACTIVITY_STATE_WAIT_SIPI));
	assert_false(vmx_caps_activity_supported(&skylake, 4));
	assert_int_equal(vmx_caps_cr3_targets(&skylake), 4);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_good_state_passes),
		cmocka_unit_test(test_secondary_ignored_when_not_activated),
		cmocka_unit_test(test_counts_every_rule_reports_first),
		cmocka_unit_test(test_short_why_buffer),
		cmocka_unit_test(test_every_rule_has_a_case),
		cmocka_unit_test(test_insn_error_names),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_control_bit_names),
		cmocka_unit_test(test_field_encoding_macros),
		cmocka_unit_test(test_caps_accessors),
	};
	return run_vmx_tests(fixed, sizeof(fixed) / sizeof(fixed[0]), mutations, NMUTATIONS);
}
