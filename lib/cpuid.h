/*
 * cpuid.h - the CPUID leaves and feature bits both kernels and mica test.
 * Hardware definitions only, usable from assembly. SDM Vol. 2, "CPUID".
 */
#ifndef LIB_CPUID_H
#define LIB_CPUID_H

#include "lib/bits.h"

/* Leaf 1: feature information. */
#define CPUID_1_ECX_MONITOR     BIT(3)
#define CPUID_1_ECX_VMX         BIT(5)
#define CPUID_1_ECX_PDCM        BIT(15)         /* IA32_PERF_CAPABILITIES */
#define CPUID_1_ECX_X2APIC      BIT(21)
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)        /* the APIC timer's TSC-deadline mode */
#define CPUID_1_ECX_XSAVE       BIT(26)
#define CPUID_1_ECX_OSXSAVE     BIT(27)
#define CPUID_1_ECX_HYPERVISOR  BIT(31)         /* a hypervisor is present */
#define CPUID_1_EDX_MCE         BIT(7)          /* machine-check exception */
#define CPUID_1_EDX_APIC        BIT(9)          /* an APIC, globally enabled */
#define CPUID_1_EDX_MCA         BIT(14)         /* machine-check architecture */

/* Leaf 7, subleaf 0: structured extended features. */
#define CPUID_7_EBX_TSC_ADJUST  BIT(1)          /* IA32_TSC_ADJUST */
#define CPUID_7_EBX_SMEP        BIT(7)          /* CR4.SMEP may be set */
#define CPUID_7_EBX_INVPCID     BIT(10)
#define CPUID_7_EBX_SMAP        BIT(20)         /* CR4.SMAP may be set */
#define CPUID_7_ECX_OSPKE       BIT(4)
#define CPUID_7_ECX_WAITPKG     BIT(5)
#define CPUID_7_ECX_RDPID       BIT(22)
#define CPUID_7_ECX_BUS_LOCK_DETECT BIT(24)   /* OS bus-lock detection */

/* Leaf 0DH, subleaf 1: XSAVE extensions. */
#define CPUID_D1_EAX_XSAVES     BIT(3)
#define CPUID_DN_ECX_ALIGN64    BIT(1)          /* leaf 0DH, sub-leaf n >= 2: compacted at 64 bytes */
#define CPUID_6_EAX_ARAT        BIT(2)          /* the APIC timer runs in every C-state */

/* Leaf 80000001H: extended features. */
#define CPUID_EXT_FEATURES      0x80000001
#define CPUID_EXT_EDX_NX        BIT(20)         /* IA32_EFER.NXE may be set */
#define CPUID_EXT_EDX_PAGE1GB   BIT(26)         /* PDPTEs may map 1 GiB pages */
#define CPUID_EXT_EDX_RDTSCP    BIT(27)
#define CPUID_EXT_EDX_LM        BIT(29)         /* long mode */

/* Leaf 80000008H: address sizes (EAX 7:0 MAXPHYADDR). */
#define CPUID_EXT_ADDR_SIZES    0x80000008

#endif /* LIB_CPUID_H */
