/*
 * apic.c - the local APIC a guest finds at 0xFEE00000, used as a kernel
 * uses it: software enable, self-IPIs, task priority, EOI order, the
 * timer in one-shot and periodic mode with its divider, TMR, LVT masking
 * (the 8259A's interrupts through LINT0) and LINT1's fields, errors, and
 * IA32_APIC_BASE's global disable. SDM Vol. 3, "Advanced Programmable
 * Interrupt Controller (APIC)".
 */
#include "lib/cpuid.h"
#include "lib/i8254.h"
#include "lib/i8259.h"
#include "lib/msr.h"
#include "tests/vpc/vpc.h"

#define SPURIOUS        0xff
#define V_TIMER         0x50
#define V_PIT           0x20            /* IRQ0 after the PIC is remapped */
#define V_ERROR         0x5e
#define BUDGET          (1ull << 31)    /* TSC ticks to wait for what must come */
#define PIT_DIVISOR     1193            /* about 1 kHz */

static volatile uint32_t seen[16], seen_eip[16], nseen, pit_ticks;
static volatile uint32_t nested_isr_before, nested_isr_after, nested_ppr;

static void record(struct vpc_frame *f)
{
	if (nseen < 16) {
		seen[nseen] = f->vector;
		seen_eip[nseen] = f->eip;
	}
	nseen++;
	apic_write(APIC_EOI, 0);
}

static void spurious(struct vpc_frame *f)
{
}

static void pit_tick(struct vpc_frame *f)
{
	pit_ticks++;
	outb(PIC_MASTER_CMD, OCW2_EOI);
}

static void pic_init(uint8_t mask);

/* A clean, software-enabled APIC with nothing pending: every test starts
 * here, with interrupts off. The first call installs the handlers and
 * masks the 8259A (a firmware may have left its timer running). */
static void apic_on(void)
{
	static bool ready;

	cli();
	if (!ready) {
		for (unsigned v = 0x30; v < 0xff; v++)
			vpc_handle(v, record);
		vpc_handle(SPURIOUS, spurious);
		vpc_handle(V_PIT, pit_tick);
		pic_init(0xff);
		ready = true;
	}
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | V_TIMER);
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED | V_ERROR);
	nseen = 0;
}

static void let_in(void)
{
	sti();
	vpc_delay(100000);
	cli();
}

static const char *apic_version_and_id(void)
{
	uint32_t v = apic_read(APIC_VERSION), id = apic_read(APIC_ID) >> APIC_ID_SHIFT;

	if ((v & 0xf0) != 0x10 || ((v >> APIC_VERSION_MAX_LVT_SHIFT) & 0xff) < 3)
		return vpc_why("version register 0x%x (want an integrated APIC, 0x1X)", v);
	if (id != cpuid(1, 0).ebx >> 24)
		return vpc_why("APIC ID %u, CPUID's initial APIC ID %u", id, cpuid(1, 0).ebx >> 24);
	return 0;
}

/* SDM "Spurious-Interrupt Vector Register": software-disabled, the LVT
 * mask bits cannot be cleared. */
static const char *svr_software_enable(void)
{
	uint32_t off, on;

	apic_on();
	apic_write(APIC_SVR, SPURIOUS);
	apic_write(APIC_LVT_LINT1, APIC_DM_FIXED | 0x44);
	off = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS);
	apic_write(APIC_LVT_LINT1, APIC_DM_FIXED | 0x44);
	on = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED | APIC_DM_NMI);
	if (!(off & APIC_LVT_MASKED) || (on & APIC_LVT_MASKED) || (apic_read(APIC_SVR) & 0x1ff) != 0x1ff)
		return vpc_why("LINT1 reads 0x%x disabled, 0x%x enabled", off, on);
	return 0;
}

static const char *self_ipi(uint32_t shorthand, unsigned vector)
{
	bool irr;

	apic_on();
	apic_write(APIC_ICR_HIGH, 0x0f << APIC_ICR_DEST_SHIFT);       /* ignored by shorthands */
	apic_write(APIC_ICR_LOW, shorthand | APIC_DM_FIXED | vector);
	irr = apic_bit(APIC_IRR, vector);
	let_in();
	if (!irr || nseen != 1 || seen[0] != vector)
		return vpc_why("IRR bit %u, %u interrupts, first vector 0x%x", irr, nseen, seen[0]);
	if (apic_bit(APIC_IRR, vector) || apic_bit(APIC_ISR, vector))
		return "IRR or ISR still set after the handler's EOI";
	return 0;
}

static const char *self_ipi_self(void)
{
	return self_ipi(APIC_ICR_SELF, 0x40);
}

static const char *self_ipi_all_including_self(void)
{
	return self_ipi(APIC_ICR_ALL_INCL_SELF, 0x41);
}

/* SDM "Task Priority Register": a class at or below TPR[7:4] waits. */
static const char *tpr_masking(void)
{
	uint32_t n, ppr;

	apic_on();
	apic_write(APIC_TPR, 0x50);
	ppr = apic_read(APIC_PPR);
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x45);
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x5a);
	let_in();
	n = nseen;
	if (n || !apic_bit(APIC_IRR, 0x45) || !apic_bit(APIC_IRR, 0x5a))
		return vpc_why("%u delivered under TPR 0x50, IRR bits %u %u", n,
			       apic_bit(APIC_IRR, 0x45), apic_bit(APIC_IRR, 0x5a));
	apic_write(APIC_TPR, 0x40);
	let_in();
	if (nseen != 1 || seen[0] != 0x5a)
		return vpc_why("under TPR 0x40: %u delivered, first 0x%x", nseen, seen[0]);
	apic_write(APIC_TPR, 0);
	let_in();
	if (nseen != 2 || seen[1] != 0x45)
		return vpc_why("under TPR 0: %u delivered, second 0x%x", nseen, seen[1]);
	return ppr == 0x50 ? 0 : vpc_why("PPR 0x%x under TPR 0x50", ppr);
}

/* 0x42's handler: a higher vector arrives while it is in service. */
static void nest_low(struct vpc_frame *f)
{
	seen[nseen++] = f->vector;
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x62);
	sti();
	vpc_delay(100000);
	cli();
	apic_write(APIC_EOI, 0);
}

static void nest_high(struct vpc_frame *f)
{
	seen[nseen++] = f->vector;
	nested_ppr = apic_read(APIC_PPR);
	nested_isr_before = apic_bit(APIC_ISR, 0x42) | apic_bit(APIC_ISR, 0x62) << 1;
	apic_write(APIC_EOI, 0);
	nested_isr_after = apic_bit(APIC_ISR, 0x42) | apic_bit(APIC_ISR, 0x62) << 1;
}

/* SDM "Interrupt Acceptance for Fixed Interrupts", "End of Interrupt":
 * the highest class first; a higher one nests inside a lower one in
 * service, and EOI retires the highest in service. */
static const char *eoi_order(void)
{
	apic_on();
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x41);
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x61);
	let_in();
	if (nseen != 2 || seen[0] != 0x61 || seen[1] != 0x41)
		return vpc_why("%u delivered: 0x%x then 0x%x (want 0x61 then 0x41)", nseen, seen[0], seen[1]);
	nseen = 0;
	vpc_handle(0x42, nest_low);
	vpc_handle(0x62, nest_high);
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x42);
	let_in();
	vpc_handle(0x42, record);
	vpc_handle(0x62, record);
	if (nseen != 2 || seen[0] != 0x42 || seen[1] != 0x62)
		return vpc_why("nested: %u delivered, 0x%x then 0x%x", nseen, seen[0], seen[1]);
	if (nested_isr_before != 3 || nested_isr_after != 1 || nested_ppr != 0x60)
		return vpc_why("nested: ISR bits (0x42, 0x62) %u before EOI, %u after; PPR 0x%x",
			       nested_isr_before, nested_isr_after, nested_ppr);
	return apic_bit(APIC_ISR, 0x42) ? "0x42 still in service at the end" : 0;
}

static uint32_t count(void)
{
	return apic_read(APIC_TIMER_CURRENT);
}

/* SDM "APIC Timer": one-shot counts down once, interrupts once. */
static const char *timer_one_shot(void)
{
	uint32_t c1, c2;
	uint64_t t0, took;

	apic_on();
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | V_TIMER);
	t0 = rdtsc();
	apic_write(APIC_TIMER_INITIAL, 50000000);
	c1 = count();
	c2 = count();
	sti();
	if (!vpc_wait(&nseen, 1, BUDGET))
		return vpc_why("no interrupt (count read %u, then %u)", c1, c2);
	took = rdtsc() - t0;
	vpc_delay(2 * took);
	cli();
	if (!(c1 <= 50000000 && c2 < c1))
		return vpc_why("the count read %u, then %u: not falling from 50000000", c1, c2);
	if (nseen != 1 || seen[0] != V_TIMER || count() != 0)
		return vpc_why("%u interrupts (vector 0x%x), count %u at the end", nseen, seen[0], count());
	return 0;
}

/* Periodic: reloads from the initial count at each 0. */
static const char *timer_periodic(void)
{
	uint32_t reloaded;

	apic_on();
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | V_TIMER);
	apic_write(APIC_TIMER_INITIAL, 2000000);
	sti();
	if (!vpc_wait(&nseen, 1, BUDGET))
		return "no first interrupt";
	reloaded = count();
	if (!vpc_wait(&nseen, 3, 3 * BUDGET))
		return vpc_why("%u interrupts, want 3", nseen);
	cli();
	apic_write(APIC_TIMER_INITIAL, 0);
	if (reloaded == 0 || reloaded > 2000000)
		return vpc_why("count %u after the first interrupt: not reloaded", reloaded);
	return apic_read(APIC_LVT_TIMER) & APIC_TIMER_PERIODIC ? 0 : "the LVT lost periodic mode";
}

/* How far the count falls in (tsc) TSC ticks with divide value (dcr). */
static uint32_t fall(uint32_t dcr, uint64_t tsc)
{
	uint32_t c0;

	apic_write(APIC_TIMER_DIVIDE, dcr);
	apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
	c0 = count();
	vpc_delay(tsc);
	return c0 - count();
}

/* SDM "Divide Configuration Register": divide by 16 counts 16 times
 * slower than divide by 1. The clocks are read by polling, and a host
 * may preempt an emulator in the middle of one span: the median ratio of
 * five trials must be within a factor of 2. */
static const char *timer_divide(void)
{
	enum { TRIALS = 5 };
	uint32_t ratio[TRIALS], by1 = 0, by16 = 0;
	const uint64_t span = 20000000;

	apic_on();
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | V_TIMER);
	for (unsigned i = 0; i < TRIALS; i++) {
		by1 = fall(APIC_DIVIDE_1, span);
		by16 = fall(APIC_DIVIDE_16, span);
		ratio[i] = by16 ? by1 / by16 : 0;
		for (unsigned j = i; j > 0 && ratio[j - 1] > ratio[j]; j--) {
			uint32_t t = ratio[j];

			ratio[j] = ratio[j - 1];
			ratio[j - 1] = t;
		}
	}
	apic_write(APIC_TIMER_INITIAL, 0);
	if ((apic_read(APIC_TIMER_DIVIDE) & 0xb) != APIC_DIVIDE_16)
		return vpc_why("the divide register reads 0x%x", apic_read(APIC_TIMER_DIVIDE));
	if (ratio[TRIALS / 2] < 8 || ratio[TRIALS / 2] > 32)
		return vpc_why("median ratio %u (last trial: the count fell by %u at divide 1, %u at divide 16)",
			       ratio[TRIALS / 2], by1, by16);
	return 0;
}

/* A masked timer still counts to 0, and interrupts nobody. */
static const char *timer_masked(void)
{
	uint64_t end = rdtsc() + BUDGET;

	apic_on();
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | V_TIMER);
	apic_write(APIC_TIMER_INITIAL, 100000);
	sti();
	while (count() != 0 && rdtsc() < end)
		;
	vpc_delay(100000);
	cli();
	if (count() != 0)
		return vpc_why("the masked count is still %u", count());
	if (nseen || apic_bit(APIC_IRR, V_TIMER))
		return vpc_why("%u interrupts, IRR bit %u", nseen, apic_bit(APIC_IRR, V_TIMER));
	return 0;
}

/* The 8259A pair at vectors 0x20-0x2f, with (mask) on the master, all
 * of the slave masked: a firmware's timer must not come in at vector 8. */
static void pic_init(uint8_t mask)
{
	outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_MASTER_DATA, V_PIT);
	outb(PIC_SLAVE_DATA, V_PIT + 8);
	outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
	outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
	outb(PIC_MASTER_DATA, ICW4_8086);
	outb(PIC_SLAVE_DATA, ICW4_8086);
	outb(PIC_MASTER_DATA, mask);
	outb(PIC_SLAVE_DATA, 0xff);
}

static void pic_pit_on(void)
{
	pic_init(0xfe);                         /* IRQ0 only */
	outb(PIT_CONTROL, PIT_CONTROL_WORD(0, PIT_ACCESS_LOHI, PIT_MODE_RATE));
	outb(PIT_CH0, PIT_DIVISOR & 0xff);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
}

/* SDM "Local Vector Table": the 8259A reaches the CPU through LINT0 in
 * ExtINT mode; masked, its interrupts stop; unmasked, they resume. */
static const char *lint0_masking(void)
{
	uint64_t t0, three;
	uint32_t while_masked;

	apic_on();
	pic_pit_on();
	apic_write(APIC_LVT_LINT0, APIC_DM_EXTINT);
	pit_ticks = 0;
	t0 = rdtsc();
	sti();
	if (!vpc_wait(&pit_ticks, 3, BUDGET)) {
		cli();
		return vpc_why("%u PIT interrupts through an unmasked LINT0", pit_ticks);
	}
	three = rdtsc() - t0;
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
	vpc_delay(three);               /* let one already on its way land */
	pit_ticks = 0;
	vpc_delay(4 * three);
	while_masked = pit_ticks;
	apic_write(APIC_LVT_LINT0, APIC_DM_EXTINT);
	if (!vpc_wait(&pit_ticks, while_masked + 3, BUDGET)) {
		cli();
		return "the PIT's interrupts did not resume when LINT0 was unmasked";
	}
	cli();
	outb(PIC_MASTER_DATA, 0xff);
	return while_masked ? vpc_why("%u PIT interrupts with LINT0 masked", while_masked) : 0;
}

static uint32_t esr(void)
{
	apic_write(APIC_ESR, 0);
	return apic_read(APIC_ESR);
}

/* SDM "Error Handling": a self-IPI with a vector below 16 is not
 * delivered and sets an illegal-vector bit in ESR (receive, for a self
 * IPI; send, for one that goes out). */
static const char *esr_illegal_vector(void)
{
	uint32_t e;

	apic_on();
	esr();
	vpc_handle(3, record);          /* an APIC that delivers it anyway */
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | 0x03);
	let_in();
	vpc_handle(3, 0);
	e = esr();
	if (!(e & (APIC_ESR_SEND_ILLEGAL_VECTOR | APIC_ESR_RECEIVE_ILLEGAL_VECTOR)) || nseen)
		return vpc_why("ESR 0x%x, %u interrupts (first 0x%x) after a self-IPI of vector 3",
			       e, nseen, seen[0]);
	return 0;
}

/* ... and an error raises the LVT error entry's interrupt. */
static const char *lvt_error_interrupt(void)
{
	apic_on();
	esr();
	apic_write(APIC_LVT_ERROR, V_ERROR);
	vpc_handle(3, record);
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | 0x03);
	let_in();
	vpc_handle(3, 0);
	apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED | V_ERROR);
	esr();
	if (nseen != 1 || seen[0] != V_ERROR)
		return vpc_why("%u interrupts (first 0x%x), want the error vector 0x%x", nseen, seen[0], V_ERROR);
	return 0;
}

/* SDM "Enabling or Disabling the Local APIC": IA32_APIC_BASE.EN clear is
 * a CPU without an APIC (CPUID.1:EDX.APIC clear too). */
static const char *apic_base_disable(void)
{
	uint64_t base, off;
	uint32_t cpuid_off;

	apic_on();
	if (vpc_rdmsr(MSR_IA32_APIC_BASE, &base))
		return "RDMSR IA32_APIC_BASE faulted";
	if (vpc_wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)APIC_BASE_EN))
		return "clearing IA32_APIC_BASE.EN faulted";
	vpc_rdmsr(MSR_IA32_APIC_BASE, &off);
	cpuid_off = cpuid(1, 0).edx & CPUID_1_EDX_APIC;
	vpc_wrmsr(MSR_IA32_APIC_BASE, base);
	if ((off & APIC_BASE_EN) || cpuid_off)
		return vpc_why("disabled, IA32_APIC_BASE reads 0x%llx and CPUID.1:EDX.APIC %u", off, !!cpuid_off);
	return 0;
}

/* ... and with EN set again, a CPU whose APIC takes interrupts from the
 * front-side bus (every xAPIC) has it back: CPUID says so, and it works
 * once software enables it. */
static const char *apic_base_reenable(void)
{
	uint64_t base, on;
	uint32_t cpuid_on;

	apic_on();
	vpc_rdmsr(MSR_IA32_APIC_BASE, &base);
	vpc_wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)APIC_BASE_EN);
	vpc_wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EN);
	vpc_rdmsr(MSR_IA32_APIC_BASE, &on);
	cpuid_on = cpuid(1, 0).edx & CPUID_1_EDX_APIC;
	if (!(on & APIC_BASE_EN) || !cpuid_on)
		return vpc_why("re-enabled, IA32_APIC_BASE reads 0x%llx and CPUID.1:EDX.APIC %u", on, !!cpuid_on);
	apic_on();
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x43);
	let_in();
	return nseen == 1 && seen[0] == 0x43 ? 0 : "no self-IPI after re-enabling";
}

/* SDM "Logical Destination Mode": an IPI with no shorthand reaches the
 * APICs its destination names: physically by APIC ID; logically, in the
 * flat model (DFR 0xFFFFFFFF) if it shares a bit with LDR[31:24], in the
 * cluster model (DFR 0x0FFFFFFF) if the high nibbles match and the low
 * ones share a bit. LDR keeps bits 31:24 only, DFR bits 31:28. */
static const char *icr_destination_ldr_dfr(void)
{
	static const struct { uint32_t dfr, ldr, dest, mode; bool hit; } c[] = {
		{ 0xffffffff, 0x01000000, 0x00, 0, true },      /* physical: ID, filled below */
		{ 0xffffffff, 0x01000000, 0x0e, 0, false },
		{ 0xffffffff, 0x04000000, 0x06, APIC_ICR_DEST_LOGICAL, true },
		{ 0xffffffff, 0x04000000, 0x03, APIC_ICR_DEST_LOGICAL, false },
		{ 0x0fffffff, 0x32000000, 0x36, APIC_ICR_DEST_LOGICAL, true },
		{ 0x0fffffff, 0x32000000, 0x22, APIC_ICR_DEST_LOGICAL, false },
		{ 0x0fffffff, 0x32000000, 0x31, APIC_ICR_DEST_LOGICAL, false },
	};
	uint32_t id = apic_read(APIC_ID) >> APIC_ID_SHIFT, ldr, dfr;

	apic_on();
	apic_write(APIC_DFR, 0x0fffffff);
	apic_write(APIC_LDR, 0x12345678);
	ldr = apic_read(APIC_LDR);
	dfr = apic_read(APIC_DFR);
	if (ldr != 0x12000000 || dfr != 0x0fffffff)
		return vpc_why("LDR reads 0x%x after 0x12345678, DFR 0x%x after 0x0fffffff", ldr, dfr);
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t dest = i == 0 ? id : i == 1 ? (id ^ c[i].dest) : c[i].dest;

		apic_on();
		apic_write(APIC_DFR, c[i].dfr);
		apic_write(APIC_LDR, c[i].ldr);
		apic_write(APIC_ICR_HIGH, dest << APIC_ICR_DEST_SHIFT);
		apic_write(APIC_ICR_LOW, c[i].mode | APIC_DM_FIXED | (0x70 + i));
		let_in();
		if (nseen != c[i].hit)
			return vpc_why("%s destination 0x%x, DFR 0x%x, LDR 0x%x: %u interrupts, want %u",
				       c[i].mode ? "logical" : "physical", dest, c[i].dfr, c[i].ldr,
				       nseen, c[i].hit);
	}
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 0);
	return 0;
}

/* ---- Events as the CPU takes them ---------------------------------------- */

#define V_NMI           2
#define V_DB            1
static volatile uint32_t nmis, nmis_in_handler;

/* An NMI to this APIC by its ID: the SDM allows NMIs with no shorthand
 * only ("Valid Combinations for the Local xAPIC Interrupt Command
 * Register"). */
static void self_nmi(void)
{
	apic_write(APIC_ICR_HIGH, apic_read(APIC_ID) & 0xff000000u);
	apic_write(APIC_ICR_LOW, APIC_DM_NMI);
}

static void nmi(struct vpc_frame *f)
{
	if (nmis++ == 0) {
		self_nmi();
		vpc_delay(200000);
		nmis_in_handler = nmis;
	}
}

/* SDM "NMI Handling While Processing an NMI": an NMI comes in with IF
 * clear; one sent while its handler runs waits for the handler's IRET. */
static const char *nmi_self_ipi_blocked_until_iret(void)
{
	bool both;

	apic_on();
	nmis = nmis_in_handler = 0;
	vpc_handle(V_NMI, nmi);
	self_nmi();
	both = vpc_wait(&nmis, 2, BUDGET);
	vpc_handle(V_NMI, 0);
	if (!both || nmis_in_handler != 1)
		return vpc_why("%u NMIs, %u of them before the first handler's IRET (want 2, 1)",
			       nmis, nmis_in_handler);
	return 0;
}

/* STI; HLT with an interrupt on its way: HLT is in STI's shadow, so the
 * interrupt wakes the CPU from HLT and returns after it. */
extern char hlt_after[];
static __attribute__((noinline)) void halt_once(void)
{
	__asm__ volatile("sti\n\thlt\n.globl hlt_after\nhlt_after:\n\tcli" : : : "memory");
}

static const char *hlt_wakes_on_apic_timer(void)
{
	apic_on();
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | V_TIMER);
	apic_write(APIC_TIMER_INITIAL, 2000000);
	halt_once();
	if (nseen != 1 || seen[0] != V_TIMER || seen_eip[0] != (uint32_t)(uintptr_t)hlt_after)
		return vpc_why("%u interrupts, first 0x%x at EIP 0x%x (want 0x%x at 0x%x)", nseen,
			       seen[0], seen_eip[0], V_TIMER, (uint32_t)(uintptr_t)hlt_after);
	return count() ? vpc_why("woke with the count at %u", count()) : 0;
}

static const char *hlt_wakes_on_pit(void)
{
	unsigned ticks;

	apic_on();
	apic_write(APIC_LVT_LINT0, APIC_DM_EXTINT);
	pic_pit_on();
	pit_ticks = 0;
	for (unsigned i = 0; i < 3; i++)
		halt_once();
	ticks = pit_ticks;
	outb(PIC_MASTER_DATA, 0xff);
	if (ticks != 3 || nseen)
		return vpc_why("3 HLTs woke with %u PIT interrupts and %u others", ticks, nseen);
	return 0;
}

static const char *hlt_wakes_on_self_ipi(void)
{
	apic_on();
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | 0x46);
	halt_once();
	if (nseen != 1 || seen[0] != 0x46 || seen_eip[0] != (uint32_t)(uintptr_t)hlt_after)
		return vpc_why("%u interrupts, first 0x%x at EIP 0x%x", nseen, seen[0], seen_eip[0]);
	return 0;
}

/* The self-IPI that the MOV to the ICR sends arrives right after that
 * MOV, though the MOV ran in an STI or MOV SS shadow: a shadow covers
 * one instruction (SDM "Interrupt and Exception Handling", STI, MOV). */
extern char sti_after[], mss_after[];
#define ICR_LOW_ADDR    (APIC_DEFAULT_BASE + APIC_ICR_LOW)

static const char *sti_shadow_self_ipi(void)
{
	apic_on();
	__asm__ volatile("sti\n\tmovl %0, (%1)\nsti_after:\tnop\n\tnop\n\tcli"
			 : : "r"(APIC_ICR_SELF | 0x47), "r"(ICR_LOW_ADDR) : "memory");
	if (nseen != 1 || seen_eip[0] != (uint32_t)(uintptr_t)sti_after)
		return vpc_why("%u interrupts, the first at EIP 0x%x (want 0x%x, after the MOV)",
			       nseen, seen_eip[0], (uint32_t)(uintptr_t)sti_after);
	return 0;
}

static const char *mov_ss_shadow_self_ipi(void)
{
	apic_on();
	__asm__ volatile("sti\n\tnop\n\tmovw %%ss, %%ax\n\tmovw %%ax, %%ss\n\tmovl %0, (%1)\n"
			 "mss_after:\tnop\n\tnop\n\tcli"
			 : : "r"(APIC_ICR_SELF | 0x48), "r"(ICR_LOW_ADDR) : "eax", "memory");
	if (nseen != 1 || seen_eip[0] != (uint32_t)(uintptr_t)mss_after)
		return vpc_why("%u interrupts, the first at EIP 0x%x (want 0x%x, after the MOV)",
			       nseen, seen_eip[0], (uint32_t)(uintptr_t)mss_after);
	return 0;
}

static void single_step(struct vpc_frame *f)
{
	if (nseen < 16) {
		seen[nseen] = f->vector;
		seen_eip[nseen] = f->eip;
	}
	nseen++;
	f->eflags &= ~0x100u;           /* TF: one step only */
}

/* SDM "Priority Among Concurrent Events": a single-step trap of the
 * previous instruction goes before a maskable interrupt. The stepped
 * instruction is the MOV that sends a self-IPI: #DB first, then the
 * interrupt, both after the MOV. */
extern char step_after[];
static const char *single_step_trap_before_interrupt(void)
{
	uint32_t after = (uint32_t)(uintptr_t)step_after;

	apic_on();
	vpc_handle(V_DB, single_step);
	__asm__ volatile("sti\n\tnop\n\tpushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\tmovl %0, (%1)\n"
			 "step_after:\tnop\n\tnop\n\tcli"
			 : : "r"(APIC_ICR_SELF | 0x49), "r"(ICR_LOW_ADDR) : "memory");
	vpc_handle(V_DB, 0);
	if (nseen != 2 || seen[0] != V_DB || seen[1] != 0x49 || seen_eip[0] != after ||
	    seen_eip[1] != after)
		return vpc_why("%u events: vector %u at 0x%x, then %u at 0x%x (want #DB, then 0x49, both at 0x%x)",
			       nseen, seen[0], seen_eip[0], seen[1], seen_eip[1], after);
	return 0;
}

/* What an edge-triggered interrupt's handler saw of its own vector. */
static volatile uint32_t edge_isr, edge_tmr;

static void edge_in_service(struct vpc_frame *f)
{
	edge_isr = apic_bit(APIC_ISR, f->vector);
	edge_tmr = apic_bit(APIC_TMR, f->vector);
	record(f);
}

/* One edge-triggered interrupt at (vector), already sent with interrupts
 * off: its TMR bit is clear while it waits in IRR and while it is in
 * service. */
static const char *edge_tmr_clear(const char *source, unsigned vector)
{
	bool irr = apic_bit(APIC_IRR, vector), tmr = apic_bit(APIC_TMR, vector);

	edge_isr = edge_tmr = 1;
	vpc_handle(vector, edge_in_service);
	let_in();
	vpc_handle(vector, record);
	if (!irr || tmr)
		return vpc_why("%s 0x%x waiting: IRR bit %u, TMR bit %u (want 1, 0)", source, vector, irr, tmr);
	if (nseen != 1 || !edge_isr || edge_tmr)
		return vpc_why("%s 0x%x: %u interrupts, in service ISR bit %u, TMR bit %u (want 1, 0)",
			       source, vector, nseen, edge_isr, edge_tmr);
	return 0;
}

/* SDM "Trigger Mode Register (TMR)": an interrupt accepted as edge
 * triggered clears its vector's TMR bit. A fixed self-IPI sent with the
 * ICR's trigger-mode bit clear is edge triggered, and so is the timer
 * (its LVT has no trigger-mode bit). Nothing here is level triggered, so
 * all of TMR reads 0 afterwards. A fixed IPI with that bit set is left
 * out: the SDM has Pentium 4 and later APICs issue it as edge, while
 * KVM, QEMU and Bochs accept it as level. */
static const char *tmr_clear_for_edge_interrupts(void)
{
	const char *why;
	uint64_t end;

	apic_on();
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | 0x46);
	if ((why = edge_tmr_clear("self-IPI", 0x46)))
		return why;
	apic_on();
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | V_TIMER);
	apic_write(APIC_TIMER_INITIAL, 1000);
	end = rdtsc() + BUDGET;
	while (!apic_bit(APIC_IRR, V_TIMER) && rdtsc() < end)
		;
	if ((why = edge_tmr_clear("timer", V_TIMER)))
		return why;
	for (unsigned i = 0; i < 8; i++)
		if (apic_read(APIC_TMR + i * 0x10))
			return vpc_why("TMR bits %u-%u read 0x%x", i * 32, i * 32 + 31, apic_read(APIC_TMR + i * 0x10));
	return 0;
}

/* SDM "Local Vector Table" (Figure "Local Vector Table (LVT)"): LVT
 * LINT1 holds a vector (7:0), a delivery mode (10:8), the input pin
 * polarity (13), a trigger mode (15) and a mask (16); bits 11 and 31:17
 * are reserved and read 0. "Local APIC State After It Has Been Software
 * Disabled": every LVT mask bit is set, and attempts to clear one are
 * ignored. (The read-only bits 12 and 14 are lint1_lvt_read_only_bits.) */
static const char *lint1_lvt_mask_and_fields(void)
{
	const uint32_t read_only = APIC_DELIVERY_PENDING | APIC_LVT_REMOTE_IRR;
	uint32_t disabled, cleared, ones, zeros;

	apic_on();
	apic_write(APIC_SVR, SPURIOUS);
	disabled = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
	cleared = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS);
	apic_write(APIC_LVT_LINT1, ~read_only);
	ones = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
	zeros = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED | APIC_DM_NMI);
	if (ones != (APIC_LVT_MASKED | APIC_TRIGGER_LEVEL | APIC_LVT_POLARITY_LOW | APIC_DELIVERY_MASK |
		     APIC_VECTOR_MASK) || zeros != APIC_DM_NMI)
		return vpc_why("LINT1 reads 0x%x after writing 0x%x (want 0x1a7ff), 0x%x after 0x400",
			       ones, ~read_only, zeros);
	if (!(disabled & APIC_LVT_MASKED) || cleared != (APIC_LVT_MASKED | APIC_DM_NMI))
		return vpc_why("software-disabled, LINT1 reads 0x%x, then 0x%x after writing 0x400 (want 0x10400)",
			       disabled, cleared);
	return 0;
}

/* The same figure: delivery status (12) and remote IRR (14) are read
 * only, idle (0) with nothing on the pin, whatever is written there. */
static const char *lint1_lvt_read_only_bits(void)
{
	uint32_t got;

	apic_on();
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED | APIC_LVT_REMOTE_IRR | APIC_DELIVERY_PENDING | APIC_DM_NMI);
	got = apic_read(APIC_LVT_LINT1);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED | APIC_DM_NMI);
	return got == (APIC_LVT_MASKED | APIC_DM_NMI) ? 0 :
	       vpc_why("LINT1 reads 0x%x after writing 0x15400 (want 0x10400)", got);
}

const struct vpc_test vpc_tests[] = {
	{ "apic_version_and_id", apic_version_and_id },
	{ "svr_software_enable", svr_software_enable },
	{ "self_ipi_self", self_ipi_self },
	{ "self_ipi_all_including_self", self_ipi_all_including_self },
	{ "tpr_masking", tpr_masking },
	{ "eoi_order", eoi_order },
	{ "timer_one_shot", timer_one_shot },
	{ "timer_periodic", timer_periodic },
	{ "timer_divide", timer_divide },
	{ "timer_masked", timer_masked },
	{ "lint0_masking", lint0_masking },
	{ "lint1_lvt_mask_and_fields", lint1_lvt_mask_and_fields },
	{ "lint1_lvt_read_only_bits", lint1_lvt_read_only_bits },
	{ "tmr_clear_for_edge_interrupts", tmr_clear_for_edge_interrupts },
	{ "icr_destination_ldr_dfr", icr_destination_ldr_dfr },
	{ "nmi_self_ipi_blocked_until_iret", nmi_self_ipi_blocked_until_iret },
	{ "hlt_wakes_on_apic_timer", hlt_wakes_on_apic_timer },
	{ "hlt_wakes_on_pit", hlt_wakes_on_pit },
	{ "hlt_wakes_on_self_ipi", hlt_wakes_on_self_ipi },
	{ "sti_shadow_self_ipi", sti_shadow_self_ipi },
	{ "mov_ss_shadow_self_ipi", mov_ss_shadow_self_ipi },
	{ "single_step_trap_before_interrupt", single_step_trap_before_interrupt },
	{ "esr_illegal_vector", esr_illegal_vector },
	{ "lvt_error_interrupt", lvt_error_interrupt },
	{ "apic_base_disable", apic_base_disable },
	/* Last: an emulator that cannot re-enable a disabled APIC leaves it off. */
	{ "apic_base_reenable", apic_base_reenable },
};
const unsigned vpc_ntests = sizeof(vpc_tests) / sizeof(vpc_tests[0]);
