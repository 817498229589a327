/*
 * intr.c - the host's interrupts, as mica owns them. mica runs with
 * interrupts off and polls; a host interrupt that arrives while a guest
 * runs exits the guest ("external-interrupt exiting"), is acknowledged by
 * that exit and served here, through mica's own IDT, and never reaches a
 * guest. So that none arrives unasked, the 8259 pair is remapped above
 * the exceptions and masked, and every local APIC source is masked except
 * LINT1, which firmware wires to NMI. Spurious and unknown vectors are
 * counted and end-of-interrupted, so none can stay in service and none
 * can livelock the CPU.
 *
 * Runs in 64-bit ring 0 (VMX root). SDM Vol. 3, "Advanced Programmable
 * Interrupt Controller (APIC)" ("Local Vector Table", "APIC Timer",
 * "Spurious Interrupt", "End-of-Interrupt (EOI)"), "Interrupt and
 * Exception Handling"; 8259A data sheet; 82093AA I/O APIC data sheet.
 */
#include "hv/clock.h"
#include "hv/intr.h"
#include "hv/lapic.h"
#include "hv/percpu.h"
#include "hv/smp.h"
#include "lib/apic.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/cpuid.h"
#include "lib/i8254.h"
#include "lib/i8259.h"
#include "lib/msr.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define CPUID_1_EDX_APIC        BIT(9)
#define FIRST_EXTERNAL_VECTOR   32
#define IDT_VECTORS             256
#define CALIBRATE_DIV           100     /* calibrate the APIC timer over 1/100 s */
#define TEST_HZ_MAX             100000

/* The boot CPU's choice, set once by intr_init() before any other CPU
 * starts, then only read: every CPU's local APIC is at the same address
 * and in the same mode. */
static volatile uint32_t *xapic;        /* the xAPIC page, or NULL */
static bool x2apic, have_lapic;
static bool timer_taken;                /* the APIC timer is hostirq='s */

/* Served on every CPU: counted with atomic adds, no lock. */
static struct {
	uint64_t timer, spurious, legacy, unknown, nmi_guest, nmi_mica;
} count;

#define COUNT(field) __atomic_fetch_add(&count.field, 1, __ATOMIC_RELAXED)

static uint32_t lapic_read(uint32_t reg)
{
	return x2apic ? (uint32_t)rdmsr(X2APIC_MSR(reg)) : xapic[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		xapic[reg / 4] = v;
}

/* An interrupt of mica's IDT, vectors 32-255: count it; end it at the
 * local APIC if the local APIC put it in service. The local APIC's
 * spurious vector and the masked 8259's (its IRQ7 and IRQ15 ghosts) are
 * never in service there, so they get no EOI (SDM Vol. 3, "Spurious
 * Interrupt"). */
static bool on_host_intr(struct trap_frame *tf)
{
	unsigned v = (unsigned)tf->vector;

	if (v == INTR_SPURIOUS_VECTOR) {
		COUNT(spurious);
		return true;
	}
	if (v >= INTR_PIC_BASE && v < INTR_PIC_BASE + 16) {
		COUNT(legacy);
		return true;
	}
	if (v == INTR_WAKE_VECTOR)
		;                       /* it woke an idle CPU: that was all */
	else if (v == INTR_TIMER_VECTOR)
		COUNT(timer);
	else
		COUNT(unknown);
	if (have_lapic)
		lapic_write(LAPIC_EOI, 0);
	return true;
}

/* An NMI while mica itself runs (a watchdog, a front-panel button): count
 * it on its CPU and in all, say so once on the boot CPU (the others never
 * print), and go on. */
static bool on_nmi(struct trap_frame *tf)
{
	struct percpu *c = this_cpu();

	/* Another CPU ended the run (machine_exit): stop here. NMIs stay
	 * blocked, as this handler never returns. */
	while (smp_stop_requested())
		__asm__ volatile("cli; hlt");
	COUNT(nmi_mica);
	if (c->nmis++ == 0 && c->index == 0)
		klog("NMI while in mica, at RIP 0x%lx; going on\n", (unsigned long)tf->rip);
	return true;
}

void intr_nmi_in_guest(void)
{
	while (smp_stop_requested())
		__asm__ volatile("cli; hlt");       /* as in on_nmi() */
	COUNT(nmi_guest);
}

/* ICW1-4: the master's IRQs at INTR_PIC_BASE, the slave's 8 above, then
 * every line masked. Remapped so that a spurious IRQ7 or IRQ15 (which a
 * masked 8259 can still raise) is never taken for an exception. */
static void pic_mask(void)
{
	outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_MASTER_DATA, INTR_PIC_BASE);
	outb(PIC_SLAVE_DATA, INTR_PIC_BASE + 8);
	outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
	outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
	outb(PIC_MASTER_DATA, ICW4_8086);
	outb(PIC_SLAVE_DATA, ICW4_8086);
	outb(PIC_MASTER_DATA, 0xff);
	outb(PIC_SLAVE_DATA, 0xff);
}

/* This CPU's local APIC software-enabled, every local source masked
 * but LINT1, nothing left in service. */
static void lapic_program(void)
{
	uint32_t max_lvt;

	max_lvt = LAPIC_VERSION_MAX_LVT(lapic_read(LAPIC_VERSION));
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | INTR_SPURIOUS_VECTOR);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | INTR_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(LAPIC_LVT_PMC, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	if (max_lvt >= 6)               /* the CMCI entry exists */
		lapic_write(LAPIC_LVT_CMCI, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);
	/* Whatever firmware left in service ends here. */
	for (int i = 0; i < 8; i++)
		lapic_write(LAPIC_EOI, 0);
}

/* The local APIC, in the mode firmware left it (xAPIC or x2APIC): software
 * enabled, so that mica can end interrupts and send itself NMIs, with
 * every local source mica does not use masked. LINT1 stays as firmware set
 * it: it carries NMIs, which mica handles. */
static void lapic_take(void)
{
	uint64_t base;

	if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC)) {
		klog("no local APIC: only the 8259 is masked\n");
		return;
	}
	base = rdmsr(MSR_IA32_APIC_BASE);
	if (!(base & APIC_BASE_EN)) {
		klog("the local APIC is off (IA32_APIC_BASE); only the 8259 is masked\n");
		return;
	}
	x2apic = base & APIC_BASE_EXTD;
	/* mica's page tables map the first 4 GiB, where firmware puts it. */
	xapic = x2apic ? NULL : (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK);
	have_lapic = true;
	lapic_program();
}

void intr_init(void)
{
	pic_mask();
	for (unsigned v = FIRST_EXTERNAL_VECTOR; v < IDT_VECTORS; v++)
		trap_set_handler(v, on_host_intr);
	trap_set_handler(VEC_NMI, on_nmi);
	lapic_take();
}

void intr_init_cpu(void)
{
	uint64_t base;

	if (!have_lapic)
		return;
	/* A CPU that INIT reset may be in xAPIC mode where the boot CPU's
	 * firmware chose x2APIC: the same mode on every CPU (xAPIC to x2APIC
	 * is a legal transition; SDM Vol. 3, "x2APIC State Transitions"). */
	base = rdmsr(MSR_IA32_APIC_BASE);
	if (x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	lapic_program();
}

bool intr_have_lapic(void)
{
	return have_lapic;
}

uint32_t intr_lapic_id(void)
{
	/* xAPIC: ID in bits 31:24; x2APIC: the whole 32-bit register. */
	return x2apic ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> APIC_ID_SHIFT;
}

void intr_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* SDM Vol. 3, "Interrupt Command Register (ICR)"; in x2APIC mode one
 * 64-bit MSR with the destination in bits 63:32, no delivery status. */
void intr_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	if (x2apic) {
		/* A WRMSR to the x2APIC's ICR does not wait for earlier stores
		 * (SDM Vol. 3, "x2APIC Register Address Space"): the mailbox
		 * entry must be visible before the IPI that announces it. */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(X2APIC_MSR(APIC_ICR_LOW), (uint64_t)apic_id << 32 | icr_low);
		return;
	}
	while (xapic[APIC_ICR_LOW / 4] & APIC_DELIVERY_PENDING)
		pause();
	xapic[APIC_ICR_HIGH / 4] = apic_id << APIC_ICR_DEST_SHIFT;
	xapic[APIC_ICR_LOW / 4] = icr_low;
	while (xapic[APIC_ICR_LOW / 4] & APIC_DELIVERY_PENDING)
		pause();
}

/*
 * The local APIC timer ticks at a rate no register tells: count it
 * against the TSC (calibrated by hv/clock.c) over 1/100 s, then run it
 * periodic at (hz). SDM Vol. 3, "APIC Timer".
 */
static void start_timer(uint64_t hz)
{
	uint64_t t0 = rdtsc(), span = clock_tsc_hz() / CALIBRATE_DIV, ticks, period;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	lapic_write(LAPIC_TIMER_INITIAL, UINT32_MAX);
	while (rdtsc() - t0 < span)
		pause();
	ticks = (uint64_t)(UINT32_MAX - lapic_read(LAPIC_TIMER_CURRENT)) * CALIBRATE_DIV;
	period = ticks / hz ? ticks / hz : 1;
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | INTR_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INITIAL, period > UINT32_MAX ? UINT32_MAX : (uint32_t)period);
	klog("hostirq: the local APIC timer interrupts mica %lu times a second (%lu ticks of %lu)\n",
	     (unsigned long)hz, (unsigned long)period, (unsigned long)ticks);
}

static uint32_t ioapic_read(volatile uint32_t *io, uint32_t reg)
{
	io[IOAPIC_REGSEL / 4] = reg;
	return io[IOAPIC_WINDOW / 4];
}

static void ioapic_write(volatile uint32_t *io, uint32_t reg, uint32_t v)
{
	io[IOAPIC_REGSEL / 4] = reg;
	io[IOAPIC_WINDOW / 4] = v;
}

/*
 * NMIs from a device, for the test of mica's NMI path: PIT channel 0 as a
 * rate generator at (hz), its IRQ0 (I/O APIC pin 2 on a PC) delivered as an
 * NMI to this CPU. NMIs then arrive wherever the CPU is, mostly in guests.
 * The I/O APIC is looked for at its default address only.
 */
static void start_nmi_source(uint64_t hz)
{
	volatile uint32_t *io = (volatile uint32_t *)(uintptr_t)IOAPIC_DEFAULT_BASE;
	uint32_t ver, apic_id, reload = (uint32_t)(PIT_HZ / hz);

	if (!have_lapic || x2apic) {
		klog("hostnmi: needs the local APIC in xAPIC mode\n");
		machine_exit(EXIT_BAD_CONFIG);
	}
	ver = ioapic_read(io, IOAPIC_VERSION);
	if (ver == UINT32_MAX || IOAPIC_VERSION_MAX_ENTRY(ver) < IOAPIC_PIT_PIN) {
		klog("hostnmi: no I/O APIC at 0x%x\n", IOAPIC_DEFAULT_BASE);
		machine_exit(EXIT_BAD_CONFIG);
	}
	if (reload < 2 || reload > 0xffff) {
		klog("hostnmi=%lu: the PIT cannot tick at that rate\n", (unsigned long)hz);
		machine_exit(EXIT_BAD_CONFIG);
	}
	apic_id = lapic_read(LAPIC_ID) >> 24;
	outb(PIT_CONTROL, PIT_CONTROL_WORD(0, PIT_ACCESS_LOHI, PIT_MODE_RATE));
	outb(PIT_CH0, reload & 0xff);
	outb(PIT_CH0, reload >> 8);
	ioapic_write(io, IOAPIC_REDTBL(IOAPIC_PIT_PIN) + 1, apic_id << 24);
	ioapic_write(io, IOAPIC_REDTBL(IOAPIC_PIT_PIN), APIC_DELIVERY_NMI);
	klog("hostnmi: the PIT sends this CPU an NMI %lu times a second\n", (unsigned long)hz);
}

/* `KEY=HZ` on mica's command line, 1 to TEST_HZ_MAX; 0 if absent. */
static uint64_t test_hz(const char *cmdline, const char *key)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t hz;

	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return 0;
	if (cmdline_parse_uint(val, &hz) || hz == 0 || hz > TEST_HZ_MAX) {
		klog("%s=%s: give a rate from 1 to %u (per second)\n", key, val, TEST_HZ_MAX);
		machine_exit(EXIT_BAD_CONFIG);
	}
	return hz;
}

void intr_start_test_sources(const char *cmdline)
{
	uint64_t irq_hz = test_hz(cmdline, "hostirq"), nmi_hz = test_hz(cmdline, "hostnmi");

	if (irq_hz) {
		if (!have_lapic) {
			klog("hostirq: needs a local APIC\n");
			machine_exit(EXIT_BAD_CONFIG);
		}
		start_timer(irq_hz);
		timer_taken = true;
	}
	if (nmi_hz)
		start_nmi_source(nmi_hz);
}

/*
 * Call the IDT gate of (vector) as the CPU would deliver an interrupt in
 * ring 0: SS, RSP (of an aligned stack), RFLAGS and CS pushed, then the
 * return address; the gate's IRETQ comes back here. What KVM does after
 * an exit that acknowledged an interrupt. SDM Vol. 3, "Interrupt
 * Handling in 64-bit Mode", "Stack Switching in IA-32e Mode".
 */
void intr_deliver(unsigned vector)
{
	struct desc_ptr idtr;
	const uint32_t *gate;
	uint64_t fn;

	sidt(&idtr);
	gate = (const uint32_t *)(uintptr_t)(idtr.base + 16 * (vector & 0xff));
	fn = (gate[0] & 0xffff) | (gate[1] & 0xffff0000u) | ((uint64_t)gate[2] << 32);
	__asm__ volatile("mov %%rsp, %%rax\n\t"
			 "and $-16, %%rsp\n\t"
			 "push %[ss]\n\t"
			 "push %%rax\n\t"
			 "pushf\n\t"
			 "push %[cs]\n\t"
			 "call *%[fn]"
			 : : [fn] "r"(fn), [ss] "i"(GDT_KDATA), [cs] "i"(GDT_KCODE)
			 : "rax", "memory", "cc");
}

bool intr_wake_at(uint64_t tsc)
{
	static int deadline = -1;       /* CPUID says so, the same on every CPU */

	if (deadline < 0)
		deadline = (cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE) != 0;
	if (!have_lapic || !deadline || timer_taken)
		return false;
	/* The mode first, then the deadline (the SDM's order: a deadline
	 * written in another mode is lost). */
	lapic_write(LAPIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | INTR_WAKE_VECTOR);
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc ? tsc : 1);
	return true;
}

void intr_wake_cancel(void)
{
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
}

void intr_print(void)
{
	klog("host interrupts served: %lu timer, %lu spurious, %lu 8259, %lu unknown; "
	     "NMIs: %lu in guests, %lu in mica\n",
	     (unsigned long)count.timer, (unsigned long)count.spurious, (unsigned long)count.legacy,
	     (unsigned long)count.unknown, (unsigned long)count.nmi_guest,
	     (unsigned long)count.nmi_mica);
}
