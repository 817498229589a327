/*
 * fault.c - a fault while delivering another, by the SDM's table
 * ("Conditions for Generating a Double Fault", Vol. 3, "Interrupt and
 * Exception Handling"): a contributory fault during a contributory
 * one's delivery is a double fault; during a benign one's it is simply
 * delivered. The first fault is one a hypervisor raises for the guest
 * (#GP for XSETBV of an XCR0 without x87, #UD for VMXON), so that its injection is
 * what the table is checked on. With `then-triple-fault` or `then-halt`
 * on the command line, the kernel ends by the one or the other (vpc.c).
 *
 * Then events whose delivery pushes its frame on a stack in a page of RAM
 * nothing has touched yet: under a hypervisor that backs guest RAM on
 * first touch, that delivery is cut by a VM exit (IDT-vectoring
 * information) and must be delivered again, once, with the same vector,
 * error code and saved EIP (SDM Vol. 3, "Information for VM Exits That
 * Occur During Event Delivery"). Bare, the page is just RAM; the frame
 * must be the same.
 */
#include "lib/multiboot.h"
#include "lib/string.h"
#include "lib/x86_regs.h"
#include "tests/vpc/vpc.h"

#define VEC_UD          6
#define VEC_DF          8
#define VEC_NP          11
#define VEC_GP          13
#define ERR_EXT         0x1     /* error code: event external to the program */
#define ERR_IDT         0x2     /* error code: the selector indexes the IDT */

/* The first fault's gate not present: its delivery raises #NP. */
static const char *contributory_during_contributory_double_faults(void)
{
	uint32_t cr4 = cr4_get();
	int faulted;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return "SKIP: no XSAVE, so no XSETBV";
	cr4_set(cr4 | CR4_OSXSAVE);
	vpc_gate(VEC_GP, false);
	faulted = vpc_xsetbv(0, 0);
	vpc_gate(VEC_GP, true);
	cr4_set(cr4);
	if (!faulted)
		return "XSETBV of XCR0 = 0 did not fault";
	if (vpc_fault_vector != VEC_DF || vpc_fault_error != 0)
		return vpc_why("#GP through a not-present gate gave vector %u error 0x%x, want "
			       "#DF (8) with error 0", vpc_fault_vector, vpc_fault_error);
	return 0;
}

static void vmxon(void)
{
	static uint64_t region __attribute__((aligned(4096)));

	__asm__ volatile("movl $1f, vpc_fixup\n\tvmxon %0\n1:\tmovl $0, vpc_fixup"
			 : : "m"(region) : "memory");
}

static const char *contributory_during_benign_delivered(void)
{
	vpc_fault_vector = 0xff;
	vpc_gate(VEC_UD, false);
	vmxon();
	vpc_gate(VEC_UD, true);
	/* EXT is left out: QEMU's software CPU does not set it. */
	if (vpc_fault_vector != VEC_NP || (vpc_fault_error & ~ERR_EXT) != (VEC_UD << 3 | ERR_IDT))
		return vpc_why("#UD through a not-present gate gave vector %u error 0x%x, want "
			       "#NP (11) with error 0x%x", vpc_fault_vector, vpc_fault_error,
			       VEC_UD << 3 | ERR_IDT);
	return 0;
}

#define VEC_DB          1
#define VEC_BP          3
#define VEC_INTN        0x40    /* INT n, a software interrupt */
#define VEC_IPI         0x41    /* a self-IPI, an external interrupt */
#define SEL_BAD         0x1230  /* GDT index 0x246, past the GDT's limit */
/* EFLAGS' system bits an event leaves as they were: TF, IF, IOPL, NT, VM, AC. */
#define EFLAGS_SYSTEM   0x67300u
#define EFLAGS_IF       0x200u
#define EFLAGS_TF       0x100u
#define FRESH_PAGES     6

extern char image_end[];                /* vpc.ld: the end of the image, .bss included */

/* What the handler saw: how often it ran, and its frame. */
static volatile uint32_t seen_count, seen_vector, seen_error, seen_eip, seen_cs, seen_eflags,
	seen_frame;
/* Where a fault's handler resumes (an INT's saved EIP is already there). */
static volatile uint32_t resume_eip;
/* The fresh pages: the middle of the largest RAM region past the image. */
static uint32_t fresh_base;

static void record(struct vpc_frame *f)
{
	seen_count++;
	seen_vector = f->vector;
	seen_error = f->error;
	seen_eip = f->eip;
	seen_cs = f->cs;
	seen_eflags = f->eflags;
	seen_frame = (uint32_t)(uintptr_t)&f->eip;
	if (resume_eip)
		f->eip = resume_eip;
	f->eflags &= ~EFLAGS_TF;
	if (f->vector == VEC_IPI)
		apic_write(APIC_EOI, 0);
}

/* A page of RAM that nothing has written: page (i) of FRESH_PAGES in the
 * middle of the largest available region of the memory map above the
 * image (the loader puts its own data next to the image or at the ends). */
static uint32_t fresh_page(unsigned i)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)vpc_mbi;
	uint32_t end = (uint32_t)(uintptr_t)image_end, off = 0;
	uint64_t best = 0, best_lo = 0;

	if (!fresh_base && (mbi->flags & MULTIBOOT_INFO_MEM_MAP)) {
		while (off + sizeof(struct multiboot_mmap_entry) <= mbi->mmap_length) {
			const struct multiboot_mmap_entry *e =
				(const void *)(uintptr_t)(mbi->mmap_addr + off);
			uint64_t lo = e->addr > end ? e->addr : end, hi = e->addr + e->len;

			if (e->type == MULTIBOOT_MEMORY_AVAILABLE && hi > lo && hi - lo > best &&
			    hi <= 0x100000000ull) {
				best = hi - lo;
				best_lo = lo;
			}
			off += e->size + sizeof(e->size);
		}
		if (best >= 4 * FRESH_PAGES * 4096)
			fresh_base = (uint32_t)((best_lo + best / 2) & ~0xfffull);
	}
	return fresh_base ? fresh_base + i * 4096 : 0;
}

/* Labels of the events' instructions (the saved EIP each must push). */
extern char rd_ud[], rd_ud_after[], rd_gp[], rd_gp_after[], rd_bp_after[], rd_intn_after[],
	rd_hlt_after[], rd_step_after[];
static volatile uint32_t saved_esp;

/* (code) with ESP at (top), the end of a fresh page (%0); (before) runs
 * first, on the kernel's stack. ESP comes back from saved_esp. */
#define ON_FRESH_STACK(before, code)						\
	__asm__ volatile("movl %%esp, saved_esp\n\t" before "movl %0, %%esp\n"	\
			 code "\n\tmovl saved_esp, %%esp"				\
			 : : "r"(top), "r"(SEL_BAD) : "memory")

/* Run event (which) with its frame going to (top). */
static void run_on(uint32_t top, unsigned which)
{
	switch (which) {
	case VEC_UD:
		ON_FRESH_STACK("", "rd_ud:\tud2\nrd_ud_after:");
		break;
	case VEC_GP:
		ON_FRESH_STACK("", "rd_gp:\tmovw %w1, %%fs\nrd_gp_after:");
		break;
	case VEC_BP:
		ON_FRESH_STACK("", "int3\nrd_bp_after:");
		break;
	case VEC_INTN:
		ON_FRESH_STACK("", "int $0x40\nrd_intn_after:");
		break;
	case VEC_DB:
		/* TF set by POPF traps after the next instruction, the one that
		 * moves ESP: a trap, so no instruction would raise it again. */
		ON_FRESH_STACK("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t", "rd_step_after:");
		break;
	case VEC_IPI:
		/* The IPI waits in the IRR until STI; HLT's shadow lets it in
		 * only after HLT, so the saved EIP is the next instruction. */
		ON_FRESH_STACK("", "sti\n\thlt\nrd_hlt_after:\tcli");
		break;
	}
}

/* Event (vector) raised with its frame going to fresh page (page): the
 * handler ran once, with (error) and saved EIP (eip), the frame at the
 * top of that page, CS and EFLAGS as they were. */
static const char *redelivered(unsigned page, unsigned vector, uint32_t error, uint32_t eip,
			       uint32_t resume)
{
	uint32_t base = fresh_page(page), flags;

	if (!base)
		return "no RAM region in the memory map large enough for the fresh pages";
	seen_count = 0;
	seen_vector = seen_error = seen_eip = seen_frame = 0xffffffffu;
	resume_eip = resume;
	vpc_handle(vector, record);
	__asm__ volatile("pushfl; popl %0" : "=r"(flags));
	run_on(base + 4096, vector);
	vpc_handle(vector, 0);
	resume_eip = 0;
	if (seen_count != 1)
		return vpc_why("the handler of vector %u ran %u times, want once", vector, seen_count);
	if (seen_vector != vector || seen_error != error)
		return vpc_why("vector %u error 0x%x, want vector %u error 0x%x", seen_vector,
			       seen_error, vector, error);
	if (seen_eip != eip)
		return vpc_why("saved EIP 0x%x, want 0x%x", seen_eip, eip);
	if (seen_frame != base + 4096 - 12)
		return vpc_why("the saved EIP at 0x%x, want 0x%x (the top of the fresh stack)",
			       seen_frame, base + 4096 - 12);
	/* IF was set only for the interrupt, by STI; TF for the trap. */
	flags = (flags & EFLAGS_SYSTEM) | (vector == VEC_IPI ? EFLAGS_IF : 0) |
		(vector == VEC_DB ? EFLAGS_TF : 0);
	if (seen_cs != 0x08 || (seen_eflags & EFLAGS_SYSTEM) != flags)
		return vpc_why("saved CS 0x%x EFLAGS 0x%x, want CS 0x08 and system flags 0x%x",
			       seen_cs, seen_eflags, flags);
	return 0;
}

static const char *ud_on_fresh_stack_delivered_once(void)
{
	return redelivered(0, VEC_UD, 0, (uint32_t)(uintptr_t)rd_ud,
			   (uint32_t)(uintptr_t)rd_ud_after);
}

static const char *gp_error_code_on_fresh_stack_delivered_once(void)
{
	return redelivered(1, VEC_GP, SEL_BAD, (uint32_t)(uintptr_t)rd_gp,
			   (uint32_t)(uintptr_t)rd_gp_after);
}

static const char *int3_on_fresh_stack_delivered_once(void)
{
	return redelivered(2, VEC_BP, 0, (uint32_t)(uintptr_t)rd_bp_after, 0);
}

static const char *int_n_on_fresh_stack_delivered_once(void)
{
	return redelivered(3, VEC_INTN, 0, (uint32_t)(uintptr_t)rd_intn_after, 0);
}

/* A trap raises no instruction again: lost unless delivered again. */
static const char *single_step_on_fresh_stack_delivered_once(void)
{
	return redelivered(5, VEC_DB, 0, (uint32_t)(uintptr_t)rd_step_after, 0);
}

static const char *self_ipi_on_fresh_stack_delivered_once(void)
{
	/* The 8259As masked for good: the firmware's timer on IRQ0 would come in at
	 * STI (as vector 8, the PIC not remapped). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
	apic_write(APIC_ICR_HIGH, 0);
	apic_write(APIC_ICR_LOW, APIC_ICR_SELF | APIC_DM_FIXED | VEC_IPI);
	if (!apic_bit(APIC_IRR, VEC_IPI))
		return "the self-IPI is not pending in the IRR";
	return redelivered(4, VEC_IPI, 0, (uint32_t)(uintptr_t)rd_hlt_after, 0);
}

/* ---- Page faults in the table ---------------------------------------------
 * With paging on (32-bit, identity: 4 KiB pages in the first 4 MiB, 4 MiB
 * pages above), a page fault as first or second fault: a #PF during a
 * #PF's delivery or a contributory fault during a #PF's delivery is a
 * double fault; a #PF during a contributory fault's delivery is simply
 * delivered. The first fault is again one a hypervisor raises: the #PF
 * of an OUTSB whose source page is not present (a hypervisor that
 * emulates string I/O walks the guest's page tables itself), or the #GP
 * of XSETBV. The second comes from an IDT that straddles two pages, one
 * of them not present: entries 0-13 on the first, 14-255 on the second. */

#define VEC_PF          14
#define PTE_P           0x1u
#define PTE_W           0x2u
#define PDE_PS          0x80u
#define POST_PORT       0x80    /* an ISA port no device of a PC answers */

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));
/* [0] and [1]: the IDT's two pages; [2]: the OUTSB's source. */
static uint8_t pf_pages[3][4096] __attribute__((aligned(4096)));

struct __attribute__((packed)) idtr { uint16_t limit; uint32_t base; };

static uint32_t cr0_get(void)
{
	uint32_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static void cr0_set(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static void present(void *page, bool on)
{
	uint32_t i = (uint32_t)(uintptr_t)page >> 12;

	pt[i] = on ? pt[i] | PTE_P : pt[i] & ~PTE_P;
	__asm__ volatile("invlpg (%0)" : : "r"(page) : "memory");
}

/* Paging on, the IDT at the seam of pf_pages[0] and [1]; (old) gets the
 * IDTR to restore. */
static void paging_on(struct idtr *old)
{
	struct idtr moved = { 256 * 8 - 1, (uint32_t)(uintptr_t)pf_pages[1] - VEC_PF * 8 };

	for (uint32_t i = 0; i < 1024; i++) {
		pt[i] = i << 12 | PTE_P | PTE_W;
		pd[i] = i << 22 | PTE_P | PTE_W | PDE_PS;
	}
	pd[0] = (uint32_t)(uintptr_t)pt | PTE_P | PTE_W;
	__asm__ volatile("sidt %0" : "=m"(*old));
	memcpy((void *)(uintptr_t)moved.base, (const void *)(uintptr_t)old->base, 256 * 8);
	__asm__ volatile("lidt %0" : : "m"(moved));
	cr4_set(cr4_get() | CR4_PSE);
	__asm__ volatile("mov %0, %%cr3" : : "r"(pd) : "memory");
	cr0_set(cr0_get() | CR0_PG);
}

static void paging_off(const struct idtr *old)
{
	cr0_set(cr0_get() & ~CR0_PG);
	__asm__ volatile("lidt %0" : : "m"(*old));
	for (unsigned i = 0; i < 3; i++)
		pt[((uint32_t)(uintptr_t)pf_pages[i]) >> 12] |= PTE_P;
}

/* OUTSB of one byte from pf_pages[2]: 0 if it ran, -1 if it faulted. */
static int outsb_probe(void)
{
	uint32_t fault = 1, esi = (uint32_t)(uintptr_t)pf_pages[2], ecx = 1;

	__asm__ volatile("movl $1f, vpc_fixup\n\trep outsb\n\tmovl $0, %0\n1:\tmovl $0, vpc_fixup"
			 : "+m"(fault), "+S"(esi), "+c"(ecx) : "d"(POST_PORT) : "memory");
	return fault ? -1 : 0;
}

static const char *want_double_fault(int faulted, const char *what)
{
	if (!faulted)
		return vpc_why("%s did not fault", what);
	if (vpc_fault_vector != VEC_DF || vpc_fault_error != 0)
		return vpc_why("%s: vector %u error 0x%x, want #DF (8) with error 0", what,
			       vpc_fault_vector, vpc_fault_error);
	return 0;
}

static const char *contributory_during_page_fault_double_faults(void)
{
	struct idtr old;
	int faulted;

	paging_on(&old);
	present(pf_pages[2], false);
	__asm__ volatile("lidt %0" : : "m"(old));       /* the IDT whose gates vpc_gate sets */
	vpc_gate(VEC_PF, false);
	faulted = outsb_probe();
	vpc_gate(VEC_PF, true);
	paging_off(&old);
	return want_double_fault(faulted, "OUTSB from a page not present, #PF's gate not present,");
}

static const char *page_fault_during_page_fault_double_faults(void)
{
	struct idtr old;
	int faulted;

	paging_on(&old);
	present(pf_pages[2], false);
	present(pf_pages[1], false);
	faulted = outsb_probe();
	paging_off(&old);
	return want_double_fault(faulted, "OUTSB from a page not present, #PF's gate on a page not present,");
}

static const char *page_fault_during_contributory_delivered(void)
{
	uint32_t cr4 = cr4_get(), cr2, gate = (uint32_t)(uintptr_t)pf_pages[1] - VEC_PF * 8 + VEC_GP * 8;
	struct idtr old;
	int faulted;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return "SKIP: no XSAVE, so no XSETBV";
	cr4_set(cr4 | CR4_OSXSAVE);
	paging_on(&old);
	present(pf_pages[0], false);
	faulted = vpc_xsetbv(0, 0);
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	paging_off(&old);
	cr4_set(cr4);
	if (!faulted)
		return "XSETBV of XCR0 = 0 did not fault";
	if (vpc_fault_vector != VEC_PF || vpc_fault_error != 0 || cr2 != gate)
		return vpc_why("#GP with its gate on a page not present gave vector %u error 0x%x CR2 0x%x, "
			       "want #PF (14) error 0 CR2 0x%x", vpc_fault_vector, vpc_fault_error, cr2, gate);
	return 0;
}

const struct vpc_test vpc_tests[] = {
	{ "contributory_during_contributory_double_faults",
	  contributory_during_contributory_double_faults },
	{ "contributory_during_benign_delivered", contributory_during_benign_delivered },
	{ "contributory_during_page_fault_double_faults",
	  contributory_during_page_fault_double_faults },
	{ "page_fault_during_page_fault_double_faults", page_fault_during_page_fault_double_faults },
	{ "page_fault_during_contributory_delivered", page_fault_during_contributory_delivered },
	{ "ud_on_fresh_stack_delivered_once", ud_on_fresh_stack_delivered_once },
	{ "gp_error_code_on_fresh_stack_delivered_once",
	  gp_error_code_on_fresh_stack_delivered_once },
	{ "int3_on_fresh_stack_delivered_once", int3_on_fresh_stack_delivered_once },
	{ "int_n_on_fresh_stack_delivered_once", int_n_on_fresh_stack_delivered_once },
	{ "single_step_on_fresh_stack_delivered_once", single_step_on_fresh_stack_delivered_once },
	{ "self_ipi_on_fresh_stack_delivered_once", self_ipi_on_fresh_stack_delivered_once },
};
const unsigned vpc_ntests = sizeof(vpc_tests) / sizeof(vpc_tests[0]);
