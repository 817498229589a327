/*
 * gmem.h - guest RAM on demand: a VM's RAM is backed page by page when it
 * is first touched, from a reserve of frames zeroed while the CPU idles,
 * and given back when the VM stops.
 */
#ifndef HV_GMEM_H
#define HV_GMEM_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/types.h"

struct frame_pool;
struct vm;

/* Frames gmem keeps zeroed ahead of need: what a few VMs touch to boot. */
#define GMEM_RESERVE 256

/* Take guest RAM from (pool), and fill the reserve of zeroed frames now
 * (boot time: no VM waits yet). Called once, before the first VM. */
void gmem_init(struct frame_pool *pool);

/*
 * Back the 4 KiB page of guest RAM holding (gpa), which must lie in
 * [0, vm->mem_bytes) and be unbacked, with a zeroed frame charged to
 * (vm). Returns 0, or -1 when the host has no frame left (nothing
 * changed then).
 */
int gmem_back(struct vm *vm, gpa_t gpa);

/*
 * The guest touched (gpa), RAM of (vm) not backed yet (an EPT violation,
 * or mica's own access on its behalf): back it. Returns 0; or, when the
 * host has no frame left, -1 with vm->host_oom set, and a running VM ends
 * (crashed) with a line saying so. Its neighbours are untouched.
 */
int gmem_fault(struct vm *vm, gpa_t gpa);

/* Give the frame (hpa) of a stopped VM's RAM back: it is zeroed before
 * anyone sees it again. */
void gmem_release(hpa_t hpa);

/*
 * The scheduler's idle hook: zero one frame towards the reserve, taking
 * first what stopped VMs gave back. Returns true if it did some work
 * (call it again while idle), false if there is none.
 */
bool gmem_idle(void);

/* Frames free for guest RAM and everything else: the pool's, plus those
 * gmem holds (zeroed or waiting to be). */
uint64_t gmem_free_frames(void);

/* The fewest free frames (gmem_free_frames()) seen since the last
 * reset, sampled whenever guest RAM is backed: how much memory a set of
 * VMs had in use at once, at most. */
void gmem_low_water_reset(void);
uint64_t gmem_low_water(void);

/* Give every frame gmem holds back to the pool, for an allocation that
 * found the pool empty (EPT tables, a VMCS). Returns how many. */
uint64_t gmem_reclaim(void);

#endif /* HV_GMEM_H */
