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

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "tss64");

/* One CPU's GDT and TSS: each CPU has its own, since a TSS in use is
 * marked busy in the GDT that holds its descriptor. */
struct cpu_tables {
	uint64_t gdt[8];
	struct tss64 tss;
} __attribute__((aligned(16)));

/* Load the boot CPU's GDT and TSS, replacing the boot GDT. Called once, early. */
void cpu_init(void);

/* Fill (t) and load it on this CPU: the same GDT layout as the boot CPU's,
 * a TSS whose #DF stack (IST_DOUBLE_FAULT) ends at (df_stack_top). For a
 * CPU started after the boot CPU. */
void cpu_load_tables(struct cpu_tables *t, uint64_t df_stack_top);

/* Base of the TSS that the GDT at (gdt_base) describes at GDT_TSS: with
 * the current GDTR's base, this CPU's TSS (VMX host state needs it). */
uint64_t cpu_tss_base_of(uint64_t gdt_base);

/* Set the stack the CPU switches to on an interrupt from ring 3. */
void cpu_set_kernel_stack(uint64_t rsp0);

/* Base address of the TSS (VMX host state needs it). */
uint64_t cpu_tss_base(void);

/* Base address and limit of the GDT (VMX host state needs the base). */
uint64_t cpu_gdt_base(void);
#endif

#endif /* LIB_CPU_H */
