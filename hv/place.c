/*
 * place.c - placement of new VMs on the CPUs that run guests: pinned by
 * `cpu=N`, started by `start-cpu=N` (then free to move), else to the
 * least-loaded CPU (fewest VMs; ties to the lowest CPU number), and the
 * table of the run's VMs. A restart keeps its VM's CPU (hv/vm.c keeps
 * vm->cpu across a rebuild).
 *
 * Runs in VMX root: placement on the boot CPU while it creates the VMs;
 * the table is read by any CPU that stops every VM (hv/sched_smp.c).
 */
#include "hv/acpi.h"
#include "hv/percpu.h"
#include "hv/place.h"
#include "hv/smp.h"
#include "hv/spinlock.h"
#include "hv/vm.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"

/* Guards the table of the run's VMs and the count of VMs per CPU: the
 * boot CPU adds to them while other CPUs may already walk the table. */
static struct spinlock table_lock;
static struct vm *table[BOOT_MAX_MODULES];
static unsigned ntable;
static unsigned load[CPU_LIST_MAX];

static bool runs_guests(unsigned i)
{
	const struct percpu *c = smp_cpu(i);

	return c && __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == CPU_VMX;
}

void place_reset(void)
{
	spin_lock(&table_lock);
	ntable = 0;
	for (unsigned i = 0; i < CPU_LIST_MAX; i++)
		load[i] = 0;
	spin_unlock(&table_lock);
}

/* `cpu=N` (or `start-cpu=N`, as (key)) on (cmdline): 1 with N in (*cpu),
 * 0 without it, -1 after one line in (err) if N is no CPU that runs
 * guests. */
static int pinned(const char *cmdline, const char *key, unsigned *cpu, char *err, size_t n)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t v;

	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return 0;
	if (cmdline_parse_uint(val, &v) || v >= smp_cpus()) {
		fmt_snprintf(err, n, "%s=%s: give a CPU from 0 to %u (this machine has %u)", key,
			     val, smp_cpus() - 1, smp_cpus());
		return -1;
	}
	if (!runs_guests((unsigned)v)) {
		fmt_snprintf(err, n, "%s=%s: CPU %u runs no guests (see its boot line)", key, val,
			     (unsigned)v);
		return -1;
	}
	*cpu = (unsigned)v;
	return 1;
}

int place_vm(const char *cmdline, unsigned *cpu, char *err, size_t n)
{
	/* `start-cpu=N`: starts there like a pinned VM, but the balancer
	 * may move it (hv/vm_move.c): a skewed start, to be evened out. */
	int pin = pinned(cmdline, "cpu", cpu, err, n);

	if (!pin)
		pin = pinned(cmdline, "start-cpu", cpu, err, n);
	if (pin < 0)
		return -1;
	spin_lock(&table_lock);
	if (!pin) {
		*cpu = 0;
		for (unsigned i = 1; i < smp_cpus(); i++)
			if (runs_guests(i) && load[i] < load[*cpu])
				*cpu = i;
	}
	load[*cpu]++;
	spin_unlock(&table_lock);
	return 0;
}

void place_unplace(unsigned cpu)
{
	spin_lock(&table_lock);
	load[cpu]--;
	spin_unlock(&table_lock);
}

void place_add(struct vm *vm)
{
	spin_lock(&table_lock);
	if (ntable < BOOT_MAX_MODULES)
		table[ntable++] = vm;
	spin_unlock(&table_lock);
}

unsigned place_count(void)
{
	unsigned n;

	spin_lock(&table_lock);
	n = ntable;
	spin_unlock(&table_lock);
	return n;
}

struct vm *place_at(unsigned i)
{
	struct vm *vm;

	spin_lock(&table_lock);
	vm = i < ntable ? table[i] : NULL;
	spin_unlock(&table_lock);
	return vm;
}
