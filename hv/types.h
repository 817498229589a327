/*
 * types.h - the address kinds of the hypervisor, so that every signature
 * says which address space it takes: guest-physical (gpa_t), host-physical
 * (hpa_t). mica runs identity-mapped below 4 GiB, so a host-physical
 * address there is also a host pointer (hpa_to_hva).
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdint.h>

typedef uint64_t gpa_t;         /* guest-physical address */
typedef uint64_t hpa_t;         /* host-physical address */

static inline void *hpa_to_hva(hpa_t pa)
{
	return (void *)(uintptr_t)pa;
}

#endif /* HV_TYPES_H */
