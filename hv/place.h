/*
 * place.h - where a new VM runs: the CPU its module's `cpu=N` pins it
 * to, else the least-loaded CPU that runs guests; and the table of the
 * run's VMs, which a stop of every VM walks (hv/place.c).
 */
#ifndef HV_PLACE_H
#define HV_PLACE_H

#include <stddef.h>

struct vm;

/* Forget every placement: a new run begins. */
void place_reset(void);

/*
 * The CPU for a VM of module line (cmdline), into (*cpu): `cpu=N` if the
 * line has it, else the CPU running guests with the fewest VMs placed
 * (ties to the lowest number). Counts the VM on that CPU. Returns 0, or
 * -1 with one line in (err) for a bad `cpu=` (not a number, no such CPU,
 * or a CPU that runs no guests).
 */
int place_vm(const char *cmdline, unsigned *cpu, char *err, size_t n);

/* A VM placed by place_vm() was not created after all: uncount it. */
void place_unplace(unsigned cpu);

/* (vm), created on its CPU, joins the run's table. */
void place_add(struct vm *vm);

/* The run's VMs: how many, and the one of index (i). */
unsigned place_count(void);
struct vm *place_at(unsigned i);

#endif /* HV_PLACE_H */
