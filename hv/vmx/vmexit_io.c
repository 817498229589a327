/*
 * vmexit_io.c - I/O instruction exits: IN and OUT, and the string forms
 * INS and OUTS with and without REP, each element going to the VM's
 * devices (hv/vdev.c) as a plain IN or OUT would. Guest memory is reached
 * through the guest's own page tables (hv/gwalk.c); a bad address gets
 * the #PF or #GP the CPU would raise.
 *
 * Runs in VMX root after an I/O exit. SDM Vol. 3, "Exit Qualification for
 * I/O Instructions", "VM-Exit Instruction-Information Field" (INS/OUTS);
 * Vol. 2, "INS/INSB/INSW/INSD", "OUTS/OUTSB/OUTSW/OUTSD", "REP".
 */
#include "hv/gwalk.h"
#include "hv/vdev.h"
#include "hv/vmx/vmexit_priv.h"
#include "hv/vmx/vmx.h"
#include "lib/string.h"
#include "lib/x86.h"

/* Instruction information for INS/OUTS ("VM-Exit Instruction-Information
 * Field", table for INS and OUTS). */
#define IO_INFO_ADDR_SIZE(i)    (((i) >> 7) & 7)        /* 0 16-bit, 1 32-bit, 2 64-bit */
#define IO_INFO_SEGMENT(i)      (((i) >> 15) & 7)       /* OUTS: ES, CS, SS, DS, FS, GS */
#define SEG_ES                  0
#define SEG_SS                  2
#define SEG_FS                  4
#define SEG_GS                  5

/* A REP string instruction gives the CPU back after this many elements
 * and resumes where it stopped, as an interrupted REP does. */
#define IO_MAX_ELEMENTS         4096

enum exit_action vmexit_io_plain(struct vcpu *v, uint64_t q)
{
	struct vcpu_regs *r = &v->arch.regs;
	unsigned size = IO_SIZE(q);
	uint16_t port = IO_PORT(q);
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (q & IO_DIRECTION_IN) {
		uint32_t val = vdev_in(vm_of(v), port, size, rdtsc()) & mask;

		/* A 32-bit IN zero-extends into RAX; 8 and 16 bits merge. */
		r->rax = size == 4 ? val : (r->rax & ~(uint64_t)mask) | val;
	} else {
		vdev_out(vm_of(v), port, size, (uint32_t)r->rax & mask, rdtsc());
	}
	return vm_of(v)->state == VM_RUNNING ? RESUME_NEXT : STOP;
}

/* One string instruction in progress. */
struct strio {
	struct vcpu *v;
	struct gwalk_mode mode;
	unsigned access;                /* GWALK_* of the memory operand */
	uint64_t page_la, page_gpa;     /* the last page translated */
	uint64_t fault_la;
	uint32_t fault_error;
};

static void *map_guest(void *ctx, uint64_t gpa, unsigned len)
{
	return gpa_to_hva(ctx, gpa, len);
}

enum xlate { XL_OK, XL_PF, XL_NO_MEMORY };

/* The host pointer of (len) bytes at linear (la) within one page. */
static enum xlate xlate(struct strio *s, uint64_t la, unsigned len, uint8_t **p)
{
	uint64_t page = la & ~0xfffULL, gpa;
	enum gwalk_result r;

	if (page != s->page_la) {
		r = gwalk(&s->mode, page, s->access, map_guest, s->v->vm, &gpa, &s->fault_error);
		if (r == GWALK_FAULT) {
			s->fault_la = la;
			return XL_PF;
		}
		if (r != GWALK_OK)
			return XL_NO_MEMORY;
		s->page_la = page;
		s->page_gpa = gpa;
	}
	*p = gpa_to_hva(s->v->vm, s->page_gpa + (la & 0xfff), len);
	if (!*p) {
		s->fault_la = s->page_gpa + (la & 0xfff);
		return XL_NO_MEMORY;
	}
	return XL_OK;
}

/* The one or two pieces of an element at (la), split at a page boundary. */
static enum xlate element(struct strio *s, uint64_t la, unsigned size, uint8_t *p[2],
			  unsigned *first)
{
	enum xlate x;

	*first = size;
	if ((la & 0xfff) + size > 0x1000)
		*first = 0x1000 - (unsigned)(la & 0xfff);
	x = xlate(s, la, *first, &p[0]);
	if (x == XL_OK && *first < size)
		x = xlate(s, la + *first, size - *first, &p[1]);
	return x;
}

/* What the VMCS says about the guest's paging, for the walker. */
void vmexit_paging_mode(struct gwalk_mode *m)
{
	uint64_t mask0 = vmcs_read(VMCS_CR0_GUEST_HOST_MASK);

	m->cr0 = (vmcs_read(VMCS_GUEST_CR0) & ~mask0) | (vmcs_read(VMCS_CR0_READ_SHADOW) & mask0);
	m->cr0 |= vmcs_read(VMCS_GUEST_CR0) & CR0_PG;
	m->cr3 = vmcs_read(VMCS_GUEST_CR3);
	m->cr4 = vmcs_read(VMCS_GUEST_CR4);
	m->efer = vmcs_read(VMCS_GUEST_IA32_EFER);
	for (unsigned i = 0; i < 4; i++)
		m->pdpte[i] = vmcs_read(VMCS_GUEST_PDPTE0 + 2 * i);
	m->maxphyaddr = vmx.caps.maxphyaddr;
	m->ac = vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_AC;
}

/* (reg) after the instruction changed its low (asize) bytes to (val): a
 * 32-bit result zero-extends, a 16-bit one merges. */
static uint64_t set_part(uint64_t reg, uint64_t val, unsigned asize)
{
	if (asize == 8)
		return val;
	if (asize == 4)
		return (uint32_t)val;
	return (reg & ~0xffffULL) | (val & 0xffff);
}

/* Leave RSI or RDI and RCX where the CPU leaves them after the elements
 * done so far. */
static void write_back(struct vcpu_regs *r, bool in, bool rep, uint64_t idx, uint64_t count,
		       unsigned asize)
{
	if (in)
		r->rdi = set_part(r->rdi, idx, asize);
	else
		r->rsi = set_part(r->rsi, idx, asize);
	if (rep)
		r->rcx = set_part(r->rcx, count, asize);
}

/*
 * INS or OUTS, REP or not. The memory operand is ES:(E)DI for INS and
 * seg:(E)SI for OUTS (segment and address size from the instruction
 * information); RFLAGS.DF says which way it moves; REP counts down
 * (E)CX. Each element is checked in memory first (a fault leaves the
 * registers at that element, as the CPU does), then goes through the
 * port. If a port write put the VM off the CPU (vm->halted, console
 * back-pressure) or stopped it, the REP ends there with the registers
 * where an interrupted REP leaves them, and resumes later.
 */
static enum exit_action string_io(struct vcpu *v, uint64_t q)
{
	struct vm *vm = vm_of(v);
	struct vcpu_regs *r = &v->arch.regs;
	struct strio s = { .v = v, .page_la = ~0ULL };
	bool in = q & IO_DIRECTION_IN, rep = q & IO_REP, long64 = guest_64bit();
	bool down = vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_DF;
	unsigned size = IO_SIZE(q), seg, asize, first, done = 0;
	uint16_t port = IO_PORT(q);
	uint64_t info, amask, idx, count, base, limit, ar, la;
	uint8_t *p[2];
	uint32_t val;

	if (!vmx.ins_outs_info) {
		vm_crash(vm, "string I/O on port 0x%x: this CPU does not describe INS/OUTS in VM "
			 "exits (IA32_VMX_BASIC[54])", port);
		return STOP;
	}
	info = vmcs_read(VMCS_EXIT_INSTRUCTION_INFO);
	asize = 2u << IO_INFO_ADDR_SIZE(info);
	amask = asize == 8 ? ~0ULL : (1ULL << (8 * asize)) - 1;
	seg = in ? SEG_ES : IO_INFO_SEGMENT(info);
	idx = (in ? r->rdi : r->rsi) & amask;
	count = rep ? r->rcx & amask : 1;
	base = vmcs_read(VMCS_GUEST_ES_BASE + 2 * seg);
	limit = vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * seg);
	ar = vmcs_read(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * seg);
	if (long64 && seg != SEG_FS && seg != SEG_GS)
		base = 0;
	vmexit_paging_mode(&s.mode);
	s.access = (in ? GWALK_WRITE : 0) | (guest_cpl() == 3 ? GWALK_USER : 0);

	for (; count > 0 && done < IO_MAX_ELEMENTS; done++) {
		enum xlate x;

		if (long64) {
			la = base + idx;
			if ((uint64_t)((int64_t)(la << 16) >> 16) != la)
				goto gp;
		} else {
			/* Outside 64-bit mode the segment limit applies
			 * (expand-up segments; mica's guests use no other). */
			if ((ar & SEG_AR_UNUSABLE) || idx + size - 1 > limit)
				goto gp;
			la = (uint32_t)(base + idx);
		}
		x = element(&s, la, size, p, &first);
		if (x == XL_PF) {
			write_cr2(s.fault_la);  /* the guest's CR2 is in the CPU */
			inject_exception(VEC_PF, true, s.fault_error);
			break;
		}
		if (x == XL_NO_MEMORY) {
			vm_crash(vm, "string I/O on port 0x%x: guest-physical memory at linear 0x%lx "
				 "is not RAM, guest RIP 0x%lx", port, (unsigned long)la,
				 (unsigned long)vmcs_read(VMCS_GUEST_RIP));
			return STOP;
		}
		if (in) {
			val = vdev_in(vm, port, size, rdtsc());
			memcpy(p[0], &val, first);
			if (first < size)
				memcpy(p[1], (uint8_t *)&val + first, size - first);
		} else {
			val = 0;
			memcpy(&val, p[0], first);
			if (first < size)
				memcpy((uint8_t *)&val + first, p[1], size - first);
			vdev_out(vm, port, size, val, rdtsc());
		}
		idx = (down ? idx - size : idx + size) & amask;
		count--;
		if (vm->halted || vm->state != VM_RUNNING)
			break;
	}
	write_back(r, in, rep, idx, count, asize);
	if (vm->state != VM_RUNNING)
		return STOP;
	if (vmcs_read(VMCS_ENTRY_INTR_INFO) & VMCS_INTR_INFO_VALID)
		return RESUME;          /* the #PF */
	return count > 0 ? RESUME : RESUME_NEXT;
gp:
	write_back(r, in, rep, idx, count, asize);
	inject_exception(seg == SEG_SS ? VEC_SS : VEC_GP, true, 0);
	return RESUME;
}

enum exit_action vmexit_io(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);

	if (q & IO_STRING)
		return string_io(v, q);
	return vmexit_io_plain(v, q);
}
