/*
 * vmx_exit_reasons.h - what VMCS_EXIT_REASON and VMCS_EXIT_QUALIFICATION
 * hold after a VM exit: the basic exit reasons and, next to their reason,
 * the exit-qualification layouts mica decodes. Constants only; runs in VMX
 * root. The names of the reasons live in the exit table (hv/vmx/vmexit.c).
 * SDM Vol. 3, App. C "VMX Basic Exit Reasons"; "Exit Qualification for VM
 * Exits" in "VM Exits".
 */
#ifndef HV_VMX_VMX_EXIT_REASONS_H
#define HV_VMX_VMX_EXIT_REASONS_H

#include "lib/bits.h"

/* VMCS_EXIT_REASON (SDM Vol. 3, table "Format of Exit Reason"). */
#define EXIT_REASON_BASIC_MASK          0xffff  /* bits 15:0: enum exit_reason */
#define EXIT_REASON_ENCLAVE_MODE        BIT(27) /* exit from enclave mode */
#define EXIT_REASON_PENDING_MTF         BIT(28) /* pending MTF VM exit */
#define EXIT_REASON_FROM_VMX_ROOT       BIT(29) /* exit from VMX root (SMM dual monitor) */
#define EXIT_REASON_ENTRY_FAIL          BIT(31) /* VM-entry failure, see reasons 33, 34, 41 */

#ifndef __ASSEMBLER__

/*
 * Basic exit reasons: SDM Vol. 3, App. C, table "Basic Exit Reasons".
 * Numbers 35, 38, 42 and 71 are unused. The list ends at 81 (UWRMSR); a
 * CPU that reports a later reason has one mica does not know.
 */
enum exit_reason {
	EXIT_REASON_EXCEPTION_NMI       = 0,    /* exception or NMI */
	EXIT_REASON_EXT_INTR            = 1,    /* external interrupt */
	EXIT_REASON_TRIPLE_FAULT        = 2,
	EXIT_REASON_INIT                = 3,    /* INIT signal */
	EXIT_REASON_SIPI                = 4,    /* start-up IPI */
	EXIT_REASON_IO_SMI              = 5,
	EXIT_REASON_OTHER_SMI           = 6,
	EXIT_REASON_INTR_WINDOW         = 7,    /* interrupt window */
	EXIT_REASON_NMI_WINDOW          = 8,
	EXIT_REASON_TASK_SWITCH         = 9,
	EXIT_REASON_CPUID               = 10,
	EXIT_REASON_GETSEC              = 11,
	EXIT_REASON_HLT                 = 12,
	EXIT_REASON_INVD                = 13,
	EXIT_REASON_INVLPG              = 14,
	EXIT_REASON_RDPMC               = 15,
	EXIT_REASON_RDTSC               = 16,
	EXIT_REASON_RSM                 = 17,
	EXIT_REASON_VMCALL              = 18,
	EXIT_REASON_VMCLEAR             = 19,
	EXIT_REASON_VMLAUNCH            = 20,
	EXIT_REASON_VMPTRLD             = 21,
	EXIT_REASON_VMPTRST             = 22,
	EXIT_REASON_VMREAD              = 23,
	EXIT_REASON_VMRESUME            = 24,
	EXIT_REASON_VMWRITE             = 25,
	EXIT_REASON_VMXOFF              = 26,
	EXIT_REASON_VMXON               = 27,
	EXIT_REASON_CR_ACCESS           = 28,   /* control-register accesses */
	EXIT_REASON_DR_ACCESS           = 29,   /* MOV DR */
	EXIT_REASON_IO_INSTRUCTION      = 30,
	EXIT_REASON_RDMSR               = 31,
	EXIT_REASON_WRMSR               = 32,
	EXIT_REASON_INVALID_GUEST_STATE = 33,   /* VM-entry failure due to invalid guest state */
	EXIT_REASON_MSR_LOADING         = 34,   /* VM-entry failure due to MSR loading */
	EXIT_REASON_MWAIT               = 36,
	EXIT_REASON_MTF                 = 37,   /* monitor trap flag */
	EXIT_REASON_MONITOR             = 39,
	EXIT_REASON_PAUSE               = 40,
	EXIT_REASON_MCE_DURING_ENTRY    = 41,   /* VM-entry failure due to machine-check event */
	EXIT_REASON_TPR_BELOW_THRESHOLD = 43,
	EXIT_REASON_APIC_ACCESS         = 44,
	EXIT_REASON_VIRTUALIZED_EOI     = 45,
	EXIT_REASON_GDTR_IDTR           = 46,   /* access to GDTR or IDTR */
	EXIT_REASON_LDTR_TR             = 47,   /* access to LDTR or TR */
	EXIT_REASON_EPT_VIOLATION       = 48,
	EXIT_REASON_EPT_MISCONFIG       = 49,
	EXIT_REASON_INVEPT              = 50,
	EXIT_REASON_RDTSCP              = 51,
	EXIT_REASON_PREEMPTION_TIMER    = 52,   /* VMX-preemption timer expired */
	EXIT_REASON_INVVPID             = 53,
	EXIT_REASON_WBINVD              = 54,   /* WBINVD or WBNOINVD */
	EXIT_REASON_XSETBV              = 55,
	EXIT_REASON_APIC_WRITE          = 56,
	EXIT_REASON_RDRAND              = 57,
	EXIT_REASON_INVPCID             = 58,
	EXIT_REASON_VMFUNC              = 59,
	EXIT_REASON_ENCLS               = 60,
	EXIT_REASON_RDSEED              = 61,
	EXIT_REASON_PML_FULL            = 62,   /* page-modification log full */
	EXIT_REASON_XSAVES              = 63,
	EXIT_REASON_XRSTORS             = 64,
	EXIT_REASON_PCONFIG             = 65,
	EXIT_REASON_SPP_EVENT           = 66,   /* SPP-related event */
	EXIT_REASON_UMWAIT              = 67,
	EXIT_REASON_TPAUSE              = 68,
	EXIT_REASON_LOADIWKEY           = 69,
	EXIT_REASON_ENCLV               = 70,
	EXIT_REASON_ENQCMD_PASID_FAIL   = 72,   /* ENQCMD PASID translation failure */
	EXIT_REASON_ENQCMDS_PASID_FAIL  = 73,   /* ENQCMDS PASID translation failure */
	EXIT_REASON_BUS_LOCK            = 74,
	EXIT_REASON_INSTRUCTION_TIMEOUT = 75,
	EXIT_REASON_SEAMCALL            = 76,
	EXIT_REASON_TDCALL              = 77,
	EXIT_REASON_RDMSRLIST           = 78,
	EXIT_REASON_WRMSRLIST           = 79,
	EXIT_REASON_URDMSR              = 80,
	EXIT_REASON_UWRMSR              = 81,
	EXIT_REASON_MAX                         /* one past the last: size of the exit table */
};

#endif /* __ASSEMBLER__ */

/*
 * Exit qualifications, next to their reasons (SDM Vol. 3, "Exit
 * Qualification for VM Exits").
 */

/* EXIT_REASON_CR_ACCESS: table "Exit Qualification for Control-Register
 * Accesses". */
#define CR_ACCESS_CR_MASK               0xf             /* bits 3:0: control register number */
#define CR_ACCESS_TYPE_SHIFT            4               /* bits 5:4: access type */
#define CR_ACCESS_TYPE_MASK             (3 << CR_ACCESS_TYPE_SHIFT)
#define CR_ACCESS_TYPE(q)               (((q) >> CR_ACCESS_TYPE_SHIFT) & 3)
#define   CR_ACCESS_MOV_TO_CR           0
#define   CR_ACCESS_MOV_FROM_CR         1
#define   CR_ACCESS_CLTS                2
#define   CR_ACCESS_LMSW                3
#define CR_ACCESS_LMSW_MEMORY           BIT(6)          /* LMSW operand: 0 register, 1 memory */
#define CR_ACCESS_GPR_SHIFT             8               /* bits 11:8: general-purpose register, */
#define CR_ACCESS_GPR_MASK              (0xf << CR_ACCESS_GPR_SHIFT)   /* 0 = RAX ... 15 = R15 */
#define CR_ACCESS_GPR(q)                (((q) >> CR_ACCESS_GPR_SHIFT) & 0xf)
#define CR_ACCESS_LMSW_DATA_SHIFT       16              /* bits 31:16: LMSW source data */
#define CR_ACCESS_LMSW_DATA(q)          (((q) >> CR_ACCESS_LMSW_DATA_SHIFT) & 0xffff)

/* EXIT_REASON_DR_ACCESS: table "Exit Qualification for MOV DR". */
#define DR_ACCESS_DR_MASK               0x7             /* bits 2:0: debug register number */
#define DR_ACCESS_FROM_DR               BIT(4)          /* 0: MOV to DR, 1: MOV from DR */
#define DR_ACCESS_GPR(q)                (((q) >> 8) & 0xf)      /* bits 11:8 */

/* EXIT_REASON_IO_INSTRUCTION: table "Exit Qualification for I/O
 * Instructions". */
#define IO_SIZE_MASK                    0x7             /* bits 2:0: size of access - 1 */
#define IO_SIZE(q)                      (((q) & IO_SIZE_MASK) + 1)     /* 1, 2 or 4 bytes */
#define IO_DIRECTION_IN                 BIT(3)          /* 0: OUT, 1: IN */
#define IO_STRING                       BIT(4)          /* INS or OUTS */
#define IO_REP                          BIT(5)          /* REP prefixed */
#define IO_OPERAND_IMMEDIATE            BIT(6)          /* port encoding: 0 DX, 1 immediate */
#define IO_PORT_SHIFT                   16              /* bits 31:16: port number */
#define IO_PORT(q)                      (((q) >> IO_PORT_SHIFT) & 0xffff)

/* EXIT_REASON_APIC_ACCESS: table "Exit Qualification for APIC-Access VM
 * Exits from Linear Accesses and Guest-Physical Accesses". */
#define APIC_ACCESS_OFFSET(q)           ((q) & 0xfff)   /* bits 11:0: offset in the page (linear accesses) */
#define APIC_ACCESS_TYPE(q)             (((q) >> 12) & 0xf)     /* bits 15:12: access type */
#define   APIC_ACCESS_LINEAR_READ       0
#define   APIC_ACCESS_LINEAR_WRITE      1
#define   APIC_ACCESS_LINEAR_FETCH      2
#define   APIC_ACCESS_LINEAR_EVENT      3               /* during event delivery */
#define   APIC_ACCESS_PHYS_EVENT        10              /* guest-physical, during event delivery */
#define   APIC_ACCESS_PHYS_INSN         15              /* guest-physical, instruction fetch or execution */

/* EXIT_REASON_EPT_VIOLATION: table "Exit Qualification for EPT
 * Violations". Bits 3-6 describe the EPT entries of the faulting address,
 * ANDed over the walk. */
#define EPT_VIOLATION_DATA_READ         BIT(0)
#define EPT_VIOLATION_DATA_WRITE        BIT(1)
#define EPT_VIOLATION_INSN_FETCH        BIT(2)
#define EPT_VIOLATION_READABLE          BIT(3)
#define EPT_VIOLATION_WRITABLE          BIT(4)
#define EPT_VIOLATION_EXECUTABLE        BIT(5)          /* supervisor-executable with mode-based control */
#define EPT_VIOLATION_USER_EXECUTABLE   BIT(6)          /* with mode-based execute control only */
#define EPT_VIOLATION_GLA_VALID         BIT(7)          /* VMCS_GUEST_LINEAR_ADDRESS is valid */
#define EPT_VIOLATION_GLA_TRANSLATED    BIT(8)          /* 1: the access itself, 0: a paging-structure walk */
#define EPT_VIOLATION_USER_MODE         BIT(9)          /* advanced EPT exit information only */
#define EPT_VIOLATION_WRITABLE_PAGE     BIT(10)         /* advanced EPT exit information only */
#define EPT_VIOLATION_EXECUTE_DISABLE   BIT(11)         /* advanced EPT exit information only */
#define EPT_VIOLATION_NMI_UNBLOCKING    BIT(12)         /* NMI unblocking due to IRET */
#define EPT_VIOLATION_SHADOW_STACK      BIT(13)         /* shadow-stack access */
#define EPT_VIOLATION_SUPERVISOR_SHADOW_STACK BIT(14)
#define EPT_VIOLATION_PAGING_VERIFY     BIT(15)         /* guest-paging verification */
#define EPT_VIOLATION_ASYNC             BIT(16)         /* asynchronous to instruction execution */

#endif /* HV_VMX_VMX_EXIT_REASONS_H */
