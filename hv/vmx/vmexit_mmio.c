/*
 * vmexit_mmio.c - EPT violations: guest accesses to guest-physical
 * addresses that EPT does not map to RAM; and APIC-access exits, the
 * accesses to the local APIC's page where the CPU virtualizes it
 * (hv/vmx/apic_access.c). The instruction at RIP is
 * fetched through the guest's own page tables (hv/gwalk.c) and decoded
 * (MOV between memory and a register, eAX or an immediate, MOVZX from
 * memory)
 * and carried out: in the local APIC's page on the vCPU's APIC
 * (hv/vdev.c); anywhere else as a PC's bus answers an address no device
 * decodes, reads all ones and writes dropped (KVM emulates MMIO to
 * nothing the same way), counted on the VM's stop line. An instruction
 * fetch, a page walk or an event delivery through such an address, or an
 * instruction this decoder does not know stops the VM with one line.
 *
 * Runs in VMX root after an EPT-violation or APIC-access exit. SDM Vol. 3,
 * "EPT Violations", "Exit Qualification for EPT Violations", "APIC-Access
 * VM Exits"; Vol. 2,
 * "Instruction Format" (prefixes, REX, ModR/M, SIB, displacement,
 * immediate), "MOV", "MOVZX".
 */
#include "hv/gwalk.h"
#include "hv/rip.h"
#include "hv/vdev.h"
#include "hv/vmx/apic_access.h"
#include "hv/vmx/vmexit_priv.h"
#include "hv/vmx/vmx_vcpu.h"
#include "lib/string.h"
#include "lib/x86.h"

#define INSN_MAX        15      /* the longest x86 instruction */
#define REX_W           8
#define REX_R           4

/* One decoded memory access. */
struct access {
	unsigned len;           /* instruction bytes */
	unsigned size;          /* memory operand bytes: 1, 2, 4 or 8 */
	unsigned reg_size;      /* register operand bytes (MOVZX widens) */
	unsigned reg;           /* register operand, numbered as vmexit_get_gpr */
	bool high_byte;         /* AH, CH, DH or BH */
	bool write;
	bool imm;               /* the value written is an immediate */
	uint64_t value;         /* the immediate */
};

/* Decode the instruction in (b[0..n)) in 64-bit mode (long64) or with
 * 32-bit (def32) or 16-bit default sizes. Returns 0, or -1 for what
 * this decoder does not know (including 16-bit addressing). */
static int decode(const uint8_t *b, unsigned n, bool long64, bool def32, struct access *x)
{
	unsigned i = 0, rex = 0, op, modrm, mod, rm, disp = 0, imm = 0, opsize;
	bool op_ovr = false, addr_ovr = false;

	for (; i < n; i++) {
		if (b[i] == 0x66)
			op_ovr = true;
		else if (b[i] == 0x67)
			addr_ovr = true;
		else if (b[i] != 0x26 && b[i] != 0x2e && b[i] != 0x36 && b[i] != 0x3e &&
			 b[i] != 0x64 && b[i] != 0x65)
			break;
	}
	if (!long64 && def32 == addr_ovr)
		return -1;                      /* 16-bit addressing */
	if (long64 && i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	opsize = rex & REX_W ? 8 : (def32 || long64) != op_ovr ? 4 : 2;
	if (i >= n)
		return -1;
	memset(x, 0, sizeof(*x));
	op = b[i++];
	switch (op) {
	case 0x88: x->write = true; x->size = 1; break;
	case 0x89: x->write = true; x->size = opsize; break;
	case 0x8a: x->size = 1; break;
	case 0x8b: x->size = opsize; break;
	case 0xc6: x->write = x->imm = true; x->size = 1; imm = 1; break;
	case 0xc7: x->write = x->imm = true; x->size = opsize; imm = opsize == 2 ? 2 : 4; break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* MOV AL/eAX to or from a memory offset: no ModR/M, the
		 * offset is as wide as an address. */
		x->write = op & 2;
		x->size = op & 1 ? opsize : 1;
		x->reg_size = x->size;
		x->len = i + (long64 && !addr_ovr ? 8 : 4);
		return x->len > n ? -1 : 0;
	case 0x0f:
		if (i >= n || (b[i] != 0xb6 && b[i] != 0xb7))
			return -1;
		x->size = b[i++] == 0xb6 ? 1 : 2;
		x->reg_size = opsize;
		break;
	default:
		return -1;
	}
	if (!x->reg_size)
		x->reg_size = x->size;
	if (i >= n)
		return -1;
	modrm = b[i++];
	mod = modrm >> 6;
	rm = modrm & 7;
	x->reg = ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
	if (mod == 3 || (x->imm && ((modrm >> 3) & 7)))
		return -1;                      /* no memory operand, or not MOV */
	if (x->size == 1 && !x->imm && !rex && x->reg >= 4 && x->reg < 8) {
		x->high_byte = true;            /* AH, CH, DH, BH */
		x->reg -= 4;
	}
	if (rm == 4) {
		if (i >= n)
			return -1;
		if (mod == 0 && (b[i] & 7) == 5)
			disp = 4;
		i++;
	}
	if (mod == 0 && rm == 5)
		disp = 4;                       /* disp32, or RIP-relative */
	else if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	i += disp;
	if (i + imm > n)
		return -1;
	for (unsigned k = 0; k < imm; k++)
		x->value |= (uint64_t)b[i + k] << (8 * k);
	if (imm == 4 && x->size == 8)
		x->value = (uint64_t)(int64_t)(int32_t)x->value;
	x->len = i + imm;
	return 0;
}

static void *map_guest(void *ctx, uint64_t gpa, unsigned len)
{
	return gpa_to_hva(ctx, gpa, len);
}

/* Copy up to INSN_MAX bytes at CS:RIP into (b): as many as guest RAM
 * holds, through the guest's paging. Returns the count. */
static unsigned fetch(struct vcpu *v, uint8_t *b, bool long64)
{
	struct gwalk_mode m;
	uint64_t la = vmcs_read(VMCS_GUEST_CS_BASE) + vmcs_read(VMCS_GUEST_RIP), gpa = 0;
	uint64_t page = 1;              /* no page translated yet */
	uint32_t err;
	unsigned n;

	vmexit_paging_mode(&m);
	for (n = 0; n < INSN_MAX; n++, la++) {
		const uint8_t *p;

		if (!long64)
			la = (uint32_t)la;
		if ((la & ~0xfffULL) != page) {
			page = la & ~0xfffULL;
			if (gwalk(&m, page, GWALK_FETCH | (guest_cpl() == 3 ? GWALK_USER : 0),
				  map_guest, vm_of(v), &gpa, &err) != GWALK_OK)
				break;
		}
		p = gpa_to_hva(vm_of(v), gpa + (la & 0xfff), 1);
		if (!p)
			break;
		b[n] = *p;
	}
	return n;
}

/* (reg) after a read of (val), (size) bytes, into its low part: a 32-bit
 * result zero-extends, 8- and 16-bit ones merge (AH..BH: bits 15:8). */
static uint64_t merge(uint64_t reg, uint64_t val, unsigned size, bool high)
{
	if (high)
		return (reg & ~0xff00ULL) | ((val & 0xff) << 8);
	if (size >= 4)
		return size == 4 ? (uint32_t)val : val;
	return size == 2 ? (reg & ~0xffffULL) | (val & 0xffff) : (reg & ~0xffULL) | (val & 0xff);
}

static enum exit_action stop(struct vcpu *v, const char *exit, const char *kind, uint64_t gpa,
			     const char *why)
{
	if (vlapic_mmio(&v->lapic, gpa))
		vm_crash(vm_of(v), "%s: %s at guest-physical 0x%lx (its local APIC), guest RIP "
			 "0x%lx: %s", exit, kind, (unsigned long)gpa,
			 (unsigned long)vmcs_read(VMCS_GUEST_RIP), why);
	else
		vm_crash(vm_of(v), "%s: %s at guest-physical 0x%lx (outside its %lu MiB of RAM, "
			 "no device there), guest RIP 0x%lx: %s", exit, kind, (unsigned long)gpa,
			 (unsigned long)(vm_of(v)->mem_bytes >> 20),
			 (unsigned long)vmcs_read(VMCS_GUEST_RIP), why);
	return STOP;
}

/*
 * Carry out the instruction at RIP, which read (or, if (write), wrote)
 * guest-physical (gpa): on the APIC if it decodes the address, else as
 * the bus answers nothing. Returns NULL after skipping the instruction,
 * or why it cannot be emulated (the VM is then stopped by the caller).
 */
static const char *emulate(struct vcpu *v, uint64_t gpa, bool write)
{
	struct vm *vm = vm_of(v);
	bool long64 = guest_64bit();
	bool def32 = vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & SEG_AR_DB;
	uint64_t mask, val = 0;
	uint8_t b[INSN_MAX];
	struct access x;
	uint32_t v32;
	unsigned n;

	n = fetch(v, b, long64);
	if (decode(b, n, long64, def32, &x) || x.write != write || ((gpa & 0xfff) + x.size > 0x1000))
		return "an instruction mica does not emulate there";
	mask = x.size == 8 ? ~0ULL : (1ULL << (8 * x.size)) - 1;
	if (vlapic_mmio(&v->lapic, gpa) && x.size <= 4) {
		vmx_vcpu_tpr_pull(v);
		if (x.write) {
			val = x.imm ? x.value : vmexit_get_gpr(v, x.reg) >> (x.high_byte ? 8 : 0);
			vdev_apic_write(vm, gpa, x.size, (uint32_t)(val & mask), rdtsc());
			vmx_vcpu_tpr_push(v);
		} else {
			vdev_apic_read(vm, gpa, x.size, &v32, rdtsc());
			val = v32;
		}
	} else if (x.write) {
		vm->unbacked_writes++;
	} else {
		vm->unbacked_reads++;
		val = mask;
	}
	if (!x.write)
		vmexit_set_gpr(v, x.reg, merge(vmexit_get_gpr(v, x.reg), val & mask,
					       x.reg_size, x.high_byte));
	vmexit_skip(x.len);
	return NULL;
}

enum exit_action vmexit_ept_violation(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
	const char *kind = q & EPT_VIOLATION_DATA_WRITE ? "write" :
			   q & EPT_VIOLATION_INSN_FETCH ? "instruction fetch" : "read";
	const char *why;

	if (q & EPT_VIOLATION_INSN_FETCH)
		return stop(v, "EPT violation", kind, gpa, "code cannot run there");
	if ((q & EPT_VIOLATION_GLA_VALID) && !(q & EPT_VIOLATION_GLA_TRANSLATED))
		return stop(v, "EPT violation", kind, gpa, "its page tables point there");
	/* The CPU was delivering an event (its IDT, GDT or stack lies
	 * there): the instruction at RIP did not make the access. */
	if (vmcs_read(VMCS_IDT_VECTORING_INFO) & VMCS_INTR_INFO_VALID)
		return stop(v, "EPT violation", kind, gpa, "an event was being delivered through it");
	why = emulate(v, gpa, q & EPT_VIOLATION_DATA_WRITE);
	if (why)
		return stop(v, "EPT violation", kind, gpa, why);
	/* The APIC's page, where the CPU can virtualize it: from now on its
	 * accesses exit as APIC accesses. */
	if (vlapic_mmio(&v->lapic, gpa))
		vmx_apic_access_map(v, gpa);
	return RESUME;
}

/* An access to the APIC-access page, which EPT maps only where the APIC
 * decodes its address: emulated as the EPT-violation path would. */
enum exit_action vmexit_apic_access(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	uint64_t gpa = v->arch.apic_access_gpa + APIC_ACCESS_OFFSET(q);
	unsigned type = APIC_ACCESS_TYPE(q);
	const char *kind = type == APIC_ACCESS_LINEAR_WRITE ? "write" : "read";
	const char *why;

	if (type != APIC_ACCESS_LINEAR_READ && type != APIC_ACCESS_LINEAR_WRITE)
		return stop(v, "APIC access", type == APIC_ACCESS_LINEAR_FETCH ? "instruction fetch" :
			    "access", v->arch.apic_access_gpa,
			    type == APIC_ACCESS_LINEAR_EVENT || type == APIC_ACCESS_PHYS_EVENT ?
			    "an event was being delivered through it" :
			    "its page tables point there");
	why = emulate(v, gpa, type == APIC_ACCESS_LINEAR_WRITE);
	return why ? stop(v, "APIC access", kind, gpa, why) : RESUME;
}
