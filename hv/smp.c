/*
 * smp.c - every CPU of the machine: found in the firmware's tables
 * (hv/acpi.c, hv/mptable.c), started with INIT-SIPI-SIPI through a
 * real-mode trampoline (hv/ap_boot.S), each with its own stacks, GDT,
 * TSS, IDT and local APIC, then into VMX operation with its own VMXON
 * region by a cross-CPU call (hv/smp_call.c). A CPU that fails a step is
 * reported and left out; mica runs on the rest.
 *
 * Runs at boot on the boot CPU, and ap_main() on each CPU it starts.
 * SDM Vol. 3, "Multiple-Processor (MP) Initialization" ("MP
 * Initialization Protocol Algorithm", "Typical AP Initialization
 * Sequence"), "Issuing Interprocessor Interrupts".
 */
#include "hv/acpi.h"
#include "hv/clock.h"
#include "hv/intr.h"
#include "hv/percpu.h"
#include "hv/smp.h"
#include "hv/smp_call.h"
#include "hv/vmx/vmx.h"
#include "lib/apic.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/msr.h"
#include "lib/multiboot.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"

/* Each started CPU's memory, one run of frames: stack, #DF stack, IDT. */
#define AP_STACK_BYTES  (16 * 1024)
#define AP_DF_BYTES     4096
#define AP_AREA_FRAMES  ((AP_STACK_BYTES + AP_DF_BYTES + TRAP_IDT_BYTES) / FRAME_SIZE)

/* The SDM's delays: INIT, 10 ms, SIPI, 200 us, SIPI, 200 us. */
#define INIT_DELAY_US   10000
#define SIPI_DELAY_US   200
#define ALIVE_WAIT_MS   1000    /* then the CPU is reported and left out */

#define LOW_MEMORY_TOP  0x9f000 /* below the EBDA of any PC */

/* Written once by smp_init() on the boot CPU, read-only afterwards. */
static struct percpu cpus[CPU_LIST_MAX];
static unsigned ncpus;                  /* entries of cpus[] in use */
static struct cpu_list found;
static unsigned ghosts;                 /* entries added by ghostcpu= */

/* What hv/ap_boot.S reads, set before each SIPI; one CPU starts at a time. */
uint32_t ap_boot_cr3, ap_boot_efer;
uint64_t ap_boot_stack, ap_boot_percpu;
extern const char ap_trampoline[], ap_trampoline_end[];

void ap_main(struct percpu *c);

static enum cpu_state state_of(const struct percpu *c)
{
	return __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
}

static void set_state(struct percpu *c, enum cpu_state s)
{
	__atomic_store_n(&c->state, s, __ATOMIC_RELEASE);
}

static void fail(struct percpu *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	set_state(c, CPU_FAILED);
}

static void delay_us(uint64_t us)
{
	uint64_t t0 = rdtsc(), n = clock_tsc_hz() * us / 1000000;

	while (rdtsc() - t0 < n)
		pause();
}

/* Firmware tables lie in the first 4 GiB, which mica maps one to one. */
static const void *phys_map(void *ctx, uint64_t pa, size_t len)
{
	(void)ctx;
	if (pa == 0 || pa >= (1ULL << 32) || len > (1ULL << 32) - pa)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

/* The RSDP in the ranges of the memory map that hold ACPI data (UEFI
 * firmware puts it there, not in the legacy BIOS areas, and multiboot 1
 * does not pass it on). */
struct rsdp_search {
	const struct phys_mem *pm;
	uint64_t pa;
};

static int rsdp_in_acpi_memory(void *ctx, uint64_t base, uint64_t len, uint32_t type)
{
	struct rsdp_search *s = ctx;
	uint64_t end = base + len > (1ULL << 32) ? 1ULL << 32 : base + len;

	if (type != MULTIBOOT_MEMORY_ACPI_RECLAIMABLE && type != MULTIBOOT_MEMORY_NVS)
		return 0;
	return base < end && acpi_find_rsdp_range(s->pm, base, end, &s->pa) == 0;
}

static int find_rsdp(const struct boot_info *bi, const struct phys_mem *pm, uint64_t ebda,
		     uint64_t *pa)
{
	struct rsdp_search s = { pm, 0 };

	if (acpi_find_rsdp(pm, ebda, pa) == 0)
		return 0;
	if (mb_mmap_foreach(&bi->mb, rsdp_in_acpi_memory, &s) > 0 && s.pa) {
		*pa = s.pa;
		return 0;
	}
	return -1;
}

/* The machine's CPUs from the ACPI MADT, else the MP table (or the MP
 * table first with `smp=mptable`). False when neither gives any. */
static bool discover(const struct boot_info *bi, struct cpu_list *l)
{
	const char *cmdline = bi->cmdline;
	const struct phys_mem pm = { phys_map, NULL };
	uintptr_t bda = BDA_EBDA_SEGMENT;
	uint64_t ebda, pa;
	char val[CMDLINE_VAL_MAX], err[160];
	bool mp_first = cmdline_get(cmdline, "smp", val, sizeof(val));

	if (mp_first && strcmp(val, "mptable") != 0) {
		klog("smp=%s: the one value is smp=mptable (the MP table before ACPI)\n", val);
		machine_exit(EXIT_BAD_CONFIG);
	}

	/* GCC takes a pointer below 4 KiB for a null one: hide the address. */
	__asm__("" : "+r"(bda));
	ebda = (uint64_t)*(volatile uint16_t *)bda << 4;
	if (ebda < 0x80000 || ebda >= 0xa0000)
		ebda = 0;
	if (!mp_first && find_rsdp(bi, &pm, ebda, &pa) == 0) {
		if (acpi_madt_cpus(&pm, pa, l, err, sizeof(err)) == 0)
			return true;
		klog("%s\n", err);
	}
	if (mptable_find(&pm, ebda, 0, &pa) == 0) {
		if (mptable_cpus(&pm, pa, l, err, sizeof(err)) == 0)
			return true;
		klog("%s\n", err);
	}
	return false;
}

/* A page below 1 MiB for the trampoline: available RAM that holds
 * nothing of the loader's (the multiboot information, command lines,
 * modules are reserved ranges of the map). 0 if there is none. */
static uint64_t trampoline_page(const struct memmap *m)
{
	for (uint64_t pa = FRAME_SIZE; pa + FRAME_SIZE <= LOW_MEMORY_TOP; pa += FRAME_SIZE) {
		bool usable = false, taken = false;

		for (unsigned i = 0; i < m->nusable; i++)
			usable |= m->usable[i].base <= pa && pa + FRAME_SIZE <= m->usable[i].end;
		for (unsigned i = 0; i < m->nreserved; i++)
			taken |= m->reserved[i].base < pa + FRAME_SIZE && pa < m->reserved[i].end;
		if (usable && !taken)
			return pa;
	}
	return 0;
}

/*
 * Start (c) and wait until it says it is alive: INIT, 10 ms, SIPI to
 * the trampoline's page, 200 us, a second SIPI if it has not started,
 * 200 us; then up to ALIVE_WAIT_MS. A CPU that does not answer gets
 * INIT again, so that it cannot wake later on a stack that is no longer
 * its own, and is left out.
 */
static void start_cpu(struct percpu *c, struct frame_pool *pool, uint64_t tramp)
{
	uint64_t area = frame_alloc_contig(pool, AP_AREA_FRAMES, FRAME_SIZE), t0, sipi = 0;

	if (!area) {
		fail(c, "no memory for its stacks");
		return;
	}
	c->stack_top = area + AP_STACK_BYTES;
	c->df_stack_top = c->stack_top + AP_DF_BYTES;
	c->idt = (void *)(uintptr_t)c->df_stack_top;
	ap_boot_stack = c->stack_top;
	ap_boot_percpu = (uint64_t)(uintptr_t)c;
	set_state(c, CPU_STARTING);

	t0 = rdtsc();
	intr_send_ipi(c->apic_id, APIC_DM_INIT | APIC_ICR_LEVEL_ASSERT);
	delay_us(INIT_DELAY_US);
	for (int n = 0; n < 2 && state_of(c) == CPU_STARTING; n++) {
		if (!sipi)
			sipi = rdtsc();
		intr_send_ipi(c->apic_id, APIC_DM_STARTUP | APIC_ICR_LEVEL_ASSERT |
			      (uint32_t)(tramp / FRAME_SIZE));
		delay_us(SIPI_DELAY_US);
	}
	while (state_of(c) == CPU_STARTING && rdtsc() - t0 < clock_tsc_hz() / 1000 * ALIVE_WAIT_MS)
		pause();
	/* The CPU stamped its arrival (ap_main): Bochs's and QEMU's TSCs,
	 * and those of a PC with an invariant TSC, agree across CPUs. */
	c->start_tsc = c->alive_tsc - sipi;
	if (state_of(c) == CPU_STARTING) {
		intr_send_ipi(c->apic_id, APIC_DM_INIT | APIC_ICR_LEVEL_ASSERT);
		fail(c, "no answer to INIT-SIPI-SIPI within %u ms", ALIVE_WAIT_MS);
	}
}

/* The first call to a started CPU: proves that its IPI and mailbox work. */
static void ping_call(void *arg)
{
	(void)arg;
	this_cpu()->pinged = true;
}

/* A started CPU: its own tables and local APIC, then it waits for calls,
 * halted between them, and runs the task a call leaves it (hv/percpu.h).
 * Entered from hv/ap_boot.S, interrupts off. */
void ap_main(struct percpu *c)
{
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)(uintptr_t)c);
	cpu_load_tables(&c->tables, c->df_stack_top);
	trap_init_cpu(c->idt);
	intr_init_cpu();
	c->apic_id_seen = intr_lapic_id();
	c->alive_tsc = rdtsc();
	set_state(c, CPU_ALIVE);
	for (;;) {
		smp_poll();
		/* Work a call started (its scheduler): run here, not inside
		 * the call, so that calls keep coming while it runs. */
		if (c->task) {
			void (*task)(void *) = c->task;

			c->task = NULL;
			task(c->task_arg);
			continue;
		}
		/* STI's one-instruction shadow: an IPI that came after the
		 * poll is taken after HLT begins, and ends it. */
		if (!smp_call_pending())
			__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

/* A test key `KEY=ID` naming a local APIC ID: true with it in (*id);
 * false if absent. A bad value ends the boot with one line. */
static bool apic_id_key(const char *cmdline, const char *key, uint32_t *id)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t v;

	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return false;
	if (cmdline_parse_uint(val, &v) || v > 0xfe) {
		klog("%s=%s: give an APIC ID from 0 to 254\n", key, val);
		machine_exit(EXIT_BAD_CONFIG);
	}
	*id = (uint32_t)v;
	return true;
}

/* `ghostcpu=ID`: a table entry for a CPU that is not there (a test of
 * the path that leaves out a CPU that never answers). */
static void add_ghost(const char *cmdline, struct cpu_list *l)
{
	uint32_t id;

	if (!apic_id_key(cmdline, "ghostcpu", &id))
		return;
	ghosts = l->n + l->beyond_max;
	cpu_list_add(l, id);
	ghosts = l->n + l->beyond_max - ghosts;
}

/* `badvmxon=ID`: the CPU of that APIC ID gets a VMXON region that is not
 * page-aligned, which VMXON refuses (a test of the path that leaves out a
 * CPU whose VMXON fails). */
static bool bad_vmxon;
static uint32_t bad_vmxon_id;

/* The CPU that ends the run (machine_exit), plus one; 0 while it runs.
 * Written once, read by the NMI handlers of the others. */
static unsigned stopper;

bool smp_stop_requested(void)
{
	unsigned s = __atomic_load_n(&stopper, __ATOMIC_ACQUIRE);

	return s && s - 1 != this_cpu()->index;
}

/* machine_exit's last step before the exit ports: stop every other CPU
 * with an NMI (SDM Vol. 3, "Issuing Interprocessor Interrupts": the
 * all-excluding-self shorthand), so that a panic on one CPU is the end of
 * the run on all, whatever the machine does with the exit ports. */
static void stop_others(int code)
{
	unsigned none = 0;

	(void)code;
	if (__atomic_compare_exchange_n(&stopper, &none, this_cpu()->index + 1, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		intr_send_ipi(0, APIC_DM_NMI | APIC_ICR_ALL_EXCL_SELF);
}

void smp_boot_cpu(void)
{
	struct percpu *bsp = &cpus[0];

	bsp->self = bsp;
	set_state(bsp, CPU_ALIVE);
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)(uintptr_t)bsp);
	ncpus = 1;
}

/* After a CPU ran its first call: an NMI sent to it must be taken
 * through its own IDT and counted in its own record, as on the boot CPU. */
static void check_nmi(struct percpu *c)
{
	uint64_t t0 = rdtsc();

	intr_send_ipi(c->apic_id, APIC_DM_NMI);
	while (__atomic_load_n(&c->nmis, __ATOMIC_RELAXED) == 0)
		if (rdtsc() - t0 > clock_tsc_hz() / 1000 * SMP_CALL_TIMEOUT_MS) {
			fail(c, "took no NMI within %u ms", SMP_CALL_TIMEOUT_MS);
			return;
		}
}

void smp_init(struct boot_info *bi)
{
	struct percpu *bsp = &cpus[0];
	uint64_t tramp;

	/* The boot CPU is cpus[0] whatever its APIC ID. */
	bsp->apic_id = bsp->apic_id_seen = intr_have_lapic() ? intr_lapic_id() : 0;
	smp_call_init();

	if (!discover(bi, &found)) {
		klog("no ACPI MADT or MP table: mica runs on the boot CPU only\n");
		found.n = 1;
		found.source = "no table";
		return;
	}
	add_ghost(bi->cmdline, &found);
	bad_vmxon = apic_id_key(bi->cmdline, "badvmxon", &bad_vmxon_id);
	for (unsigned i = 0; i < found.n; i++)
		if (found.apic_id[i] != bsp->apic_id) {
			struct percpu *c = &cpus[ncpus];

			c->self = c;
			c->index = ncpus++;
			c->apic_id = found.apic_id[i];
		}
	if (ncpus == 1)
		return;
	if (!intr_have_lapic()) {
		for (unsigned i = 1; i < ncpus; i++)
			fail(&cpus[i], "the boot CPU has no local APIC to start it with");
		return;
	}
	tramp = trampoline_page(&bi->map);
	if (!tramp || ap_trampoline_end - ap_trampoline > (long)FRAME_SIZE) {
		for (unsigned i = 1; i < ncpus; i++)
			fail(&cpus[i], "no free page below 1 MiB for the start-up code");
		return;
	}
	memcpy((void *)(uintptr_t)tramp, ap_trampoline, ap_trampoline_end - ap_trampoline);
	ap_boot_cr3 = (uint32_t)read_cr3();
	ap_boot_efer = (uint32_t)(rdmsr(MSR_IA32_EFER) & (EFER_SCE | EFER_LME | EFER_NXE));
	machine_set_exit(stop_others);
	for (unsigned i = 1; i < ncpus; i++) {
		struct percpu *c = &cpus[i];
		uint64_t t0;

		start_cpu(c, &bi->frames, tramp);
		if (state_of(c) != CPU_ALIVE)
			continue;
		t0 = rdtsc();
		if (smp_call(c, ping_call, NULL, true) != 0 || !c->pinged) {
			fail(c, "did not run a call within %u ms", SMP_CALL_TIMEOUT_MS);
			continue;
		}
		c->call_tsc = rdtsc() - t0;
		check_nmi(c);
	}
}

/* Run on each started CPU by a call from the boot CPU. */
static void vmx_on_call(void *arg)
{
	struct percpu *c = this_cpu();

	(void)arg;
	if (vmx_on_cpu(c->vmxon_region, &c->vmcs_ptr, c->why, sizeof(c->why)) == 0)
		set_state(c, CPU_VMX);
	else
		set_state(c, CPU_FAILED);
}

void smp_vmx_on(struct frame_pool *pool)
{
	set_state(&cpus[0], CPU_VMX);
	cpus[0].vmxon_region = vmx.vmxon_region;
	for (unsigned i = 1; i < ncpus; i++) {
		struct percpu *c = &cpus[i];

		if (state_of(c) != CPU_ALIVE)
			continue;
		c->vmxon_region = frame_alloc(pool);
		if (!c->vmxon_region) {
			fail(c, "no memory for its VMXON region");
			continue;
		}
		memset(hpa_to_hva(c->vmxon_region), 0, FRAME_SIZE);
		if (bad_vmxon && c->apic_id == bad_vmxon_id)
			c->vmxon_region += 8;   /* the frame stays taken: no matter */
		if (smp_call(c, vmx_on_call, NULL, true) != 0)
			fail(c, "did not run the VMXON call within %u ms", SMP_CALL_TIMEOUT_MS);
	}
}

static const char *const state_names[] = {
	[CPU_ABSENT] = "not started", [CPU_STARTING] = "starting",
	[CPU_ALIVE] = "running, not in VMX operation",
	[CPU_VMX] = "in VMX operation (VMPTRST: no current VMCS)",
	[CPU_FAILED] = "left out",
};

/* One CPU's line: what it does, or why it was left out. */
static void report_cpu(unsigned i)
{
	const struct percpu *c = &cpus[i];
	enum cpu_state s = state_of(c);

	if (s == CPU_FAILED)
		klog("cpu %u: APIC ID %u: %s: %s\n", i, c->apic_id, state_names[s], c->why);
	else if (i == 0)
		klog("cpu 0: APIC ID %u (its local APIC says %u), %s, the boot CPU\n",
		     c->apic_id, c->apic_id_seen,
		     s == CPU_VMX ? "in VMX operation" : state_names[s]);
	else if (s == CPU_VMX && c->vmcs_ptr != ~0ULL)
		klog("cpu %u: APIC ID %u: VMPTRST after its VMXON says 0x%lx, not all ones\n",
		     i, c->apic_id, (unsigned long)c->vmcs_ptr);
	else
		klog("cpu %u: APIC ID %u (its local APIC says %u), %s, alive %lu TSC after the "
		     "SIPI, %lu call IPIs (the first answered in %lu TSC), %lu NMIs\n", i,
		     c->apic_id, c->apic_id_seen, state_names[s], (unsigned long)c->start_tsc,
		     (unsigned long)c->ipis, (unsigned long)c->call_tsc, (unsigned long)c->nmis);
}

void smp_report(void)
{
	unsigned vmx_cpus = 0, n = found.n + found.beyond_max;

	for (unsigned i = 0; i < ncpus; i++)
		vmx_cpus += state_of(&cpus[i]) == CPU_VMX;
	/* A machine of one CPU gets the summary line only. */
	if (ncpus > 1 || found.disabled || found.beyond_max) {
		klog("CPUs: %u in the %s%s, %u disabled there", n - ghosts, found.source,
		     ghosts ? ", 1 more named by ghostcpu=" : "", found.disabled);
		if (found.beyond_max)
			kprintf("; mica starts the first %u", CPU_LIST_MAX);
		kprintf("\n");
		for (unsigned i = 0; i < ncpus; i++)
			report_cpu(i);
	}
	/* Every CPU in VMX operation runs guests (hv/sched_smp.c). */
	klog("%u CPU%s found, %u in VMX operation, %u running guests\n", n, n == 1 ? "" : "s",
	     vmx_cpus, vmx_cpus);
}

unsigned smp_cpus(void)
{
	return ncpus;
}

struct percpu *smp_cpu(unsigned i)
{
	return i < ncpus ? &cpus[i] : NULL;
}
