/*
 * vmx_fake.h - the fixture of the VMCS-check unit tests (test_vmx_check.c,
 * test_vmx_check_guest.c): a fake VMCS (field/value pairs), a Skylake-class
 * CPU's capability MSRs, a state that passes (the guest as a multiboot
 * loader leaves it, a 64-bit host), and the table-driven "mutation" test
 * that breaks rules of it and wants the check to name the rule and field.
 */
#ifndef TESTS_UNIT_VMX_FAKE_H
#define TESTS_UNIT_VMX_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_controls.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

struct CMUnitTest;

#define FAKE_MAX 192

struct fake_vmcs {
	struct {
		uint32_t field;
		uint64_t value;
	} e[FAKE_MAX];
	int n;
	int unknown_reads;      /* reads of fields the state never set */
	uint32_t last_unknown;
};

/* Set (field) to (value) in (v). */
void set(struct fake_vmcs *v, uint32_t field, uint64_t value);

/* vmx_check_state's read callback over a struct fake_vmcs. */
uint64_t fake_read(void *ctx, uint32_t field);

/* Capability MSRs of a Skylake-class CPU (see vmx_fake.c). */
extern const struct vmx_caps skylake;

/* The capabilities check() checks against: skylake after good_state(), for
 * a test to change. */
extern struct vmx_caps caps;

/* The controls of the good state: the TRUE allowed-0 bits plus what mica
 * asks for. */
#define GOOD_PIN   (0x16 | PINBASED_EXTINT_EXITING | PINBASED_NMI_EXITING)
#define GOOD_PROC  (0x04006172 | PROCBASED_HLT_EXITING | PROCBASED_USE_IO_BITMAPS | \
		    PROCBASED_USE_MSR_BITMAPS | PROCBASED_SECONDARY_CONTROLS)
#define GOOD_PROC2 (PROCBASED2_ENABLE_EPT | PROCBASED2_ENABLE_VPID | PROCBASED2_UNRESTRICTED_GUEST)
#define GOOD_EXIT  (0x00036dfb | VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_EFER)
#define GOOD_ENTRY (0x000011fb | VM_ENTRY_LOAD_EFER)
#define GOOD_EPTP  (0x13000 | EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4)

#define AR_CODE32  0xc09b       /* G, D/B, P, DPL 0, S, execute/read accessed */
#define AR_DATA32  0xc093       /* G, D/B, P, DPL 0, S, read/write accessed */
#define AR_TSS32   0x008b       /* P, busy 32-bit TSS */
#define PAT_DEFAULT 0x0007040600070406

/* One register's selector, base, limit and access rights. */
void guest_seg(struct fake_vmcs *v, uint32_t sel_field, uint16_t sel,
	       uint64_t base, uint32_t limit, uint32_t ar);

/* (v) := the state that passes: mica's controls, its host, a multiboot
 * guest; caps := skylake. */
void good_state(struct fake_vmcs *v);

/* vmx_check_state on (v) with caps; VMX_CHECK_VERBOSE=1 prints
 * the message. Returns the number of broken rules. */
int check(struct fake_vmcs *v, char *why, size_t whylen);

/* One known-bad mutation of the good state (or of the one prepare makes of
 * it, which must pass too): the fields it sets (in order),
 * how many rules it breaks, and what the message must contain. */
#define MUTATION_SETS 6
struct mutation {
	const char *name;
	int broken;
	const char *rule;
	const char *field;
	struct {
		bool used;
		uint32_t field;
		uint64_t value;
	} set[MUTATION_SETS];
	void (*prepare)(struct fake_vmcs *v);   /* another passing state first, if set */
};

#define SET(f, v) { true, f, v }

/* A cmocka test of (*state), a const struct mutation. */
void test_mutation(void **state);

/* Fail unless every fail() message of the source file (path), relative to
 * the top of the tree where the tests run, has a case in (m): some case's
 * rule holds each literal piece of the message's format. At least (min)
 * messages must be found (the file was really read). */
void assert_every_rule_has_a_case(const char *path, const struct mutation *m, size_t nm,
				  size_t min);

/* Run (fixed) (nfixed tests), then one test per mutation of (m). */
int run_vmx_tests(const struct CMUnitTest *fixed, size_t nfixed,
		  const struct mutation *m, size_t nm);

#endif /* TESTS_UNIT_VMX_FAKE_H */
