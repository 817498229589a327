/*
 * i8254.h - the PC's programmable interval timer (Intel 8254): ports and
 * control-word fields. Hardware definitions only; the guest kernel drives
 * the real or virtual one, mica emulates it (hv/vpit.c).
 * Intel 82C54 data sheet, "Control Word Format"; the PC's port 0x61.
 */
#ifndef LIB_I8254_H
#define LIB_I8254_H

#define PIT_HZ                  1193182 /* input clock of every PC's PIT */
#define PIT_CH0                 0x40
#define PIT_CH1                 0x41
#define PIT_CH2                 0x42
#define PIT_CONTROL             0x43
#define   PIT_SEL_SHIFT         6       /* bits 7:6: channel, 3 = read-back */
#define   PIT_ACCESS_SHIFT      4       /* bits 5:4: */
#define   PIT_ACCESS_LATCH      0       /*   counter latch command */
#define   PIT_ACCESS_LO         1       /*   low byte only */
#define   PIT_ACCESS_HI         2       /*   high byte only */
#define   PIT_ACCESS_LOHI       3       /*   low byte, then high byte */
#define   PIT_MODE_SHIFT        1       /* bits 3:1: */
#define   PIT_MODE_ONESHOT      0       /*   interrupt on terminal count */
#define   PIT_MODE_RATE         2       /*   rate generator */
#define   PIT_MODE_SQUARE       3       /*   square wave */
#define PIT_CONTROL_WORD(ch, access, mode) \
	(((ch) << PIT_SEL_SHIFT) | ((access) << PIT_ACCESS_SHIFT) | ((mode) << PIT_MODE_SHIFT))

#define SYS_CTRL_B              0x61    /* PC system control port B */
#define   SYS_CTRL_B_GATE2      0x01    /* channel 2 counts while set */
#define   SYS_CTRL_B_SPEAKER    0x02    /* channel 2 output to the speaker */
#define   SYS_CTRL_B_OUT2       0x20    /* channel 2 output (read-only) */

#endif /* LIB_I8254_H */
