/*
 * cpu.h - the boot CPU's descriptor tables: GDT with a 64-bit TSS, shared by
 * both kernels. The selectors are laid out for SYSCALL/SYSRET (STAR) and
 * for VMX host state, which needs a non-null TR.
 * SDM Vol. 3, "Segment Descriptor Tables", "Task Management in 64-bit Mode".
 */
#ifndef LIB_CPU_H
#define LIB_CPU_H

#define GDT_KCODE   0x08        /* 64-bit code, DPL 0 (boot.S uses it too) */
#define GDT_KDATA   0x10        /* data, DPL 0 */
#define GDT_UCODE32 0x18        /* 32-bit code, DPL 3: SYSRET's STAR base */
#define GDT_UDATA   0x20        /* data, DPL 3 (STAR base + 8) */
#define GDT_UCODE   0x28        /* 64-bit code, DPL 3 (STAR base + 16) */
#define GDT_TSS     0x30        /* 64-bit TSS, two slots */

#define IST_DOUBLE_FAULT 1      /* #DF runs on its own stack */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Load mica's GDT and TSS, replacing the boot GDT. Called once, early. */
void cpu_init(void);

/* Set the stack the CPU switches to on an interrupt from ring 3. */
void cpu_set_kernel_stack(uint64_t rsp0);

/* Base address of the TSS (VMX host state needs it). */
uint64_t cpu_tss_base(void);

/* Base address and limit of the GDT (VMX host state needs the base). */
uint64_t cpu_gdt_base(void);
#endif

#endif /* LIB_CPU_H */
