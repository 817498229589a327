/*
 * test_vmx_check.c - host unit tests for vmx_check_state() (hv/vmx/
 * vmx_check.c, vmx_check_guest.c) and the name tables it uses (cmocka,
 * ASan, UBSan). A fake VMCS, a list of field/value pairs, starts from a
 * state that passes: a Skylake-class CPU's capabilities, a guest as a
 * multiboot loader leaves it, a 64-bit host. Each mutation then breaks one
 * rule, and the check must name that rule and that field.
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

#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmcs_names.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_check.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_error.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

/* ---- the fake VMCS ---- */

#define FAKE_MAX 192

struct fake_vmcs {
	struct {
		uint32_t field;
		uint64_t value;
	} e[FAKE_MAX];
	int n;
	int unknown_reads;      /* reads of fields the state never set */
	uint32_t last_unknown;
};

static void set(struct fake_vmcs *v, uint32_t field, uint64_t value)
{
	for (int i = 0; i < v->n; i++) {
		if (v->e[i].field == field) {
			v->e[i].value = value;
			return;
		}
	}
	assert_true(v->n < FAKE_MAX);
	v->e[v->n].field = field;
	v->e[v->n].value = value;
	v->n++;
}

static uint64_t fake_read(void *ctx, uint32_t field)
{
	struct fake_vmcs *v = ctx;

	for (int i = 0; i < v->n; i++)
		if (v->e[i].field == field)
			return v->e[i].value;
	v->unknown_reads++;
	v->last_unknown = field;
	return 0;
}

/* ---- a Skylake-class CPU ---- */

/* Capability MSRs of a Skylake-class CPU with TRUE controls (IA32_VMX_BASIC
 * bit 55), WB VMCS, 4-level EPT with WB, UC, 2 MiB and 1 GiB pages and A/D
 * flags, HLT/shutdown/wait-for-SIPI activity states, 39-bit physical
 * addresses. */
static const struct vmx_caps skylake = {
	.basic = 0x00da040000000004,
	.pinbased = 0x0000007f00000016,         /* no posted interrupts */
	.procbased = 0xfff9fffe04006172,
	.procbased2 = 0x025f7fff00000000,       /* no ENCLS exiting */
	.exit = 0x01ffffff00036dfb,
	.entry = 0x0003ffff000011fb,
	.misc = 0x000000007004c1e7,
	.cr0_fixed0 = 0x80000021,               /* PE, NE, PG */
	.cr0_fixed1 = 0xffffffff,
	.cr4_fixed0 = 0x00002000,               /* VMXE */
	.cr4_fixed1 = 0x007727ff,               /* no UMIP, LA57, SMXE, KL, CET */
	.ept_vpid_cap = 0x00000f0106734141,
	.vmfunc = 0x1,
	.maxphyaddr = 39,
};

/* The controls of the good state: the TRUE allowed-0 bits plus what mica
 * asks for. */
#define GOOD_PIN   (0x16 | PINBASED_EXTINT_EXITING | PINBASED_NMI_EXITING)
#define GOOD_PROC  (0x04006172 | PROCBASED_HLT_EXITING | PROCBASED_USE_IO_BITMAPS | \
		    PROCBASED_USE_MSR_BITMAPS | PROCBASED_SECONDARY_CONTROLS)
#define GOOD_PROC2 (PROCBASED2_ENABLE_EPT | PROCBASED2_ENABLE_VPID | PROCBASED2_UNRESTRICTED_GUEST)
#define GOOD_EXIT  (0x00036dfb | VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_EFER)
#define GOOD_ENTRY (0x000011fb | VM_ENTRY_LOAD_EFER)
#define GOOD_EPTP  (0x13000 | EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4)

#define AR_CODE32  0xc09b       /* G, D/B, P, DPL 0, S, execute/read accessed */
#define AR_DATA32  0xc093       /* G, D/B, P, DPL 0, S, read/write accessed */
#define AR_TSS32   0x008b       /* P, busy 32-bit TSS */
#define PAT_DEFAULT 0x0007040600070406

static void good_controls(struct fake_vmcs *v)
{
	set(v, VMCS_PIN_BASED_CTLS, GOOD_PIN);
	set(v, VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC);
	set(v, VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2);
	set(v, VMCS_EXIT_CTLS, GOOD_EXIT);
	set(v, VMCS_ENTRY_CTLS, GOOD_ENTRY);
	set(v, VMCS_VPID, 1);
	set(v, VMCS_EPT_POINTER, GOOD_EPTP);
	set(v, VMCS_IO_BITMAP_A, 0x10000);
	set(v, VMCS_IO_BITMAP_B, 0x11000);
	set(v, VMCS_MSR_BITMAP, 0x12000);
	set(v, VMCS_CR3_TARGET_COUNT, 0);
	set(v, VMCS_EXIT_MSR_STORE_COUNT, 0);
	set(v, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	set(v, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	set(v, VMCS_ENTRY_INTR_INFO, 0);
	set(v, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
	set(v, VMCS_ENTRY_INSTRUCTION_LENGTH, 0);
}

/* A 64-bit host: mica itself. */
static void good_host(struct fake_vmcs *v)
{
	set(v, VMCS_HOST_CR0, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG);
	set(v, VMCS_HOST_CR3, 0x20000);
	set(v, VMCS_HOST_CR4, CR4_PAE | CR4_VMXE);
	set(v, VMCS_HOST_ES_SELECTOR, 0x10);
	set(v, VMCS_HOST_CS_SELECTOR, 0x08);
	set(v, VMCS_HOST_SS_SELECTOR, 0x10);
	set(v, VMCS_HOST_DS_SELECTOR, 0x10);
	set(v, VMCS_HOST_FS_SELECTOR, 0);
	set(v, VMCS_HOST_GS_SELECTOR, 0);
	set(v, VMCS_HOST_TR_SELECTOR, 0x18);
	set(v, VMCS_HOST_FS_BASE, 0);
	set(v, VMCS_HOST_GS_BASE, 0);
	set(v, VMCS_HOST_TR_BASE, 0x105000);
	set(v, VMCS_HOST_GDTR_BASE, 0x104000);
	set(v, VMCS_HOST_IDTR_BASE, 0x106000);
	set(v, VMCS_HOST_IA32_SYSENTER_ESP, 0);
	set(v, VMCS_HOST_IA32_SYSENTER_EIP, 0);
	set(v, VMCS_HOST_IA32_PAT, PAT_DEFAULT);
	set(v, VMCS_HOST_IA32_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	set(v, VMCS_HOST_RSP, 0x200000);
	set(v, VMCS_HOST_RIP, 0x101234);
}

static void guest_seg(struct fake_vmcs *v, uint32_t sel_field, uint16_t sel,
		      uint64_t base, uint32_t limit, uint32_t ar)
{
	/* The selector, limit, access-rights and base fields of one
	 * register sit at the same offset from the ES fields. */
	uint32_t i = sel_field - VMCS_GUEST_ES_SELECTOR;

	set(v, sel_field, sel);
	set(v, VMCS_GUEST_ES_BASE + i, base);
	set(v, VMCS_GUEST_ES_LIMIT + i, limit);
	set(v, VMCS_GUEST_ES_ACCESS_RIGHTS + i, ar);
}

/* The guest as a multiboot loader leaves it: 32-bit protected mode, paging
 * off, flat segments (SDM Vol. 3 rules; Multiboot Specification 0.6.96). */
static void good_guest(struct fake_vmcs *v)
{
	set(v, VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE);
	set(v, VMCS_GUEST_CR3, 0);
	set(v, VMCS_GUEST_CR4, CR4_VMXE);
	set(v, VMCS_GUEST_DR7, 0x400);
	set(v, VMCS_GUEST_RSP, 0);
	set(v, VMCS_GUEST_RIP, 0x100000);
	set(v, VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1);
	guest_seg(v, VMCS_GUEST_CS_SELECTOR, 0x10, 0, 0xffffffff, AR_CODE32);
	guest_seg(v, VMCS_GUEST_ES_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_SS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_DS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_FS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_GS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_TR_SELECTOR, 0, 0, 0x67, AR_TSS32);
	guest_seg(v, VMCS_GUEST_LDTR_SELECTOR, 0, 0, 0, SEG_AR_UNUSABLE);
	set(v, VMCS_GUEST_GDTR_BASE, 0);
	set(v, VMCS_GUEST_GDTR_LIMIT, 0x1f);
	set(v, VMCS_GUEST_IDTR_BASE, 0);
	set(v, VMCS_GUEST_IDTR_LIMIT, 0);
	set(v, VMCS_GUEST_IA32_DEBUGCTL, 0);
	set(v, VMCS_GUEST_IA32_PAT, PAT_DEFAULT);
	set(v, VMCS_GUEST_IA32_EFER, 0);
	set(v, VMCS_GUEST_IA32_SYSENTER_CS, 0);
	set(v, VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	set(v, VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	set(v, VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_ACTIVE);
	set(v, VMCS_GUEST_INTERRUPTIBILITY, 0);
	set(v, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	set(v, VMCS_VMCS_LINK_POINTER, ~0ULL);
	set(v, VMCS_GUEST_PDPTE0, 0);
	set(v, VMCS_GUEST_PDPTE1, 0);
	set(v, VMCS_GUEST_PDPTE2, 0);
	set(v, VMCS_GUEST_PDPTE3, 0);
}

static void good_state(struct fake_vmcs *v)
{
	memset(v, 0, sizeof(*v));
	good_controls(v);
	good_host(v);
	good_guest(v);
}

static int check(struct fake_vmcs *v, char *why, size_t whylen)
{
	int n = vmx_check_state(&skylake, fake_read, v, why, whylen);

	if (getenv("VMX_CHECK_VERBOSE") && whylen > 0)
		print_message("    %d: %s\n", n, why);
	return n;
}

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

/* Real mode, as an unrestricted guest may start (e.g. at the reset vector). */
static void test_real_mode_guest_passes(void **state)
{
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	set(&v, VMCS_GUEST_CR0, CR0_ET | CR0_NE);
	guest_seg(&v, VMCS_GUEST_CS_SELECTOR, 0xf000, 0xf0000, 0xffff, 0x9b);
	guest_seg(&v, VMCS_GUEST_SS_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(&v, VMCS_GUEST_DS_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(&v, VMCS_GUEST_ES_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(&v, VMCS_GUEST_FS_SELECTOR, 0, 0, 0xffff, 0x93);
	guest_seg(&v, VMCS_GUEST_GS_SELECTOR, 0, 0, 0xffff, 0x93);
	set(&v, VMCS_GUEST_RIP, 0xfff0);
	assert_int_equal(check(&v, why, sizeof(why)), 0);
}

/* A 64-bit guest: IA-32e mode, paging with PAE, a 64-bit code segment. */
static void test_long_mode_guest_passes(void **state)
{
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	set(&v, VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_IA32E_MODE_GUEST);
	set(&v, VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG);
	set(&v, VMCS_GUEST_CR3, 0x30000);
	set(&v, VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	set(&v, VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	guest_seg(&v, VMCS_GUEST_CS_SELECTOR, 0x08, 0, 0xffffffff, 0xa09b);
	set(&v, VMCS_GUEST_RIP, 0xffffffff80001000);
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

/* One known-bad mutation of the good state: the fields it sets, how many
 * rules it breaks, and what the message must contain. */
struct mutation {
	const char *name;
	int broken;
	const char *rule;
	const char *field;
	struct {
		bool used;
		uint32_t field;
		uint64_t value;
	} set[4];
};

#define SET(f, v) { true, f, v }

static const struct mutation mutations[] = {
	/* VM-execution controls */
	{ "pin_posted_intr_not_allowed", 1,
	  "controls: PINBASED_POSTED_INTR set but IA32_VMX_TRUE_PINBASED_CTLS does not allow it",
	  "(VMCS_PIN_BASED_CTLS=0x9f)",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN | PINBASED_POSTED_INTR) } },
	{ "pin_default1_cleared", 1,
	  "reserved bit 1 clear but IA32_VMX_TRUE_PINBASED_CTLS requires it", "VMCS_PIN_BASED_CTLS",
	  { SET(VMCS_PIN_BASED_CTLS, GOOD_PIN & ~BIT(1)) } },
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
	{ "vpid_zero", 1, "VPID 0", "(VMCS_VPID=0x0)",
	  { SET(VMCS_VPID, 0) } },
	{ "eptp_walk_length_5", 1,
	  "EPTP page-walk length 5 not offered", "VMCS_EPT_POINTER",
	  { SET(VMCS_EPT_POINTER, 0x13000 | EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_5) } },
	{ "eptp_memtype_wt", 1, "EPTP memory type 4 not offered", "VMCS_EPT_POINTER",
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
	{ "msr_bitmap_beyond_maxphyaddr", 1, "MSR bitmap address beyond the physical-address width",
	  "VMCS_MSR_BITMAP", { SET(VMCS_MSR_BITMAP, BIT(40)) } },
	/* VM-exit and VM-entry controls */
	{ "save_preemption_timer_without_timer", 1,
	  "VM_EXIT_SAVE_PREEMPTION_TIMER set without PINBASED_PREEMPTION_TIMER", "VMCS_EXIT_CTLS",
	  { SET(VMCS_EXIT_CTLS, GOOD_EXIT | VM_EXIT_SAVE_PREEMPTION_TIMER) } },
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
	/* host state */
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
	/* guest control registers and MSRs */
	{ "guest_pg_without_pe", 1,
	  "guest-state: CR0.PG set without CR0.PE (VMCS_GUEST_CR0=0x80000030) "
	  "[SDM Vol. 3 \"Checks on Guest Control Registers, Debug Registers, and MSRs\"]",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_PG | CR0_ET | CR0_NE) } },
	{ "guest_cr0_ne_clear", 1, "CR0 bit 5 clear but IA32_VMX_CR0_FIXED0 requires it",
	  "VMCS_GUEST_CR0", { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET) } },
	{ "guest_cr4_vmxe_clear", 1, "CR4 bit 13 clear but IA32_VMX_CR4_FIXED0 requires it",
	  "VMCS_GUEST_CR4", { SET(VMCS_GUEST_CR4, 0) } },
	{ "guest_cr4_la57", 1, "CR4 bit 12 set but IA32_VMX_CR4_FIXED1 forbids it",
	  "VMCS_GUEST_CR4", { SET(VMCS_GUEST_CR4, CR4_VMXE | CR4_LA57) } },
	{ "guest_ia32e_without_paging", 2, "IA-32e mode guest without CR0.PG", "VMCS_GUEST_CR0",
	  { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_IA32E_MODE_GUEST),
	    SET(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA) } },
	{ "guest_efer_lma_without_ia32e", 1, "EFER.LMA differs from VM_ENTRY_IA32E_MODE_GUEST",
	  "VMCS_GUEST_IA32_EFER", { SET(VMCS_GUEST_IA32_EFER, EFER_LMA) } },
	{ "guest_dr7_bits_63_32", 1, "DR7 bits 63:32 set", "VMCS_GUEST_DR7",
	  { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_LOAD_DEBUG_CONTROLS),
	    SET(VMCS_GUEST_DR7, BIT(32) | 0x400) } },
	{ "guest_debugctl_reserved_bits", 1, "IA32_DEBUGCTL reserved bits set",
	  "VMCS_GUEST_IA32_DEBUGCTL",
	  { SET(VMCS_ENTRY_CTLS, GOOD_ENTRY | VM_ENTRY_LOAD_DEBUG_CONTROLS),
	    SET(VMCS_GUEST_IA32_DEBUGCTL, BIT(3)) } },
	/* guest segment and descriptor-table registers */
	{ "guest_cs_data_not_accessed", 1, "CS type 2 not an accessed code segment",
	  "VMCS_GUEST_CS_ACCESS_RIGHTS", { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc092) } },
	{ "guest_cs_dpl_differs_from_ss", 1,
	  "CS.DPL 0 differs from SS.DPL 3 for non-conforming code", "VMCS_GUEST_CS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_ss_dpl_with_pe_clear", 1, "SS.DPL not 0 with CR0.PE clear or CS type 3",
	  "VMCS_GUEST_SS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_CR0, CR0_ET | CR0_NE), SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc09f),
	    SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_cs_limit_vs_granularity", 1, "CS limit does not fit CS.G=0",
	  "VMCS_GUEST_CS_LIMIT=0xffffffff", { SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0x409b) } },
	{ "guest_ds_not_present", 1, "DS.P clear", "VMCS_GUEST_DS_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_DS_ACCESS_RIGHTS, 0xc013) } },
	{ "guest_ss_execute_only_type", 1, "SS type 11 not a read/write accessed data segment",
	  "VMCS_GUEST_SS_ACCESS_RIGHTS", { SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc09b) } },
	{ "guest_tr_unusable", 1, "TR unusable", "VMCS_GUEST_TR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_TR_ACCESS_RIGHTS, SEG_AR_UNUSABLE | AR_TSS32) } },
	{ "guest_tr_available_tss", 1, "TR type 9 not a busy TSS", "VMCS_GUEST_TR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_TR_ACCESS_RIGHTS, 0x89) } },
	{ "guest_ldtr_usable_wrong_type", 1, "LDTR type 3 not 2", "VMCS_GUEST_LDTR_ACCESS_RIGHTS",
	  { SET(VMCS_GUEST_LDTR_ACCESS_RIGHTS, 0x83) } },
	{ "guest_fs_base_noncanonical", 1, "FS base not canonical", "VMCS_GUEST_FS_BASE",
	  { SET(VMCS_GUEST_FS_BASE, 0x0000800000000000) } },
	{ "guest_gdtr_limit_above_64k", 1, "GDTR limit above 0xffff", "VMCS_GUEST_GDTR_LIMIT",
	  { SET(VMCS_GUEST_GDTR_LIMIT, 0x10000) } },
	/* guest RIP and RFLAGS */
	{ "guest_rip_high_bits", 1, "RIP bits 63:32 set outside 64-bit mode", "VMCS_GUEST_RIP",
	  { SET(VMCS_GUEST_RIP, BIT(32)) } },
	{ "guest_rflags_bit1_clear", 1, "RFLAGS reserved bit 1 clear", "VMCS_GUEST_RFLAGS=0x0",
	  { SET(VMCS_GUEST_RFLAGS, 0) } },
	{ "guest_rflags_reserved_bit", 1, "RFLAGS reserved bits 3, 5, 15 or 63:22 set",
	  "VMCS_GUEST_RFLAGS", { SET(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1 | BIT(15)) } },
	{ "guest_extint_with_if_clear", 1, "RFLAGS.IF clear while injecting an external interrupt",
	  "VMCS_GUEST_RFLAGS",
	  { SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_EXT_INTR << 8) | 0x20) } },
	/* guest non-register state */
	{ "guest_hlt_with_ss_dpl_3", 1, "HLT activity state with SS.DPL 3 (must be 0)",
	  "VMCS_GUEST_ACTIVITY_STATE",
	  { SET(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	    SET(VMCS_GUEST_CS_ACCESS_RIGHTS, 0xc09f), SET(VMCS_GUEST_SS_ACCESS_RIGHTS, 0xc0f3) } },
	{ "guest_activity_state_4", 1, "activity state 4 not offered by IA32_VMX_MISC",
	  "VMCS_GUEST_ACTIVITY_STATE", { SET(VMCS_GUEST_ACTIVITY_STATE, 4) } },
	{ "guest_hlt_inject_gp", 1, "event injected that activity state 1 blocks",
	  "VMCS_ENTRY_INTR_INFO",
	  { SET(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	    SET(VMCS_ENTRY_INTR_INFO, VMCS_INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << 8) |
		VMCS_INTR_INFO_DELIVER_ERROR_CODE | VEC_GP) } },
	{ "guest_sti_and_mov_ss_blocking", 1, "blocking by STI and by MOV SS both set",
	  "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_STI |
		INTERRUPTIBILITY_BLOCKING_BY_MOV_SS),
	    SET(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF) } },
	{ "guest_sti_blocking_with_if_clear", 1, "blocking by STI with RFLAGS.IF clear",
	  "VMCS_GUEST_INTERRUPTIBILITY",
	  { SET(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_BLOCKING_BY_STI) } },
	{ "guest_pending_dbg_reserved", 1, "pending debug exceptions reserved bits set",
	  "VMCS_GUEST_PENDING_DBG_EXCEPTIONS", { SET(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, BIT(4)) } },
	{ "guest_link_pointer_not_ones", 1, "VMCS link pointer not ~0 (mica uses no shadow VMCS)",
	  "VMCS_VMCS_LINK_POINTER=0x0", { SET(VMCS_VMCS_LINK_POINTER, 0) } },
	{ "guest_pdpte_reserved_bits", 1, "PDPTE0 present with reserved bits set",
	  "VMCS_GUEST_PDPTE0",
	  { SET(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE | CR0_PG),
	    SET(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE), SET(VMCS_GUEST_PDPTE0, 0x40000 | BIT(1) | BIT(0)) } },
};

#define NMUTATIONS (sizeof(mutations) / sizeof(mutations[0]))

static void test_mutation(void **state)
{
	const struct mutation *m = *state;
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	for (int i = 0; i < 4 && m->set[i].used; i++)
		set(&v, m->set[i].field, m->set[i].value);
	assert_int_equal(check(&v, why, sizeof(why)), m->broken);
	if (strstr(why, m->rule) == NULL || strstr(why, m->field) == NULL)
		fail_msg("%s: got \"%s\"; want \"%s\" and \"%s\"", m->name, why, m->rule, m->field);
	assert_int_equal(v.unknown_reads, 0);
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
		cmocka_unit_test(test_real_mode_guest_passes),
		cmocka_unit_test(test_long_mode_guest_passes),
		cmocka_unit_test(test_counts_every_rule_reports_first),
		cmocka_unit_test(test_short_why_buffer),
		cmocka_unit_test(test_insn_error_names),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_control_bit_names),
		cmocka_unit_test(test_field_encoding_macros),
		cmocka_unit_test(test_caps_accessors),
	};
	enum { NFIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[NFIXED + NMUTATIONS];

	memcpy(tests, fixed, sizeof(fixed));
	for (size_t i = 0; i < NMUTATIONS; i++) {
		tests[NFIXED + i] = (struct CMUnitTest) {
			.name = mutations[i].name,
			.test_func = test_mutation,
			.initial_state = (void *)&mutations[i],
		};
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
