/*
 * vga.h - the PC's 80x25 colour text screen as a second console, beside
 * COM1: the text logic on any buffer of cells (unit-tested on the host),
 * and the console sink that tees the kernel's output to the real screen
 * at 0xB8000 when the command line asks for it (console=serial,vga).
 */
#ifndef LIB_VGA_H
#define LIB_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_TEXT_PA 0xb8000     /* colour text mode's buffer (mode 3) */
#define VGA_TAB 8               /* tab stops every 8 columns */
/* A cell is (attribute << 8) | character; light grey on black. */
#define VGA_ATTR_DEFAULT 0x07

/* A text screen: (cells) holds VGA_ROWS * VGA_COLS cells, row by row. */
struct vga {
	volatile uint16_t *cells;
	unsigned row, col;      /* the cursor: where the next character goes */
	uint8_t attr;
};

/* Take (cells) as the screen of (v) and clear it; the cursor goes home. */
void vga_init(struct vga *v, volatile uint16_t *cells, uint8_t attr);

/*
 * Write (len) bytes of (buf) at the cursor. '\n' starts the next line,
 * '\r' returns to column 0, '\t' moves to the next tab stop (at most to
 * the end of the line), '\b' moves back one column within the line
 * (erasing nothing); a line longer than VGA_COLS wraps. Past the last
 * row, the screen scrolls up one line and the last row is cleared.
 * Other bytes are drawn as they are (code page 437).
 */
void vga_write(struct vga *v, const char *buf, size_t len);

/*
 * `console=serial` (the default) or `console=serial,vga` on (cmdline):
 * with vga, the screen at VGA_TEXT_PA is cleared and every console byte
 * goes to it too, after the serial sink in place now; the hardware cursor
 * follows through the CRTC's ports 0x3d4/0x3d5. (has_screen) false: this
 * kernel has no screen (a guest under mica); vga is then refused with a
 * line and the console stays serial. Returns 0, or -1 for a value it does
 * not know (one line printed; the console is unchanged).
 */
int vga_console_setup(const char *cmdline, bool has_screen);

/* Write (len) bytes of (buf) to the screen only, if vga_console_setup()
 * turned it on; nothing otherwise. For output that reaches COM1 another
 * way (the container host's process lines). */
void vga_console_write(const char *buf, size_t len);

/* With the screen on, one line read back from the hardware: row 0 of the
 * screen's memory and the cursor as the CRTC holds it, e.g.
 * "<kernel>: screen: row 0 'mica 0.1: ...', cursor at row 12 column 0".
 * The kernels print it with `selftest`, so a test can see what the screen
 * shows; nothing when the screen is off. */
void vga_console_report(void);

#endif /* LIB_VGA_H */
