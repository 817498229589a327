/*
 * gwalk.h - the guest's own page-table walk, in software: a guest linear
 * address to a guest-physical one, with the faults the CPU would raise.
 * Backend-neutral and pure (the guest's memory is reached through a
 * callback), so the host unit tests run it on fake tables.
 * SDM Vol. 3, "Paging": 32-bit, PAE and 4-level paging, "Access Rights",
 * "Page-Fault Exceptions", "Accessed and Dirty Flags".
 */
#ifndef HV_GWALK_H
#define HV_GWALK_H

#include <stdbool.h>
#include <stdint.h>

/* The guest's paging state, as the backend reads it from the vCPU. */
struct gwalk_mode {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t pdpte[4];      /* PAE paging: the PDPTEs the CPU loaded with CR3 */
	unsigned maxphyaddr;    /* physical-address width: higher bits are reserved */
	bool ac;                /* RFLAGS.AC: SMAP does not apply */
};

/* What the access is. */
#define GWALK_WRITE     1u
#define GWALK_USER      2u      /* from CPL 3 */
#define GWALK_FETCH     4u

enum gwalk_result {
	GWALK_OK,               /* *gpa is set */
	GWALK_FAULT,            /* a #PF: *error is its error code */
	GWALK_NO_MEMORY,        /* a paging structure is not in guest RAM */
};

/* (len) bytes of guest-physical memory at (gpa) as a host pointer, or
 * NULL when they are not guest RAM. */
typedef void *(*gwalk_map_fn)(void *ctx, uint64_t gpa, unsigned len);

/*
 * Translate linear address (la) for an access of kind (access), under
 * paging state (m), reading (and, for the accessed and dirty flags,
 * writing) the guest's tables through (map)(ctx, ...). With paging off
 * the linear address is the physical one (32 bits). In 4-level paging
 * (la) must be canonical; the caller raises #GP otherwise. Returns
 * GWALK_OK with *gpa, GWALK_FAULT with *error, or GWALK_NO_MEMORY.
 */
enum gwalk_result gwalk(const struct gwalk_mode *m, uint64_t la, unsigned access,
			gwalk_map_fn map, void *ctx, uint64_t *gpa, uint32_t *error);

#endif /* HV_GWALK_H */
