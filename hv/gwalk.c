/*
 * gwalk.c - the guest's page-table walk in software (hv/gwalk.h): what
 * the CPU's page walker does for one access, for mica's emulation of
 * instructions that touch guest memory (string I/O). Pure logic: guest
 * memory comes through a callback. Runs in VMX root, and on the host in
 * tests/unit/test_gwalk.c. SDM Vol. 3, "Paging".
 */
#include "hv/gwalk.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

/* Paging-structure entry bits: SDM Vol. 3, "Formats of Paging Structures". */
#define PTE_P           BIT(0)
#define PTE_RW          BIT(1)
#define PTE_US          BIT(2)
#define PTE_A           BIT(5)
#define PTE_D           BIT(6)
#define PTE_PS          BIT(7)
#define PTE_XD          BIT(63)
#define PTE_ADDR        0x000ffffffffff000ULL
#define PDPTE_PAE_RSVD  (BIT(1) | BIT(2) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
#define PDE32_ADDR      0xfffff000u
#define PDE32_4M_ADDR   0xffc00000u
#define PDE32_4M_HI(e)  (((uint64_t)(e) >> 13) & 0xff)  /* PSE-36: bits 39:32 */

/* Bits 51:maxphyaddr of an entry: reserved. */
static uint64_t above_maxphy(const struct gwalk_mode *m)
{
	if (m->maxphyaddr >= 52)
		return 0;
	return ((1ULL << 52) - 1) & ~((1ULL << m->maxphyaddr) - 1);
}

/* Rights gathered over the walk: a page is writable (user) only if every
 * entry on the way says so; execute-disable if any does. */
struct rights {
	bool w, u, xd;
};

static void gather(struct rights *r, uint64_t e)
{
	r->w = r->w && (e & PTE_RW);
	r->u = r->u && (e & PTE_US);
	r->xd = r->xd || (e & PTE_XD);
}

/* The access rights check of SDM Vol. 3, "Access Rights". Returns true
 * if the access is allowed. */
static bool allowed(const struct gwalk_mode *m, const struct rights *r, unsigned access)
{
	bool user = access & GWALK_USER, write = access & GWALK_WRITE;
	bool fetch = access & GWALK_FETCH;

	if (user && !r->u)
		return false;
	if (write && !r->w && (user || (m->cr0 & CR0_WP)))
		return false;
	if (fetch && r->xd && (m->efer & EFER_NXE))
		return false;
	if (!user && r->u) {
		if (fetch && (m->cr4 & CR4_SMEP))
			return false;
		if (!fetch && (m->cr4 & CR4_SMAP) && !m->ac)
			return false;
	}
	return true;
}

/* 32-bit paging: 4-byte entries, two levels, 4 MiB pages with CR4.PSE. */
static enum gwalk_result walk32(const struct gwalk_mode *m, uint32_t la, unsigned access,
				gwalk_map_fn map, void *ctx, uint64_t *gpa, uint32_t *err)
{
	struct rights r = { true, true, false };
	uint32_t *pde, *pte, *leaf;
	uint64_t pa;

	pde = map(ctx, (m->cr3 & PDE32_ADDR) + ((la >> 22) & 0x3ff) * 4, 4);
	if (!pde)
		return GWALK_NO_MEMORY;
	if (!(*pde & PTE_P))
		return GWALK_FAULT;
	gather(&r, *pde);
	if ((*pde & PTE_PS) && (m->cr4 & CR4_PSE)) {
		leaf = pde;
		pa = (*pde & PDE32_4M_ADDR) | (PDE32_4M_HI(*pde) << 32) | (la & 0x3fffff);
	} else {
		pte = map(ctx, (*pde & PDE32_ADDR) + ((la >> 12) & 0x3ff) * 4, 4);
		if (!pte)
			return GWALK_NO_MEMORY;
		if (!(*pte & PTE_P))
			return GWALK_FAULT;
		gather(&r, *pte);
		leaf = pte;
		pa = (*pte & PDE32_ADDR) | (la & 0xfff);
	}
	if (!allowed(m, &r, access)) {
		*err |= PFERR_P;
		return GWALK_FAULT;
	}
	*pde |= PTE_A;
	*leaf |= PTE_A | (access & GWALK_WRITE ? PTE_D : 0);
	*gpa = pa;
	return GWALK_OK;
}

/* PAE and 4-level paging: 8-byte entries; PAE starts at the PDPTEs the
 * CPU loaded, 4-level at CR3. */
static enum gwalk_result walk64(const struct gwalk_mode *m, uint64_t la, unsigned access,
				gwalk_map_fn map, void *ctx, uint64_t *gpa, uint32_t *err)
{
	struct rights r = { true, true, false };
	uint64_t rsvd = above_maxphy(m) | (m->efer & EFER_NXE ? 0 : PTE_XD);
	uint64_t table, *e, mask;
	int level;

	if (m->efer & EFER_LMA) {
		level = 4;
		table = m->cr3 & PTE_ADDR;
	} else {
		uint64_t pdpte = m->pdpte[(la >> 30) & 3];

		if (!(pdpte & PTE_P))
			return GWALK_FAULT;
		if (pdpte & (above_maxphy(m) | PDPTE_PAE_RSVD | PTE_XD)) {
			*err |= PFERR_P | PFERR_RSVD;
			return GWALK_FAULT;
		}
		level = 2;
		table = pdpte & PTE_ADDR;
		la = (uint32_t)la;
	}
	for (;; level--) {
		unsigned shift = 12 + 9 * (level - 1);

		e = map(ctx, table + ((la >> shift) & 0x1ff) * 8, 8);
		if (!e)
			return GWALK_NO_MEMORY;
		if (!(*e & PTE_P))
			return GWALK_FAULT;
		if ((*e & rsvd) || (level == 4 && (*e & PTE_PS))) {
			*err |= PFERR_P | PFERR_RSVD;
			return GWALK_FAULT;
		}
		gather(&r, *e);
		if (level == 1 || (level <= 3 && (*e & PTE_PS)))
			break;
		*e |= PTE_A;
		table = *e & PTE_ADDR;
	}
	if (!allowed(m, &r, access)) {
		*err |= PFERR_P;
		return GWALK_FAULT;
	}
	*e |= PTE_A | (access & GWALK_WRITE ? PTE_D : 0);
	/* A large page's PAT bit (12) is below its offset mask. */
	mask = (1ULL << (12 + 9 * (level - 1))) - 1;
	*gpa = (*e & PTE_ADDR & ~mask) | (la & mask);
	return GWALK_OK;
}

enum gwalk_result gwalk(const struct gwalk_mode *m, uint64_t la, unsigned access,
			gwalk_map_fn map, void *ctx, uint64_t *gpa, uint32_t *error)
{
	*error = (access & GWALK_WRITE ? PFERR_W : 0) | (access & GWALK_USER ? PFERR_U : 0) |
		 (access & GWALK_FETCH && (m->efer & EFER_NXE || m->cr4 & CR4_SMEP) ? PFERR_I : 0);
	if (!(m->cr0 & CR0_PG)) {
		*gpa = (uint32_t)la;
		return GWALK_OK;
	}
	if (!(m->cr4 & CR4_PAE))
		return walk32(m, (uint32_t)la, access, map, ctx, gpa, error);
	return walk64(m, la, access, map, ctx, gpa, error);
}
