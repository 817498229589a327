/*
 * test_vrtc.c - host unit tests for a VM's CMOS clock (hv/vrtc.c) through
 * its ports, as Linux's mc146818_get_time reads it: the date in BCD and
 * binary, 12- and 24-hour, the UIP window, time running on with the TSC,
 * setting the clock, and the calendar against known dates (cmocka, ASan,
 * UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/vrtc.h"

#define HZ 1000000ULL                   /* a TSC of 1 MHz: 1 tick = 1 us */
#define T0 1764767405ULL                /* 2025-12-03 13:10:05 UTC, a Wednesday */

static struct vrtc r;

static uint8_t rd(unsigned reg, uint64_t now)
{
	vrtc_out(&r, VRTC_INDEX, (uint8_t)reg, now);
	return vrtc_in(&r, VRTC_DATA, now);
}

static void wr(unsigned reg, uint8_t v, uint64_t now)
{
	vrtc_out(&r, VRTC_INDEX, (uint8_t)reg, now);
	vrtc_out(&r, VRTC_DATA, v, now);
}

static int setup(void **state)
{
	vrtc_init(&r, T0, 1000, HZ);
	return 0;
}

static void test_calendar(void **state)
{
	struct vrtc_tm tm;

	vrtc_to_tm(0, &tm);
	assert_int_equal(tm.year, 1970);
	assert_int_equal(tm.wday, 4);                   /* Thursday */
	vrtc_to_tm(951782400, &tm);                     /* 2000-02-29 00:00 */
	assert_int_equal(tm.year, 2000);
	assert_int_equal(tm.month, 2);
	assert_int_equal(tm.mday, 29);
	vrtc_to_tm(T0, &tm);
	assert_int_equal(tm.year, 2025);
	assert_int_equal(tm.month, 12);
	assert_int_equal(tm.mday, 3);
	assert_int_equal(tm.hour, 13);
	assert_int_equal(tm.min, 10);
	assert_int_equal(tm.sec, 5);
	assert_int_equal(tm.wday, 3);
	assert_int_equal(vrtc_from_tm(&tm), T0);
}

/* Power-on: 24-hour BCD, valid time, no update showing yet. */
static void test_bcd_24h_at_power_on(void **state)
{
	assert_int_equal(rd(RTC_SECONDS, 1000), 0x05);
	assert_int_equal(rd(RTC_MINUTES, 1000), 0x10);
	assert_int_equal(rd(RTC_HOURS, 1000), 0x13);
	assert_int_equal(rd(RTC_WEEKDAY, 1000), 4);     /* 1 = Sunday */
	assert_int_equal(rd(RTC_MDAY, 1000), 0x03);
	assert_int_equal(rd(RTC_MONTH, 1000), 0x12);
	assert_int_equal(rd(RTC_YEAR, 1000), 0x25);
	assert_int_equal(rd(RTC_CENTURY, 1000), 0x20);
	assert_int_equal(rd(RTC_REG_B, 1000), RTC_B_24H);
	assert_int_equal(rd(RTC_REG_D, 1000), RTC_D_VRT);
	assert_int_equal(rd(RTC_REG_A, 1000), RTC_A_DEFAULT);
}

/* Binary and 12-hour as register B asks. */
static void test_binary_and_12h(void **state)
{
	wr(RTC_REG_B, RTC_B_DM, 1000);
	assert_int_equal(rd(RTC_SECONDS, 1000), 5);
	assert_int_equal(rd(RTC_YEAR, 1000), 25);
	assert_int_equal(rd(RTC_HOURS, 1000), 0x80 | 1);        /* 1 PM */
	wr(RTC_REG_B, 0, 1000);
	assert_int_equal(rd(RTC_HOURS, 1000), 0x81);            /* BCD 1 PM */
}

/* The clock runs with the TSC, whoever has the CPU, and shows UIP only in
 * the 244 us before each second turns. */
static void test_runs_on_and_uip(void **state)
{
	assert_int_equal(rd(RTC_SECONDS, 1000 + 61 * HZ), 0x06);
	assert_int_equal(rd(RTC_MINUTES, 1000 + 61 * HZ), 0x11);
	assert_false(rd(RTC_REG_A, 1000 + HZ / 2) & RTC_A_UIP);
	assert_true(rd(RTC_REG_A, 1000 + HZ - 100) & RTC_A_UIP);
	assert_false(rd(RTC_REG_A, 1000 + HZ + 1) & RTC_A_UIP);
}

/* Setting the time under SET: it stands, then counts on from there. */
static void test_set_time(void **state)
{
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H, 1000);
	wr(RTC_HOURS, 0x08, 1000);
	wr(RTC_YEAR, 0x30, 1000);
	assert_int_equal(rd(RTC_HOURS, 1000 + 5 * HZ), 0x08);
	assert_int_equal(rd(RTC_SECONDS, 1000 + 5 * HZ), 0x05); /* standing */
	wr(RTC_REG_B, RTC_B_24H, 1000 + 5 * HZ);
	assert_int_equal(rd(RTC_SECONDS, 1000 + 7 * HZ), 0x07);
	assert_int_equal(rd(RTC_YEAR, 1000 + 7 * HZ), 0x30);
	assert_int_equal(rd(RTC_MONTH, 1000 + 7 * HZ), 0x12);
}

/* NVRAM bytes keep what is written; register C reads 0. */
static void test_nvram(void **state)
{
	wr(0x40, 0xa5, 1000);
	assert_int_equal(rd(0x40, 1000), 0xa5);
	assert_int_equal(rd(0xc0, 1000), 0xa5);         /* bit 7 is the NMI mask */
	assert_int_equal(rd(RTC_REG_C, 1000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
		cmocka_unit_test_setup(test_bcd_24h_at_power_on, setup),
		cmocka_unit_test_setup(test_binary_and_12h, setup),
		cmocka_unit_test_setup(test_runs_on_and_uip, setup),
		cmocka_unit_test_setup(test_set_time, setup),
		cmocka_unit_test_setup(test_nvram, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
