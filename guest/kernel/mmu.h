/*
 * mmu.h - x86-64 4-level paging as the hardware defines it: entry bits,
 * page sizes, the page-fault error code and the CPUID bit for NX. Constants
 * only, usable from C and assembly. SDM Vol. 3, "4-Level Paging and 5-Level
 * Paging", "Access Rights", "Page-Fault Exceptions".
 */
#ifndef GUEST_KERNEL_MMU_H
#define GUEST_KERNEL_MMU_H

#include "lib/bits.h"

/*
 * Paging-structure entry bits (SDM Vol. 3, tables "Format of a PML4 Entry
 * (PML4E) that References a Page-Directory-Pointer Table" through "Format
 * of a Page-Table Entry that Maps a 4-KByte Page"). A bit means the same at
 * every level, except PS, which only PDPTEs and PDEs have (bit 7 of a PTE
 * is PAT instead).
 */
#define PTE_P           BIT(0)      /* present */
#define PTE_W           BIT(1)      /* R/W: writes allowed */
#define PTE_U           BIT(2)      /* U/S: ring 3 may access */
#define PTE_PWT         BIT(3)      /* page-level write-through */
#define PTE_PCD         BIT(4)      /* page-level cache disable */
#define PTE_A           BIT(5)      /* accessed: set by the CPU */
#define PTE_D           BIT(6)      /* dirty: set by the CPU, leaves only */
#define PTE_PS          BIT(7)      /* in a PDPTE or PDE: maps 1 GiB or 2 MiB */
#define PTE_G           BIT(8)      /* global (with CR4.PGE), leaves only */
#define PTE_NX          BIT(63)     /* XD: no instruction fetch; a reserved
				       bit unless IA32_EFER.NXE = 1 */
/* Bits 51:12: physical address of the next table or of the page. A large
 * page's address has its low bits (20:12 or 29:12) zero. */
#define PTE_ADDR_MASK   0x000ffffffffff000

/* Table geometry: four levels of 512 entries, each level translating nine
 * bits of the linear address above the 12-bit page offset. */
#define PT_LEVELS       4
#define PT_ENTRIES      512
#define PT_INDEX_BITS   9
#define PAGE_SHIFT      12
#define PAGE_4K         0x1000
#define PAGE_2M         0x200000
#define PAGE_1G         0x40000000

/* With 4-level paging a linear address has 48 bits, and bits 63:48 must
 * repeat bit 47 ("canonical"). */
#define LINEAR_ADDR_BITS 48
/* Physical addresses have at most 52 bits (MAXPHYADDR <= 52). */
#define PHYS_ADDR_BITS_MAX 52

/* Page-fault error code (SDM Vol. 3, "Page-Fault Exceptions", figure
 * "Page-Fault Error Code"). */
#define PFERR_P         BIT(0)      /* 0: page not present; 1: protection violation */
#define PFERR_W         BIT(1)      /* the access was a write */
#define PFERR_U         BIT(2)      /* the access was made in ring 3 */
#define PFERR_RSVD      BIT(3)      /* some entry had a reserved bit set */
#define PFERR_ID        BIT(4)      /* the access was an instruction fetch */
#define PFERR_PK        BIT(5)      /* protection-key violation */
#define PFERR_SS        BIT(6)      /* shadow-stack access */

#endif /* GUEST_KERNEL_MMU_H */
