/*
 * vconsole.h - mica's console multiplexer: the complete lines waiting in
 * each VM's virtual UART queue (hv/vuart.c) go to mica's console as
 * "[name] text" lines, one line of each VM in turn, while mica's console
 * queue has room for them above a reserve kept for mica's own lines.
 */
#ifndef HV_VCONSOLE_H
#define HV_VCONSOLE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* VMs' lines are moved to mica's console queue (64 KiB, hv/main.c) only
 * while it holds less than this: about 2.8 s of the UART at 115200 baud.
 * A burst of a kernel (the container host's tables and reports) fits, so
 * a VM that writes in bursts is never held back, and the UART never idles
 * while lines wait; a steady flood fills it, then its own queue, and waits
 * off the CPU. Once full, lines go in one of each VM in turn, so a quiet
 * VM's line waits behind this backlog at most, never behind a flood; and
 * mica's own lines always find the rest of the queue free. (At 4 KiB, a
 * container host's burst kept its VM off the CPU for a fifth of a second:
 * a container's recovery measured 12.9 M instructions instead of 45 k.) */
#define VCONSOLE_BACKLOG (32 * 1024)

/* (vm)'s UART queued a complete line: it is among the VMs the pump
 * serves until its queue is empty. Called for each line (hv/vdev.c). */
void vconsole_queued(struct vm *vm);

/*
 * Move complete lines from the queues of the VMs that have some to mica's
 * console, round-robin, one line per VM per round, while the console holds
 * less than VCONSOLE_BACKLOG bytes. Each line's cost is charged to its VM
 * (tsc_host). Returns the TSC spent, 0 if no line moved. Its cost grows
 * with the VMs that have lines, not with all VMs.
 * Called by the scheduler between turns and while every VM waits.
 */
uint64_t vconsole_pump(void);

/*
 * The VM stopped: end its last line and move its queued lines to mica's
 * console now, while they fit above a small margin, so that they come
 * before mica's own lines about its end. Lines that do not fit stay queued
 * for vconsole_pump(); the VM is not rebuilt before they are out.
 */
void vconsole_stop(struct vm *vm);

/* Move every queued line of (vms[0..n)) to mica's console, waiting for
 * the UART where it must: the run is over, no guest is held up. */
void vconsole_drain(struct vm **vms, unsigned n);

/* True if (vm) has lines that have not reached mica's console. */
bool vconsole_pending(const struct vm *vm);

/* (vm) moves to another CPU (hv/vm_move.c): off this CPU's list; the
 * new CPU lists it again (vconsole_queued()) if it has lines queued. */
void vconsole_leave(struct vm *vm);

#endif /* HV_VCONSOLE_H */
