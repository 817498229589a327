/*
 * vm_move.h - VMs moved between CPUs to balance their load: the balancer
 * that looks at every CPU's runnable VMs from the boot CPU (the rule is
 * hv/balance.h's), the hand-over of a VM from its CPU to another, and the
 * lines that count the moves. Backend-neutral: the VMCS side of a move is
 * vcpu_release() (hv/vm.h) and the entry path's arrival (hv/vmx/vmx_move.c).
 */
#ifndef HV_VM_MOVE_H
#define HV_VM_MOVE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* A new run of (n) VMs begins, on (cpus) CPUs that run guests: with more
 * than one, the balancer looks every BALANCE_PERIOD_MS. Boot CPU, before
 * any CPU's scheduler starts. */
void vm_move_start(unsigned n, unsigned cpus);

/* On the boot CPU, from its scheduler between two turns, at TSC (now):
 * if a look is due, pick a move (hv/balance.c) and ask the VM's CPU to
 * give it up. */
void vm_move_balance(uint64_t now);

/* Does this run balance (guests on more than one CPU)? */
bool vm_move_on(void);

/* When the balancer looks next: the boot CPU, idle, wakes for it. */
uint64_t vm_move_next_look(void);

/* Does the run balance and is it still going: some VM of it not retired?
 * A CPU whose own VMs are all gone keeps waiting for moved ones while it
 * is. False on one CPU: each scheduler ends with its own VMs. */
bool vm_move_run_live(void);

/* On (vm)'s CPU: (vm) is retired for good (it ends no later than the
 * run). The last one wakes every CPU, so that their schedulers end. */
void vm_move_retired(struct vm *vm);

/* The stop line's part about moves: "vm NAME: moved N times between
 * CPUs (cpus 0 1), T TSC each", when guests ran on several CPUs. */
void vm_move_report(const struct vm *vm);

/* The summary's line over (vms[0..n)): how long the run took from the
 * first VM's creation to the last one's stop, on how many CPUs, and the
 * moves with their average cost (tools/bench.sh reads it). */
void vm_move_summary(struct vm *const *vms, unsigned n);

#endif /* HV_VM_MOVE_H */
