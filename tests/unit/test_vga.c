/*
 * test_vga.c - host unit tests for the text screen of lib/vga.c (cmocka,
 * ASan, UBSan) on a fake buffer of 80x25 cells with guard cells around it:
 * wrap, tab stops, backspace, carriage return, scrolling, and the
 * console= option's parsing. vga.c is built with tests/unit/stub/lib/
 * x86.h, so its port accesses land here; the real screen at 0xb8000 is
 * never touched (the boot scenarios vga-*.sh read that one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/console.h"
#include "lib/vga.h"
#include "lib/x86.h"

const char kernel_name[] = "test";

#define GUARD 16
#define GUARD_CELL 0xdead
#define ATTR 0x1e                       /* yellow on blue */

static uint16_t mem[GUARD + VGA_ROWS * VGA_COLS + GUARD];
static uint16_t *const cells = mem + GUARD;
static struct vga v;

/* ---- stubs for what vga.c calls outside the text logic ---- */

static char logged[256];
static unsigned set_sink_calls;

void outb(uint16_t port, uint8_t val)
{
	(void)port;
	(void)val;
}

uint8_t inb(uint16_t port)
{
	(void)port;
	return 0;
}

void cli(void)
{
}

void hlt(void)
{
}

void klog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logged, sizeof(logged), fmt, ap);
	va_end(ap);
}

console_sink_fn console_set_sink(console_sink_fn s)
{
	set_sink_calls++;
	return s;
}

/* ---- helpers ---- */

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++)
		mem[i] = GUARD_CELL;
	vga_init(&v, cells, ATTR);
	logged[0] = '\0';
	set_sink_calls = 0;
	return 0;
}

static void put(const char *s)
{
	vga_write(&v, s, strlen(s));
}

/* Row (r) as text, blanks at its end left out. */
static const char *row(unsigned r)
{
	static char text[VGA_COLS + 1];
	unsigned n = 0;

	for (unsigned c = 0; c < VGA_COLS; c++) {
		uint16_t cell = cells[r * VGA_COLS + c];

		assert_int_equal(cell >> 8, ATTR);
		text[c] = (char)(cell & 0xff);
		if (text[c] != ' ')
			n = c + 1;
	}
	text[n] = '\0';
	return text;
}

static void assert_cursor(unsigned r, unsigned c)
{
	assert_int_equal(v.row, r);
	assert_int_equal(v.col, c);
}

static void assert_guards_intact(void)
{
	for (unsigned i = 0; i < GUARD; i++) {
		assert_int_equal(mem[i], GUARD_CELL);
		assert_int_equal(cells[VGA_ROWS * VGA_COLS + i], GUARD_CELL);
	}
}

/* ---- tests ---- */

static void test_init_clears_and_homes(void **state)
{
	(void)state;
	for (unsigned r = 0; r < VGA_ROWS; r++)
		assert_string_equal(row(r), "");
	assert_int_equal(cells[0], ATTR << 8 | ' ');
	assert_cursor(0, 0);
	assert_guards_intact();
}

static void test_lines(void **state)
{
	(void)state;
	put("mica 0.1\nguest");
	assert_string_equal(row(0), "mica 0.1");
	assert_string_equal(row(1), "guest");
	assert_int_equal(cells[VGA_COLS], ATTR << 8 | 'g');
	assert_cursor(1, 5);
}

static void test_long_line_wraps(void **state)
{
	char line[VGA_COLS + 6];

	(void)state;
	memset(line, 'x', VGA_COLS);
	memcpy(line + VGA_COLS, "12345", 6);
	put(line);
	assert_int_equal(strlen(row(0)), VGA_COLS);
	assert_string_equal(row(1), "12345");
	assert_cursor(1, 5);
}

static void test_full_line_and_newline_make_one_row(void **state)
{
	char line[VGA_COLS + 2];

	(void)state;
	memset(line, 'x', VGA_COLS);
	memcpy(line + VGA_COLS, "\n", 2);
	put(line);
	put("next");
	assert_int_equal(strlen(row(0)), VGA_COLS);
	assert_string_equal(row(1), "next");
	assert_cursor(1, 4);
}

static void test_tab_stops(void **state)
{
	(void)state;
	put("a\tb\t\tc");
	assert_int_equal(cells[8] & 0xff, 'b');
	assert_int_equal(cells[24] & 0xff, 'c');
	assert_cursor(0, 25);
	put("\n\t");
	assert_cursor(1, 8);            /* a tab at a stop goes to the next one */
}

static void test_tab_at_line_end_stops_then_wraps(void **state)
{
	char line[VGA_COLS];

	(void)state;
	memset(line, 'x', VGA_COLS - 2);
	line[VGA_COLS - 2] = '\0';
	put(line);
	put("\t");
	assert_cursor(0, VGA_COLS);     /* not beyond the row */
	put("y");
	assert_string_equal(row(1), "y");
	assert_cursor(1, 1);
	assert_guards_intact();
}

static void test_tab_after_full_line_wraps_first(void **state)
{
	char line[VGA_COLS + 1];

	(void)state;
	memset(line, 'x', VGA_COLS);
	line[VGA_COLS] = '\0';
	put(line);
	put("\tz");
	assert_int_equal(strlen(row(0)), VGA_COLS);
	assert_int_equal(cells[VGA_COLS + 8] & 0xff, 'z');
	assert_cursor(1, 9);
	assert_guards_intact();
}

static void test_backspace_and_return(void **state)
{
	(void)state;
	put("ab\bc");
	assert_string_equal(row(0), "ac");
	assert_cursor(0, 2);
	put("\b\b\b");                  /* stops at column 0 */
	assert_cursor(0, 0);
	put("XYZ\rQ");
	assert_string_equal(row(0), "QYZ");
	assert_cursor(0, 1);
}

static void test_scrolls_past_last_row(void **state)
{
	char line[8];

	(void)state;
	for (unsigned i = 0; i < VGA_ROWS + 2; i++) {
		snprintf(line, sizeof(line), "%u\n", i);
		put(line);
	}
	/* 27 lines and the empty row after the last: the first three went. */
	assert_string_equal(row(0), "3");
	assert_string_equal(row(VGA_ROWS - 2), "26");
	assert_string_equal(row(VGA_ROWS - 1), "");
	assert_cursor(VGA_ROWS - 1, 0);
	put("last");
	assert_string_equal(row(VGA_ROWS - 1), "last");
	assert_guards_intact();
}

static void test_wrap_on_last_row_scrolls(void **state)
{
	char line[VGA_COLS + 3];

	(void)state;
	for (unsigned i = 0; i < VGA_ROWS - 1; i++)
		put("r\n");
	memset(line, 'w', VGA_COLS);
	memcpy(line + VGA_COLS, "ok", 3);
	put(line);
	assert_int_equal(strlen(row(VGA_ROWS - 2)), VGA_COLS);
	assert_string_equal(row(VGA_ROWS - 1), "ok");
	assert_cursor(VGA_ROWS - 1, 2);
	assert_guards_intact();
}

static void test_console_option(void **state)
{
	(void)state;
	assert_int_equal(vga_console_setup("/boot/mica.elf selftest", true), 0);
	assert_int_equal(vga_console_setup("console=serial", true), 0);
	assert_int_equal(set_sink_calls, 0);
	assert_string_equal(logged, "");

	assert_int_equal(vga_console_setup("console=vga", true), -1);
	assert_string_equal(logged, "console=vga: give console=serial or console=serial,vga\n");
	assert_int_equal(vga_console_setup("console=serial,vga,x", true), -1);
	assert_int_equal(set_sink_calls, 0);

	/* A guest under mica: refused with a line, serial stays. */
	assert_int_equal(vga_console_setup("console=serial,vga", false), 0);
	assert_string_equal(logged,
			    "console=serial,vga: no screen under mica, which keeps it; console on serial only\n");
	assert_int_equal(set_sink_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_clears_and_homes, setup),
		cmocka_unit_test_setup(test_lines, setup),
		cmocka_unit_test_setup(test_long_line_wraps, setup),
		cmocka_unit_test_setup(test_full_line_and_newline_make_one_row, setup),
		cmocka_unit_test_setup(test_tab_stops, setup),
		cmocka_unit_test_setup(test_tab_at_line_end_stops_then_wraps, setup),
		cmocka_unit_test_setup(test_tab_after_full_line_wraps_first, setup),
		cmocka_unit_test_setup(test_backspace_and_return, setup),
		cmocka_unit_test_setup(test_scrolls_past_last_row, setup),
		cmocka_unit_test_setup(test_wrap_on_last_row_scrolls, setup),
		cmocka_unit_test_setup(test_console_option, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
