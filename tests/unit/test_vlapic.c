/*
 * test_vlapic.c - host unit tests for the virtual local APIC (hv/vlapic.c),
 * driven through its registers as a guest would, with the answers of
 * SDM Vol. 3, "Advanced Programmable Interrupt Controller (APIC)"
 * (cmocka, ASan, UBSan). The guest's TSC runs at 2 GHz here, so one bus
 * clock of the 1 GHz APIC timer is 2 TSC ticks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/vlapic.h"
#include "lib/apic.h"
#include "lib/msr.h"

#define TSC_KHZ         2000000u        /* 2 TSC ticks per bus clock */
#define MAXPHYADDR      39

static uint32_t rd(struct vlapic *a, uint32_t off)
{
	return vlapic_read(a, off, 0);
}

static void wr(struct vlapic *a, uint32_t off, uint32_t val)
{
	vlapic_write(a, off, val, 0);
}

/* A BSP's APIC as an OS leaves it: software-enabled, spurious vector 0xff. */
static void setup(struct vlapic *a)
{
	vlapic_init(a, 0, true, TSC_KHZ, MAXPHYADDR);
	wr(a, APIC_SVR, APIC_SVR_ENABLE | 0xff);
}

/* Take the pending interrupt as the CPU would; its vector. */
static int take(struct vlapic *a)
{
	return vlapic_ack(a);
}

static bool irr_has(struct vlapic *a, unsigned v)
{
	return rd(a, APIC_IRR + (v / 32) * 0x10) & (1u << (v % 32));
}

static bool isr_has(struct vlapic *a, unsigned v)
{
	return rd(a, APIC_ISR + (v / 32) * 0x10) & (1u << (v % 32));
}

static uint32_t esr(struct vlapic *a)
{
	wr(a, APIC_ESR, 0);     /* SDM: write ESR before reading it */
	return rd(a, APIC_ESR);
}

/* SDM "Local APIC State After Power-Up or Reset", with KVM's BSP LINT0. */
static void test_power_on_state(void **state)
{
	struct vlapic a;

	vlapic_init(&a, 3, true, TSC_KHZ, MAXPHYADDR);
	assert_int_equal(vlapic_base(&a), 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP);
	assert_int_equal(rd(&a, APIC_ID), 3u << 24);
	assert_int_equal(rd(&a, APIC_VERSION), 0x00050014u);
	assert_int_equal(rd(&a, APIC_SVR), 0xffu);
	assert_int_equal(rd(&a, APIC_DFR), 0xffffffffu);
	assert_int_equal(rd(&a, APIC_PPR), 0);
	assert_int_equal(rd(&a, APIC_LVT_TIMER), APIC_LVT_MASKED);
	assert_int_equal(rd(&a, APIC_LVT_LINT0), APIC_DM_EXTINT);
	assert_int_equal(rd(&a, APIC_LVT_LINT1), APIC_LVT_MASKED);
	assert_int_equal(rd(&a, APIC_LVT_ERROR), APIC_LVT_MASKED);
	assert_true(vlapic_extint_open(&a));
	/* An AP's BSP bit is clear and stays clear. */
	vlapic_init(&a, 1, false, TSC_KHZ, MAXPHYADDR);
	assert_int_equal(vlapic_base(&a), 0xfee00000u | APIC_BASE_EN);
	assert_int_equal(vlapic_set_base(&a, 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP), 0);
	assert_int_equal(vlapic_base(&a), 0xfee00000u | APIC_BASE_EN);
	assert_false(vlapic_extint_open(&a));
}

/* SDM "Processor Priority Register (PPR)": the higher of TPR and the
 * class of the highest vector in service. */
static void test_priority_classes_and_ppr(void **state)
{
	struct vlapic a;

	setup(&a);
	wr(&a, APIC_TPR, 0x35);
	assert_int_equal(rd(&a, APIC_PPR), 0x35);
	vlapic_set_irq(&a, 0x51, false);
	assert_int_equal(take(&a), 0x51);
	assert_int_equal(rd(&a, APIC_PPR), 0x50);
	wr(&a, APIC_TPR, 0x57);                 /* same class as in service: TPR wins */
	assert_int_equal(rd(&a, APIC_PPR), 0x57);
	wr(&a, APIC_TPR, 0x70);
	assert_int_equal(rd(&a, APIC_PPR), 0x70);
	wr(&a, APIC_TPR, 0);
	wr(&a, APIC_EOI, 0);
	assert_int_equal(rd(&a, APIC_PPR), 0);
	assert_int_equal(rd(&a, APIC_TPR), 0);
	/* CR8 is TPR[7:4]. */
	vlapic_set_cr8(&a, 0xa);
	assert_int_equal(rd(&a, APIC_TPR), 0xa0);
	assert_int_equal(vlapic_cr8(&a), 0xa);
}

/* Highest class first; one in service holds back its own class and lower
 * ones; EOI retires the highest in service first (nested). */
static void test_accept_by_priority_and_eoi_order(void **state)
{
	struct vlapic a;

	setup(&a);
	vlapic_set_irq(&a, 0x41, false);
	vlapic_set_irq(&a, 0x61, false);
	vlapic_set_irq(&a, 0x6f, false);
	vlapic_set_irq(&a, 0x52, false);
	assert_int_equal(vlapic_pending(&a), 0x6f);
	assert_int_equal(take(&a), 0x6f);
	assert_true(isr_has(&a, 0x6f));
	assert_false(irr_has(&a, 0x6f));
	/* 0x61 is of the class in service: it waits, and so do lower ones. */
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(vlapic_eoi(&a), 0x6f);
	assert_int_equal(take(&a), 0x61);
	assert_int_equal(vlapic_eoi(&a), 0x61);
	/* Nesting: 0x41 in service, 0x52 arrives above it and is taken. */
	vlapic_set_irq(&a, 0x52, false);
	assert_int_equal(take(&a), 0x52);
	assert_int_equal(vlapic_eoi(&a), 0x52);
	assert_int_equal(take(&a), 0x41);
	vlapic_set_irq(&a, 0x90, false);
	assert_int_equal(take(&a), 0x90);
	wr(&a, APIC_EOI, 0);                    /* retires 0x90, the highest */
	assert_false(isr_has(&a, 0x90));
	assert_true(isr_has(&a, 0x41));
	assert_int_equal(vlapic_eoi(&a), 0x41);
	assert_int_equal(vlapic_eoi(&a), -1);
	/* A level-triggered vector tells the EOI's caller to broadcast it. */
	vlapic_set_irq(&a, 0x70, true);
	assert_true(rd(&a, APIC_TMR + 0x30) & (1u << (0x70 % 32)));
	assert_int_equal(take(&a), 0x70);
	assert_int_equal(vlapic_eoi(&a), 0x170);
}

/* SDM "Task Priority Register": a class at or below TPR[7:4] waits in IRR. */
static void test_tpr_masking(void **state)
{
	struct vlapic a;

	setup(&a);
	wr(&a, APIC_TPR, 0x50);
	vlapic_set_irq(&a, 0x45, false);
	vlapic_set_irq(&a, 0x5f, false);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_true(irr_has(&a, 0x45));
	/* What TPR holds back is still the highest request (the TPR
	 * threshold is set from it). */
	assert_int_equal(vlapic_highest_irr(&a), 0x5f);
	vlapic_set_irq(&a, 0x65, false);
	assert_int_equal(take(&a), 0x65);
	vlapic_eoi(&a);
	wr(&a, APIC_TPR, 0x40);
	assert_int_equal(take(&a), 0x5f);
	vlapic_eoi(&a);
	assert_int_equal(vlapic_pending(&a), -1);   /* 0x45: class 4, not above TPR 4 */
	wr(&a, APIC_TPR, 0);
	assert_int_equal(take(&a), 0x45);
	assert_int_equal(vlapic_highest_irr(&a), -1);
}

/* One-shot: the count falls with the TSC, reaches 0 at the deadline,
 * raises the vector once and stays at 0. */
static void test_timer_one_shot(void **state)
{
	struct vlapic a;

	setup(&a);
	wr(&a, APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	wr(&a, APIC_LVT_TIMER, APIC_TIMER_ONESHOT | 0x30);
	vlapic_write(&a, APIC_TIMER_INITIAL, 1000, 100);
	assert_int_equal(vlapic_next_event(&a), 100 + 2000);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 600), 750);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_INITIAL, 600), 1000);
	vlapic_update(&a, 2099);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 2099), 1);
	vlapic_update(&a, 2100);
	assert_int_equal(take(&a), 0x30);
	vlapic_eoi(&a);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 5000), 0);
	vlapic_update(&a, 100000);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(vlapic_next_event(&a), VLAPIC_NO_EVENT);
	/* Writing the initial count again starts it again; 0 stops it. */
	vlapic_write(&a, APIC_TIMER_INITIAL, 10, 200000);
	assert_int_equal(vlapic_next_event(&a), 200020);
	vlapic_write(&a, APIC_TIMER_INITIAL, 0, 200001);
	assert_int_equal(vlapic_next_event(&a), VLAPIC_NO_EVENT);
}

/* Periodic: reloads at each 0; periods missed collapse into one
 * interrupt; the count keeps falling from the reload. */
static void test_timer_periodic(void **state)
{
	struct vlapic a;

	setup(&a);
	wr(&a, APIC_TIMER_DIVIDE, APIC_DIVIDE_2);
	wr(&a, APIC_LVT_TIMER, APIC_TIMER_PERIODIC | 0x31);
	vlapic_write(&a, APIC_TIMER_INITIAL, 100, 0);  /* 100 ticks x 2 bus x 2 TSC */
	assert_int_equal(vlapic_next_event(&a), 400);
	vlapic_update(&a, 400);
	assert_int_equal(take(&a), 0x31);
	vlapic_eoi(&a);
	assert_int_equal(vlapic_next_event(&a), 800);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 500), 75);
	vlapic_update(&a, 10050);               /* 24 periods later */
	assert_int_equal(take(&a), 0x31);
	vlapic_eoi(&a);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(vlapic_next_event(&a), 10400);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 10050), 100 - 50 / 4);
	/* Back to one-shot: it stops at the next 0. */
	vlapic_write(&a, APIC_LVT_TIMER, APIC_TIMER_ONESHOT | 0x31, 10100);
	vlapic_update(&a, 10400);
	assert_int_equal(take(&a), 0x31);
	assert_int_equal(vlapic_next_event(&a), VLAPIC_NO_EVENT);
}

/* SDM figure "Divide Configuration Register": bits 3, 1:0. */
static void test_timer_divide(void **state)
{
	static const struct { uint32_t dcr, divide; } table[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	struct vlapic a;

	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		setup(&a);
		wr(&a, APIC_TIMER_DIVIDE, table[i].dcr | 0xf0);     /* other bits ignored */
		assert_int_equal(rd(&a, APIC_TIMER_DIVIDE), table[i].dcr);
		wr(&a, APIC_LVT_TIMER, 0x40);
		vlapic_write(&a, APIC_TIMER_INITIAL, 10, 0);
		assert_int_equal(vlapic_next_event(&a), 10ull * table[i].divide * 2);
	}
	/* A new divisor mid-count: the count goes on from where it was. */
	setup(&a);
	wr(&a, APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	wr(&a, APIC_LVT_TIMER, 0x40);
	vlapic_write(&a, APIC_TIMER_INITIAL, 1000, 0);
	vlapic_write(&a, APIC_TIMER_DIVIDE, APIC_DIVIDE_16, 1000);     /* 500 left */
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 1000), 500);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 1000 + 320), 490);
	assert_int_equal(vlapic_next_event(&a), 1000 + 500 * 16 * 2);
}

/* A masked timer counts and reloads but raises nothing. */
static void test_timer_masked(void **state)
{
	struct vlapic a;

	setup(&a);
	wr(&a, APIC_TIMER_DIVIDE, APIC_DIVIDE_1);
	wr(&a, APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_PERIODIC | 0x30);
	vlapic_write(&a, APIC_TIMER_INITIAL, 100, 0);
	assert_int_equal(vlapic_next_event(&a), VLAPIC_NO_EVENT);
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 100), 50);
	vlapic_update(&a, 1000);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_false(irr_has(&a, 0x30));
	assert_int_equal(vlapic_read(&a, APIC_TIMER_CURRENT, 1100), 50);
	/* Unmasked, the next 0 raises it. */
	vlapic_write(&a, APIC_LVT_TIMER, APIC_TIMER_PERIODIC | 0x30, 1100);
	vlapic_update(&a, 1200);
	assert_int_equal(take(&a), 0x30);
}

/* SDM "Interrupt Command Register": the self and all-including-self
 * shorthands deliver to this APIC; all-excluding-self does not; the
 * destination field matches its own ID. */
static void test_self_ipi_shorthands(void **state)
{
	struct vlapic a;

	setup(&a);
	wr(&a, APIC_ICR_HIGH, 7u << APIC_ICR_DEST_SHIFT);      /* the shorthands ignore it */
	wr(&a, APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | 0x41);
	assert_int_equal(take(&a), 0x41);
	vlapic_eoi(&a);
	wr(&a, APIC_ICR_LOW, APIC_ICR_ALL_INCL_SELF | APIC_DM_FIXED | 0x42);
	assert_int_equal(take(&a), 0x42);
	vlapic_eoi(&a);
	wr(&a, APIC_ICR_LOW, APIC_ICR_ALL_EXCL_SELF | APIC_DM_FIXED | 0x43);
	assert_int_equal(vlapic_pending(&a), -1);
	wr(&a, APIC_ICR_HIGH, 0u << APIC_ICR_DEST_SHIFT);
	wr(&a, APIC_ICR_LOW, APIC_ICR_DEST_FIELD | APIC_DM_FIXED | 0x44);
	assert_int_equal(take(&a), 0x44);
	vlapic_eoi(&a);
	wr(&a, APIC_ICR_HIGH, 5u << APIC_ICR_DEST_SHIFT);      /* another APIC */
	wr(&a, APIC_ICR_LOW, APIC_ICR_DEST_FIELD | APIC_DM_FIXED | 0x45);
	assert_int_equal(vlapic_pending(&a), -1);
	/* Logical, flat model: LDR bit 2 matches destination 0x04. */
	wr(&a, APIC_LDR, 0x04u << 24);
	wr(&a, APIC_ICR_HIGH, 0x04u << APIC_ICR_DEST_SHIFT);
	wr(&a, APIC_ICR_LOW, APIC_ICR_DEST_LOGICAL | APIC_DM_FIXED | 0x46);
	assert_int_equal(take(&a), 0x46);
	vlapic_eoi(&a);
	/* The ICR reads back what was written, delivery status idle. */
	assert_int_equal(rd(&a, APIC_ICR_LOW), APIC_ICR_DEST_LOGICAL | APIC_DM_FIXED | 0x46);
	assert_int_equal(rd(&a, APIC_ICR_HIGH), 0x04u << 24);
	/* An NMI to self goes to the NMI line, not to IRR. */
	wr(&a, APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_NMI);
	assert_true(vlapic_take_nmi(&a));
	assert_false(vlapic_take_nmi(&a));
	assert_int_equal(vlapic_pending(&a), -1);
}

/* SDM "Local Vector Table": masking, and software disable masking all. */
static void test_masking(void **state)
{
	struct vlapic a;

	setup(&a);
	/* LINT0 masked: the PIC's INTR no longer reaches the CPU. */
	wr(&a, APIC_LVT_LINT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
	assert_false(vlapic_extint_open(&a));
	assert_int_equal(vlapic_lint(&a, 0), VLAPIC_LINT_NONE);
	wr(&a, APIC_LVT_LINT0, APIC_DM_EXTINT);
	assert_true(vlapic_extint_open(&a));
	assert_int_equal(vlapic_lint(&a, 0), VLAPIC_LINT_EXTINT);
	/* LINT1 as NMI, then masked; LINT1 as a fixed vector. */
	wr(&a, APIC_LVT_LINT1, APIC_DM_NMI);
	assert_int_equal(vlapic_lint(&a, 1), VLAPIC_LINT_NMI);
	assert_true(vlapic_take_nmi(&a));
	wr(&a, APIC_LVT_LINT1, APIC_LVT_MASKED | APIC_DM_NMI);
	assert_int_equal(vlapic_lint(&a, 1), VLAPIC_LINT_NONE);
	assert_false(vlapic_take_nmi(&a));
	wr(&a, APIC_LVT_LINT1, APIC_DM_FIXED | 0x55);
	vlapic_lint(&a, 1);
	assert_int_equal(take(&a), 0x55);
	vlapic_eoi(&a);
	/* Software disable: every LVT masked, and kept masked; fixed
	 * interrupts are dropped (as KVM drops them). */
	wr(&a, APIC_SVR, 0xff);
	assert_true(rd(&a, APIC_LVT_LINT1) & APIC_LVT_MASKED);
	assert_true(rd(&a, APIC_LVT_LINT0) & APIC_LVT_MASKED);
	wr(&a, APIC_LVT_TIMER, 0x30);
	assert_int_equal(rd(&a, APIC_LVT_TIMER), APIC_LVT_MASKED | 0x30);
	vlapic_set_irq(&a, 0x60, false);
	assert_int_equal(vlapic_pending(&a), -1);
	wr(&a, APIC_SVR, APIC_SVR_ENABLE | 0xff);
	assert_int_equal(vlapic_pending(&a), -1);
	wr(&a, APIC_LVT_TIMER, 0x30);
	assert_int_equal(rd(&a, APIC_LVT_TIMER), 0x30);
	/* Read-only and reserved bits do not stick. */
	wr(&a, APIC_LVT_ERROR, 0xffffffffu);
	assert_int_equal(rd(&a, APIC_LVT_ERROR), APIC_LVT_MASKED | 0xff);
	wr(&a, APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | 0x30);
	assert_int_equal(rd(&a, APIC_LVT_TIMER), 0x30);
}

/* IA32_APIC_BASE: reserved bits fault; clearing EN disables the APIC
 * globally (page not decoded, nothing accepted, LINT0 bypassed); setting
 * it again brings it back with its registers (as KVM keeps them). */
static void test_apic_base_disable_enable(void **state)
{
	struct vlapic a;
	uint64_t b;

	setup(&a);
	b = vlapic_base(&a);
	assert_true(vlapic_mmio(&a, 0xfee00000u));
	assert_true(vlapic_mmio(&a, 0xfee00ff0u));
	assert_false(vlapic_mmio(&a, 0xfee01000u));
	assert_int_equal(vlapic_set_base(&a, b | APIC_BASE_EXTD), -1);   /* no x2APIC */
	assert_int_equal(vlapic_set_base(&a, b | BIT(9)), -1);
	assert_int_equal(vlapic_set_base(&a, b | 1), -1);
	assert_int_equal(vlapic_set_base(&a, b | BIT(MAXPHYADDR)), -1);
	assert_int_equal(vlapic_base(&a), b);
	wr(&a, APIC_TPR, 0x20);
	wr(&a, APIC_LVT_LINT0, APIC_LVT_MASKED);

	assert_int_equal(vlapic_set_base(&a, b & ~(uint64_t)APIC_BASE_EN), 0);
	assert_int_equal(vlapic_base(&a), b & ~(uint64_t)APIC_BASE_EN);
	assert_false(vlapic_hw_enabled(&a));
	assert_false(vlapic_mmio(&a, 0xfee00000u));
	vlapic_set_irq(&a, 0x60, false);
	wr(&a, APIC_ICR_LOW, APIC_ICR_SELF | 0x61);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_true(vlapic_extint_open(&a));            /* INTR straight to the CPU */
	assert_int_equal(vlapic_lint(&a, 1), VLAPIC_LINT_NMI);
	assert_true(vlapic_take_nmi(&a));

	assert_int_equal(vlapic_set_base(&a, b), 0);
	assert_true(vlapic_hw_enabled(&a));
	assert_true(vlapic_mmio(&a, 0xfee00000u));
	assert_false(irr_has(&a, 0x60));
	assert_false(irr_has(&a, 0x61));
	assert_int_equal(rd(&a, APIC_TPR), 0x20);
	assert_false(vlapic_extint_open(&a));
	wr(&a, APIC_ICR_LOW, APIC_ICR_SELF | 0x61);
	assert_int_equal(take(&a), 0x61);
	/* Moved: decoded at its new page only. */
	assert_int_equal(vlapic_set_base(&a, 0xfed00000u | APIC_BASE_EN | APIC_BASE_BSP), 0);
	assert_true(vlapic_mmio(&a, 0xfed00080u));
	assert_false(vlapic_mmio(&a, 0xfee00080u));
}

/* SDM "Error Handling": illegal vectors are refused and reported in ESR
 * after the next ESR write, and raise the error LVT's vector. */
static void test_esr_illegal_vector(void **state)
{
	struct vlapic a;

	setup(&a);
	assert_int_equal(esr(&a), 0);
	wr(&a, APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | 0x05);
	assert_int_equal(rd(&a, APIC_ESR), 0);          /* not before the write */
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(esr(&a), APIC_ESR_RECEIVE_ILLEGAL_VECTOR);
	assert_int_equal(esr(&a), 0);                   /* the write cleared it */
	/* Sent to a destination (here itself, by ID): a send error. */
	wr(&a, APIC_ICR_HIGH, 0);
	wr(&a, APIC_ICR_LOW, APIC_ICR_DEST_FIELD | APIC_DM_FIXED | 0x05);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(esr(&a), APIC_ESR_SEND_ILLEGAL_VECTOR);
	/* A timer with an illegal vector: received illegal, nothing in IRR. */
	wr(&a, APIC_LVT_TIMER, 0x0e);
	vlapic_write(&a, APIC_TIMER_INITIAL, 1, 0);
	vlapic_update(&a, 100);
	assert_int_equal(vlapic_pending(&a), -1);
	assert_int_equal(a.irr[0], 0);
	assert_int_equal(esr(&a), APIC_ESR_RECEIVE_ILLEGAL_VECTOR);
	/* With the error LVT unmasked, an error interrupts. */
	wr(&a, APIC_LVT_ERROR, 0xee);
	wr(&a, APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | 0x01);
	assert_int_equal(take(&a), 0xee);
	vlapic_eoi(&a);
	/* A reserved register address. */
	assert_int_equal(rd(&a, 0x3f0), 0);
	assert_int_equal(esr(&a), APIC_ESR_RECEIVE_ILLEGAL_VECTOR | APIC_ESR_ILLEGAL_REGISTER);
}

/* What Linux's native_calibrate_tsc computes from leaf 15H, in its own
 * 32-bit arithmetic: the TSC within 50 ppm (a quartz crystal's own
 * tolerance; its division truncates), and an APIC
 * timer period (crystal kHz * 1000 / HZ) of the 1 GHz bus. */
static unsigned linux_tsc_khz(uint32_t eax, uint32_t ebx, uint32_t ecx)
{
	unsigned crystal_khz = ecx / 1000;

	return crystal_khz * ebx / eax;
}

static void test_cpuid_15h_as_linux_reads_it(void **state)
{
	static const uint64_t rates[] = { 50003, 50000, 2994123, 3500000, 1000, 4200000 };

	for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint32_t eax, ebx, ecx;
		uint64_t got, want = rates[i];

		vlapic_cpuid_15h(want, &eax, &ebx, &ecx);
		assert_int_equal(ecx, VLAPIC_BUS_KHZ * 1000u);
		assert_true((uint64_t)(ecx / 1000) * ebx <= UINT32_MAX);
		got = linux_tsc_khz(eax, ebx, ecx);
		assert_true(got * 1000000 >= want * 999950 && got * 1000000 <= want * 1000050);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_state),
		cmocka_unit_test(test_priority_classes_and_ppr),
		cmocka_unit_test(test_accept_by_priority_and_eoi_order),
		cmocka_unit_test(test_tpr_masking),
		cmocka_unit_test(test_timer_one_shot),
		cmocka_unit_test(test_timer_periodic),
		cmocka_unit_test(test_timer_divide),
		cmocka_unit_test(test_timer_masked),
		cmocka_unit_test(test_self_ipi_shorthands),
		cmocka_unit_test(test_masking),
		cmocka_unit_test(test_apic_base_disable_enable),
		cmocka_unit_test(test_esr_illegal_vector),
		cmocka_unit_test(test_cpuid_15h_as_linux_reads_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
