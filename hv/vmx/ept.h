/*
 * ept.h - extended page tables: the guest-physical to host-physical map of
 * one VM. SDM Vol. 3, "EPT Translation Mechanism", "EPT Paging-Structure
 * Entries" (format tables) and "EPT Misconfigurations".
 */
#ifndef HV_VMX_EPT_H
#define HV_VMX_EPT_H

#include <stdbool.h>
#include "hv/types.h"
#include "lib/bits.h"

/* EPT paging-structure entry bits. */
#define EPT_READ                BIT(0)
#define EPT_WRITE               BIT(1)
#define EPT_EXEC                BIT(2)
#define EPT_RWX                 (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_SHIFT       3       /* leaf: bits 5:3 */
#define EPT_MEMTYPE_WB          (6ULL << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT          BIT(6)
#define EPT_LARGE_PAGE          BIT(7)  /* in a PDPTE or PDE: maps 1 GiB or 2 MiB */
#define EPT_ADDR_MASK           0x000ffffffffff000ULL

#define EPT_LEVELS              4
#define EPT_ENTRIES             512
#define EPT_PAGE_4K             0x1000ULL
#define EPT_PAGE_2M             0x200000ULL

struct frame_pool;

struct ept {
	hpa_t pml4;                     /* root table */
	struct frame_pool *pool;        /* where tables come from, and go back */
	bool large_pages;               /* CPU supports 2 MiB EPT pages */
	uint64_t table_frames;          /* frames used for tables */
};

/* Start an empty map with its root table from (pool). (large_pages) allows
 * 2 MiB leaves. Returns 0, or -1 when the pool is empty. */
int ept_init(struct ept *ept, struct frame_pool *pool, bool large_pages);

/* The EPT pointer for the VMCS: root, write-back walks, 4 levels. */
uint64_t ept_eptp(const struct ept *ept);

/*
 * Map guest-physical [gpa, gpa+len) to host-physical [hpa, hpa+len) with
 * (perms) (EPT_READ/WRITE/EXEC), write-back. Uses 2 MiB pages where both
 * addresses are 2 MiB-aligned and 2 MiB remain, 4 KiB pages elsewhere.
 * All three must be 4 KiB-aligned. Returns 0, or -1 if a page is already
 * mapped or no frame is left for a table (what was mapped stays mapped).
 */
int ept_map(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t len, uint64_t perms);

/* Unmap the 4 KiB page at (gpa), mapped by ept_map as a 4 KiB page.
 * Returns 0, or -1 if no such page is mapped there (nothing changes).
 * The caller invalidates the translations the CPU may hold (INVEPT). */
int ept_unmap_4k(struct ept *ept, gpa_t gpa);

/* Look (gpa) up: 0 with the host address, permissions and leaf page size
 * filled in (any pointer may be NULL), or -1 if unmapped. */
int ept_translate(const struct ept *ept, gpa_t gpa, hpa_t *hpa, uint64_t *perms,
		  uint64_t *page_size);

/* Call (fn) for every leaf mapping in guest-physical order; stops at and
 * returns the first nonzero result. */
int ept_foreach_leaf(const struct ept *ept,
		     int (*fn)(void *ctx, gpa_t gpa, hpa_t hpa, uint64_t size, uint64_t perms),
		     void *ctx);

/* Give every table frame back to the pool (not the mapped memory). */
void ept_destroy(struct ept *ept);

#endif /* HV_VMX_EPT_H */
