/*
 * vpc.c - the library of the virtual-PC test kernels: COM1 output and
 * KTAP, GDT/TSS/IDT, fault probes, interrupt hooks. Entered from
 * entry.S in 32-bit protected mode with paging off; runs each test of
 * the kernel's table, then exits through port 0xf4 (QEMU's
 * isa-debug-exit): 0 if every test passed or was skipped, 1 otherwise.
 */
#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/i8254.h"
#include "lib/i8259.h"
#include "lib/multiboot.h"
#include "lib/string.h"
#include "tests/vpc/vpc.h"

#define COM1            0x3f8
#define COM1_LSR        (COM1 + 5)
#define LSR_THR_EMPTY   0x20
#define EXIT_PORT       0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900
#define MULTIBOOT_MAGIC 0x2BADB002

/* GDT: null, ring-0 code and data, ring-3 code and data, TSS. */
#define SEL_KCODE       0x08
#define SEL_TSS         0x28

volatile uint32_t vpc_fault_vector, vpc_fault_error, vpc_fault_eflags;
volatile uint32_t vpc_fixup, vpc_user_fixup;
uint32_t vpc_mbi;

static uint64_t gdt[6];
static uint32_t tss[26];                /* 32-bit TSS: ESP0 at 4, SS0 at 8 */
static uint64_t idt[256];
static void (*handlers[256])(struct vpc_frame *f);
extern char vpc_stubs[];                /* entry.S: 256 stubs, 16 bytes apart */
extern char trap_stack_top[];

static void putc_com1(void *ctx, char c)
{
	if (c == '\n')
		putc_com1(ctx, '\r');
	while (!(inb(COM1_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1, (uint8_t)c);
}

void vpc_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(putc_com1, 0, fmt, ap);
	va_end(ap);
}

const char *vpc_why(const char *fmt, ...)
{
	static char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* Port 0xf4 ends a QEMU run with (code); Bochs, which logs that write,
 * powers off on "Shutdown" written to its port 0x8900. */
static void vpc_exit(unsigned code)
{
	/* The line tells QEMU's exit status 1 (code 0) from a failure of QEMU. */
	vpc_printf("vpc: exit code %u\n", code);
	outb(EXIT_PORT, (uint8_t)code);
	for (const char *p = "Shutdown"; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* A flat 4 GiB segment descriptor of (type) and privilege (dpl). */
static uint64_t segment(unsigned type, unsigned dpl)
{
	return 0x00cf00000000ffffull | ((uint64_t)(0x90 | (dpl << 5) | type) << 40);
}

static void setup_cpu(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } p;
	uint32_t t = (uint32_t)(uintptr_t)tss;

	gdt[1] = segment(0xa, 0);               /* code, readable */
	gdt[2] = segment(0x2, 0);               /* data, writable */
	gdt[3] = segment(0xa, 3);
	gdt[4] = segment(0x2, 3);
	gdt[5] = (sizeof(tss) - 1) | ((uint64_t)(t & 0xffffff) << 16) |
		 (0x89ull << 40) | ((uint64_t)(t >> 24) << 56);
	tss[1] = (uint32_t)(uintptr_t)trap_stack_top;
	tss[2] = 0x10;
	p.limit = sizeof(gdt) - 1;
	p.base = (uint32_t)(uintptr_t)gdt;
	__asm__ volatile("lgdt %0; ljmp %1, $1f; 1:" : : "m"(p), "i"(SEL_KCODE));
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss; mov %0, %%fs; mov %0, %%gs"
			 : : "r"(0x10));
	__asm__ volatile("ltr %0" : : "r"((uint16_t)SEL_TSS));

	for (unsigned v = 0; v < 256; v++) {
		uint32_t h = (uint32_t)(uintptr_t)(vpc_stubs + 16 * v);

		/* Interrupt gates, DPL 0: IF clear in every handler. */
		idt[v] = (h & 0xffff) | ((uint64_t)SEL_KCODE << 16) | (0x8eull << 40) |
			 ((uint64_t)(h >> 16) << 48);
	}
	p.limit = sizeof(idt) - 1;
	p.base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(p));
}

void vpc_gate(unsigned vector, bool present)
{
	if (present)
		idt[vector & 255] |= 1ull << 47;
	else
		idt[vector & 255] &= ~(1ull << 47);
}

void vpc_handle(unsigned vector, void (*fn)(struct vpc_frame *f))
{
	handlers[vector & 255] = fn;
}

void vpc_trap(struct vpc_frame *f)
{
	if (handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	if (f->vector < 32 && (vpc_fixup || vpc_user_fixup)) {
		vpc_fault_vector = f->vector;
		vpc_fault_error = f->error;
		vpc_fault_eflags = f->eflags;
		if (vpc_fixup) {
			f->eip = vpc_fixup;
		} else {
			f->eip = vpc_user_fixup;
			f->cs = SEL_KCODE;      /* back to ring 0; user_back resets ESP */
		}
		vpc_fixup = vpc_user_fixup = 0;
		return;
	}
	vpc_printf("# unexpected %s %u at EIP 0x%x (error 0x%x)\n",
		   f->vector < 32 ? "exception" : "interrupt", f->vector, f->eip, f->error);
	vpc_printf("not ok - the kernel stopped at an unexpected event\n");
	vpc_exit(2);
}

/* The probes: the fault handler resumes at the label after the
 * instruction, with the registers as they were before it. */
int vpc_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0, fault = 1;

	__asm__ volatile("movl $1f, vpc_fixup\n\trdmsr\n\tmovl $0, %2\n1:\tmovl $0, vpc_fixup"
			 : "+a"(lo), "+d"(hi), "+m"(fault) : "c"(msr) : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return fault ? -1 : 0;
}

/* WRMSR and XSETBV both take ECX and EDX:EAX. */
#define WRITE_PROBE(name, insn)							\
int name(uint32_t ecx, uint64_t val)						\
{										\
	uint32_t fault = 1;							\
										\
	__asm__ volatile("movl $1f, vpc_fixup\n\t" insn "\n\tmovl $0, %0\n1:\tmovl $0, vpc_fixup" \
			 : "+m"(fault) : "c"(ecx), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) \
			 : "memory");						\
	return fault ? -1 : 0;							\
}
WRITE_PROBE(vpc_wrmsr, "wrmsr")
WRITE_PROBE(vpc_xsetbv, "xsetbv")

bool vpc_wait(volatile uint32_t *flag, uint32_t want, uint64_t tsc_budget)
{
	uint64_t end = rdtsc() + tsc_budget;

	while (*flag < want)
		if (rdtsc() > end)
			return false;
	return true;
}

void vpc_delay(uint64_t tsc)
{
	uint64_t end = rdtsc() + tsc;

	while (rdtsc() < end)
		pause();
}

/* Is (word) one of the words of (line)? */
static bool has_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = line; *p; p++)
		if ((p == line || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/*
 * `then-halt`: HLT with interrupts off and nothing left to wake the CPU;
 * `then-wait`: HLT with interrupts on, the 8259As masked, the PIT running
 * behind the mask and the APIC timer off: nothing can interrupt it;
 * `then-triple-fault`: an exception with an empty IDT, whose #GP and
 * then #DF have no gate either. Neither returns on a PC: a line after
 * either says the CPU went on.
 */
static void end_as_asked(const char *cmdline)
{
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } none = { 0, 0 };

	if (has_word(cmdline, "then-halt")) {
		vpc_printf("# HLT with interrupts off, nothing to wake it\n");
		__asm__ volatile("cli; hlt");
		vpc_printf("# woke up from HLT with interrupts off\n");
	}
	if (has_word(cmdline, "then-wait")) {
		vpc_printf("# HLT with interrupts on, every interrupt source masked\n");
		outb(PIC_MASTER_DATA, 0xff);
		outb(PIC_SLAVE_DATA, 0xff);
		outb(PIT_CONTROL, PIT_CONTROL_WORD(0, PIT_ACCESS_LOHI, PIT_MODE_RATE));
		outb(PIT_CH0, 0);
		outb(PIT_CH0, 0x10);
		apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
		apic_write(APIC_TIMER_INITIAL, 0);
		__asm__ volatile("sti; hlt; cli");
		vpc_printf("# woke up from HLT with every interrupt source masked\n");
	}
	if (has_word(cmdline, "then-triple-fault")) {
		vpc_printf("# a triple fault: an exception with an empty IDT\n");
		__asm__ volatile("lidt %0; int3" : : "m"(none));
		vpc_printf("# went on after a triple fault\n");
	}
}

void vpc_main(uint32_t magic, uint32_t mbi)
{
	const struct multiboot_info *info = (const void *)(uintptr_t)mbi;
	unsigned failed = 0;

	vpc_mbi = mbi;
	setup_cpu();
	vpc_printf("KTAP version 1\n");
	vpc_printf("# a virtual-PC test kernel, entered at 0x%x with the multiboot information at 0x%x\n",
		   (uint32_t)(uintptr_t)vpc_main, mbi);
	/* The command line as the loader gave it, whole: the scenarios check
	 * that a VM's is what a boot loader gives a kernel. */
	if (magic == MULTIBOOT_MAGIC && (info->flags & MULTIBOOT_INFO_CMDLINE))
		vpc_printf("# command line: '%s'\n", (const char *)(uintptr_t)info->cmdline);
	vpc_printf("1..%u\n", vpc_ntests + 1);
	vpc_printf("%s 1 - multiboot_entry\n", magic == MULTIBOOT_MAGIC ? "ok" : "not ok");
	failed += magic != MULTIBOOT_MAGIC;
	for (unsigned i = 0; i < vpc_ntests; i++) {
		const char *why = vpc_tests[i].fn();

		if (!why) {
			vpc_printf("ok %u - %s\n", i + 2, vpc_tests[i].name);
		} else if (why[0] == 'S' && why[1] == 'K' && why[2] == 'I' && why[3] == 'P') {
			vpc_printf("ok %u - %s # %s\n", i + 2, vpc_tests[i].name, why);
		} else {
			vpc_printf("# %s: %s\n", vpc_tests[i].name, why);
			vpc_printf("not ok %u - %s\n", i + 2, vpc_tests[i].name);
			failed++;
		}
	}
	vpc_printf("# %u failed\n", failed);
	if (magic == MULTIBOOT_MAGIC && (info->flags & MULTIBOOT_INFO_CMDLINE))
		end_as_asked((const char *)(uintptr_t)info->cmdline);
	vpc_exit(failed ? 1 : 0);
}

/* 64-bit division for lib/fmt.c's %llu and %llx: 32-bit code has no
 * instruction for it, and these kernels link no libgcc. Shift and
 * subtract, one quotient bit a step. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}
