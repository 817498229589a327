/*
 * vmx_controls.h - the bits of the pin-based, primary and secondary
 * processor-based, VM-exit and VM-entry controls. Constants only; runs in
 * VMX root. Which bits a CPU allows is in the capability MSRs
 * (lib/msr.h, hv/vmx/vmx_caps.h).
 * SDM Vol. 3, "VM-Execution Control Fields", "VM-Exit Control Fields",
 * "VM-Entry Control Fields".
 */
#ifndef HV_VMX_VMX_CONTROLS_H
#define HV_VMX_VMX_CONTROLS_H

#include "lib/bits.h"

/* VMCS_PIN_BASED_CTLS: SDM Vol. 3, table "Definitions of Pin-Based
 * VM-Execution Controls". */
#define PINBASED_EXTINT_EXITING                 BIT(0)
#define PINBASED_NMI_EXITING                    BIT(3)
#define PINBASED_VIRTUAL_NMIS                   BIT(5)
#define PINBASED_PREEMPTION_TIMER               BIT(6)  /* activate VMX-preemption timer */
#define PINBASED_POSTED_INTR                    BIT(7)  /* process posted interrupts */

/* VMCS_PRI_PROC_BASED_CTLS: SDM Vol. 3, table "Definitions of Primary
 * Processor-Based VM-Execution Controls". */
#define PROCBASED_INTR_WINDOW_EXITING           BIT(2)
#define PROCBASED_TSC_OFFSETTING                BIT(3)
#define PROCBASED_HLT_EXITING                   BIT(7)
#define PROCBASED_INVLPG_EXITING                BIT(9)
#define PROCBASED_MWAIT_EXITING                 BIT(10)
#define PROCBASED_RDPMC_EXITING                 BIT(11)
#define PROCBASED_RDTSC_EXITING                 BIT(12)
#define PROCBASED_CR3_LOAD_EXITING              BIT(15)
#define PROCBASED_CR3_STORE_EXITING             BIT(16)
#define PROCBASED_TERTIARY_CONTROLS             BIT(17) /* activate tertiary controls */
#define PROCBASED_CR8_LOAD_EXITING              BIT(19)
#define PROCBASED_CR8_STORE_EXITING             BIT(20)
#define PROCBASED_USE_TPR_SHADOW                BIT(21)
#define PROCBASED_NMI_WINDOW_EXITING            BIT(22)
#define PROCBASED_MOV_DR_EXITING                BIT(23)
#define PROCBASED_UNCOND_IO_EXITING             BIT(24)
#define PROCBASED_USE_IO_BITMAPS                BIT(25)
#define PROCBASED_MTF                           BIT(27) /* monitor trap flag */
#define PROCBASED_USE_MSR_BITMAPS               BIT(28)
#define PROCBASED_MONITOR_EXITING               BIT(29)
#define PROCBASED_PAUSE_EXITING                 BIT(30)
#define PROCBASED_SECONDARY_CONTROLS            BIT(31) /* activate secondary controls */

/* VMCS_SEC_PROC_BASED_CTLS: SDM Vol. 3, table "Definitions of Secondary
 * Processor-Based VM-Execution Controls". */
#define PROCBASED2_VIRTUALIZE_APIC              BIT(0)  /* virtualize APIC accesses */
#define PROCBASED2_ENABLE_EPT                   BIT(1)
#define PROCBASED2_DESC_TABLE_EXITING           BIT(2)
#define PROCBASED2_ENABLE_RDTSCP                BIT(3)
#define PROCBASED2_VIRTUALIZE_X2APIC            BIT(4)  /* virtualize x2APIC mode */
#define PROCBASED2_ENABLE_VPID                  BIT(5)
#define PROCBASED2_WBINVD_EXITING               BIT(6)
#define PROCBASED2_UNRESTRICTED_GUEST           BIT(7)
#define PROCBASED2_APIC_REGISTER_VIRT           BIT(8)  /* APIC-register virtualization */
#define PROCBASED2_VIRTUAL_INTR_DELIVERY        BIT(9)
#define PROCBASED2_PAUSE_LOOP_EXITING           BIT(10)
#define PROCBASED2_RDRAND_EXITING               BIT(11)
#define PROCBASED2_ENABLE_INVPCID               BIT(12)
#define PROCBASED2_ENABLE_VMFUNC                BIT(13) /* enable VM functions */
#define PROCBASED2_VMCS_SHADOWING               BIT(14)
#define PROCBASED2_ENABLE_ENCLS_EXITING         BIT(15)
#define PROCBASED2_RDSEED_EXITING               BIT(16)
#define PROCBASED2_ENABLE_PML                   BIT(17)
#define PROCBASED2_EPT_VIOLATION_VE             BIT(18) /* EPT-violation #VE */
#define PROCBASED2_CONCEAL_VMX_FROM_PT          BIT(19)
#define PROCBASED2_ENABLE_XSAVES                BIT(20) /* enable XSAVES/XRSTORS */
#define PROCBASED2_PASID_TRANSLATION            BIT(21)
#define PROCBASED2_MODE_BASED_EPT_EXEC          BIT(22) /* mode-based execute control for EPT */
#define PROCBASED2_SUB_PAGE_WRITE_PERMS         BIT(23) /* sub-page write permissions for EPT */
#define PROCBASED2_PT_USE_GPA                   BIT(24) /* Intel PT uses guest physical addresses */
#define PROCBASED2_TSC_SCALING                  BIT(25) /* use TSC scaling */
#define PROCBASED2_ENABLE_USER_WAIT_PAUSE       BIT(26)
#define PROCBASED2_ENABLE_PCONFIG               BIT(27)
#define PROCBASED2_ENABLE_ENCLV_EXITING         BIT(28)
#define PROCBASED2_BUS_LOCK_DETECTION           BIT(30) /* VMM bus-lock detection */
#define PROCBASED2_INSTRUCTION_TIMEOUT          BIT(31)

/* VMCS_EXIT_CTLS: SDM Vol. 3, table "Definitions of Primary VM-Exit
 * Controls". */
#define VM_EXIT_SAVE_DEBUG_CONTROLS             BIT(2)
#define VM_EXIT_HOST_ADDR_SPACE_SIZE            BIT(9)  /* 1: the host runs in 64-bit mode */
#define VM_EXIT_LOAD_PERF_GLOBAL_CTRL           BIT(12)
#define VM_EXIT_ACK_INTR_ON_EXIT                BIT(15) /* acknowledge interrupt on exit */
#define VM_EXIT_SAVE_PAT                        BIT(18)
#define VM_EXIT_LOAD_PAT                        BIT(19)
#define VM_EXIT_SAVE_EFER                       BIT(20)
#define VM_EXIT_LOAD_EFER                       BIT(21)
#define VM_EXIT_SAVE_PREEMPTION_TIMER           BIT(22)
#define VM_EXIT_CLEAR_BNDCFGS                   BIT(23)
#define VM_EXIT_CONCEAL_VMX_FROM_PT             BIT(24)
#define VM_EXIT_CLEAR_RTIT_CTL                  BIT(25)
#define VM_EXIT_CLEAR_LBR_CTL                   BIT(26)
#define VM_EXIT_CLEAR_UINV                      BIT(27)
#define VM_EXIT_LOAD_CET_STATE                  BIT(28)
#define VM_EXIT_LOAD_PKRS                       BIT(29)
#define VM_EXIT_SAVE_PERF_GLOBAL_CTRL           BIT(30)
#define VM_EXIT_SECONDARY_CONTROLS              BIT(31) /* activate secondary controls */

/* VMCS_ENTRY_CTLS: SDM Vol. 3, table "Definitions of VM-Entry Controls". */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS            BIT(2)
#define VM_ENTRY_IA32E_MODE_GUEST               BIT(9)
#define VM_ENTRY_ENTRY_TO_SMM                   BIT(10)
#define VM_ENTRY_DEACTIVATE_DUAL_MONITOR        BIT(11)
#define VM_ENTRY_LOAD_PERF_GLOBAL_CTRL          BIT(13)
#define VM_ENTRY_LOAD_PAT                       BIT(14)
#define VM_ENTRY_LOAD_EFER                      BIT(15)
#define VM_ENTRY_LOAD_BNDCFGS                   BIT(16)
#define VM_ENTRY_CONCEAL_VMX_FROM_PT            BIT(17)
#define VM_ENTRY_LOAD_RTIT_CTL                  BIT(18)
#define VM_ENTRY_LOAD_UINV                      BIT(19)
#define VM_ENTRY_LOAD_CET_STATE                 BIT(20)
#define VM_ENTRY_LOAD_LBR_CTL                   BIT(21)
#define VM_ENTRY_LOAD_PKRS                      BIT(22)

#endif /* HV_VMX_VMX_CONTROLS_H */
