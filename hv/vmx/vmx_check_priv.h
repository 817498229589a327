/*
 * vmx_check_priv.h - what the two halves of vmx_check_state() share: the
 * state of one check and the helpers every rule uses. Included only by
 * hv/vmx/vmx_check.c (controls, host state) and hv/vmx/vmx_check_guest.c
 * (guest state). Runs in VMX root, and on the host in unit tests.
 */
#ifndef HV_VMX_VMX_CHECK_PRIV_H
#define HV_VMX_VMX_CHECK_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_check.h"

/* One run of vmx_check_state(). */
struct check {
	const struct vmx_caps *caps;
	vmcs_read_fn read;
	void *ctx;
	char *why;              /* the first broken rule, worded */
	size_t whylen;
	int failures;           /* rules broken so far */
	const char *area;       /* "controls", "host-state" or "guest-state" */
	const char *section;    /* SDM section title of the rules being checked */

	/* The controls as VM entry sees them. proc2 is 0 unless the primary
	 * controls activate the secondary ones: the CPU then ignores the
	 * field, whatever it holds. */
	uint32_t pin, proc, proc2, exit, entry;
	uint32_t intr_info;     /* VMCS_ENTRY_INTR_INFO: the event to inject */
	bool unrestricted;      /* PROCBASED2_UNRESTRICTED_GUEST in effect */
	bool ia32e;             /* VM_ENTRY_IA32E_MODE_GUEST */
};

static inline uint64_t rd(struct check *c, uint32_t field)
{
	return c->read(c->ctx, field);
}

/* Begin a group of rules from the SDM section titled (title). */
static inline void section(struct check *c, const char *title)
{
	c->section = title;
}

/*
 * Record a broken rule about (field), which holds (value): count it and,
 * if it is the first, word it into c->why as
 *   <area>: <rule> (<field name>=0x<value>) [SDM Vol. 3 "<section>"]
 * (rule) is a printf format for lib/fmt.h; fail() is the call to use.
 */
void vmx_check_vfail(struct check *c, uint32_t field, uint64_t value,
		     const char *rule, va_list ap);

static inline __attribute__((format(printf, 4, 5)))
void fail(struct check *c, uint32_t field, uint64_t value, const char *rule, ...)
{
	va_list ap;

	va_start(ap, rule);
	vmx_check_vfail(c, field, value, rule, ap);
	va_end(ap);
}

/*
 * Canonical: bits 63:47 all equal. mica maps everything with 4-level paging,
 * and a 48-bit canonical address is canonical for a 57-bit CPU too, so
 * this is never looser than the CPU's own check.
 */
static inline bool canonical(uint64_t addr)
{
	uint64_t top = addr >> 47;

	return top == 0 || top == 0x1ffff;
}

/* (pa) sets no bit at or above the CPU's physical-address width. */
static inline bool phys_ok(const struct check *c, uint64_t pa)
{
	return c->caps->maxphyaddr >= 64 || (pa >> c->caps->maxphyaddr) == 0;
}

/* (pat) is a value WRMSR to IA32_PAT accepts: each byte UC, WC, WT, WP, WB
 * or UC- (types 2, 3 and 8 up are reserved). */
static inline bool pat_ok(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (8 * i));

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/*
 * A control register (reg is "CR0" or "CR4") against the bits VMX
 * operation fixes: every bit set in (fixed0) must be 1 and every bit clear
 * in (fixed1) must be 0, except the bits in (skip). SDM Vol. 3, App. A
 * "VMX-Fixed Bits in CR0", "VMX-Fixed Bits in CR4".
 */
static inline void check_fixed(struct check *c, uint32_t field, uint64_t val,
			       uint64_t fixed0, uint64_t fixed1, uint64_t skip,
			       const char *reg)
{
	uint64_t must1 = fixed0 & ~val & ~skip;
	uint64_t must0 = val & ~fixed1 & ~skip;

	if (must1)
		fail(c, field, val, "%s bit %u clear but IA32_VMX_%s_FIXED0 requires it",
		     reg, (unsigned)__builtin_ctzll(must1), reg);
	if (must0)
		fail(c, field, val, "%s bit %u set but IA32_VMX_%s_FIXED1 forbids it",
		     reg, (unsigned)__builtin_ctzll(must0), reg);
}

/* The guest-state rules, in hv/vmx/vmx_check_guest.c. */
void vmx_check_guest_state(struct check *c);
void vmx_check_guest_event(struct check *c);

#endif /* HV_VMX_VMX_CHECK_PRIV_H */
