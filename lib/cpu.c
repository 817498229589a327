/*
 * cpu.c - GDT and TSS of the boot CPU, shared by both kernels.
 *
 * Runs in ring 0 right after boot.S. The TSS matters for three reasons:
 * ring-3 processes need RSP0, #DF needs a known-good stack (IST), and VMX
 * host state requires TR to be a usable 64-bit TSS.
 */
#include "lib/cpu.h"
#include "lib/string.h"
#include "lib/x86.h"

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

static uint64_t gdt[8] __attribute__((aligned(16))) = {
	[GDT_KCODE / 8]   = FLAT | SEG_CODE | SEG_L,
	[GDT_KDATA / 8]   = FLAT | SEG_DB,
	[GDT_UCODE32 / 8] = FLAT | SEG_CODE | SEG_DB | SEG_DPL3,
	[GDT_UDATA / 8]   = FLAT | SEG_DB | SEG_DPL3,
	[GDT_UCODE / 8]   = FLAT | SEG_CODE | SEG_L | SEG_DPL3,
};

static struct tss64 tss __attribute__((aligned(16)));
/* Not cleared at boot (.noinit, linker/kernel.ld.inc): a stack needs no zeroes. */
static uint8_t df_stack[4096] __attribute__((aligned(16), section(".noinit")));

void cpu_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	struct desc_ptr gdtr = { .limit = sizeof(gdt) - 1, .base = (uint64_t)gdt };

	memset(&tss, 0, sizeof(tss));
	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(df_stack + sizeof(df_stack));
	tss.iomap_base = sizeof(tss);   /* no I/O permission bitmap */

	/* A 64-bit TSS descriptor takes two slots: base 63:32 in the second. */
	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   SYS_TSS_AVAIL | SEG_P | ((base >> 24) & 0xff) << 56;
	gdt[GDT_TSS / 8 + 1] = base >> 32;

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
	tss.rsp[0] = rsp0;
}

uint64_t cpu_tss_base(void)
{
	return (uint64_t)&tss;
}

uint64_t cpu_gdt_base(void)
{
	return (uint64_t)gdt;
}
