/*
 * guest_tests.h - scenarios the guest kernel runs on request
 * (`test=NAME` on its command line), for tests/scenarios/.
 */
#ifndef TESTS_GUEST_GUEST_TESTS_H
#define TESTS_GUEST_GUEST_TESTS_H

#include <stddef.h>

/* KTAP run of mica's exit handlers, seen from the guest. Returns the
 * number of failures. */
unsigned guest_test_vmx(const char *cmdline);

/* The guest's own NMIs (`test=nmi expect-nmi=N`, beside mica's `nmi=N`): each press of the VM's NMI
 * button arrives once, never inside the handler of another. Returns the
 * number of failures. */
unsigned guest_test_nmi(const char *cmdline);

/* The VM's name as mica tells it (HC_INFO) into (name) of (n) bytes;
 * "" when bare. Tests derive values of a VM's own from it. */
void guest_test_own_name(char *name, size_t n);

/* Negative scenarios: each should end the VM from mica's side; if one
 * returns, the guest says so and the scenario fails. */
void guest_test_ept_violation(void);
void guest_test_triple_fault(void);
void guest_test_halt(void);

struct boot_info;

/* `test=crash-loop until=MS`: crash with a triple fault right after every
 * start until the TSC passes MS ms from the machine's start (5000 by
 * default), then finish cleanly: a crash loop of known length. */
void guest_test_crash_loop(const char *cmdline);

/* Under mica: fill the free memory with a pattern and crash with a triple
 * fault in the VM's first life; once mica restarted it (HC_INFO's
 * restarts), check that no free frame holds data, then finish with exit
 * code 0 (1 if one does). */
void guest_test_crash_once(struct boot_info *bi);

/* Isolation of registers: put a value of this VM's own in XMM0 and XMM7,
 * sleep while other VMs run, and check it. Returns 0 if intact. */
unsigned guest_test_fpu(const char *cmdline);

/* Neighbours under mica: the hostile side writes IA32_TSC_AUX and every
 * CMOS byte for a while; the bystander beside it holds a TSC_AUX value of
 * its own and reads the CMOS ports meanwhile, and reports KTAP. Each
 * returns its failures. */
unsigned guest_test_hostile(const char *cmdline);
unsigned guest_test_bystander(const char *cmdline);

/* Registers each VM owns (debug registers, CR8, DEBUGCTL) and string
 * I/O, as KTAP (tests/guest/test_regs.c). Returns the failures. */
unsigned guest_test_regs(const char *cmdline);

/* The MOV DR rules as the VM's first debug-register accesses (emulated by
 * mica while MOV DR exits), as KTAP. Returns the failures. */
unsigned guest_test_regs_first(const char *cmdline);

/* The hostile side: DR0-DR3 on mica's addresses, breakpoints enabled,
 * DEBUGCTL and CR8 = 15, over and over while sleeping. Returns 0 if its
 * own values stayed its own. */
unsigned guest_test_regs_hostile(const char *cmdline);

/* Isolation: fill all of the VM's free memory with a pattern, then write
 * just above its RAM. Under mica that write must stop the VM alone. */
void guest_test_probe(struct boot_info *bi);

/* `test=scan ms=MS`: sleep MS ms while other VMs run and stop, then read
 * every free frame: all must hold zeros (mica gives a VM only zeroed
 * RAM, whoever held it before). Exit code 0, or 1 if one holds data. */
void guest_test_scan(struct boot_info *bi);

/* An unhandled exception: the kernel must dump registers and panic. */
void guest_test_exception(void);

/* The guest fuzzer (tests/guest/fuzz.c): one random hostile case per life
 * of the VM. Ends the VM; does not return. */
void guest_fuzz(struct boot_info *bi) __attribute__((noreturn));
/* Console flood (tests/guest/flood.c): numbered, hashed lines, then exit. */
void guest_flood(struct boot_info *bi) __attribute__((noreturn));
/* CPU share meter (tests/guest/share.c): `ms=N` of TSC time in a tight
 * RDTSC loop, then "share: NN.N% ..." and exit 0. */
void guest_share(struct boot_info *bi) __attribute__((noreturn));
/* State across moves between CPUs (tests/guest/move.c): `checks=N ms=M`,
 * a buffer checksummed CPU-bound, a line per check of its sums, ticks,
 * TSC and CPU-held registers; exits 0 if every check was right. */
void guest_move(struct boot_info *bi) __attribute__((noreturn));
/* Benchmark: TSC cost of a CPUID exit and of a null hypercall round trip,
 * printed as "bench: NAME VALUE" lines. */
void guest_bench_exits(void);
/* Exits back to back (tests/guest/bench_exits.c): `ms=N` of CPUID and null
 * hypercalls, each answer checked; exits 0 if all were right. */
void guest_exit_storm(struct boot_info *bi) __attribute__((noreturn));

#endif /* TESTS_GUEST_GUEST_TESTS_H */
