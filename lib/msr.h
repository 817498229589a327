/*
 * msr.h - model-specific register numbers and bit layouts used by mica and
 * the guest kernel. Constants only; read them with rdmsr()/wrmsr() from
 * lib/x86.h. Shared with assembly (boot/boot.S enables long mode with them).
 * SDM Vol. 4, "Model-Specific Registers (MSRs)", table "Architectural MSRs";
 * SDM Vol. 3, App. A "VMX Capability Reporting Facility" for 0x480-0x493.
 */
#ifndef LIB_MSR_H
#define LIB_MSR_H

#include "lib/bits.h"

/* Architectural MSRs (SDM Vol. 4, table "IA-32 Architectural MSRs"). */
#define MSR_IA32_TSC                    0x00000010
#define MSR_IA32_APIC_BASE              0x0000001b
#define   APIC_BASE_BSP                 BIT(8)          /* this is the bootstrap processor */
#define   APIC_BASE_EXTD                BIT(10)         /* x2APIC mode */
#define   APIC_BASE_EN                  BIT(11)         /* xAPIC global enable */
#define   APIC_BASE_ADDR_MASK           0x000ffffffffff000
#define MSR_IA32_FEATURE_CONTROL        0x0000003a
#define MSR_IA32_TSC_ADJUST             0x0000003b
#define MSR_IA32_TSC_DEADLINE           0x000006e0  /* the APIC timer's TSC-deadline mode */
#define   FEATURE_CONTROL_LOCK          BIT(0)          /* writes fault until reset */
#define   FEATURE_CONTROL_VMXON_INSIDE_SMX  BIT(1)
#define   FEATURE_CONTROL_VMXON_OUTSIDE_SMX BIT(2)
#define MSR_IA32_BIOS_SIGN_ID           0x0000008b      /* microcode update signature */
#define MSR_IA32_MTRRCAP                0x000000fe
#define MSR_IA32_SYSENTER_CS            0x00000174
#define MSR_IA32_MCG_CAP                0x00000179      /* bits 7:0: the bank count */
#define MSR_IA32_MCG_STATUS             0x0000017a
#define   MCG_STATUS_DEFINED            (BIT(3) - 1)    /* RIPV, EIPV, MCIP; the rest reserved */
#define MSR_IA32_SYSENTER_ESP           0x00000175
#define MSR_IA32_SYSENTER_EIP           0x00000176
#define MSR_IA32_MISC_ENABLE            0x000001a0
#define   MISC_ENABLE_FAST_STRINGS      BIT(0)
#define   MISC_ENABLE_BTS_UNAVAILABLE   BIT(11)
#define   MISC_ENABLE_PEBS_UNAVAILABLE  BIT(12)
#define MSR_IA32_DEBUGCTL               0x000001d9
#define   DEBUGCTL_LBR                  BIT(0)          /* record last branches */
#define   DEBUGCTL_BTF                  BIT(1)          /* single-step on branches */
#define   DEBUGCTL_BUS_LOCK_DETECT      BIT(2)          /* #DB after a bus lock */
	/* Reserved on every model: bits 5:3 and 63:16. Bit 2 (bus-lock
	 * detection) and bit 15 (RTM debugging) are reserved on some. */
#define   DEBUGCTL_RESERVED             ((BIT(6) - BIT(3)) | ~(BIT(16) - 1))
/* IA32_PAT holds one byte per entry PA0..PA7, each one of the memory types of
 * SDM Vol. 3, table "Memory Types That Can Be Encoded With PAT". */
#define MSR_IA32_PAT                    0x00000277
#define   PAT_UC                        0x00
#define   PAT_WC                        0x01
#define   PAT_WT                        0x04
#define   PAT_WP                        0x05
#define   PAT_WB                        0x06
#define   PAT_UC_MINUS                  0x07
#define MSR_IA32_MTRR_DEF_TYPE          0x000002ff
#define MSR_IA32_PERF_GLOBAL_CTRL       0x0000038f
#define MSR_IA32_BNDCFGS                0x00000d90

/*
 * VMX capability MSRs (SDM Vol. 3, App. A "VMX Capability Reporting
 * Facility"). A control MSR holds in bits 31:0 the allowed 0-settings (a 1
 * there means the control must be 1) and in bits 63:32 the allowed
 * 1-settings (a 0 there means the control must be 0).
 */
#define MSR_IA32_VMX_BASIC              0x00000480
#define   VMX_BASIC_REVISION_MASK       0x7fffffff   /* bits 30:0: VMCS revision identifier */
#define   VMX_BASIC_VMCS_SIZE_SHIFT     32              /* bits 44:32: bytes in the VMCS region */
#define   VMX_BASIC_VMCS_SIZE_MASK      0x1fff
#define   VMX_BASIC_PHYS_ADDR_32        BIT(48)         /* VMX structures below 4 GiB only */
#define   VMX_BASIC_DUAL_MONITOR        BIT(49)         /* dual-monitor treatment of SMM */
#define   VMX_BASIC_MEM_TYPE_SHIFT      50              /* bits 53:50: memory type for VMCS access */
#define   VMX_BASIC_MEM_TYPE_MASK       0xf
#define   VMX_BASIC_INS_OUTS_INFO       BIT(54)         /* exit instruction info for INS/OUTS */
#define   VMX_BASIC_TRUE_CTLS           BIT(55)         /* the IA32_VMX_TRUE_*_CTLS MSRs exist */
#define   VMX_BASIC_NO_ERR_CODE_CHECK   BIT(56)         /* any hardware exception may deliver an error code */
#define MSR_IA32_VMX_PINBASED_CTLS      0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS     0x00000482
#define MSR_IA32_VMX_EXIT_CTLS          0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS         0x00000484
#define MSR_IA32_VMX_MISC               0x00000485
#define   VMX_MISC_PREEMPTION_TIMER_RATE 0x1f        /* bits 4:0: timer ticks every 2^X TSC ticks */
#define   VMX_MISC_STORE_LMA            BIT(5)          /* exits store EFER.LMA in entry control "IA-32e mode guest" */
#define   VMX_MISC_ACTIVITY_HLT         BIT(6)          /* bits 8:6: activity states VM entry accepts */
#define   VMX_MISC_ACTIVITY_SHUTDOWN    BIT(7)
#define   VMX_MISC_ACTIVITY_WAIT_SIPI   BIT(8)
#define   VMX_MISC_PT_IN_VMX            BIT(14)         /* Intel PT usable in VMX operation */
#define   VMX_MISC_RDMSR_SMBASE         BIT(15)         /* RDMSR can read IA32_SMBASE in SMM */
#define   VMX_MISC_CR3_TARGETS_SHIFT    16              /* bits 24:16: number of CR3-target values */
#define   VMX_MISC_CR3_TARGETS_MASK     0x1ff
#define   VMX_MISC_MAX_MSRS_SHIFT       25              /* bits 27:25: MSR lists hold 512 * (N + 1) entries */
#define   VMX_MISC_MAX_MSRS_MASK        0x7
#define   VMX_MISC_SMM_MONITOR_CTL_B2   BIT(28)
#define   VMX_MISC_VMWRITE_ANY_FIELD    BIT(29)         /* VMWRITE may write VM-exit information fields */
#define   VMX_MISC_ZERO_LEN_INJECTION   BIT(30)         /* software events may be injected with length 0 */
#define MSR_IA32_VMX_CR0_FIXED0         0x00000486      /* bits that must be 1 in CR0 in VMX operation */
#define MSR_IA32_VMX_CR0_FIXED1         0x00000487      /* bits that may be 1 */
#define MSR_IA32_VMX_CR4_FIXED0         0x00000488
#define MSR_IA32_VMX_CR4_FIXED1         0x00000489
#define MSR_IA32_VMX_VMCS_ENUM          0x0000048a      /* bits 9:1: highest VMCS field index */
#define MSR_IA32_VMX_PROCBASED_CTLS2    0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP       0x0000048c
#define   VMX_EPT_EXECUTE_ONLY          BIT(0)          /* EPT entries may be execute-only */
#define   VMX_EPT_PAGE_WALK_4           BIT(6)          /* 4-level EPT */
#define   VMX_EPT_PAGE_WALK_5           BIT(7)          /* 5-level EPT */
#define   VMX_EPT_MEMTYPE_UC            BIT(8)          /* EPT structures may be uncacheable */
#define   VMX_EPT_MEMTYPE_WB            BIT(14)         /* EPT structures may be write-back */
#define   VMX_EPT_2MB_PAGE              BIT(16)         /* EPT PDEs may map 2 MiB pages */
#define   VMX_EPT_1GB_PAGE              BIT(17)         /* EPT PDPTEs may map 1 GiB pages */
#define   VMX_EPT_INVEPT                BIT(20)
#define   VMX_EPT_AD                    BIT(21)         /* accessed and dirty flags for EPT */
#define   VMX_EPT_ADVANCED_EXIT_INFO    BIT(22)         /* EPT violations report the linear access */
#define   VMX_EPT_SUPERVISOR_SHADOW_STACK BIT(23)
#define   VMX_EPT_INVEPT_SINGLE_CONTEXT BIT(25)
#define   VMX_EPT_INVEPT_ALL_CONTEXT    BIT(26)
#define   VMX_VPID_INVVPID              BIT(32)
#define   VMX_VPID_INVVPID_ADDR         BIT(40)         /* individual-address INVVPID */
#define   VMX_VPID_INVVPID_SINGLE_CONTEXT BIT(41)
#define   VMX_VPID_INVVPID_ALL_CONTEXT  BIT(42)
#define   VMX_VPID_INVVPID_SINGLE_GLOBALS BIT(43)       /* single-context, retaining globals */
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x00000490
#define MSR_IA32_VMX_VMFUNC             0x00000491      /* allowed 1-settings of the VM-function controls */
#define MSR_IA32_VMX_PROCBASED_CTLS3    0x00000492      /* allowed 1-settings of the tertiary controls */
#define MSR_IA32_VMX_EXIT_CTLS2         0x00000493      /* allowed 1-settings of the secondary exit controls */

/* Long-mode MSRs (SDM Vol. 4, table "IA-32 Architectural MSRs", 0xC000_0080 up). */
#define MSR_IA32_EFER                   0xc0000080
#define   EFER_SCE_BIT                  0
#define   EFER_LME_BIT                  8
#define   EFER_LMA_BIT                  10
#define   EFER_NXE_BIT                  11
#define   EFER_SCE                      BIT(EFER_SCE_BIT)       /* SYSCALL/SYSRET */
#define   EFER_LME                      BIT(EFER_LME_BIT)       /* IA-32e mode enable */
#define   EFER_LMA                      BIT(EFER_LMA_BIT)       /* IA-32e mode active (read-only) */
#define   EFER_NXE                      BIT(EFER_NXE_BIT)       /* execute-disable bit in page tables */
#define   EFER_RESERVED                 (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
#define MSR_IA32_STAR                   0xc0000081
#define MSR_IA32_LSTAR                  0xc0000082
#define MSR_IA32_CSTAR                  0xc0000083
#define MSR_IA32_FMASK                  0xc0000084
#define MSR_IA32_FS_BASE                0xc0000100
#define MSR_IA32_GS_BASE                0xc0000101
#define MSR_IA32_KERNEL_GS_BASE         0xc0000102
#define MSR_IA32_TSC_AUX                0xc0000103

#endif /* LIB_MSR_H */
