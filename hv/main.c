/*
 * main.c - mica's bring-up: a readable list of init calls, then the guests.
 *
 * Runs on the boot CPU in 64-bit ring 0 (VMX root once VMXON ran), entered
 * from boot/boot.S with the loader's multiboot magic and information.
 */
#include "hv/clock.h"
#include "hv/gmem.h"
#include "hv/intr.h"
#include "hv/place.h"
#include "hv/sched.h"
#include "hv/sched_smp.h"
#include "hv/selftest.h"
#include "hv/smp.h"
#include "hv/vm.h"
#include "hv/vm_move.h"
#include "hv/vmx/apic_access.h"
#include "hv/vmx/vmx.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/trap.h"
#include "lib/vga.h"
#include "lib/x86_regs.h"
#include "lib/x86.h"

#define MICA_VERSION "0.1"

const char kernel_name[] = "mica";

/* mica's console queue: guests' lines wait here for the UART, not the guests. */
static char console_queue[64 * 1024];

/* Options mica understands on its own command line (docs/configuration.md). */
static const char *const hv_options[] = { "selftest", "density", "copies", "hostirq", "hostnmi",
					   "console", "apic-access", "smp", "ghostcpu", "badvmxon",
					   NULL };

static struct vm vms[BOOT_MAX_MODULES];

/* The boot CPU's run queue (hv/runq.h): every run below uses it. */
static struct runq boot_runq;

/* A module with `for=NAME` is not a VM: it is a module of the VM called
 * NAME (a container image, say), handed to that guest as GRUB would. */
static bool is_data_module(const struct boot_module *m, char *target, size_t n)
{
	return cmdline_get(m->cmdline, "for", target, n);
}

/* A module with `density` is no VM of the run: it is what mica's density
 * count (`density=SIZE`) makes copies of, after the run. */
static bool is_density_module(const struct boot_module *m)
{
	return cmdline_get(m->cmdline, "density", NULL, 0);
}

/* A module with `start=last`: its VM is made, and runs, only once every
 * VM without it has stopped for good, so that the two groups never share
 * the CPU (the experiment's Linux VM, whose long boot would otherwise
 * take turns inside the container host's timed loops). `start=first` is
 * the default; check_modules() refuses any other value. */
static bool starts_last(const struct boot_module *m)
{
	char val[CMDLINE_VAL_MAX];

	return cmdline_get(m->cmdline, "start", val, sizeof(val)) && strcmp(val, "last") == 0;
}

/* How many VM modules have `start=last`. */
static unsigned n_last(const struct boot_info *bi)
{
	char target[CMDLINE_VAL_MAX];
	unsigned n = 0;

	for (unsigned i = 0; i < bi->nmodules; i++)
		n += !is_data_module(&bi->modules[i], target, sizeof(target)) &&
		     !is_density_module(&bi->modules[i]) && starts_last(&bi->modules[i]);
	return n;
}

/* The name a VM module asks for, as vm_create() will choose it. */
static void vm_name_of(const struct boot_module *m, unsigned id, char *name, size_t n)
{
	if (!cmdline_get(m->cmdline, "name", name, n))
		fmt_snprintf(name, n, "vm%u", id);
}

/* Gather the data modules meant for the VM called (name). */
static unsigned modules_for(const struct boot_info *bi, const char *name,
			    struct vm_module *out, unsigned max)
{
	char target[CMDLINE_VAL_MAX];
	unsigned n = 0;

	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];

		if (is_data_module(m, target, sizeof(target)) && strcmp(target, name) == 0) {
			if (n < max)
				out[n] = (struct vm_module){ (const void *)(uintptr_t)m->start,
							     m->end - m->start, m->cmdline };
			n++;
		}
	}
	return n;
}

/* The built-in default scenario: the guest kernel built into mica
 * (hv/default_guest.S), as three VMs, for a mica booted with no modules. */
extern const char default_guest[], default_guest_end[];
static const char *const default_cmdlines[] = {
	"name=hello app=hello", "name=cpu app=cpu", "name=clock app=clock seconds=2",
};
#define NDEFAULT (sizeof(default_cmdlines) / sizeof(default_cmdlines[0]))

static void use_default_set(struct boot_info *bi)
{
	klog("no modules given: running the built-in default set, %u VMs of the guest kernel "
	     "built into mica\n", (unsigned)NDEFAULT);
	for (unsigned i = 0; i < NDEFAULT; i++)
		bi->modules[bi->nmodules++] = (struct boot_module){
			.start = (uint64_t)(uintptr_t)default_guest,
			.end = (uint64_t)(uintptr_t)default_guest_end,
			.cmdline = default_cmdlines[i],
		};
}

/* Vet every module before VT-x is even probed, so that a configuration
 * mistake is reported on any machine. One line per problem; returns how
 * many there are. */
static unsigned check_modules(const struct boot_info *bi)
{
	unsigned problems = 0;

	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];
		char err[160], target[CMDLINE_VAL_MAX];
		bool found = false;

		if (is_data_module(m, target, sizeof(target))) {
			for (unsigned j = 0, vid = 1; j < bi->nmodules; j++) {
				char name[VM_NAME_MAX];

				if (is_data_module(&bi->modules[j], name, sizeof(name)))
					continue;
				vm_name_of(&bi->modules[j], vid++, name, sizeof(name));
				found |= strcmp(name, target) == 0;
			}
			if (!found) {
				klog("module %u ('%s'): for=%s names no VM\n", i, m->cmdline, target);
				problems++;
			}
			continue;
		}
		if (cmdline_get(m->cmdline, "start", target, sizeof(target)) &&
		    strcmp(target, "first") != 0 && strcmp(target, "last") != 0) {
			klog("module %u ('%s'): start=%s: give first or last\n", i, m->cmdline, target);
			problems++;
		}
		if (vm_check_image((const void *)(uintptr_t)m->start, m->end - m->start, err,
				   sizeof(err))) {
			klog("module %u ('%s'): %s\n", i, m->cmdline, err);
			problems++;
		}
	}
	return problems;
}

static const char *outcome(const struct vm *vm)
{
	if (vm->state == VM_RESET)
		return "reset";
	if (vm->state == VM_STOPPED)
		return "stopped";
	return vm->state == VM_CRASHED ? "crashed" : vm->exit_code ? "failed" : "ok";
}

/* The end-of-run summary: one row per VM. Times are TSC ticks (under
 * Bochs: instructions); ram_kib is the RAM it held (touched), at most,
 * in its last life, not its mem=; ready_tsc is create to ready in wall
 * time, other VMs' turns included, ready_cpu the CPU work of it; cpu the
 * CPU it ran on. The counts of the last line are summed over the CPUs. */
static void summary(struct vm **vms, unsigned n, const struct sched_stats *st)
{
	klog("summary: %-12s %-8s %4s %8s %12s %12s %8s %12s %12s %12s %3s\n", "vm", "outcome", "code",
	     "restarts", "guest_tsc", "mica_tsc", "ram_kib", "ready_tsc", "recover_tsc", "ready_cpu",
	     "cpu");
	for (unsigned i = 0; i < n; i++) {
		const struct vm *vm = vms[i];

		klog("summary: %-12s %-8s %4d %8u %12lu %12lu %8lu %12lu %12lu %12lu %3u\n", vm->name,
		     outcome(vm), vm->exit_code, vm->restarts, (unsigned long)vm->tsc_guest,
		     (unsigned long)vm->tsc_host, (unsigned long)(vm->frames_ram_peak * (FRAME_SIZE >> 10)),
		     (unsigned long)(vm->tsc_ready ? vm->tsc_ready - vm->tsc_created : 0),
		     (unsigned long)vm->tsc_recovered,
		     (unsigned long)(vm->tsc_ready ? vm->tsc_ready_cpu : 0), vm->cpu);
	}
	klog("summary: %lu VM switches, %lu TSC each on average; %lu TSC idle; %lu restarts\n",
	     (unsigned long)st->switches,
	     (unsigned long)(st->switches ? st->switch_tsc / st->switches : 0),
	     (unsigned long)st->idle_tsc, (unsigned long)st->restarts);
	vm_move_summary(vms, n);        /* the run's length and its moves */
}

/* VMs whose module could not be made into a VM (a bad key such as mem=9G,
 * not a kernel, not enough memory): a bad configuration, exit code 2. */
static unsigned not_created;

/* Create a VM per module, each on its CPU (hv/place.c: `cpu=N`, else
 * the least-loaded), and run them all at once, time-sliced on every CPU
 * that runs guests; those with `start=last` after the others, together.
 * Returns how many did not end with exit code 0, those not created among
 * them. */
static unsigned run_guests(struct boot_info *bi)
{
	static struct vm *running[BOOT_MAX_MODULES];
	unsigned failed = 0, crashed = 0, ok = 0, n = 0;
	struct sched_stats st = { 0, 0, 0, 0 };

	for (unsigned last = 0; last <= 1; last++) {
		unsigned first = n, id = 1, k;

		if (last && (k = n_last(bi)))
			klog("start=last: the other VMs have stopped; starting those with start=last: %u\n", k);
		for (unsigned i = 0; i < bi->nmodules; i++) {
			const struct boot_module *m = &bi->modules[i];
			struct vm_module mods[VM_MAX_MODULES + 1];
			char name[VM_NAME_MAX], target[CMDLINE_VAL_MAX], err[120];
			struct vm *vm = &vms[n];
			unsigned nmods, vid;

			if (is_data_module(m, target, sizeof(target)) || is_density_module(m))
				continue;
			vid = id++;     /* in module order, whichever group it is in */
			if (starts_last(m) != last)
				continue;
			vm_name_of(m, vid, name, sizeof(name));
			nmods = modules_for(bi, name, mods, VM_MAX_MODULES + 1);
			if (place_vm(m->cmdline, &vm->cpu, err, sizeof(err))) {
				klog("vm %s: not created: %s\n", name, err);
				failed++;
				not_created++;
				continue;
			}
			if (sched_smp_create(vm, vid, &bi->frames, (const void *)(uintptr_t)m->start,
					     m->end - m->start, m->cmdline, mods, nmods)) {
				place_unplace(vm->cpu);
				failed++;
				not_created++;
				continue;
			}
			place_add(vm);
			running[n++] = vm;
		}
		sched_smp_run(running + first, n - first, &st);
	}
	for (unsigned i = 0; i < n; i++) {
		if (running[i]->state == VM_CRASHED)
			crashed++;
		else if (running[i]->exit_code != 0 || running[i]->state == VM_RESET)
			failed++;
		else
			ok++;
	}
	if (n)
		summary(running, n, &st);
	klog("%u VMs: %u exited with 0, %u failed, %u crashed; %lu frames free\n",
	     ok + failed + crashed, ok, failed, crashed,
	     (unsigned long)gmem_free_frames());
	return failed + crashed;
}

/*
 * `density`: how many copies of a module, as VMs, fit in this machine's
 * memory (or with `density=SIZE`, in SIZE bytes), all running at once to
 * the end? A VM takes memory as it touches it, so one copy runs alone
 * first: the most frames the machine had in use for it (its RAM at its
 * peak, EPT tables, VMCS, FPU and APIC pages, its struct vm) is what each
 * copy needs. Then as many copies as that fits are made and run together,
 * every one able to reach its peak at the same time; the figures are
 * "bench:" lines (tools/bench.sh, tools/experiment.sh). The module is (m):
 * the first one, or the one marked `density`. Returns how many did not
 * exit with 0.
 */
#define DENSITY_MAX 4096
_Static_assert(DENSITY_MAX <= RUNQ_MAX && BOOT_MAX_MODULES <= RUNQ_MAX, "run queue too small");
#define VM_STRUCT_FRAMES ((sizeof(struct vm) + FRAME_SIZE - 1) / FRAME_SIZE)

/* A VM of the density count or of copies=, its struct in frames of its own
 * (charged to it), or NULL. */
static struct vm *density_vm(struct boot_info *bi, const struct boot_module *m, unsigned id)
{
	hpa_t pa = frame_alloc_contig(&bi->frames, VM_STRUCT_FRAMES, FRAME_SIZE);
	struct vm *vm = hpa_to_hva(pa);

	if (!pa)
		return NULL;
	memset(vm, 0, sizeof(*vm));
	if (vm_create(vm, id, &bi->frames, (const void *)(uintptr_t)m->start, m->end - m->start,
		      m->cmdline, NULL, 0) == 0)
		return vm;
	frame_free_contig(&bi->frames, pa, VM_STRUCT_FRAMES);
	return NULL;
}

static void density_free(struct boot_info *bi, struct vm *vm)
{
	vm_destroy(vm);
	frame_free_contig(&bi->frames, (hpa_t)(uintptr_t)vm, VM_STRUCT_FRAMES);
}

/* Run all[0..n) at once, then free them; returns how many exited with 0. */
static unsigned run_copies(struct boot_info *bi, struct vm **all, unsigned n,
			   struct sched_stats *st)
{
	unsigned ok = 0;

	sched_run(&boot_runq, all, n, st);
	for (unsigned i = 0; i < n; i++) {
		ok += all[i]->state == VM_EXITED && all[i]->exit_code == 0;
		density_free(bi, all[i]);
	}
	return ok;
}

static unsigned run_density(struct boot_info *bi, const struct boot_module *m, uint64_t budget)
{
	static struct vm *all[DENSITY_MAX];
	uint64_t free_before = gmem_free_frames(), each, fit, t0;
	struct sched_stats st = { 0, 0, 0, 0 };
	const char *limit = budget ? "the budget" : "host memory";
	unsigned n = 0, ok = 0;

	/* The probe: one copy alone, to its end. */
	gmem_low_water_reset();
	all[0] = density_vm(bi, m, 1);
	if (all[0])
		sched_run(&boot_runq, all, 1, &st);
	each = free_before - gmem_low_water();
	if (!all[0] || all[0]->state != VM_EXITED || all[0]->exit_code != 0)
		each = 0;               /* no copy runs: none fits */
	if (all[0])
		density_free(bi, all[0]);
	fit = each ? (budget ? budget / FRAME_SIZE : gmem_free_frames()) / each : 0;
	if (fit > DENSITY_MAX) {
		fit = DENSITY_MAX;
		limit = "mica's table";
	}
	t0 = rdtsc();
	while (n < fit && (all[n] = density_vm(bi, m, n + 1)))
		n++;
	klog("bench: vm_density %u\n", n);
	if (budget)
		klog("bench: vm_density_budget_kib %lu\n", (unsigned long)(budget >> 10));
	klog("bench: vm_density_limit %s\n", limit);
	klog("bench: vm_frames_each %lu\n", (unsigned long)each);
	klog("bench: vm_struct_frames %lu\n", (unsigned long)VM_STRUCT_FRAMES);
	klog("bench: vm_create_each %lu\n", (unsigned long)(n ? (rdtsc() - t0) / n : 0));
	st = (struct sched_stats){ 0, 0, 0, 0 };
	gmem_low_water_reset();
	ok = run_copies(bi, all, n, &st);
	klog("bench: vm_density_ran_ok %u\n", ok);
	klog("bench: vm_density_frames_peak %lu\n", (unsigned long)(free_before - gmem_low_water()));
	klog("bench: vm_switch %lu\n", (unsigned long)(st.switches ? st.switch_tsc / st.switches : 0));
	return n - ok;
}

/*
 * mica's `copies=N` option (make bench): instead of a run, N VMs of the
 * first module at once, and what a switch between them costs on average,
 * as "bench: vm_switch_N" (tools/bench.sh); with what creating one cost
 * (vm_create_each_N) and the frames each held at the peak, struct vm
 * included (vm_frames_each_N): how they grow with N, for the chart of
 * tools/report.sh. A bad N, or fewer VMs than N
 * created, ends the boot with one line. Returns how many did not exit
 * with 0.
 */
static unsigned run_switch_bench(struct boot_info *bi, unsigned copies)
{
	static struct vm *all[DENSITY_MAX];
	struct sched_stats st = { 0, 0, 0, 0 };
	uint64_t free_before = gmem_free_frames(), t0 = rdtsc(), create;
	unsigned n = 0, ok;

	gmem_low_water_reset();
	while (n < copies && (all[n] = density_vm(bi, &bi->modules[0], n + 1)))
		n++;
	create = rdtsc() - t0;
	if (n < copies) {
		klog("copies=%u: only %u VMs fit (limit: host memory)\n", copies, n);
		machine_exit(EXIT_BAD_CONFIG);
	}
	ok = run_copies(bi, all, n, &st);
	klog("bench: vm_switch_%u %lu\n", n,
	     (unsigned long)(st.switches ? st.switch_tsc / st.switches : 0));
	klog("bench: vm_switch_%u_switches %lu\n", n, (unsigned long)st.switches);
	klog("bench: vm_create_each_%u %lu\n", n, (unsigned long)(create / n));
	klog("bench: vm_frames_each_%u %lu\n", n,
	     (unsigned long)((free_before - gmem_low_water()) / n));
	return n - ok;
}

/* `copies=N`: N, from 1 to DENSITY_MAX; 0 without the option. A bad N
 * ends the boot with one line. */
static unsigned copies_wanted(const struct boot_info *bi)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t n;

	if (!cmdline_get(bi->cmdline, "copies", val, sizeof(val)))
		return 0;
	if (cmdline_parse_uint(val, &n) || n < 1 || n > DENSITY_MAX || !bi->nmodules) {
		klog("copies=%s: give a number of VMs from 1 to %u, and a module\n", val, DENSITY_MAX);
		machine_exit(EXIT_BAD_CONFIG);
	}
	return (unsigned)n;
}

/*
 * mica's `density` option: bare, count copies of the first module in all
 * memory (instead of a run); `density=SIZE`, count copies of the module
 * marked `density` (else the first) within SIZE bytes, after the run.
 * Returns true if the option is there, with (*budget) 0 for the bare
 * form. A bad SIZE ends the boot with one line.
 */
/* `apic-access=off`: guests' APIC accesses exit as EPT violations even
 * where the CPU could virtualize them, so that both paths can be tested.
 * 1 for off, 0 for on (the default), -1 after one line for a bad value. */
static int apic_access_off(const char *cmdline)
{
	char val[CMDLINE_VAL_MAX];

	if (!cmdline_get(cmdline, "apic-access", val, sizeof(val)) || strcmp(val, "on") == 0)
		return 0;
	if (strcmp(val, "off") == 0)
		return 1;
	klog("apic-access=%s: give on or off\n", val);
	return -1;
}

static bool density_wanted(struct boot_info *bi, uint64_t *budget, const struct boot_module **m)
{
	char val[CMDLINE_VAL_MAX];

	if (!cmdline_get(bi->cmdline, "density", val, sizeof(val)))
		return false;
	*budget = 0;
	*m = &bi->modules[0];
	if (val[0] != '\0' && (cmdline_parse_size(val, budget) || *budget < FRAME_SIZE)) {
		klog("density=%s: give a size such as 16M\n", val);
		machine_exit(EXIT_BAD_CONFIG);
	}
	for (unsigned i = 0; i < bi->nmodules; i++)
		if (is_density_module(&bi->modules[i]))
			*m = &bi->modules[i];
	return true;
}

/* What mica's own VM-entry checks cost in this run (make bench reads it). */
static void print_check_cost(void)
{
	uint64_t n, tsc;

	vmx_vcpu_check_stats(&n, &tsc);
	klog("VM-entry state checks: %lu, %lu TSC each\n", (unsigned long)n,
	     (unsigned long)(n ? tsc / n : 0));
	vmx_vcpu_event_check_stats(&n, &tsc);
	klog("VM-entry event checks: %lu, %lu TSC each\n", (unsigned long)n,
	     (unsigned long)(n ? tsc / n : 0));
}

static const char banner[] = "\nmica " MICA_VERSION ": an x86-64 micro-hypervisor on Intel VT-x with EPT\n";

void kmain(uint32_t magic, uint32_t mbi_pa);

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct boot_info *bi;
	const struct boot_module *density_module;
	uint64_t density_budget;
	unsigned copies;
	int status = EXIT_OK, apic_off;

	console_init();                 /* COM1: from here on we can speak */
	console_use_buffer(console_queue, sizeof(console_queue));
	cpu_init();                     /* our own GDT and TSS (VMX host TR) */
	smp_boot_cpu();                 /* its per-CPU record, through GS base */
	trap_init();                    /* exceptions print registers and stop */
	intr_init();                    /* 8259 and local APIC masked; mica serves the rest */
	kprintf("%s", banner);
	bi = boot_info_init(magic, mbi_pa, hv_options); /* command line, memory, modules */
	if (vga_console_setup(bi->cmdline, true))       /* console=serial,vga: the screen too */
		machine_exit(EXIT_BAD_CONFIG);
	vga_console_write(banner + 1, sizeof(banner) - 2); /* the screen starts with it */
	boot_info_print(bi);
	if (bi->nmodules == 0)
		use_default_set(bi);    /* nothing given: a built-in scenario */
	clock_init();                   /* TSC rate, for the guests' virtual PITs */
	smp_init(bi);                   /* the other CPUs: started, waiting for calls */
	intr_start_test_sources(bi->cmdline);   /* hostirq=, hostnmi= */

	if (bi->selftest) {
		vga_console_report();   /* console=serial,vga: what the screen holds */
		if (hv_selftest(bi))
			status = EXIT_TEST_FAILED;
	}
	if (check_modules(bi))          /* the guests we were given */
		status = EXIT_BAD_CONFIG;
	apic_off = apic_access_off(bi->cmdline);
	if (apic_off < 0)
		status = EXIT_BAD_CONFIG;
	/* VT-x and EPT, or a clear refusal; a bad configuration, already
	 * named above, says more than the missing VT-x: its code wins. */
	if (vmx_probe() != 0 || vmx_on(&bi->frames) != 0) {
		smp_report();
		machine_exit(status == EXIT_BAD_CONFIG ? EXIT_BAD_CONFIG : EXIT_NO_VTX);
	}
	smp_vmx_on(&bi->frames);        /* every other CPU into VMX operation */
	smp_report();
	sched_smp_init();               /* guests on every CPU in VMX operation */
	frame_pool_share(&bi->frames);  /* ... which take frames at once: locked */
	gmem_init(&bi->frames);         /* guest RAM on demand, a reserve zeroed now */
	if (apic_off > 0 && vmx_apic_access_on()) {
		vmx_apic_access_disable();
		klog("apic-access=off: guests' APIC accesses exit as EPT violations\n");
	}
	if ((copies = copies_wanted(bi))) {
		if (run_switch_bench(bi, copies))
			status = EXIT_TEST_FAILED;
	} else if (density_wanted(bi, &density_budget, &density_module)) {
		/* `density=SIZE`: the run, then the count within SIZE. */
		if (density_budget && run_guests(bi) && status == EXIT_OK)
			status = EXIT_TEST_FAILED;
		if (run_density(bi, density_module, density_budget) && status == EXIT_OK)
			status = EXIT_TEST_FAILED;
	} else if (run_guests(bi) && status == EXIT_OK) {
		status = EXIT_TEST_FAILED;
	}
	if (not_created)
		status = EXIT_BAD_CONFIG;
	intr_print();
	print_check_cost();
	machine_exit(status);
}
