/*
 * trap.c - the IDT and the dispatcher behind lib/trapentry.S.
 *
 * Runs in ring 0 of either kernel. Anything without a handler is fatal: the
 * kernel prints what happened, with every register, and ends the run.
 */
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define IDT_VECTORS 256
#define GATE_INTERRUPT 0xe      /* 64-bit interrupt gate: IF cleared on entry */
#define GATE_P (1u << 7)

struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "idt_gate");

extern const uint64_t trap_stubs[IDT_VECTORS];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static trap_handler_fn handlers[IDT_VECTORS];

/* SDM Vol. 3, "Exception and Interrupt Reference". */
static const char *const exception_names[32] = {
	[0] = "divide error (#DE)",         [1] = "debug (#DB)",
	[2] = "NMI",                        [3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",             [5] = "BOUND range exceeded (#BR)",
	[6] = "invalid opcode (#UD)",       [7] = "device not available (#NM)",
	[8] = "double fault (#DF)",         [9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",         [11] = "segment not present (#NP)",
	[12] = "stack fault (#SS)",         [13] = "general protection (#GP)",
	[14] = "page fault (#PF)",          [16] = "x87 FPU error (#MF)",
	[17] = "alignment check (#AC)",     [18] = "machine check (#MC)",
	[19] = "SIMD exception (#XM)",      [20] = "virtualization exception (#VE)",
	[21] = "control protection (#CP)",  [28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",   [30] = "security exception (#SX)",
};

const char *trap_name(unsigned vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector] : "reserved exception";
	return "interrupt";
}

void trap_init(void)
{
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };

	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t off = trap_stubs[v];

		idt[v] = (struct idt_gate){
			.offset_lo = off & 0xffff,
			.selector = GDT_KCODE,
			.ist = v == VEC_DF ? IST_DOUBLE_FAULT : 0,
			.type_attr = GATE_P | GATE_INTERRUPT,
			.offset_mid = (off >> 16) & 0xffff,
			.offset_hi = off >> 32,
		};
	}
	lidt(&idtr);
}

void trap_init_cpu(void *buf)
{
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uint64_t)buf };

	memcpy(buf, idt, sizeof(idt));
	lidt(&idtr);
}

trap_handler_fn trap_set_handler(unsigned vector, trap_handler_fn fn)
{
	trap_handler_fn old = handlers[vector];

	handlers[vector] = fn;
	return old;
}

void trap_dump(const struct trap_frame *tf)
{
	kprintf("%s: %s, vector %lu, error code 0x%lx\n", kernel_name,
		trap_name(tf->vector), tf->vector, tf->error_code);
	kprintf("  RIP %04lx:%016lx  RFLAGS %016lx  RSP %04lx:%016lx\n",
		tf->cs, tf->rip, tf->rflags, tf->ss, tf->rsp);
	kprintf("  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n",
		read_cr0(), read_cr2(), read_cr3(), read_cr4());
	kprintf("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n",
		tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  RSI %016lx  RDI %016lx  RBP %016lx\n", tf->rsi, tf->rdi, tf->rbp);
	kprintf("  R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx\n",
		tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx\n",
		tf->r12, tf->r13, tf->r14, tf->r15);
}

void trap_dispatch(struct trap_frame *tf)
{
	trap_handler_fn fn = handlers[tf->vector & (IDT_VECTORS - 1)];

	if (fn && fn(tf))
		return;
	trap_dump(tf);
	panic("unhandled %s at RIP 0x%lx", trap_name(tf->vector), tf->rip);
}
