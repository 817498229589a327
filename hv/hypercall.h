/*
 * hypercall.h - mica's hypercalls, backend-neutral: numbers and arguments
 * arrive already decoded (hv/include/hvabi.h, docs/hypercalls.md).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>

#define HC_MAX_ARGS 4

struct vm;

/* Run hypercall (nr) for (vm) with (args); returns the value for the
 * guest's RAX (negative errno-style on failure, HC_ENOSYS if unknown).
 * HC_EXIT stops the VM; the caller checks vm->state. */
int64_t hc_dispatch(struct vm *vm, uint64_t nr, const uint64_t args[HC_MAX_ARGS]);

#endif /* HV_HYPERCALL_H */
