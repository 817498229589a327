/*
 * test_vdev.c - host unit tests for mica's virtual 8259A pair (hv/vpic.c)
 * and 8254 PIT (hv/vpit.c), driven through their ports as a guest would
 * (cmocka, ASan, UBSan). The PIT's clock is faked here: 1 PIT tick = 10
 * TSC ticks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/clock.h"
#include "hv/vpic.h"
#include "hv/vpit.h"
#include "lib/i8254.h"
#include "lib/i8259.h"

#define TSC_PER_PIT 10

uint64_t clock_pit_to_tsc(uint64_t n) { return n * TSC_PER_PIT; }
uint64_t clock_tsc_to_pit(uint64_t tsc) { return tsc / TSC_PER_PIT; }

/* The initialization every PC kernel does: vectors 0x20 and 0x28, slave
 * on IRQ2, 8086 mode, then the masks. */
static void pic_setup(struct vpic *p, uint8_t master_mask, uint8_t slave_mask)
{
	vpic_init(p);
	vpic_out(p, PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
	vpic_out(p, PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
	vpic_out(p, PIC_MASTER_DATA, 0x20);
	vpic_out(p, PIC_SLAVE_DATA, 0x28);
	vpic_out(p, PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
	vpic_out(p, PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
	vpic_out(p, PIC_MASTER_DATA, ICW4_8086);
	vpic_out(p, PIC_SLAVE_DATA, ICW4_8086);
	vpic_out(p, PIC_MASTER_DATA, master_mask);
	vpic_out(p, PIC_SLAVE_DATA, slave_mask);
}

static void test_power_on_masks_everything(void **state)
{
	struct vpic p;

	vpic_init(&p);
	vpic_raise(&p, 0);
	assert_int_equal(vpic_pending(&p), -1);
	assert_int_equal(vpic_in(&p, PIC_MASTER_DATA), 0xff);
}

static void test_remap_and_deliver(void **state)
{
	struct vpic p;

	pic_setup(&p, 0xfe, 0xff);
	assert_int_equal(vpic_in(&p, PIC_MASTER_DATA), 0xfe);
	vpic_raise(&p, 0);
	assert_int_equal(vpic_pending(&p), 0x20);
	assert_int_equal(vpic_ack(&p), 0x20);
	/* In service: a second edge waits until the EOI. */
	vpic_raise(&p, 0);
	assert_int_equal(vpic_pending(&p), -1);
	vpic_out(&p, PIC_MASTER_CMD, OCW3_SELECT | OCW3_READ_ISR);
	assert_int_equal(vpic_in(&p, PIC_MASTER_CMD), 0x01);
	vpic_out(&p, PIC_MASTER_CMD, OCW2_EOI);
	assert_int_equal(vpic_in(&p, PIC_MASTER_CMD), 0x00);
	assert_int_equal(vpic_pending(&p), 0x20);
}

static void test_masked_line_waits(void **state)
{
	struct vpic p;

	pic_setup(&p, 0xff, 0xff);
	vpic_raise(&p, 1);
	assert_int_equal(vpic_pending(&p), -1);
	vpic_out(&p, PIC_MASTER_DATA, 0xfd);    /* unmask IRQ1 */
	assert_int_equal(vpic_pending(&p), 0x21);
}

static void test_priority_and_specific_eoi(void **state)
{
	struct vpic p;

	pic_setup(&p, 0x00, 0xff);
	vpic_raise(&p, 3);
	assert_int_equal(vpic_ack(&p), 0x23);
	/* IRQ0 outranks IRQ3 in service; IRQ4 does not. */
	vpic_raise(&p, 4);
	assert_int_equal(vpic_pending(&p), -1);
	vpic_raise(&p, 0);
	assert_int_equal(vpic_ack(&p), 0x20);
	vpic_out(&p, PIC_MASTER_CMD, OCW2_EOI | OCW2_SPECIFIC | 3);   /* IRQ3 done first */
	vpic_out(&p, PIC_MASTER_CMD, OCW2_EOI);                       /* then IRQ0 */
	assert_int_equal(vpic_ack(&p), 0x24);
}

static void test_slave_through_cascade(void **state)
{
	struct vpic p;

	pic_setup(&p, 0xfb, 0xfe);      /* master: IRQ2 only; slave: IRQ8 only */
	vpic_raise(&p, 8);
	assert_int_equal(vpic_pending(&p), 0x28);
	assert_int_equal(vpic_ack(&p), 0x28);
	vpic_out(&p, PIC_SLAVE_CMD, OCW2_EOI);
	vpic_out(&p, PIC_MASTER_CMD, OCW2_EOI);
	assert_int_equal(vpic_pending(&p), -1);
}

static void test_auto_eoi(void **state)
{
	struct vpic p;

	vpic_init(&p);
	vpic_out(&p, PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4 | ICW1_SINGLE);
	vpic_out(&p, PIC_MASTER_DATA, 0x40);
	vpic_out(&p, PIC_MASTER_DATA, ICW4_8086 | ICW4_AUTO_EOI);
	vpic_raise(&p, 0);
	assert_int_equal(vpic_ack(&p), 0x40);
	vpic_raise(&p, 0);
	assert_int_equal(vpic_pending(&p), 0x40);   /* nothing stayed in service */
}

static void pit_program(struct vpit *p, unsigned ch, unsigned mode, uint16_t count, uint64_t now)
{
	vpit_out(p, PIT_CONTROL, PIT_CONTROL_WORD(ch, PIT_ACCESS_LOHI, mode), now);
	vpit_out(p, PIT_CH0 + ch, count & 0xff, now);
	vpit_out(p, PIT_CH0 + ch, count >> 8, now);
}

static void test_rate_generator_edges(void **state)
{
	struct vpit p;

	vpit_init(&p);
	assert_false(vpit_irq_due(&p, 1000000));        /* not programmed: no IRQ0 */
	pit_program(&p, 0, PIT_MODE_RATE, 1000, 500);
	/* One edge every 1000 PIT ticks = 10000 TSC ticks after the start. */
	assert_false(vpit_irq_due(&p, 500 + 9999));
	assert_true(vpit_irq_due(&p, 500 + 10000));
	assert_false(vpit_irq_due(&p, 500 + 10001));
	assert_true(vpit_irq_due(&p, 500 + 20000));
	/* A VM that did not run for 5 periods gets one edge, not five. */
	assert_true(vpit_irq_due(&p, 500 + 70000));
	assert_false(vpit_irq_due(&p, 500 + 79999));
	assert_int_equal(p.irqs, 3);
}

static void test_tiny_period_clamped(void **state)
{
	struct vpit p;

	vpit_init(&p);
	/* A reload of 1 would be 1.2 MHz of interrupts: mica caps it at
	 * about 4 kHz (298 PIT ticks), so other VMs keep their turns. */
	pit_program(&p, 0, PIT_MODE_RATE, 1, 0);
	assert_false(vpit_irq_due(&p, 2979));
	assert_true(vpit_irq_due(&p, 2980));
	assert_false(vpit_irq_due(&p, 2981));
}

static void test_count_and_latch(void **state)
{
	struct vpit p;

	vpit_init(&p);
	pit_program(&p, 0, PIT_MODE_RATE, 1000, 0);
	/* 250 PIT ticks in: the count reads 750, low byte first. */
	vpit_out(&p, PIT_CONTROL, PIT_CONTROL_WORD(0, PIT_ACCESS_LATCH, 0), 2500);
	assert_int_equal(vpit_in(&p, PIT_CH0, 9000), 750 & 0xff);      /* latched: time */
	assert_int_equal(vpit_in(&p, PIT_CH0, 9000), 750 >> 8);        /* does not matter */
	/* Unlatched, it follows time: 900 ticks in, 100 are left. */
	uint8_t lo = vpit_in(&p, PIT_CH0, 9000);
	uint8_t hi = vpit_in(&p, PIT_CH0, 9000);
	assert_int_equal(lo | hi << 8, 100);
}

static void test_one_shot_and_port_61(void **state)
{
	struct vpit p;

	vpit_init(&p);
	vpit_out(&p, SYS_CTRL_B, SYS_CTRL_B_GATE2, 0);
	pit_program(&p, 2, PIT_MODE_ONESHOT, 100, 0);
	assert_int_equal(vpit_in(&p, SYS_CTRL_B, 999) & SYS_CTRL_B_OUT2, 0);
	assert_int_equal(vpit_in(&p, SYS_CTRL_B, 1000) & SYS_CTRL_B_OUT2, SYS_CTRL_B_OUT2);
	/* Channel 0 in one-shot mode: a single edge. */
	pit_program(&p, 0, PIT_MODE_ONESHOT, 400, 0);
	assert_false(vpit_irq_due(&p, 3999));
	assert_true(vpit_irq_due(&p, 4000));
	assert_false(vpit_irq_due(&p, 100000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_masks_everything),
		cmocka_unit_test(test_remap_and_deliver),
		cmocka_unit_test(test_masked_line_waits),
		cmocka_unit_test(test_priority_and_specific_eoi),
		cmocka_unit_test(test_slave_through_cascade),
		cmocka_unit_test(test_auto_eoi),
		cmocka_unit_test(test_rate_generator_edges),
		cmocka_unit_test(test_tiny_period_clamped),
		cmocka_unit_test(test_count_and_latch),
		cmocka_unit_test(test_one_shot_and_port_61),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
