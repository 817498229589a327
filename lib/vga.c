/*
 * vga.c - the 80x25 colour text screen (see vga.h): cursor, wrap, tab,
 * scrolling on a buffer of cells, and the console sink that writes the
 * kernel's output to the PC's screen beside COM1.
 *
 * Runs in ring 0, identity-mapped, single CPU. The screen is the one the
 * firmware (or GRUB) left in text mode 3: mica programs no mode. The
 * CRTC's cursor registers: IBM VGA Technical Reference, "CRT Controller
 * Registers", Cursor Location High/Low (indexes 0x0e, 0x0f).
 */
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/vga.h"
#include "lib/x86.h"

#define CRTC_INDEX      0x3d4
#define CRTC_DATA       0x3d5
#define CRTC_CURSOR_HI  0x0e
#define CRTC_CURSOR_LO  0x0f

static uint16_t cell(const struct vga *v, char c)
{
	return (uint16_t)((unsigned)v->attr << 8 | (uint8_t)c);
}

static void clear_row(struct vga *v, unsigned row)
{
	for (unsigned c = 0; c < VGA_COLS; c++)
		v->cells[row * VGA_COLS + c] = cell(v, ' ');
}

void vga_init(struct vga *v, volatile uint16_t *cells, uint8_t attr)
{
	v->cells = cells;
	v->attr = attr;
	v->row = v->col = 0;
	for (unsigned r = 0; r < VGA_ROWS; r++)
		clear_row(v, r);
}

/* The cursor moves to the next line; past the last row the text scrolls.
 * Cell by cell: the buffer is device memory, which memmove may touch in
 * any order and width. */
static void newline(struct vga *v)
{
	v->col = 0;
	if (++v->row < VGA_ROWS)
		return;
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		v->cells[i] = v->cells[i + VGA_COLS];
	clear_row(v, VGA_ROWS - 1);
	v->row = VGA_ROWS - 1;
}

static void put(struct vga *v, char c)
{
	switch (c) {
	case '\n':
		newline(v);
		return;
	case '\r':
		v->col = 0;
		return;
	case '\b':
		if (v->col > 0)
			v->col--;
		return;
	}
	/* A full line wraps only when something is drawn after it, so that
	 * a line of exactly VGA_COLS characters and its '\n' make one line. */
	if (v->col == VGA_COLS)
		newline(v);
	if (c == '\t') {
		/* A tab that reaches the end of the line stops there. */
		do
			v->cells[v->row * VGA_COLS + v->col] = cell(v, ' ');
		while (++v->col % VGA_TAB && v->col < VGA_COLS);
		return;
	}
	v->cells[v->row * VGA_COLS + v->col++] = cell(v, c);
}

void vga_write(struct vga *v, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put(v, buf[i]);
}

/* ---- the console on the real screen ---- */

static struct vga screen;
static bool screen_on;
static console_sink_fn serial_sink;     /* the sink before ours */

/* The blinking cursor where the next character goes (at the end of a
 * full line: the start of the next, where it will go). */
static void move_cursor(void)
{
	unsigned pos = screen.row * VGA_COLS + (screen.col < VGA_COLS ? screen.col : VGA_COLS - 1);

	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, (uint8_t)pos);
}

void vga_console_write(const char *buf, size_t len)
{
	if (!screen_on)
		return;
	vga_write(&screen, buf, len);
	move_cursor();
}

static void tee_sink(const char *buf, size_t len)
{
	serial_sink(buf, len);
	vga_console_write(buf, len);
}

int vga_console_setup(const char *cmdline, bool has_screen)
{
	char val[CMDLINE_VAL_MAX];

	if (!cmdline_get(cmdline, "console", val, sizeof(val)) || strcmp(val, "serial") == 0)
		return 0;
	if (strcmp(val, "serial,vga") != 0) {
		klog("console=%s: give console=serial or console=serial,vga\n", val);
		return -1;
	}
	if (!has_screen) {
		klog("console=serial,vga: no screen under mica, which keeps it; console on serial only\n");
		return 0;
	}
	if (screen_on)
		return 0;
	vga_init(&screen, (volatile uint16_t *)(uintptr_t)VGA_TEXT_PA, VGA_ATTR_DEFAULT);
	screen_on = true;
	move_cursor();
	serial_sink = console_set_sink(tee_sink);
	return 0;
}

void vga_console_report(void)
{
	char row[VGA_COLS + 1];
	unsigned n = 0, pos;

	if (!screen_on)
		return;
	for (unsigned c = 0; c < VGA_COLS; c++) {
		row[c] = (char)(screen.cells[c] & 0xff);
		if (row[c] != ' ')
			n = c + 1;
	}
	row[n] = '\0';
	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	pos = (unsigned)inb(CRTC_DATA) << 8;
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	pos |= inb(CRTC_DATA);
	klog("screen: row 0 '%s', cursor at row %u column %u\n", row, pos / VGA_COLS, pos % VGA_COLS);
}
