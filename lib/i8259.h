/*
 * i8259.h - the PC's pair of interrupt controllers (Intel 8259A): ports
 * and command words. Hardware definitions only; the guest kernel programs
 * the real or virtual pair, mica emulates it (hv/vpic.c).
 * Intel 8259A data sheet, "Initialization Command Words", "Operation
 * Command Words".
 */
#ifndef LIB_I8259_H
#define LIB_I8259_H

#define PIC_MASTER_CMD          0x20
#define PIC_MASTER_DATA         0x21
#define PIC_SLAVE_CMD           0xa0
#define PIC_SLAVE_DATA          0xa1
#define PIC_CASCADE_IRQ         2       /* the slave sits on master IRQ2 */

#define ICW1_INIT               0x10    /* a command-port write with bit 4: ICW1 */
#define ICW1_ICW4               0x01    /* ICW4 follows */
#define ICW1_SINGLE             0x02    /* no slave (no ICW3) */
#define ICW4_8086               0x01
#define ICW4_AUTO_EOI           0x02
#define OCW2_EOI                0x20    /* non-specific end of interrupt */
#define OCW2_SPECIFIC           0x40    /* with EOI: the level is in bits 2:0 */
#define OCW3_SELECT             0x08    /* a command-port write with bit 3: OCW3 */
#define OCW3_READ_ISR           0x03    /* next command-port read returns ISR */
#define OCW3_READ_IRR           0x02    /* ... or IRR */

#endif /* LIB_I8259_H */
