/*
 * cpu.c - GDT and TSS of each CPU, shared by both kernels (the guest
 * kernel and mica's boot CPU use the static boot_tables).
 *
 * Runs in ring 0 right after boot.S. The TSS matters for three reasons:
 * ring-3 processes need RSP0, #DF needs a known-good stack (IST), and VMX
 * host state requires TR to be a usable 64-bit TSS.
 */
#include "lib/cpu.h"
#include "lib/string.h"
#include "lib/x86.h"

/* Code/data descriptor attribute bits: SDM Vol. 3, "Segment Descriptors". */
#define SEG_ACCESSED  (1ULL << 40)
#define SEG_RW        (1ULL << 41)      /* data writable / code readable */
#define SEG_CODE      (1ULL << 43)
#define SEG_S         (1ULL << 44)      /* code or data, not system */
#define SEG_DPL3      (3ULL << 45)
#define SEG_P         (1ULL << 47)
#define SEG_L         (1ULL << 53)      /* 64-bit code */
#define SEG_DB        (1ULL << 54)      /* 32-bit default size */
#define SEG_G         (1ULL << 55)      /* limit in 4 KiB units */
#define SEG_LIMIT_4G  (0xffffULL | (0xfULL << 48))
#define SYS_TSS_AVAIL (9ULL << 40)      /* 64-bit TSS, available */

#define FLAT (SEG_LIMIT_4G | SEG_G | SEG_P | SEG_S | SEG_RW | SEG_ACCESSED)

static const uint64_t gdt_layout[8] = {
	[GDT_KCODE / 8]   = FLAT | SEG_CODE | SEG_L,
	[GDT_KDATA / 8]   = FLAT | SEG_DB,
	[GDT_UCODE32 / 8] = FLAT | SEG_CODE | SEG_DB | SEG_DPL3,
	[GDT_UDATA / 8]   = FLAT | SEG_DB | SEG_DPL3,
	[GDT_UCODE / 8]   = FLAT | SEG_CODE | SEG_L | SEG_DPL3,
};

static struct cpu_tables boot_tables;
/* Not cleared at boot (.noinit, linker/kernel.ld.inc): a stack needs no zeroes. */
static uint8_t df_stack[4096] __attribute__((aligned(16), section(".noinit")));

void cpu_init(void)
{
	cpu_load_tables(&boot_tables, (uint64_t)(df_stack + sizeof(df_stack)));
}

void cpu_load_tables(struct cpu_tables *t, uint64_t df_stack_top)
{
	uint64_t base = (uint64_t)&t->tss, limit = sizeof(t->tss) - 1;
	struct desc_ptr gdtr = { .limit = sizeof(t->gdt) - 1, .base = (uint64_t)t->gdt };

	memcpy(t->gdt, gdt_layout, sizeof(t->gdt));
	memset(&t->tss, 0, sizeof(t->tss));
	t->tss.ist[IST_DOUBLE_FAULT - 1] = df_stack_top;
	t->tss.iomap_base = sizeof(t->tss);     /* no I/O permission bitmap */

	/* A 64-bit TSS descriptor takes two slots: base 63:32 in the second. */
	t->gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			      SYS_TSS_AVAIL | SEG_P | ((base >> 24) & 0xff) << 56;
	t->gdt[GDT_TSS / 8 + 1] = base >> 32;

	lgdt(&gdtr);
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %[ds], %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		: : [cs] "i"(GDT_KCODE), [ds] "i"(GDT_KDATA) : "rax", "memory");
	ltr(GDT_TSS);
}

void cpu_set_kernel_stack(uint64_t rsp0)
{
	boot_tables.tss.rsp[0] = rsp0;
}

uint64_t cpu_tss_base(void)
{
	return (uint64_t)&boot_tables.tss;
}

uint64_t cpu_gdt_base(void)
{
	return (uint64_t)boot_tables.gdt;
}

uint64_t cpu_tss_base_of(uint64_t gdt_base)
{
	const uint64_t *d = (const uint64_t *)(uintptr_t)gdt_base + GDT_TSS / 8;

	return ((d[0] >> 16) & 0xffffff) | ((d[0] >> 56) & 0xff) << 24 | d[1] << 32;
}
