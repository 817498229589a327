/*
 * vmx_fake.c - the fixture of the VMCS-check unit tests: see vmx_fake.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vmx/vmx_check.h"
#include "tests/unit/vmx_fake.h"

void set(struct fake_vmcs *v, uint32_t field, uint64_t value)
{
	for (int i = 0; i < v->n; i++) {
		if (v->e[i].field == field) {
			v->e[i].value = value;
			return;
		}
	}
	assert_true(v->n < FAKE_MAX);
	v->e[v->n].field = field;
	v->e[v->n].value = value;
	v->n++;
}

uint64_t fake_read(void *ctx, uint32_t field)
{
	struct fake_vmcs *v = ctx;

	for (int i = 0; i < v->n; i++)
		if (v->e[i].field == field)
			return v->e[i].value;
	v->unknown_reads++;
	v->last_unknown = field;
	return 0;
}

/* ---- a Skylake-class CPU ---- */

/* Capability MSRs of a Skylake-class CPU with TRUE controls (IA32_VMX_BASIC
 * bit 55), WB VMCS, 4-level EPT with WB, UC, 2 MiB and 1 GiB pages and A/D
 * flags, HLT/shutdown/wait-for-SIPI activity states, 39-bit physical
 * addresses. */
struct vmx_caps caps;

const struct vmx_caps skylake = {
	.basic = 0x00da040000000004,
	.pinbased = 0x0000007f00000016,         /* no posted interrupts */
	.procbased = 0xfff9fffe04006172,
	.procbased2 = 0x025f7fff00000000,       /* no ENCLS exiting */
	.exit = 0x01ffffff00036dfb,
	.entry = 0x0003ffff000011fb,
	.misc = 0x000000007004c1e7,
	.cr0_fixed0 = 0x80000021,               /* PE, NE, PG */
	.cr0_fixed1 = 0xffffffff,
	.cr4_fixed0 = 0x00002000,               /* VMXE */
	.cr4_fixed1 = 0x007727ff,               /* no UMIP, LA57, SMXE, KL, CET */
	.ept_vpid_cap = 0x00000f0106734141,
	.vmfunc = 0x1,
	.maxphyaddr = 39,
};

static void good_controls(struct fake_vmcs *v)
{
	set(v, VMCS_PIN_BASED_CTLS, GOOD_PIN);
	set(v, VMCS_PRI_PROC_BASED_CTLS, GOOD_PROC);
	set(v, VMCS_SEC_PROC_BASED_CTLS, GOOD_PROC2);
	set(v, VMCS_EXIT_CTLS, GOOD_EXIT);
	set(v, VMCS_ENTRY_CTLS, GOOD_ENTRY);
	set(v, VMCS_VPID, 1);
	set(v, VMCS_EPT_POINTER, GOOD_EPTP);
	set(v, VMCS_IO_BITMAP_A, 0x10000);
	set(v, VMCS_IO_BITMAP_B, 0x11000);
	set(v, VMCS_MSR_BITMAP, 0x12000);
	set(v, VMCS_CR3_TARGET_COUNT, 0);
	set(v, VMCS_EXIT_MSR_STORE_COUNT, 0);
	set(v, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	set(v, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	set(v, VMCS_ENTRY_INTR_INFO, 0);
	set(v, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
	set(v, VMCS_ENTRY_INSTRUCTION_LENGTH, 0);
}

/* A 64-bit host: mica itself. */
static void good_host(struct fake_vmcs *v)
{
	set(v, VMCS_HOST_CR0, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG);
	set(v, VMCS_HOST_CR3, 0x20000);
	set(v, VMCS_HOST_CR4, CR4_PAE | CR4_VMXE);
	set(v, VMCS_HOST_ES_SELECTOR, 0x10);
	set(v, VMCS_HOST_CS_SELECTOR, 0x08);
	set(v, VMCS_HOST_SS_SELECTOR, 0x10);
	set(v, VMCS_HOST_DS_SELECTOR, 0x10);
	set(v, VMCS_HOST_FS_SELECTOR, 0);
	set(v, VMCS_HOST_GS_SELECTOR, 0);
	set(v, VMCS_HOST_TR_SELECTOR, 0x18);
	set(v, VMCS_HOST_FS_BASE, 0);
	set(v, VMCS_HOST_GS_BASE, 0);
	set(v, VMCS_HOST_TR_BASE, 0x105000);
	set(v, VMCS_HOST_GDTR_BASE, 0x104000);
	set(v, VMCS_HOST_IDTR_BASE, 0x106000);
	set(v, VMCS_HOST_IA32_SYSENTER_ESP, 0);
	set(v, VMCS_HOST_IA32_SYSENTER_EIP, 0);
	set(v, VMCS_HOST_IA32_PAT, PAT_DEFAULT);
	set(v, VMCS_HOST_IA32_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	set(v, VMCS_HOST_RSP, 0x200000);
	set(v, VMCS_HOST_RIP, 0x101234);
}

void guest_seg(struct fake_vmcs *v, uint32_t sel_field, uint16_t sel,
	       uint64_t base, uint32_t limit, uint32_t ar)
{
	/* The selector, limit, access-rights and base fields of one
	 * register sit at the same offset from the ES fields. */
	uint32_t i = sel_field - VMCS_GUEST_ES_SELECTOR;

	set(v, sel_field, sel);
	set(v, VMCS_GUEST_ES_BASE + i, base);
	set(v, VMCS_GUEST_ES_LIMIT + i, limit);
	set(v, VMCS_GUEST_ES_ACCESS_RIGHTS + i, ar);
}

/* The guest as a multiboot loader leaves it: 32-bit protected mode, paging
 * off, flat segments (SDM Vol. 3 rules; Multiboot Specification 0.6.96). */
static void good_guest(struct fake_vmcs *v)
{
	set(v, VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE);
	set(v, VMCS_GUEST_CR3, 0);
	set(v, VMCS_GUEST_CR4, CR4_VMXE);
	set(v, VMCS_GUEST_DR7, 0x400);
	set(v, VMCS_GUEST_RSP, 0);
	set(v, VMCS_GUEST_RIP, 0x100000);
	set(v, VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1);
	guest_seg(v, VMCS_GUEST_CS_SELECTOR, 0x10, 0, 0xffffffff, AR_CODE32);
	guest_seg(v, VMCS_GUEST_ES_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_SS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_DS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_FS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_GS_SELECTOR, 0x18, 0, 0xffffffff, AR_DATA32);
	guest_seg(v, VMCS_GUEST_TR_SELECTOR, 0, 0, 0x67, AR_TSS32);
	guest_seg(v, VMCS_GUEST_LDTR_SELECTOR, 0, 0, 0, SEG_AR_UNUSABLE);
	set(v, VMCS_GUEST_GDTR_BASE, 0);
	set(v, VMCS_GUEST_GDTR_LIMIT, 0x1f);
	set(v, VMCS_GUEST_IDTR_BASE, 0);
	set(v, VMCS_GUEST_IDTR_LIMIT, 0);
	set(v, VMCS_GUEST_IA32_DEBUGCTL, 0);
	set(v, VMCS_GUEST_IA32_PAT, PAT_DEFAULT);
	set(v, VMCS_GUEST_IA32_EFER, 0);
	set(v, VMCS_GUEST_IA32_SYSENTER_CS, 0);
	set(v, VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	set(v, VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	set(v, VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_ACTIVE);
	set(v, VMCS_GUEST_INTERRUPTIBILITY, 0);
	set(v, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	set(v, VMCS_VMCS_LINK_POINTER, ~0ULL);
	set(v, VMCS_GUEST_PDPTE0, 0);
	set(v, VMCS_GUEST_PDPTE1, 0);
	set(v, VMCS_GUEST_PDPTE2, 0);
	set(v, VMCS_GUEST_PDPTE3, 0);
}

void good_state(struct fake_vmcs *v)
{
	memset(v, 0, sizeof(*v));
	good_controls(v);
	good_host(v);
	good_guest(v);
	caps = skylake;
}

int check(struct fake_vmcs *v, char *why, size_t whylen)
{
	int n = vmx_check_state(&caps, fake_read, v, why, whylen);

	if (getenv("VMX_CHECK_VERBOSE") && whylen > 0)
		print_message("    %d: %s\n", n, why);
	return n;
}

void test_mutation(void **state)
{
	const struct mutation *m = *state;
	struct fake_vmcs v;
	char why[256];

	good_state(&v);
	if (m->prepare != NULL) {
		m->prepare(&v);
		assert_int_equal(check(&v, why, sizeof(why)), 0);
	}
	for (int i = 0; i < MUTATION_SETS && m->set[i].used; i++)
		set(&v, m->set[i].field, m->set[i].value);
	assert_int_equal(check(&v, why, sizeof(why)), m->broken);
	if (strstr(why, m->rule) == NULL || strstr(why, m->field) == NULL)
		fail_msg("%s: got \"%s\"; want \"%s\" and \"%s\"", m->name, why, m->rule, m->field);
	assert_int_equal(v.unknown_reads, 0);
}

/* Does some case's rule hold every literal piece of (msg), a format string
 * split at its conversions (%s, %u)? */
static bool has_case(const char *msg, const struct mutation *m, size_t nm)
{
	for (size_t i = 0; i < nm; i++) {
		const char *p = msg;
		bool all = true;

		while (*p != '\0' && all) {
			char piece[128];
			size_t n = 0;

			while (*p != '\0' && *p != '%' && n < sizeof(piece) - 1)
				piece[n++] = *p++;
			piece[n] = '\0';
			if (*p == '%')
				p += 2;
			if (n >= 2 && strstr(m[i].rule, piece) == NULL)
				all = false;
		}
		if (all)
			return true;
	}
	return false;
}

void assert_every_rule_has_a_case(const char *path, const struct mutation *m, size_t nm,
				  size_t min)
{
	static char src[64 * 1024];
	FILE *f = fopen(path, "r");
	size_t len, messages = 0, missing = 0;

	assert_non_null(f);
	len = fread(src, 1, sizeof(src) - 1, f);
	fclose(f);
	src[len] = '\0';
	for (const char *p = src; (p = strstr(p, "fail(c, ")) != NULL; p++) {
		const char *q = strchr(p, '"');
		char msg[128];
		size_t n = 0;

		assert_non_null(q);
		for (q++; *q != '"' && n < sizeof(msg) - 1; q++)
			msg[n++] = *q;
		msg[n] = '\0';
		messages++;
		if (!has_case(msg, m, nm)) {
			print_error("%s: no case breaks the rule \"%s\"\n", path, msg);
			missing++;
		}
	}
	assert_true(messages >= min);
	assert_int_equal(missing, 0);
}

int run_vmx_tests(const struct CMUnitTest *fixed, size_t nfixed,
		  const struct mutation *m, size_t nm)
{
	struct CMUnitTest *tests = calloc(nfixed + nm, sizeof(*tests));
	int failed;

	assert_non_null(tests);
	memcpy(tests, fixed, nfixed * sizeof(*tests));
	for (size_t i = 0; i < nm; i++) {
		tests[nfixed + i] = (struct CMUnitTest) {
			.name = m[i].name,
			.test_func = test_mutation,
			.initial_state = (void *)&m[i],
		};
	}
	failed = _cmocka_run_group_tests("vmx_check", tests, nfixed + nm, NULL, NULL);
	free(tests);
	return failed;
}
