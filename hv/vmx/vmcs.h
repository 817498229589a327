/*
 * vmcs.h - the VMCS: field encodings for VMREAD/VMWRITE and the layouts of
 * the fields that hold more than one value. Constants only; usable from
 * assembly. Runs in VMX root.
 * SDM Vol. 3, "Virtual Machine Control Structures" and App. B "Field
 * Encoding in VMCS".
 */
#ifndef HV_VMX_VMCS_H
#define HV_VMX_VMCS_H

#include "lib/bits.h"

/*
 * Structure of a field encoding (SDM Vol. 3, table "Structure of VMCS
 * Component Encoding"). A 64-bit field has two encodings: the even "full"
 * one reads all 64 bits; the odd "high" one reads bits 63:32 (for 32-bit
 * software). mica only uses the full encodings.
 */
#define VMCS_FIELD_IS_HIGH(f)           (((f) & 1) != 0)        /* bit 0: access type */
#define VMCS_FIELD_INDEX(f)             (((f) >> 1) & 0x1ff)    /* bits 9:1 */
#define VMCS_FIELD_TYPE(f)              (((f) >> 10) & 3)       /* bits 11:10 */
#define   VMCS_FIELD_TYPE_CONTROL       0
#define   VMCS_FIELD_TYPE_EXIT_INFO     1                       /* read-only data */
#define   VMCS_FIELD_TYPE_GUEST         2
#define   VMCS_FIELD_TYPE_HOST          3
#define VMCS_FIELD_WIDTH(f)             (((f) >> 13) & 3)       /* bits 14:13 */
#define   VMCS_FIELD_WIDTH_16           0
#define   VMCS_FIELD_WIDTH_64           1
#define   VMCS_FIELD_WIDTH_32           2
#define   VMCS_FIELD_WIDTH_NATURAL      3                       /* 64 bits on x86-64 */

/* VMCS field encodings: SDM Vol. 3, App. B "Field Encoding in VMCS". */

/* 16-bit control fields */
#define VMCS_VPID                               0x00000000
#define VMCS_POSTED_INTR_NOTIFICATION_VECTOR    0x00000002
#define VMCS_EPTP_INDEX                         0x00000004
#define VMCS_HLAT_PREFIX_SIZE                   0x00000006
#define VMCS_LAST_PID_POINTER_INDEX             0x00000008

/* 16-bit guest-state fields */
#define VMCS_GUEST_ES_SELECTOR                  0x00000800
#define VMCS_GUEST_CS_SELECTOR                  0x00000802
#define VMCS_GUEST_SS_SELECTOR                  0x00000804
#define VMCS_GUEST_DS_SELECTOR                  0x00000806
#define VMCS_GUEST_FS_SELECTOR                  0x00000808
#define VMCS_GUEST_GS_SELECTOR                  0x0000080a
#define VMCS_GUEST_LDTR_SELECTOR                0x0000080c
#define VMCS_GUEST_TR_SELECTOR                  0x0000080e
#define VMCS_GUEST_INTR_STATUS                  0x00000810
#define VMCS_PML_INDEX                          0x00000812
#define VMCS_GUEST_UINV                         0x00000814

/* 16-bit host-state fields */
#define VMCS_HOST_ES_SELECTOR                   0x00000c00
#define VMCS_HOST_CS_SELECTOR                   0x00000c02
#define VMCS_HOST_SS_SELECTOR                   0x00000c04
#define VMCS_HOST_DS_SELECTOR                   0x00000c06
#define VMCS_HOST_FS_SELECTOR                   0x00000c08
#define VMCS_HOST_GS_SELECTOR                   0x00000c0a
#define VMCS_HOST_TR_SELECTOR                   0x00000c0c

/* 64-bit control fields */
#define VMCS_IO_BITMAP_A                        0x00002000
#define VMCS_IO_BITMAP_B                        0x00002002
#define VMCS_MSR_BITMAP                         0x00002004
#define VMCS_EXIT_MSR_STORE_ADDR                0x00002006
#define VMCS_EXIT_MSR_LOAD_ADDR                 0x00002008
#define VMCS_ENTRY_MSR_LOAD_ADDR                0x0000200a
#define VMCS_EXECUTIVE_VMCS_POINTER             0x0000200c
#define VMCS_PML_ADDRESS                        0x0000200e
#define VMCS_TSC_OFFSET                         0x00002010
#define VMCS_VIRTUAL_APIC_ADDRESS               0x00002012
#define VMCS_APIC_ACCESS_ADDRESS                0x00002014
#define VMCS_POSTED_INTR_DESC_ADDRESS           0x00002016
#define VMCS_VMFUNC_CTLS                        0x00002018
#define   VMFUNC_EPTP_SWITCHING                 BIT(0)
#define VMCS_EPT_POINTER                        0x0000201a
	/* EPTP format (SDM Vol. 3, table "Format of Extended-Page-Table
	 * Pointer"): PML4 address in bits M-1:12, M = MAXPHYADDR. */
#define   EPTP_MEMTYPE_MASK                     0x7             /* bits 2:0: paging-structure memory type */
#define   EPTP_MEMTYPE_UC                       0
#define   EPTP_MEMTYPE_WB                       6
#define   EPTP_WALK_LENGTH_SHIFT                3               /* bits 5:3: page-walk length - 1 */
#define   EPTP_WALK_LENGTH_MASK                 (7 << EPTP_WALK_LENGTH_SHIFT)
#define   EPTP_WALK_LENGTH_4                    ((4 - 1) << EPTP_WALK_LENGTH_SHIFT)
#define   EPTP_WALK_LENGTH_5                    ((5 - 1) << EPTP_WALK_LENGTH_SHIFT)
#define   EPTP_AD_ENABLE                        BIT(6)          /* accessed and dirty flags */
#define   EPTP_SUPERVISOR_SHADOW_STACK          BIT(7)
#define   EPTP_RESERVED_11_8                    (0xf << 8)
#define VMCS_EOI_EXIT_BITMAP0                   0x0000201c
#define VMCS_EOI_EXIT_BITMAP1                   0x0000201e
#define VMCS_EOI_EXIT_BITMAP2                   0x00002020
#define VMCS_EOI_EXIT_BITMAP3                   0x00002022
#define VMCS_EPTP_LIST_ADDRESS                  0x00002024
#define VMCS_VMREAD_BITMAP                      0x00002026
#define VMCS_VMWRITE_BITMAP                     0x00002028
#define VMCS_VE_INFO_ADDRESS                    0x0000202a
#define VMCS_XSS_EXITING_BITMAP                 0x0000202c
#define VMCS_ENCLS_EXITING_BITMAP               0x0000202e
#define VMCS_SPP_TABLE_POINTER                  0x00002030
#define VMCS_TSC_MULTIPLIER                     0x00002032
#define VMCS_TER_PROC_BASED_CTLS                0x00002034
#define VMCS_ENCLV_EXITING_BITMAP               0x00002036
#define VMCS_LOW_PASID_DIR_ADDRESS              0x00002038
#define VMCS_HIGH_PASID_DIR_ADDRESS             0x0000203a
#define VMCS_SHARED_EPT_POINTER                 0x0000203c
#define VMCS_PCONFIG_EXITING_BITMAP             0x0000203e
#define VMCS_HLAT_POINTER                       0x00002040
#define VMCS_PID_POINTER_TABLE_ADDRESS          0x00002042
#define VMCS_SEC_EXIT_CTLS                      0x00002044
#define VMCS_SPEC_CTRL_MASK                     0x0000204a
#define VMCS_SPEC_CTRL_SHADOW                   0x0000204c

/* 64-bit read-only data fields */
#define VMCS_GUEST_PHYSICAL_ADDRESS             0x00002400

/* 64-bit guest-state fields */
#define VMCS_VMCS_LINK_POINTER                  0x00002800      /* ~0: no shadow VMCS */
#define VMCS_GUEST_IA32_DEBUGCTL                0x00002802
#define VMCS_GUEST_IA32_PAT                     0x00002804
#define VMCS_GUEST_IA32_EFER                    0x00002806
#define VMCS_GUEST_IA32_PERF_GLOBAL_CTRL        0x00002808
#define VMCS_GUEST_PDPTE0                       0x0000280a
#define VMCS_GUEST_PDPTE1                       0x0000280c
#define VMCS_GUEST_PDPTE2                       0x0000280e
#define VMCS_GUEST_PDPTE3                       0x00002810
#define VMCS_GUEST_IA32_BNDCFGS                 0x00002812
#define VMCS_GUEST_IA32_RTIT_CTL                0x00002814
#define VMCS_GUEST_IA32_LBR_CTL                 0x00002816
#define VMCS_GUEST_IA32_PKRS                    0x00002818

/* 64-bit host-state fields */
#define VMCS_HOST_IA32_PAT                      0x00002c00
#define VMCS_HOST_IA32_EFER                     0x00002c02
#define VMCS_HOST_IA32_PERF_GLOBAL_CTRL         0x00002c04
#define VMCS_HOST_IA32_PKRS                     0x00002c06

/* 32-bit control fields */
#define VMCS_PIN_BASED_CTLS                     0x00004000
#define VMCS_PRI_PROC_BASED_CTLS                0x00004002
#define VMCS_EXCEPTION_BITMAP                   0x00004004
#define VMCS_PF_ERROR_CODE_MASK                 0x00004006
#define VMCS_PF_ERROR_CODE_MATCH                0x00004008
#define VMCS_CR3_TARGET_COUNT                   0x0000400a
#define VMCS_EXIT_CTLS                          0x0000400c
#define VMCS_EXIT_MSR_STORE_COUNT               0x0000400e
#define VMCS_EXIT_MSR_LOAD_COUNT                0x00004010
#define VMCS_ENTRY_CTLS                         0x00004012
#define VMCS_ENTRY_MSR_LOAD_COUNT               0x00004014
#define VMCS_ENTRY_INTR_INFO                    0x00004016
	/* Format of the VM-entry interruption-information field; the
	 * VM-exit interruption-information and IDT-vectoring information
	 * fields share it (SDM Vol. 3, tables "Format of the VM-Entry
	 * Interruption-Information Field", "... VM-Exit ...",
	 * "Format of the IDT-Vectoring Information Field"). */
#define   VMCS_INTR_INFO_VECTOR_MASK            0xff            /* bits 7:0 */
#define   VMCS_INTR_INFO_TYPE_SHIFT             8               /* bits 10:8: INTR_TYPE_* */
#define   VMCS_INTR_INFO_TYPE_MASK              (7 << VMCS_INTR_INFO_TYPE_SHIFT)
#define   VMCS_INTR_INFO_TYPE(info)             (((info) >> VMCS_INTR_INFO_TYPE_SHIFT) & 7)
#define   VMCS_INTR_INFO_DELIVER_ERROR_CODE     BIT(11)
#define   VMCS_INTR_INFO_NMI_UNBLOCKING         BIT(12)         /* exit info only: NMI unblocked by IRET */
#define   VMCS_INTR_INFO_RESERVED               0x7ffff000      /* bits 30:12 of the VM-entry field */
#define   VMCS_INTR_INFO_VALID                  BIT(31)
#define     INTR_TYPE_EXT_INTR                  0               /* external interrupt */
#define     INTR_TYPE_RESERVED                  1
#define     INTR_TYPE_NMI                       2
#define     INTR_TYPE_HW_EXCEPTION              3               /* hardware exception */
#define     INTR_TYPE_SW_INTR                   4               /* software interrupt (INT n) */
#define     INTR_TYPE_PRIV_SW_EXCEPTION         5               /* privileged software exception (INT1) */
#define     INTR_TYPE_SW_EXCEPTION              6               /* software exception (INT3, INTO) */
#define     INTR_TYPE_OTHER_EVENT               7               /* other event: vector 0 = pending MTF */
#define VMCS_ENTRY_EXCEPTION_ERROR_CODE         0x00004018
#define VMCS_ENTRY_INSTRUCTION_LENGTH           0x0000401a
#define VMCS_TPR_THRESHOLD                      0x0000401c
#define VMCS_SEC_PROC_BASED_CTLS                0x0000401e
#define VMCS_PLE_GAP                            0x00004020
#define VMCS_PLE_WINDOW                         0x00004022
#define VMCS_INSTRUCTION_TIMEOUT_CTRL           0x00004024

/* 32-bit read-only data fields */
#define VMCS_INSTRUCTION_ERROR                  0x00004400      /* see hv/vmx/vmx_error.h */
#define VMCS_EXIT_REASON                        0x00004402      /* see hv/vmx/vmx_exit_reasons.h */
#define VMCS_EXIT_INTR_INFO                     0x00004404
#define VMCS_EXIT_INTR_ERROR_CODE               0x00004406
#define VMCS_IDT_VECTORING_INFO                 0x00004408
#define VMCS_IDT_VECTORING_ERROR_CODE           0x0000440a
#define VMCS_EXIT_INSTRUCTION_LENGTH            0x0000440c
#define VMCS_EXIT_INSTRUCTION_INFO              0x0000440e

/* 32-bit guest-state fields */
#define VMCS_GUEST_ES_LIMIT                     0x00004800
#define VMCS_GUEST_CS_LIMIT                     0x00004802
#define VMCS_GUEST_SS_LIMIT                     0x00004804
#define VMCS_GUEST_DS_LIMIT                     0x00004806
#define VMCS_GUEST_FS_LIMIT                     0x00004808
#define VMCS_GUEST_GS_LIMIT                     0x0000480a
#define VMCS_GUEST_LDTR_LIMIT                   0x0000480c
#define VMCS_GUEST_TR_LIMIT                     0x0000480e
#define VMCS_GUEST_GDTR_LIMIT                   0x00004810
#define VMCS_GUEST_IDTR_LIMIT                   0x00004812
#define VMCS_GUEST_ES_ACCESS_RIGHTS             0x00004814      /* SEG_AR_* in lib/x86_regs.h */
#define VMCS_GUEST_CS_ACCESS_RIGHTS             0x00004816
#define VMCS_GUEST_SS_ACCESS_RIGHTS             0x00004818
#define VMCS_GUEST_DS_ACCESS_RIGHTS             0x0000481a
#define VMCS_GUEST_FS_ACCESS_RIGHTS             0x0000481c
#define VMCS_GUEST_GS_ACCESS_RIGHTS             0x0000481e
#define VMCS_GUEST_LDTR_ACCESS_RIGHTS           0x00004820
#define VMCS_GUEST_TR_ACCESS_RIGHTS             0x00004822
#define VMCS_GUEST_INTERRUPTIBILITY             0x00004824
	/* SDM Vol. 3, table "Format of Interruptibility State" */
#define   INTERRUPTIBILITY_BLOCKING_BY_STI      BIT(0)
#define   INTERRUPTIBILITY_BLOCKING_BY_MOV_SS   BIT(1)
#define   INTERRUPTIBILITY_BLOCKING_BY_SMI      BIT(2)
#define   INTERRUPTIBILITY_BLOCKING_BY_NMI      BIT(3)
#define   INTERRUPTIBILITY_ENCLAVE_INTERRUPTION BIT(4)
#define   INTERRUPTIBILITY_RESERVED             0xffffffe0      /* bits 31:5 */
#define VMCS_GUEST_ACTIVITY_STATE               0x00004826
	/* SDM Vol. 3, "Guest Non-Register State" */
#define   ACTIVITY_STATE_ACTIVE                 0
#define   ACTIVITY_STATE_HLT                    1
#define   ACTIVITY_STATE_SHUTDOWN               2
#define   ACTIVITY_STATE_WAIT_SIPI              3
#define VMCS_GUEST_SMBASE                       0x00004828
#define VMCS_GUEST_IA32_SYSENTER_CS             0x0000482a
#define VMCS_PREEMPTION_TIMER_VALUE             0x0000482e

/* 32-bit host-state field */
#define VMCS_HOST_IA32_SYSENTER_CS              0x00004c00

/* Natural-width control fields */
#define VMCS_CR0_GUEST_HOST_MASK                0x00006000
#define VMCS_CR4_GUEST_HOST_MASK                0x00006002
#define VMCS_CR0_READ_SHADOW                    0x00006004
#define VMCS_CR4_READ_SHADOW                    0x00006006
#define VMCS_CR3_TARGET_VALUE0                  0x00006008
#define VMCS_CR3_TARGET_VALUE1                  0x0000600a
#define VMCS_CR3_TARGET_VALUE2                  0x0000600c
#define VMCS_CR3_TARGET_VALUE3                  0x0000600e

/* Natural-width read-only data fields */
#define VMCS_EXIT_QUALIFICATION                 0x00006400      /* layouts in hv/vmx/vmx_exit_reasons.h */
#define VMCS_IO_RCX                             0x00006402
#define VMCS_IO_RSI                             0x00006404
#define VMCS_IO_RDI                             0x00006406
#define VMCS_IO_RIP                             0x00006408
#define VMCS_GUEST_LINEAR_ADDRESS               0x0000640a

/* Natural-width guest-state fields */
#define VMCS_GUEST_CR0                          0x00006800
#define VMCS_GUEST_CR3                          0x00006802
#define VMCS_GUEST_CR4                          0x00006804
#define VMCS_GUEST_ES_BASE                      0x00006806
#define VMCS_GUEST_CS_BASE                      0x00006808
#define VMCS_GUEST_SS_BASE                      0x0000680a
#define VMCS_GUEST_DS_BASE                      0x0000680c
#define VMCS_GUEST_FS_BASE                      0x0000680e
#define VMCS_GUEST_GS_BASE                      0x00006810
#define VMCS_GUEST_LDTR_BASE                    0x00006812
#define VMCS_GUEST_TR_BASE                      0x00006814
#define VMCS_GUEST_GDTR_BASE                    0x00006816
#define VMCS_GUEST_IDTR_BASE                    0x00006818
#define VMCS_GUEST_DR7                          0x0000681a
#define VMCS_GUEST_RSP                          0x0000681c
#define VMCS_GUEST_RIP                          0x0000681e
#define VMCS_GUEST_RFLAGS                       0x00006820
#define VMCS_GUEST_PENDING_DBG_EXCEPTIONS       0x00006822
	/* SDM Vol. 3, table "Format of Pending-Debug-Exceptions" */
#define   PENDING_DBG_B0_B3                     0xf             /* breakpoint conditions met */
#define   PENDING_DBG_ENABLED_BP                BIT(12)         /* an enabled breakpoint matched */
#define   PENDING_DBG_BS                        BIT(14)         /* single-step trap pending */
#define   PENDING_DBG_RTM                       BIT(16)         /* debug exception inside RTM */
#define   PENDING_DBG_RESERVED                  (0xff0 | BIT(13) | BIT(15) | ~(BIT(17) - 1))
#define VMCS_GUEST_IA32_SYSENTER_ESP            0x00006824
#define VMCS_GUEST_IA32_SYSENTER_EIP            0x00006826
#define VMCS_GUEST_IA32_S_CET                   0x00006828
#define VMCS_GUEST_SSP                          0x0000682a
#define VMCS_GUEST_INTR_SSP_TABLE_ADDR          0x0000682c

/* Natural-width host-state fields */
#define VMCS_HOST_CR0                           0x00006c00
#define VMCS_HOST_CR3                           0x00006c02
#define VMCS_HOST_CR4                           0x00006c04
#define VMCS_HOST_FS_BASE                       0x00006c06
#define VMCS_HOST_GS_BASE                       0x00006c08
#define VMCS_HOST_TR_BASE                       0x00006c0a
#define VMCS_HOST_GDTR_BASE                     0x00006c0c
#define VMCS_HOST_IDTR_BASE                     0x00006c0e
#define VMCS_HOST_IA32_SYSENTER_ESP             0x00006c10
#define VMCS_HOST_IA32_SYSENTER_EIP             0x00006c12
#define VMCS_HOST_RSP                           0x00006c14
#define VMCS_HOST_RIP                           0x00006c16
#define VMCS_HOST_IA32_S_CET                    0x00006c18
#define VMCS_HOST_SSP                           0x00006c1a
#define VMCS_HOST_INTR_SSP_TABLE_ADDR           0x00006c1c

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "hv/types.h"

#include "hv/vmx/vmx_insn.h"

/* A VMREAD or VMWRITE failed: a mica bug (a wrong encoding, no current
 * VMCS). Panics, naming the field and the VM-instruction error. */
void vmcs_access_failed(const char *insn, uint32_t field, uint64_t value, enum vm_result r)
	__attribute__((noreturn, cold));

/* Read or write a field of the current VMCS. Inline, and a single
 * conditional jump after the instruction (CF or ZF set: VMfail), because
 * they run several times on every VM exit. */
static inline uint64_t vmcs_read(uint32_t field)
{
	uint64_t v;

	__asm__ goto("vmread %q1, %0\n\t"
		     "jbe %l[failed]"
		     : "=r"(v) : "r"((uint64_t)field) : "cc" : failed);
	return v;
failed:
	vmcs_access_failed("vmread", field, 0, vmread(field, &v));
}

static inline void vmcs_write(uint32_t field, uint64_t value)
{
	__asm__ goto("vmwrite %1, %q0\n\t"
		     "jbe %l[failed]"
		     : : "r"((uint64_t)field), "rm"(value) : "cc", "memory" : failed);
	return;
failed:
	vmcs_access_failed("vmwrite", field, value, vmwrite(field, value));
}

/*
 * Make (vmcs) current and fill it: negotiated controls (hv/vmx/vmx.c),
 * mica as host, a guest at the multiboot 1 entry state starting at
 * (entry), on EPT (eptp), tagged (vpid). Returns 0, or -1 after one line.
 */
int vmcs_setup(hpa_t vmcs, uint64_t eptp, uint16_t vpid, uint32_t entry);

/* The host-state fields whose values differ per CPU, from the CPU that
 * runs this: its GDT and the TSS in it, its IDT, its per-CPU record (GS
 * base). vmcs_setup() writes them with the rest; a VMCS moved to another
 * CPU needs them again (hv/vmx/vmx_move.c). */
void vmcs_write_host_cpu(void);

struct linux_boot_regs;

/* Replace the current VMCS's multiboot entry state with a Linux boot
 * entry's (hv/linux_boot.h): control registers, EFER and the IA-32e mode
 * entry control, flat segments from the boot GDT, RIP, RSP, RFLAGS. The
 * general registers are the caller's (struct vcpu_regs). */
void vmcs_set_boot_state(const struct linux_boot_regs *r);

/* Print the guest-state and exit fields that explain a stop, one a line,
 * each line starting with (prefix). */
void vmcs_dump(const char *prefix);
#endif

#endif /* HV_VMX_VMCS_H */
