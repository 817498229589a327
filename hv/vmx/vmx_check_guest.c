/*
 * vmx_check_guest.c - the guest-state half of vmx_check_state(): mica's
 * software check of the guest-state area before the first VM entry. Runs
 * in VMX root, and on the host in unit tests against a fake VMCS.
 * SDM Vol. 3, "Checks on the Guest State Area".
 *
 * Skipped, because mica never enables the feature (the CPU still checks):
 * IA32_PERF_GLOBAL_CTRL, IA32_BNDCFGS, IA32_RTIT_CTL, IA32_LBR_CTL, CET and
 * shadow-stack state (S_CET, SSP), PKRS, UINV, SMM (SMBASE, entry to SMM),
 * enclave interruption and RTM debugging, and the VMCS link pointer's
 * target, since mica requires the pointer to be unused.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_check_priv.h"
#include "hv/vmx/vmx_controls.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

/* Reserved bits of a present PAE page-directory-pointer-table entry below
 * bit 12 (SDM Vol. 3, table "Format of a PAE Page-Directory-Pointer-Table
 * Entry (PDPTE)"); the bits at and above MAXPHYADDR are reserved too. */
#define PDPTE_P                 BIT(0)
#define PDPTE_RESERVED_LOW      (BIT(1) | BIT(2) | BIT(5) | BIT(6) | BIT(7) | BIT(8))

/* The guest segment registers, in the order of the VMCS fields. */
enum { ES, CS, SS, DS, FS, GS, LDTR, TR, NSEG };

/* The four VMCS fields of each register. */
static const struct seg_fields {
	const char *name;
	uint32_t sel, base, limit, ar;
} seg_fields[NSEG] = {
#define SEG(r) [r] = { #r, VMCS_GUEST_##r##_SELECTOR, VMCS_GUEST_##r##_BASE, \
		       VMCS_GUEST_##r##_LIMIT, VMCS_GUEST_##r##_ACCESS_RIGHTS }
	SEG(ES), SEG(CS), SEG(SS), SEG(DS), SEG(FS), SEG(GS), SEG(LDTR), SEG(TR),
#undef SEG
};

struct seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit;
	uint32_t ar;            /* SEG_AR_* */
};

/* The guest state that several rule groups look at, read once. */
struct guest {
	uint64_t cr0, cr4, rflags;
	uint32_t activity, intr;        /* activity and interruptibility state */
	struct seg seg[NSEG];
};

static unsigned seg_type(const struct seg *s) { return s->ar & SEG_AR_TYPE_MASK; }
static unsigned seg_dpl(const struct seg *s) { return (s->ar >> SEG_AR_DPL_SHIFT) & 3; }
static unsigned seg_rpl(const struct seg *s) { return s->sel & SEL_RPL_MASK; }
static bool usable(const struct seg *s) { return !(s->ar & SEG_AR_UNUSABLE); }

/* The event VM entry injects, if it is of interruption type (type). */
static bool injecting(const struct check *c, unsigned type)
{
	return (c->intr_info & VMCS_INTR_INFO_VALID) && VMCS_INTR_INFO_TYPE(c->intr_info) == type;
}

/*
 * Control registers, DR7 and the MSRs VM entry loads. With unrestricted
 * guest the guest may run unpaged or in real mode, so CR0.PE and CR0.PG are
 * free, but paging still needs protection. IA-32e mode needs PAE paging,
 * and EFER, when loaded, must say the same as the IA-32e mode control.
 */
static void check_guest_cr_msr(struct check *c, const struct guest *g)
{
	const struct vmx_caps *k = c->caps;
	uint64_t skip = CR0_NW | CR0_CD;        /* VM entry leaves these alone */
	uint64_t v;

	section(c, "Checks on Guest Control Registers, Debug Registers, and MSRs");
	if (c->unrestricted)
		skip |= CR0_PE | CR0_PG;        /* real mode and unpaged protected mode */
	check_fixed(c, VMCS_GUEST_CR0, g->cr0, k->cr0_fixed0, k->cr0_fixed1, skip, "CR0");
	if ((g->cr0 & CR0_PG) && !(g->cr0 & CR0_PE))
		fail(c, VMCS_GUEST_CR0, g->cr0, "CR0.PG set without CR0.PE");
	check_fixed(c, VMCS_GUEST_CR4, g->cr4, k->cr4_fixed0, k->cr4_fixed1, 0, "CR4");
	if ((g->cr4 & CR4_CET) && !(g->cr0 & CR0_WP))
		fail(c, VMCS_GUEST_CR4, g->cr4, "CR4.CET set without CR0.WP");
	if (c->entry & VM_ENTRY_LOAD_DEBUG_CONTROLS) {
		if ((v = rd(c, VMCS_GUEST_IA32_DEBUGCTL)) & DEBUGCTL_RESERVED)
			fail(c, VMCS_GUEST_IA32_DEBUGCTL, v, "IA32_DEBUGCTL reserved bits set");
		if ((v = rd(c, VMCS_GUEST_DR7)) >> 32)
			fail(c, VMCS_GUEST_DR7, v, "DR7 bits 63:32 set");
	}
	if (c->ia32e) {
		if (!(g->cr0 & CR0_PG))
			fail(c, VMCS_GUEST_CR0, g->cr0, "IA-32e mode guest without CR0.PG");
		if (!(g->cr4 & CR4_PAE))
			fail(c, VMCS_GUEST_CR4, g->cr4, "IA-32e mode guest without CR4.PAE");
	} else if (g->cr4 & CR4_PCIDE) {
		fail(c, VMCS_GUEST_CR4, g->cr4, "CR4.PCIDE set outside IA-32e mode");
	}
	if (!phys_ok(c, v = rd(c, VMCS_GUEST_CR3)))
		fail(c, VMCS_GUEST_CR3, v, "CR3 beyond the physical-address width");
	if (!canonical(v = rd(c, VMCS_GUEST_IA32_SYSENTER_ESP)))
		fail(c, VMCS_GUEST_IA32_SYSENTER_ESP, v, "IA32_SYSENTER_ESP not canonical");
	if (!canonical(v = rd(c, VMCS_GUEST_IA32_SYSENTER_EIP)))
		fail(c, VMCS_GUEST_IA32_SYSENTER_EIP, v, "IA32_SYSENTER_EIP not canonical");
	if ((c->entry & VM_ENTRY_LOAD_PAT) && !pat_ok(v = rd(c, VMCS_GUEST_IA32_PAT)))
		fail(c, VMCS_GUEST_IA32_PAT, v, "IA32_PAT holds a reserved memory type");
	/* Without "load IA32_EFER" VM entry derives EFER.LMA and LME from the
	 * IA-32e mode control itself, so there is nothing to disagree. */
	if (c->entry & VM_ENTRY_LOAD_EFER) {
		v = rd(c, VMCS_GUEST_IA32_EFER);
		if (v & EFER_RESERVED)
			fail(c, VMCS_GUEST_IA32_EFER, v, "IA32_EFER reserved bits set");
		if (!!(v & EFER_LMA) != c->ia32e)
			fail(c, VMCS_GUEST_IA32_EFER, v,
			     "EFER.LMA differs from VM_ENTRY_IA32E_MODE_GUEST");
		if ((g->cr0 & CR0_PG) && !!(v & EFER_LMA) != !!(v & EFER_LME))
			fail(c, VMCS_GUEST_IA32_EFER, v,
			     "EFER.LMA differs from EFER.LME with CR0.PG set");
	}
}

/* Virtual-8086 mode: every segment is what a real-mode load would make
 * it: base = selector * 16, 64 KiB, read/write data at ring 3. */
static void check_v86_segments(struct check *c, const struct guest *g)
{
	for (int i = ES; i <= GS; i++) {
		const struct seg *s = &g->seg[i];
		const struct seg_fields *f = &seg_fields[i];

		if (s->base != (uint64_t)s->sel << 4)
			fail(c, f->base, s->base, "%s base not selector * 16 in virtual-8086 mode",
			     f->name);
		if (s->limit != 0xffff)
			fail(c, f->limit, s->limit, "%s limit not 0xffff in virtual-8086 mode",
			     f->name);
		if (s->ar != 0xf3)
			fail(c, f->ar, s->ar, "%s access rights not 0xf3 in virtual-8086 mode",
			     f->name);
	}
}

/* What every checked segment shares: P, reserved bits, G against limit. */
static void check_ar_common(struct check *c, const struct guest *g, int i)
{
	const struct seg *s = &g->seg[i];
	const struct seg_fields *f = &seg_fields[i];
	bool g_bit = s->ar & SEG_AR_G;

	if (!(s->ar & SEG_AR_P))
		fail(c, f->ar, s->ar, "%s.P clear", f->name);
	if (s->ar & (SEG_AR_RESERVED_11_8 | SEG_AR_RESERVED_31_17))
		fail(c, f->ar, s->ar, "%s access-rights reserved bits 11:8 or 31:17 set", f->name);
	/* Byte granularity reaches 1 MiB at most; page granularity always
	 * ends at a page's last byte. */
	if (((s->limit & 0xfff) != 0xfff && g_bit) || ((s->limit >> 20) != 0 && !g_bit))
		fail(c, f->limit, s->limit, "%s limit does not fit %s.G=%u",
		     f->name, f->name, (unsigned)g_bit);
}

/*
 * The type and S bit of CS, SS, DS, ES, FS, GS outside virtual-8086 mode:
 * CS must be code (or, for an unrestricted guest, the data segment real mode
 * leaves behind), SS writable data, the others readable. An unusable
 * register is not checked, except CS, which is always in use.
 */
static void check_code_data_segment(struct check *c, const struct guest *g, int i)
{
	const struct seg *s = &g->seg[i];
	const struct seg_fields *f = &seg_fields[i];
	unsigned type = seg_type(s);

	if (i != CS && !usable(s))
		return;
	if (i == CS) {
		if (type != 9 && type != 11 && type != 13 && type != 15 &&
		    !(type == 3 && c->unrestricted))
			fail(c, f->ar, s->ar, "CS type %u not an accessed code segment", type);
		if (c->ia32e && (s->ar & SEG_AR_L) && (s->ar & SEG_AR_DB))
			fail(c, f->ar, s->ar, "CS.L and CS.D/B both set in IA-32e mode");
	} else if (i == SS) {
		if (type != 3 && type != 7)
			fail(c, f->ar, s->ar, "SS type %u not a read/write accessed data segment",
			     type);
	} else if (!(type & SEG_TYPE_ACCESSED)) {
		fail(c, f->ar, s->ar, "%s type %u not accessed", f->name, type);
	} else if ((type & SEG_TYPE_CODE) && !(type & SEG_TYPE_READABLE)) {
		fail(c, f->ar, s->ar, "%s type %u is execute-only code", f->name, type);
	}
	if (!(s->ar & SEG_AR_S))
		fail(c, f->ar, s->ar, "%s.S clear (system segment)", f->name);
	check_ar_common(c, g, i);
}

/*
 * The privilege levels of CS, SS, DS, ES, FS, GS outside virtual-8086
 * mode. SS.DPL is the CPL, so the SS rules hold even for an unusable SS;
 * non-conforming code runs at exactly the CPL, conforming code at or below
 * it. Real mode (CR0.PE = 0) runs at CPL 0.
 */
static void check_dpl(struct check *c, const struct guest *g)
{
	const struct seg *cs = &g->seg[CS], *ss = &g->seg[SS];
	unsigned cs_type = seg_type(cs);

	if (cs_type == 3 && seg_dpl(cs) != 0)
		fail(c, VMCS_GUEST_CS_ACCESS_RIGHTS, cs->ar, "CS.DPL not 0 with CS type 3");
	if ((cs_type == 9 || cs_type == 11) && seg_dpl(cs) != seg_dpl(ss))
		fail(c, VMCS_GUEST_CS_ACCESS_RIGHTS, cs->ar,
		     "CS.DPL %u differs from SS.DPL %u for non-conforming code",
		     seg_dpl(cs), seg_dpl(ss));
	if ((cs_type == 13 || cs_type == 15) && seg_dpl(cs) > seg_dpl(ss))
		fail(c, VMCS_GUEST_CS_ACCESS_RIGHTS, cs->ar,
		     "CS.DPL %u above SS.DPL %u for conforming code", seg_dpl(cs), seg_dpl(ss));
	if (!c->unrestricted && seg_dpl(ss) != seg_rpl(ss))
		fail(c, VMCS_GUEST_SS_ACCESS_RIGHTS, ss->ar, "SS.DPL differs from SS selector RPL");
	if ((cs_type == 3 || !(g->cr0 & CR0_PE)) && seg_dpl(ss) != 0)
		fail(c, VMCS_GUEST_SS_ACCESS_RIGHTS, ss->ar,
		     "SS.DPL not 0 with CR0.PE clear or CS type 3");
	if (c->unrestricted)
		return;
	for (int i = ES; i <= GS; i++) {
		const struct seg *s = &g->seg[i];

		if (i == CS || i == SS || !usable(s) || seg_type(s) > 11)
			continue;
		if (seg_dpl(s) < seg_rpl(s))
			fail(c, seg_fields[i].ar, s->ar, "%s.DPL below its selector RPL",
			     seg_fields[i].name);
	}
}

/* Selectors and 32-bit bases outside virtual-8086 mode: only FS and GS
 * (and TR, LDTR) may hold 64-bit bases. */
static void check_sel_base(struct check *c, const struct guest *g)
{
	const struct seg *s = g->seg;

	if (!c->unrestricted && seg_rpl(&s[SS]) != seg_rpl(&s[CS]))
		fail(c, VMCS_GUEST_SS_SELECTOR, s[SS].sel,
		     "SS selector RPL differs from CS selector RPL");
	if (s[CS].base >> 32)
		fail(c, VMCS_GUEST_CS_BASE, s[CS].base, "CS base bits 63:32 set");
	for (int i = ES; i <= DS; i++)
		if (i != CS && usable(&s[i]) && (s[i].base >> 32))
			fail(c, seg_fields[i].base, s[i].base, "%s base bits 63:32 set",
			     seg_fields[i].name);
}

/* TR always, LDTR when usable: system segments from the GDT. A task
 * register in use holds a busy TSS; IA-32e mode knows only the 64-bit one. */
static void check_tr_ldtr(struct check *c, const struct guest *g)
{
	const struct seg *tr = &g->seg[TR], *ldtr = &g->seg[LDTR];
	unsigned type = seg_type(tr);

	if (tr->sel & SEL_TI)
		fail(c, VMCS_GUEST_TR_SELECTOR, tr->sel, "TR selector TI set");
	if (!usable(tr))
		fail(c, VMCS_GUEST_TR_ACCESS_RIGHTS, tr->ar, "TR unusable");
	if (c->ia32e ? type != SEG_TYPE_TSS_BUSY
		     : type != SEG_TYPE_TSS_BUSY && type != SEG_TYPE_TSS16_BUSY)
		fail(c, VMCS_GUEST_TR_ACCESS_RIGHTS, tr->ar, "TR type %u not a busy TSS%s", type,
		     c->ia32e ? " (11 in IA-32e mode)" : " (3 or 11)");
	if (tr->ar & SEG_AR_S)
		fail(c, VMCS_GUEST_TR_ACCESS_RIGHTS, tr->ar, "TR.S set");
	check_ar_common(c, g, TR);

	if (!usable(ldtr))
		return;
	if (ldtr->sel & SEL_TI)
		fail(c, VMCS_GUEST_LDTR_SELECTOR, ldtr->sel, "LDTR selector TI set");
	if (seg_type(ldtr) != SEG_TYPE_LDT)
		fail(c, VMCS_GUEST_LDTR_ACCESS_RIGHTS, ldtr->ar, "LDTR type %u not 2",
		     seg_type(ldtr));
	if (ldtr->ar & SEG_AR_S)
		fail(c, VMCS_GUEST_LDTR_ACCESS_RIGHTS, ldtr->ar, "LDTR.S set");
	check_ar_common(c, g, LDTR);
}

/* The bases that may hold 64-bit addresses: FS, GS, TR, and a usable LDTR. */
static void check_bases_canonical(struct check *c, const struct guest *g)
{
	for (int i = FS; i <= TR; i++)
		if (i != LDTR || usable(&g->seg[LDTR]))
			if (!canonical(g->seg[i].base))
				fail(c, seg_fields[i].base, g->seg[i].base, "%s base not canonical",
				     seg_fields[i].name);
}

/* SDM Vol. 3, "Checks on Guest Segment Registers". */
static void check_guest_segments(struct check *c, const struct guest *g)
{
	section(c, "Checks on Guest Segment Registers");
	if (g->rflags & RFLAGS_VM) {
		check_v86_segments(c, g);
	} else {
		check_sel_base(c, g);
		for (int i = ES; i <= GS; i++)
			check_code_data_segment(c, g, i);
		check_dpl(c, g);
	}
	check_bases_canonical(c, g);
	check_tr_ldtr(c, g);
}

/* GDTR and IDTR: canonical bases and 16-bit limits. */
static void check_guest_dtr(struct check *c)
{
	static const struct {
		uint32_t base, limit;
		const char *name;
	} dtr[] = {
		{ VMCS_GUEST_GDTR_BASE, VMCS_GUEST_GDTR_LIMIT, "GDTR" },
		{ VMCS_GUEST_IDTR_BASE, VMCS_GUEST_IDTR_LIMIT, "IDTR" },
	};
	uint64_t v;

	section(c, "Checks on Guest Descriptor-Table Registers");
	for (int i = 0; i < 2; i++) {
		if (!canonical(v = rd(c, dtr[i].base)))
			fail(c, dtr[i].base, v, "%s base not canonical", dtr[i].name);
		if ((v = rd(c, dtr[i].limit)) >> 16)
			fail(c, dtr[i].limit, v, "%s limit above 0xffff", dtr[i].name);
	}
}

/* RIP fits the code segment's mode; RFLAGS has its fixed bits right, no
 * virtual-8086 mode where it cannot exist, and interrupts enabled when one
 * is being injected. */
static void check_guest_rip_rflags(struct check *c, const struct guest *g)
{
	uint64_t rip = rd(c, VMCS_GUEST_RIP);
	bool long64 = c->ia32e && (g->seg[CS].ar & SEG_AR_L);

	section(c, "Checks on Guest RIP, RFLAGS, and SSP");
	if (!long64 && (rip >> 32))
		fail(c, VMCS_GUEST_RIP, rip, "RIP bits 63:32 set outside 64-bit mode");
	if (long64 && !canonical(rip))
		fail(c, VMCS_GUEST_RIP, rip, "RIP not canonical in 64-bit mode");
	if (g->rflags & RFLAGS_RESERVED0)
		fail(c, VMCS_GUEST_RFLAGS, g->rflags, "RFLAGS reserved bits 3, 5, 15 or 63:22 set");
	if (!(g->rflags & RFLAGS_RESERVED1))
		fail(c, VMCS_GUEST_RFLAGS, g->rflags, "RFLAGS reserved bit 1 clear");
	if ((g->rflags & RFLAGS_VM) && (c->ia32e || !(g->cr0 & CR0_PE)))
		fail(c, VMCS_GUEST_RFLAGS, g->rflags,
		     "RFLAGS.VM set in IA-32e mode or with CR0.PE clear");
	if (injecting(c, INTR_TYPE_EXT_INTR) && !(g->rflags & RFLAGS_IF))
		fail(c, VMCS_GUEST_RFLAGS, g->rflags,
		     "RFLAGS.IF clear while injecting an external interrupt");
}

/* May the event (info) be injected in activity state (state)? Only events
 * that would wake the CPU from that state: a halted CPU wakes for
 * interrupts, NMIs, #DB, #MC and MTF; a shut-down one for NMI and #MC; one
 * waiting for SIPI for nothing VM entry can inject. */
static bool injection_allowed(uint32_t state, uint32_t info)
{
	unsigned type = VMCS_INTR_INFO_TYPE(info);
	unsigned vec = info & VMCS_INTR_INFO_VECTOR_MASK;

	switch (state) {
	case ACTIVITY_STATE_HLT:
		return type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_NMI ||
		       (type == INTR_TYPE_HW_EXCEPTION && (vec == VEC_DB || vec == VEC_MC)) ||
		       (type == INTR_TYPE_OTHER_EVENT && vec == 0);
	case ACTIVITY_STATE_SHUTDOWN:
		return type == INTR_TYPE_NMI || (type == INTR_TYPE_HW_EXCEPTION && vec == VEC_MC);
	case ACTIVITY_STATE_WAIT_SIPI:
		return false;
	default:
		return true;
	}
}

/* The activity state: one the CPU offers; HLT only at ring 0; STI and
 * MOV SS blocking only while the guest runs. */
static void check_guest_activity(struct check *c, const struct guest *g)
{
	const uint32_t blocking = INTERRUPTIBILITY_BLOCKING_BY_STI |
				  INTERRUPTIBILITY_BLOCKING_BY_MOV_SS;

	if (!vmx_caps_activity_supported(c->caps, g->activity))
		fail(c, VMCS_GUEST_ACTIVITY_STATE, g->activity,
		     "activity state %u not offered by IA32_VMX_MISC", g->activity);
	if (g->activity == ACTIVITY_STATE_HLT && seg_dpl(&g->seg[SS]) != 0)
		fail(c, VMCS_GUEST_ACTIVITY_STATE, g->activity,
		     "HLT activity state with SS.DPL %u (must be 0)", seg_dpl(&g->seg[SS]));
	if (g->activity != ACTIVITY_STATE_ACTIVE && (g->intr & blocking))
		fail(c, VMCS_GUEST_ACTIVITY_STATE, g->activity,
		     "activity state not active while blocking by STI or MOV SS");
	if ((c->intr_info & VMCS_INTR_INFO_VALID) &&
	    !injection_allowed(g->activity, c->intr_info))
		fail(c, VMCS_ENTRY_INTR_INFO, c->intr_info,
		     "event injected that activity state %u blocks", g->activity);
}

/*
 * The interruptibility state: blocking that the guest could have reached
 * (STI blocking follows an STI, so IF is set; STI and MOV SS blocking do
 * not stack), and no injected event that this blocking would hold back.
 */
static void check_guest_interruptibility(struct check *c, const struct guest *g)
{
	const uint32_t sti = INTERRUPTIBILITY_BLOCKING_BY_STI;
	const uint32_t mov_ss = INTERRUPTIBILITY_BLOCKING_BY_MOV_SS;
	uint32_t intr = g->intr;

	if (intr & INTERRUPTIBILITY_RESERVED)
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr,
		     "interruptibility reserved bits 31:5 set");
	if ((intr & sti) && (intr & mov_ss))
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr,
		     "blocking by STI and by MOV SS both set");
	if ((intr & sti) && !(g->rflags & RFLAGS_IF))
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr, "blocking by STI with RFLAGS.IF clear");
	if (injecting(c, INTR_TYPE_EXT_INTR) && (intr & (sti | mov_ss)))
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr,
		     "external interrupt injected while blocking by STI or MOV SS");
	if (injecting(c, INTR_TYPE_NMI) && (intr & mov_ss))
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr, "NMI injected while blocking by MOV SS");
	if (intr & INTERRUPTIBILITY_BLOCKING_BY_SMI)
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr, "blocking by SMI set outside SMM");
	if ((c->pin & PINBASED_VIRTUAL_NMIS) && injecting(c, INTR_TYPE_NMI) &&
	    (intr & INTERRUPTIBILITY_BLOCKING_BY_NMI))
		fail(c, VMCS_GUEST_INTERRUPTIBILITY, intr,
		     "NMI injected with virtual NMIs while blocking by NMI");
}

/* Pending debug exceptions: defined bits only, and a consistent BS. */
static void check_guest_pending_dbg(struct check *c, const struct guest *g)
{
	uint64_t pd = rd(c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS);
	bool tf, btf;

	if (pd & PENDING_DBG_RESERVED)
		fail(c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, pd,
		     "pending debug exceptions reserved bits set");
	/* A single-step trap pending across STI, MOV SS or HLT must be
	 * recorded in BS exactly when RFLAGS.TF would raise one. */
	if (!(g->intr & (INTERRUPTIBILITY_BLOCKING_BY_STI | INTERRUPTIBILITY_BLOCKING_BY_MOV_SS)) &&
	    g->activity != ACTIVITY_STATE_HLT)
		return;
	tf = g->rflags & RFLAGS_TF;
	btf = rd(c, VMCS_GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF;
	if (tf && !btf && !(pd & PENDING_DBG_BS))
		fail(c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, pd,
		     "BS clear with RFLAGS.TF set and DEBUGCTL.BTF clear");
	if ((!tf || btf) && (pd & PENDING_DBG_BS))
		fail(c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, pd,
		     "BS set without a pending single-step trap");
}

/* SDM Vol. 3, "Checks on Guest Non-Register State". */
static void check_guest_nonreg(struct check *c, const struct guest *g)
{
	uint64_t link = rd(c, VMCS_VMCS_LINK_POINTER);

	section(c, "Checks on Guest Non-Register State");
	check_guest_activity(c, g);
	check_guest_interruptibility(c, g);
	check_guest_pending_dbg(c, g);
	/* The SDM allows a shadow VMCS here; mica never uses one. */
	if (link != ~0ULL)
		fail(c, VMCS_VMCS_LINK_POINTER, link,
		     "VMCS link pointer not ~0 (mica uses no shadow VMCS)");
}

/* With EPT, PAE paging outside IA-32e mode takes its four PDPTEs from the
 * VMCS rather than from memory at CR3; a present one must be well formed.
 * mica's guests start unpaged, so this only applies to a later state. */
static void check_guest_pdptes(struct check *c, const struct guest *g)
{
	if (!(c->proc2 & PROCBASED2_ENABLE_EPT) || !(g->cr0 & CR0_PG) ||
	    !(g->cr4 & CR4_PAE) || c->ia32e)
		return;
	section(c, "Checks on Guest Page-Directory-Pointer-Table Entries");
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t field = VMCS_GUEST_PDPTE0 + 2 * i;
		uint64_t pte = rd(c, field);

		if ((pte & PDPTE_P) && ((pte & PDPTE_RESERVED_LOW) || !phys_ok(c, pte)))
			fail(c, field, pte, "PDPTE%u present with reserved bits set", i);
	}
}

/* The guest-state rules an injected event takes part in: RFLAGS.IF, the
 * activity state and the interruptibility state. Caller: vmx_check_event(). */
void vmx_check_guest_event(struct check *c)
{
	struct guest g;         /* only the fields these rules read */

	g.rflags = rd(c, VMCS_GUEST_RFLAGS);
	g.activity = (uint32_t)rd(c, VMCS_GUEST_ACTIVITY_STATE);
	g.intr = (uint32_t)rd(c, VMCS_GUEST_INTERRUPTIBILITY);
	g.seg[SS].ar = (uint32_t)rd(c, seg_fields[SS].ar);
	section(c, "Checks on Guest RIP, RFLAGS, and SSP");
	if (injecting(c, INTR_TYPE_EXT_INTR) && !(g.rflags & RFLAGS_IF))
		fail(c, VMCS_GUEST_RFLAGS, g.rflags,
		     "RFLAGS.IF clear while injecting an external interrupt");
	section(c, "Checks on Guest Non-Register State");
	check_guest_activity(c, &g);
	check_guest_interruptibility(c, &g);
}

/* The guest-state rules, in the SDM's order. Caller: vmx_check_state(). */
void vmx_check_guest_state(struct check *c)
{
	struct guest g = {
		.cr0 = rd(c, VMCS_GUEST_CR0),
		.cr4 = rd(c, VMCS_GUEST_CR4),
		.rflags = rd(c, VMCS_GUEST_RFLAGS),
		.activity = (uint32_t)rd(c, VMCS_GUEST_ACTIVITY_STATE),
		.intr = (uint32_t)rd(c, VMCS_GUEST_INTERRUPTIBILITY),
	};

	for (int i = 0; i < NSEG; i++) {
		g.seg[i].sel = (uint16_t)rd(c, seg_fields[i].sel);
		g.seg[i].base = rd(c, seg_fields[i].base);
		g.seg[i].limit = (uint32_t)rd(c, seg_fields[i].limit);
		g.seg[i].ar = (uint32_t)rd(c, seg_fields[i].ar);
	}
	check_guest_cr_msr(c, &g);
	check_guest_segments(c, &g);
	check_guest_dtr(c);
	check_guest_rip_rflags(c, &g);
	check_guest_nonreg(c, &g);
	check_guest_pdptes(c, &g);
}
