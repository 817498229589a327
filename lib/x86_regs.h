/*
 * x86_regs.h - bit layouts of the x86 control registers, RFLAGS and segment
 * access rights, and the exception vector numbers. Constants only, shared by
 * mica, the guest kernel and assembly (the *_BIT names are for .S files).
 * SDM Vol. 3, "Control Registers", "EFLAGS Register" (Vol. 1),
 * "Segment Descriptors", "Exception and Interrupt Vectors".
 */
#ifndef LIB_X86_REGS_H
#define LIB_X86_REGS_H

#include "lib/bits.h"

/* CR0 (SDM Vol. 3, figure "Control Registers"). */
#define CR0_PE_BIT      0
#define CR0_WP_BIT      16
#define CR0_PG_BIT      31
#define CR0_PE          BIT(CR0_PE_BIT)     /* protection enable */
#define CR0_MP          BIT(1)              /* monitor coprocessor */
#define CR0_EM          BIT(2)              /* x87 emulation */
#define CR0_TS          BIT(3)              /* task switched */
#define CR0_ET          BIT(4)              /* extension type (reads as 1) */
#define CR0_NE          BIT(5)              /* native x87 error reporting */
#define CR0_WP          BIT(CR0_WP_BIT)     /* write protect in ring 0 */
#define CR0_AM          BIT(18)             /* alignment mask */
#define CR0_NW          BIT(29)             /* not write-through */
#define CR0_CD          BIT(30)             /* cache disable */
#define CR0_PG          BIT(CR0_PG_BIT)     /* paging */

/* CR3 with CR4.PCIDE = 0: page-table base in bits M-1:12. */
#define CR3_PWT         BIT(3)
#define CR3_PCD         BIT(4)

/* CR4 (SDM Vol. 3, figure "Control Registers"). */
#define CR4_PAE_BIT     5
#define CR4_VMXE_BIT    13
#define CR4_VME         BIT(0)              /* virtual-8086 mode extensions */
#define CR4_PVI         BIT(1)              /* protected-mode virtual interrupts */
#define CR4_TSD         BIT(2)              /* RDTSC only in ring 0 */
#define CR4_DE          BIT(3)              /* debugging extensions */
#define CR4_PSE         BIT(4)              /* 4 MiB pages in 32-bit paging */
#define CR4_PAE         BIT(CR4_PAE_BIT)    /* physical address extension */
#define CR4_MCE         BIT(6)              /* machine-check enable */
#define CR4_PGE         BIT(7)              /* global pages */
#define CR4_PCE         BIT(8)              /* RDPMC in any ring */
#define CR4_OSFXSR      BIT(9)              /* FXSAVE/FXRSTOR and SSE */
#define CR4_OSXMMEXCPT  BIT(10)             /* #XM for unmasked SIMD exceptions */
#define CR4_UMIP        BIT(11)             /* SGDT/SIDT/SLDT/SMSW/STR only in ring 0 */
#define CR4_LA57        BIT(12)             /* 5-level paging */
#define CR4_VMXE        BIT(CR4_VMXE_BIT)   /* VMX enable */
#define CR4_SMXE        BIT(14)             /* SMX enable */
#define CR4_FSGSBASE    BIT(16)             /* RDFSBASE and friends */
#define CR4_PCIDE       BIT(17)             /* process-context identifiers */
#define CR4_OSXSAVE     BIT(18)             /* XSAVE and XGETBV/XSETBV */
#define CR4_KL          BIT(19)             /* Key Locker */
#define CR4_SMEP        BIT(20)             /* supervisor-mode execution prevention */
#define CR4_SMAP        BIT(21)             /* supervisor-mode access prevention */
#define CR4_PKE         BIT(22)             /* protection keys for user pages */
#define CR4_CET         BIT(23)             /* control-flow enforcement */
#define CR4_PKS         BIT(24)             /* protection keys for supervisor pages */
#define CR4_UINTR       BIT(25)             /* user interrupts */

/* RFLAGS (SDM Vol. 1, figure "EFLAGS Register"). */
#define RFLAGS_CF       BIT(0)              /* carry */
#define RFLAGS_RESERVED1 BIT(1)             /* always 1 */
#define RFLAGS_PF       BIT(2)              /* parity */
#define RFLAGS_AF       BIT(4)              /* auxiliary carry */
#define RFLAGS_ZF       BIT(6)              /* zero */
#define RFLAGS_SF       BIT(7)              /* sign */
#define RFLAGS_TF       BIT(8)              /* trap (single-step) */
#define RFLAGS_IF       BIT(9)              /* interrupt enable */
#define RFLAGS_DF       BIT(10)             /* direction */
#define RFLAGS_OF       BIT(11)             /* overflow */
#define RFLAGS_IOPL_SHIFT 12                /* bits 13:12: I/O privilege level */
#define RFLAGS_IOPL     (3 << RFLAGS_IOPL_SHIFT)
#define RFLAGS_NT       BIT(14)             /* nested task */
#define RFLAGS_RF       BIT(16)             /* resume */
#define RFLAGS_VM       BIT(17)             /* virtual-8086 mode */
#define RFLAGS_AC       BIT(18)             /* alignment check / SMAP override */
#define RFLAGS_VIF      BIT(19)             /* virtual interrupt flag */
#define RFLAGS_VIP      BIT(20)             /* virtual interrupt pending */
#define RFLAGS_ID       BIT(21)             /* CPUID available */
/* Bits that must be 0: 3, 5, 15 and 63:22. */
#define RFLAGS_RESERVED0 (BIT(3) | BIT(5) | BIT(15) | ~(BIT(22) - 1))

/* Segment selector (SDM Vol. 3, figure "Segment Selector"). */
#define SEL_RPL_MASK    0x3                 /* requested privilege level */
#define SEL_TI          BIT(2)              /* table indicator: 1 = LDT */

/*
 * Segment access rights in the format of the VMCS access-rights fields
 * (SDM Vol. 3, table "Format of Access Rights"): bits 15:8 of the
 * descriptor's second doubleword, with the limit bits 19:16 removed, plus
 * an "unusable" bit.
 */
#define SEG_AR_TYPE_MASK 0xf                /* bits 3:0: segment type, below */
#define SEG_AR_S        BIT(4)              /* 1 = code or data, 0 = system */
#define SEG_AR_DPL_SHIFT 5                  /* bits 6:5: descriptor privilege level */
#define SEG_AR_DPL_MASK (3 << SEG_AR_DPL_SHIFT)
#define SEG_AR_P        BIT(7)              /* present */
#define SEG_AR_RESERVED_11_8 (0xf << 8)
#define SEG_AR_AVL      BIT(12)             /* available to software */
#define SEG_AR_L        BIT(13)             /* 64-bit code segment */
#define SEG_AR_DB       BIT(14)             /* default operation size: 1 = 32-bit */
#define SEG_AR_G        BIT(15)             /* granularity: 1 = limit in 4 KiB units */
#define SEG_AR_UNUSABLE BIT(16)             /* segment unusable (VMCS only) */
#define SEG_AR_RESERVED_31_17 0xfffe0000

/* Code- and data-segment types, S = 1 (SDM Vol. 3, table "Code- and
 * Data-Segment Types"). */
#define SEG_TYPE_ACCESSED       BIT(0)
#define SEG_TYPE_WRITABLE       BIT(1)      /* data: writable */
#define SEG_TYPE_READABLE       BIT(1)      /* code: readable */
#define SEG_TYPE_EXPAND_DOWN    BIT(2)      /* data: expand-down */
#define SEG_TYPE_CONFORMING     BIT(2)      /* code: conforming */
#define SEG_TYPE_CODE           BIT(3)

/* System-segment types, S = 0, in IA-32e mode and outside it (SDM Vol. 3,
 * table "System-Segment and Gate-Descriptor Types"). */
#define SEG_TYPE_LDT            2
#define SEG_TYPE_TSS16_BUSY     3
#define SEG_TYPE_TSS_AVAIL      9           /* 32-bit TSS, or 64-bit in IA-32e mode */
#define SEG_TYPE_TSS_BUSY       11          /* 32-bit TSS, or 64-bit in IA-32e mode */

/* Debug registers: SDM Vol. 3, "Debug Registers". DR6 and DR7 bits that
 * read as 1 ("fixed") are part of their power-on values. */
#define DR6_B0_B3       0xfULL              /* breakpoint 0-3 conditions met */
#define DR6_BD          BIT(13)             /* a debug-register access with DR7.GD */
#define DR6_BS          BIT(14)             /* single step */
#define DR6_BT          BIT(15)             /* task switch */
#define DR6_INIT        0xffff0ff0ULL       /* power-on value; bits 4-11 and 16-31 read as 1 */
#define DR6_WRITABLE    (DR6_B0_B3 | DR6_BD | DR6_BS | DR6_BT)
#define DR7_L0          BIT(0)              /* local enable of breakpoint 0 (L1 bit 2, ...) */
#define DR7_ENABLES     0xffULL             /* L0-L3 and G0-G3 */
#define DR7_INIT        0x400ULL            /* power-on value; bit 10 reads as 1 */
#define DR7_GD          BIT(13)             /* general detect: #DB on a DR access */
#define DR7_RW_SHIFT(n) (16 + 4 * (n))      /* R/W of breakpoint n: 0 exec, 1 write, 3 read/write */
#define DR7_LEN_SHIFT(n) (18 + 4 * (n))     /* LEN of breakpoint n: 0 1 byte, 1 2, 3 4, 2 8 */
#define DR7_VOLATILE    0xffff2bffULL       /* bits a write may set (KVM's mask) */

/* #PF error code: SDM Vol. 3, "Page-Fault Error Code". */
#define PFERR_P         BIT(0)              /* 0: not present, 1: protection */
#define PFERR_W         BIT(1)              /* a write */
#define PFERR_U         BIT(2)              /* from CPL 3 */
#define PFERR_RSVD      BIT(3)              /* a reserved bit set in an entry */
#define PFERR_I         BIT(4)              /* an instruction fetch */

/* Exception vectors (SDM Vol. 3, table "Protected-Mode Exceptions and
 * Interrupts"). Vectors 9, 15 and 22-31 are reserved. */
#define VEC_DE          0                   /* divide error */
#define VEC_DB          1                   /* debug */
#define VEC_NMI         2                   /* non-maskable interrupt */
#define VEC_BP          3                   /* breakpoint (INT3) */
#define VEC_OF          4                   /* overflow (INTO) */
#define VEC_BR          5                   /* BOUND range exceeded */
#define VEC_UD          6                   /* invalid opcode */
#define VEC_NM          7                   /* device not available */
#define VEC_DF          8                   /* double fault (error code) */
#define VEC_TS          10                  /* invalid TSS (error code) */
#define VEC_NP          11                  /* segment not present (error code) */
#define VEC_SS          12                  /* stack-segment fault (error code) */
#define VEC_GP          13                  /* general protection (error code) */
#define VEC_PF          14                  /* page fault (error code) */
#define VEC_MF          16                  /* x87 floating-point error */
#define VEC_AC          17                  /* alignment check (error code) */
#define VEC_MC          18                  /* machine check */
#define VEC_XM          19                  /* SIMD floating-point exception */
#define VEC_VE          20                  /* virtualization exception */
#define VEC_CP          21                  /* control-protection exception (error code) */

/* XCR0 state-component bits: SDM Vol. 1, "Enabling the XSAVE Feature Set
 * and XSAVE-Enabled Features". */
#define XCR0_X87        BIT(0)
#define XCR0_SSE        BIT(1)
#define XCR0_AVX        BIT(2)
#define XCR0_BNDREGS_SHIFT   3      /* MPX: bits 3 and 4 go together */
#define XCR0_BNDCSR_SHIFT    4
#define XCR0_AVX512_SHIFT    5      /* AVX-512: bits 7:5 all or none */
#define XCR0_TILECFG_SHIFT   17     /* AMX: bits 17 and 18 go together */
#define XCR0_TILEDATA_SHIFT  18

#endif /* LIB_X86_REGS_H */
