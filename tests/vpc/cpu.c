/*
 * cpu.c - the CPU a guest finds: CPUID tells the truth, MSRs have their
 * architectural meaning, privileged instructions fault as the SDM says.
 * No APIC MMIO here, so that a platform without an APIC page still
 * answers every case. SDM Vol. 2 "CPUID", "RDPMC"; Vol. 3 "Time-Stamp
 * Counter", "Debugging" (RF); Vol. 4 "Model-Specific Registers".
 */
#include "lib/cpuid.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"
#include "tests/vpc/vpc.h"

#define TSC_FAR         (1ull << 40)    /* a TSC value no machine is near */
#define TSC_SLACK       (1ull << 34)    /* more than these tests take */

static uint32_t max_leaf(void)
{
	return cpuid(0, 0).eax;
}

/* PDCM says IA32_PERF_CAPABILITIES exists: a platform that does not
 * emulate it must not say so. */
static const char *cpuid_no_pdcm(void)
{
	return cpuid(1, 0).ecx & CPUID_1_ECX_PDCM ? "CPUID.1:ECX.PDCM is set" : 0;
}

/* Leaf 0xA describes the architectural PMU: version 0 means none. */
static const char *cpuid_no_pmu_leaf(void)
{
	uint32_t v;

	if (max_leaf() < 0xa)
		return 0;
	v = cpuid(0xa, 0).eax & 0xff;
	return v ? vpc_why("CPUID.0AH:EAX reports PMU version %u", v) : 0;
}

/* SDM: CPUID.1:ECX.OSXSAVE reflects CR4.OSXSAVE, as the guest set it. */
static const char *cpuid_osxsave_follows_cr4(void)
{
	uint32_t cr4 = cr4_get();
	bool on, off;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return "SKIP no XSAVE";
	cr4_set(cr4 | CR4_OSXSAVE);
	on = cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE;
	cr4_set(cr4 & ~CR4_OSXSAVE);
	off = cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE;
	cr4_set(cr4);
	if (!on || off)
		return vpc_why("OSXSAVE reads %u with CR4.OSXSAVE set, %u with it clear", on, off);
	return 0;
}

/* x2APIC: hidden and refused, or offered and working. */
static const char *cpuid_x2apic_consistent(void)
{
	uint64_t base, id;

	if (vpc_rdmsr(MSR_IA32_APIC_BASE, &base))
		return "RDMSR IA32_APIC_BASE faulted";
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC)) {
		if (vpc_wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD) == 0) {
			uint64_t now;

			vpc_rdmsr(MSR_IA32_APIC_BASE, &now);
			vpc_wrmsr(MSR_IA32_APIC_BASE, base);
			if (now & APIC_BASE_EXTD)
				return "x2APIC is hidden in CPUID, yet IA32_APIC_BASE.EXTD could be set";
		}
		return 0;
	}
	if (vpc_wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD))
		return "CPUID offers x2APIC, but setting IA32_APIC_BASE.EXTD faulted";
	if (vpc_rdmsr(MSR_X2APIC_ID, &id))
		return "CPUID offers x2APIC, but its ID MSR faulted in x2APIC mode";
	vpc_wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)(APIC_BASE_EXTD | APIC_BASE_EN));
	vpc_wrmsr(MSR_IA32_APIC_BASE, base);
	if ((uint32_t)id != cpuid(1, 0).ebx >> 24)
		return vpc_why("x2APIC ID %u, CPUID initial APIC ID %u", (uint32_t)id, cpuid(1, 0).ebx >> 24);
	return 0;
}

/* SDM "IA32_APIC_BASE": the BSP bit, the global enable and the base. */
static const char *apic_base_msr(void)
{
	uint64_t b;

	if (vpc_rdmsr(MSR_IA32_APIC_BASE, &b))
		return vpc_why("RDMSR IA32_APIC_BASE raised vector %u", vpc_fault_vector);
	if (!(b & APIC_BASE_BSP) || !(b & APIC_BASE_EN) || (b & APIC_BASE_ADDR_MASK) != APIC_DEFAULT_BASE)
		return vpc_why("IA32_APIC_BASE = 0x%llx", b);
	if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC))
		return "the APIC is enabled, but CPUID.1:EDX.APIC is clear";
	return 0;
}

/* SDM "Time-Stamp Counter": WRMSR IA32_TSC sets the counter. */
static const char *tsc_write(void)
{
	uint64_t before = rdtsc(), t;

	if (vpc_wrmsr(MSR_IA32_TSC, TSC_FAR))
		return vpc_why("WRMSR IA32_TSC raised vector %u", vpc_fault_vector);
	t = rdtsc();
	if (t < TSC_FAR || t > TSC_FAR + TSC_SLACK)
		return vpc_why("RDTSC = 0x%llx after writing 0x%llx (it was 0x%llx)", t, TSC_FAR, before);
	return 0;
}

/* SDM "Time-Stamp Counter Adjustment": IA32_TSC_ADJUST moves the TSC by
 * what is added to it, and a TSC write adds its change to it. */
static const char *tsc_adjust(void)
{
	uint64_t a0, a1, t0, t1;

	if (!(cpuid(7, 0).ebx & CPUID_7_EBX_TSC_ADJUST)) {
		if (max_leaf() >= 7 && vpc_rdmsr(MSR_TSC_ADJUST, &a0) == 0)
			return "TSC_ADJUST is not in CPUID, yet RDMSR of it did not fault";
		return 0;
	}
	if (vpc_rdmsr(MSR_TSC_ADJUST, &a0))
		return "CPUID offers TSC_ADJUST, but RDMSR of it faulted";
	t0 = rdtsc();
	vpc_wrmsr(MSR_TSC_ADJUST, a0 + TSC_FAR);
	t1 = rdtsc();
	if (t1 - t0 < TSC_FAR || t1 - t0 > TSC_FAR + TSC_SLACK)
		return vpc_why("adding 2^40 to TSC_ADJUST moved the TSC by 0x%llx", t1 - t0);
	vpc_wrmsr(MSR_IA32_TSC, t1 - TSC_FAR);
	vpc_rdmsr(MSR_TSC_ADJUST, &a1);
	if ((int64_t)(a1 - a0) > (int64_t)TSC_SLACK || (int64_t)(a1 - a0) < -(int64_t)TSC_SLACK)
		return vpc_why("after a TSC write back by 2^40, TSC_ADJUST changed by 0x%llx", a1 - a0);
	return 0;
}

/* IA32_MISC_ENABLE reads back what was written to its writable bits
 * (fast strings, bit 0). */
static const char *misc_enable(void)
{
	uint64_t m, m1;

	if (vpc_rdmsr(MSR_IA32_MISC_ENABLE, &m))
		return "RDMSR IA32_MISC_ENABLE faulted";
	if (vpc_wrmsr(MSR_IA32_MISC_ENABLE, m ^ MISC_ENABLE_FAST_STRINGS))
		return "WRMSR IA32_MISC_ENABLE of its own value with fast strings toggled faulted";
	vpc_rdmsr(MSR_IA32_MISC_ENABLE, &m1);
	vpc_wrmsr(MSR_IA32_MISC_ENABLE, m);
	if (m1 != (m ^ MISC_ENABLE_FAST_STRINGS))
		return vpc_why("wrote 0x%llx, read back 0x%llx", m ^ MISC_ENABLE_FAST_STRINGS, m1);
	return 0;
}

/* Machine-check MSRs exist exactly when CPUID says MCA does. */
static const char *mca_consistent(void)
{
	uint64_t cap, st;
	bool mca = cpuid(1, 0).edx & CPUID_1_EDX_MCA;
	bool ok = vpc_rdmsr(MSR_MCG_CAP, &cap) == 0 && vpc_rdmsr(MSR_MCG_STATUS, &st) == 0;

	if (mca && !ok)
		return vpc_why("CPUID offers MCA, but RDMSR of MCG_CAP/MCG_STATUS raised vector %u",
			       vpc_fault_vector);
	return 0;
}

/* PAT: a value of valid memory types reads back. */
static const char *pat_checked(void)
{
	uint64_t pat, back;
	const uint64_t val = 0x0001050406070400ull;     /* each type once, not the power-on value */

	if (vpc_rdmsr(MSR_IA32_PAT, &pat))
		return "RDMSR IA32_PAT faulted";
	if (vpc_wrmsr(MSR_IA32_PAT, val))
		return "WRMSR IA32_PAT of valid memory types faulted";
	vpc_rdmsr(MSR_IA32_PAT, &back);
	vpc_wrmsr(MSR_IA32_PAT, pat);
	return back == val ? 0 : vpc_why("IA32_PAT reads 0x%llx", back);
}

/* RDTSCP returns IA32_TSC_AUX in ECX. */
static const char *tsc_aux_rdtscp(void)
{
	uint32_t lo, hi, aux;

	if (!(cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_RDTSCP))
		return "SKIP no RDTSCP";
	if (vpc_wrmsr(MSR_IA32_TSC_AUX, 0x1234))
		return "WRMSR IA32_TSC_AUX faulted";
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux == 0x1234 ? 0 : vpc_why("RDTSCP gave ECX = 0x%x", aux);
}

static void user_rdpmc(void)
{
	__asm__ volatile("xor %%ecx, %%ecx; rdpmc; 1: jmp 1b" : : : "eax", "ecx", "edx");
}

/* SDM "RDPMC": with CR4.PCE clear, RDPMC outside ring 0 is #GP(0). */
static const char *rdpmc_ring3_gp(void)
{
	uint32_t cr4 = cr4_get();
	int v;

	cr4_set(cr4 & ~CR4_PCE);
	v = vpc_user(user_rdpmc);
	cr4_set(cr4);
	if (v != 13 || vpc_fault_error != 0)
		return vpc_why("RDPMC in ring 3 raised vector %d, error %u (want 13, 0)", v, vpc_fault_error);
	return 0;
}

/* SDM "Debugging" (the RF flag): the EFLAGS pushed for any fault but an
 * instruction breakpoint has RF set. Here: the #GP of RDPMC in ring 3,
 * and the #GP of XSETBV with x87 clear, which a hypervisor emulating
 * XSETBV raises itself. */
static const char *rf_set_on_faults(void)
{
	uint32_t cr4 = cr4_get();
	bool rf_user, rf_xsetbv;

	cr4_set(cr4 & ~CR4_PCE);
	vpc_user(user_rdpmc);
	rf_user = vpc_fault_eflags & RFLAGS_RF;
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)) {
		cr4_set(cr4);
		return rf_user ? 0 : "RF clear in the EFLAGS pushed for RDPMC's #GP";
	}
	cr4_set(cr4 | CR4_OSXSAVE);
	if (vpc_xsetbv(0, 0) == 0) {
		cr4_set(cr4);
		return "XSETBV with XCR0.x87 clear did not fault";
	}
	rf_xsetbv = vpc_fault_vector == 13 && (vpc_fault_eflags & RFLAGS_RF);
	cr4_set(cr4);
	if (!rf_user || !rf_xsetbv)
		return vpc_why("RF in the pushed EFLAGS: %u for RDPMC's #GP, %u for XSETBV's (vector %u)",
			       rf_user, rf_xsetbv, vpc_fault_vector);
	return 0;
}

/* MSRs whose whole value the CPU keeps: each reads back what was written
 * (SDM Vol. 4, "IA-32 Architectural MSRs"; WRMSR). The long-mode ones
 * exist where CPUID.80000001H:EDX.LM says so, in any mode. */
static const char *msrs_read_back(void)
{
	static const struct { uint32_t msr; uint64_t val; } w[] = {
		{ MSR_IA32_SYSENTER_CS, 0x0010 },
		{ MSR_IA32_SYSENTER_ESP, 0xffff800000001000ull },
		{ MSR_IA32_SYSENTER_EIP, 0x00007fffffff0000ull },
		{ MSR_IA32_STAR, 0x0023001012345678ull },
		{ MSR_IA32_LSTAR, 0xffff800012345678ull },
		{ MSR_IA32_CSTAR, 0x00007fff12345678ull },
		{ MSR_IA32_FMASK, 0x47700 },
		{ MSR_IA32_KERNEL_GS_BASE, 0xffffffff80001000ull },
	};
	uint64_t old, back, efer;

	if (!(cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_LM))
		return "SKIP no long mode";
	for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (vpc_rdmsr(w[i].msr, &old) || vpc_wrmsr(w[i].msr, w[i].val))
			return vpc_why("MSR 0x%x: RDMSR or WRMSR raised vector %u", w[i].msr,
				       vpc_fault_vector);
		vpc_rdmsr(w[i].msr, &back);
		vpc_wrmsr(w[i].msr, old);
		if (back != w[i].val)
			return vpc_why("MSR 0x%x: wrote 0x%llx, read back 0x%llx", w[i].msr, w[i].val, back);
	}
	/* EFER: SCE toggled, and NXE where CPUID offers it; LMA stays clear. */
	if (vpc_rdmsr(MSR_IA32_EFER, &efer))
		return "RDMSR IA32_EFER faulted";
	old = efer ^ EFER_SCE;
	if (cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_NX)
		old |= EFER_NXE;
	if (vpc_wrmsr(MSR_IA32_EFER, old))
		return vpc_why("WRMSR IA32_EFER = 0x%llx faulted", old);
	vpc_rdmsr(MSR_IA32_EFER, &back);
	vpc_wrmsr(MSR_IA32_EFER, efer);
	return back == old ? 0 : vpc_why("IA32_EFER: wrote 0x%llx, read back 0x%llx", old, back);
}

/* WRMSR: a non-canonical address in a base-address MSR is #GP(0), and
 * the MSR keeps its value. */
static const char *base_msrs_noncanonical_gp(void)
{
	static const uint32_t msrs[] = {
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_LSTAR, MSR_IA32_CSTAR,
		MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, MSR_IA32_KERNEL_GS_BASE,
	};
	const uint64_t bad = 0x0000800000000000ull;
	uint64_t old, now;

	if (!(cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_LM))
		return "SKIP no long mode";
	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		vpc_rdmsr(msrs[i], &old);
		if (vpc_wrmsr(msrs[i], bad) == 0) {
			vpc_wrmsr(msrs[i], old);
			return vpc_why("MSR 0x%x took the non-canonical 0x%llx", msrs[i], bad);
		}
		if (vpc_fault_vector != 13 || vpc_fault_error != 0)
			return vpc_why("MSR 0x%x: vector %u error %u, want #GP(0)", msrs[i],
				       vpc_fault_vector, vpc_fault_error);
		vpc_rdmsr(msrs[i], &now);
		if (now != old)
			return vpc_why("MSR 0x%x changed to 0x%llx by a refused write", msrs[i], now);
	}
	return 0;
}

/* (msr) does not exist: RDMSR and WRMSR of it raise #GP(0). */
static const char *absent(uint32_t msr, const char *why)
{
	uint64_t v;

	if (vpc_rdmsr(msr, &v) == 0)
		return vpc_why("RDMSR 0x%x read 0x%llx, though %s", msr, v, why);
	if (vpc_fault_vector != 13)
		return vpc_why("RDMSR 0x%x raised vector %u, want #GP", msr, vpc_fault_vector);
	if (vpc_wrmsr(msr, 0) == 0)
		return vpc_why("WRMSR 0x%x did not fault, though %s", msr, why);
	return 0;
}

/* SDM "x2APIC Register Address Space": in xAPIC mode (IA32_APIC_BASE.EXTD
 * clear) the x2APIC's MSRs 0x800-0x8FF raise #GP, whether or not the CPU
 * has an x2APIC. */
static const char *x2apic_msrs_gp_in_xapic_mode(void)
{
	static const uint32_t msrs[] = { 0x802, 0x803, 0x808, 0x80f, 0x828, 0x830, 0x832, 0x83f };
	uint64_t base;
	const char *why;

	if (vpc_rdmsr(MSR_IA32_APIC_BASE, &base) || (base & APIC_BASE_EXTD))
		return vpc_why("IA32_APIC_BASE 0x%llx (vector %u): not in xAPIC mode", base,
			       vpc_fault_vector);
	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		if ((why = absent(msrs[i], "the APIC is in xAPIC mode")))
			return why;
	return 0;
}

/* An MSR the CPU says it lacks: IA32_PERF_CAPABILITIES without PDCM,
 * IA32_PERF_GLOBAL_CTRL without an architectural PMU of version 2 or
 * more (SDM Vol. 4, the MSRs' "if CPUID..." conditions). */
static const char *unimplemented_msrs_gp(void)
{
	const char *why = 0;
	unsigned checked = 0;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_PDCM)) {
		why = absent(MSR_IA32_PERF_CAPABILITIES, "CPUID.1:ECX.PDCM is clear");
		checked++;
	}
	if (!why && (max_leaf() < 0xa || (cpuid(0xa, 0).eax & 0xff) < 2)) {
		why = absent(MSR_IA32_PERF_GLOBAL_CTRL, "CPUID.0AH reports no PMU of version 2");
		checked++;
	}
	return why ? why : checked ? 0 : "SKIP the CPU offers PDCM and a PMU";
}

/* The TSC-deadline MSR exists exactly when CPUID.1:ECX[24] says so. */
static const char *tsc_deadline_msr_matches_cpuid(void)
{
	uint64_t v;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE))
		return absent(MSR_IA32_TSC_DEADLINE, "CPUID.1:ECX.TSC_Deadline is clear");
	return vpc_rdmsr(MSR_IA32_TSC_DEADLINE, &v) ? "CPUID offers TSC-deadline, but its MSR faulted" : 0;
}

const struct vpc_test vpc_tests[] = {
	{ "cpuid_no_pdcm", cpuid_no_pdcm },
	{ "cpuid_no_pmu_leaf", cpuid_no_pmu_leaf },
	{ "cpuid_osxsave_follows_cr4", cpuid_osxsave_follows_cr4 },
	{ "apic_base_msr", apic_base_msr },
	{ "tsc_write", tsc_write },
	{ "tsc_adjust", tsc_adjust },
	{ "misc_enable_reads_back", misc_enable },
	{ "mca_msrs_match_cpuid", mca_consistent },
	{ "pat_reads_back", pat_checked },
	{ "tsc_aux_rdtscp", tsc_aux_rdtscp },
	{ "rdpmc_ring3_gp", rdpmc_ring3_gp },
	{ "rf_set_on_faults", rf_set_on_faults },
	{ "msrs_read_back", msrs_read_back },
	{ "base_msrs_noncanonical_gp", base_msrs_noncanonical_gp },
	{ "x2apic_msrs_gp_in_xapic_mode", x2apic_msrs_gp_in_xapic_mode },
	{ "unimplemented_msrs_gp", unimplemented_msrs_gp },
	{ "tsc_deadline_msr_matches_cpuid", tsc_deadline_msr_matches_cpuid },
	/* Last: an emulator that cannot re-enable a disabled APIC leaves it off. */
	{ "cpuid_x2apic_consistent", cpuid_x2apic_consistent },
};
const unsigned vpc_ntests = sizeof(vpc_tests) / sizeof(vpc_tests[0]);
