/*
 * apic.h - the local APIC in xAPIC mode: register offsets in its 4 KiB
 * page and their fields. Hardware definitions only; mica emulates the
 * APIC (hv/vlapic.c), test kernels program the real or virtual one.
 * SDM Vol. 3, "Advanced Programmable Interrupt Controller (APIC)",
 * table "Local APIC Register Address Map" and the register figures.
 */
#ifndef LIB_APIC_H
#define LIB_APIC_H

#include "lib/bits.h"

#define APIC_DEFAULT_BASE       0xfee00000u
#define APIC_PAGE_SIZE          0x1000u

/* Local APIC Register Address Map (offsets; each register 16-byte aligned) */
#define APIC_ID                 0x020   /* bits 31:24 */
#define   APIC_ID_SHIFT         24
#define APIC_VERSION            0x030
#define   APIC_VERSION_MAX_LVT_SHIFT 16 /* bits 23:16: number of LVT entries - 1 */
#define APIC_TPR                0x080   /* task priority */
#define APIC_APR                0x090   /* arbitration priority */
#define APIC_PPR                0x0a0   /* processor priority */
#define APIC_EOI                0x0b0
#define APIC_RRD                0x0c0   /* remote read */
#define APIC_LDR                0x0d0   /* logical destination, bits 31:24 */
#define APIC_DFR                0x0e0   /* destination format, bits 31:28 */
#define   APIC_DFR_FLAT         0xffffffffu
#define APIC_SVR                0x0f0   /* spurious-interrupt vector */
#define   APIC_SVR_ENABLE       BIT(8)  /* APIC software enable */
#define   APIC_SVR_FOCUS_OFF    BIT(9)  /* focus processor checking disabled */
#define APIC_ISR                0x100   /* 8 registers, 0x100-0x170 */
#define APIC_TMR                0x180   /* 8 registers, 0x180-0x1f0 */
#define APIC_IRR                0x200   /* 8 registers, 0x200-0x270 */
#define APIC_ESR                0x280   /* error status */
#define   APIC_ESR_SEND_ILLEGAL_VECTOR    BIT(5)
#define   APIC_ESR_RECEIVE_ILLEGAL_VECTOR BIT(6)
#define   APIC_ESR_ILLEGAL_REGISTER       BIT(7)
#define APIC_LVT_CMCI           0x2f0
#define APIC_ICR_LOW            0x300   /* interrupt command */
#define APIC_ICR_HIGH           0x310   /* bits 31:24: destination */
#define   APIC_ICR_DEST_SHIFT   24
#define APIC_LVT_TIMER          0x320
#define APIC_LVT_THERMAL        0x330
#define APIC_LVT_PERF           0x340
#define APIC_LVT_LINT0          0x350
#define APIC_LVT_LINT1          0x360
#define APIC_LVT_ERROR          0x370
#define APIC_TIMER_INITIAL      0x380
#define APIC_TIMER_CURRENT      0x390
#define APIC_TIMER_DIVIDE       0x3e0   /* bits 3, 1:0 */
#define   APIC_DIVIDE_1         0xb
#define   APIC_DIVIDE_2         0x0
#define   APIC_DIVIDE_16        0x3

/* Fields of the LVT entries and the ICR (figures "Local Vector Table" and
 * "Interrupt Command Register") */
#define APIC_VECTOR_MASK        0xffu
#define APIC_DELIVERY_SHIFT     8       /* bits 10:8 */
#define APIC_DELIVERY_MASK      (7u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_FIXED         (0u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_LOWEST        (1u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_SMI           (2u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_NMI           (4u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_INIT          (5u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_STARTUP       (6u << APIC_DELIVERY_SHIFT)
#define   APIC_DM_EXTINT        (7u << APIC_DELIVERY_SHIFT)
#define APIC_ICR_DEST_LOGICAL   BIT(11)
#define APIC_DELIVERY_PENDING   BIT(12) /* read-only: send pending */
#define APIC_LVT_POLARITY_LOW   BIT(13)
#define APIC_LVT_REMOTE_IRR     BIT(14) /* read-only */
#define APIC_ICR_LEVEL_ASSERT   BIT(14)
#define APIC_TRIGGER_LEVEL      BIT(15)
#define APIC_LVT_MASKED         BIT(16)
#define APIC_ICR_SHORTHAND_SHIFT 18     /* bits 19:18 */
#define APIC_ICR_SHORTHAND_MASK (3u << APIC_ICR_SHORTHAND_SHIFT)
#define   APIC_ICR_DEST_FIELD   (0u << APIC_ICR_SHORTHAND_SHIFT)
#define   APIC_ICR_SELF         (1u << APIC_ICR_SHORTHAND_SHIFT)
#define   APIC_ICR_ALL_INCL_SELF (2u << APIC_ICR_SHORTHAND_SHIFT)
#define   APIC_ICR_ALL_EXCL_SELF (3u << APIC_ICR_SHORTHAND_SHIFT)
#define APIC_TIMER_MODE_SHIFT   17      /* bits 18:17 */
#define APIC_TIMER_MODE_MASK    (3u << APIC_TIMER_MODE_SHIFT)
#define   APIC_TIMER_ONESHOT    (0u << APIC_TIMER_MODE_SHIFT)
#define   APIC_TIMER_PERIODIC   (1u << APIC_TIMER_MODE_SHIFT)
#define   APIC_TIMER_TSC_DEADLINE (2u << APIC_TIMER_MODE_SHIFT)

#define APIC_FIRST_LEGAL_VECTOR 16      /* vectors 0-15 are illegal */

#endif /* LIB_APIC_H */
