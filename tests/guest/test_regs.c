/*
 * test_regs.c - registers a VM must own alone, and string I/O, seen from
 * the guest. `test=regs`: KTAP; reset values of DR0-DR3, DR6, DR7, CR8
 * and IA32_DEBUGCTL, this VM's own values kept while it sleeps and other
 * VMs run, the MOV DR rules (DR4/DR5, general detect, reserved bits), a
 * breakpoint firing here, then INS/OUTS with and without REP, backwards,
 * across a page boundary, and onto bad pointers. `test=regs-hostile`:
 * sets DR0-DR3 on addresses mica uses, enables them, sets DR6, DEBUGCTL
 * and CR8 = 15, and sleeps, over and over. `test=regs-first`: the MOV DR
 * rules as the VM's first debug-register accesses, which mica emulates.
 *
 * Runs in the guest kernel, ring 0, 64-bit mode: under mica, and bare
 * (tests/scenarios/regs-bare-qemu.sh), where the answers must agree.
 * SDM Vol. 3, "Debug Registers"; Vol. 2, "MOV (Debug Registers)",
 * "MOV (Control Registers)", "INS", "OUTS".
 */
#include "guest/kernel/hv.h"
#include "guest/kernel/time.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/ktap.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"
#include "tests/guest/guest_tests.h"
#include "tests/guest/guest_try.h"

#define UART_THR        0x3f8
#define UART_SCRATCH    0x3ff
#define DR7_RW_WRITE    1
#define DR7_RW_ACCESS   3
#define DR7_LEN_4       3
#define DR7_LEN_8       2
#define DR7_BP(n, rw, len) ((DR7_L0 << (2 * (n))) | ((uint64_t)(rw) << DR7_RW_SHIFT(n)) | \
			    ((uint64_t)(len) << DR7_LEN_SHIFT(n)))
#define DR7_LE_GE       (BIT(8) | BIT(9))

/*
 * The hostile VM's breakpoints: an instruction breakpoint on mica's entry
 * (its first code page) and three 8-byte read/write breakpoints in mica's
 * boot stack, below its top (`watch=`, which tests/iso/isolation-regs.cfg
 * takes from mica's symbols), where every VM exit's calls run. In the
 * hostile VM's own memory nothing lives at these addresses.
 */
#define HOSTILE_DR0             0x100000ULL
/* DR1-DR3: 1 KiB and a little below the top, where VM entry saves mica's
 * registers and the exit handlers' frames lie (mica's run loop has its
 * frame about 1 KiB down). */
#define HOSTILE_STACK_DEPTH(n)  (0x3e0ULL + 0x20 * (n))

/* Everything this test owns in one place. */
struct regset {
	uint64_t dr[4], dr6, dr7, debugctl, cr8;
};

static bool under_mica;

static void regs_read(struct regset *r)
{
	r->dr[0] = read_dr0();
	r->dr[1] = read_dr1();
	r->dr[2] = read_dr2();
	r->dr[3] = read_dr3();
	r->dr6 = read_dr6();
	r->dr7 = read_dr7();
	r->cr8 = read_cr8();
	/* QEMU's software CPU has no IA32_DEBUGCTL: checked under mica only. */
	r->debugctl = under_mica ? rdmsr(MSR_IA32_DEBUGCTL) : 0;
}

static void regs_write(const struct regset *r)
{
	write_dr7(DR7_INIT);    /* no breakpoint on a half-written set */
	write_dr0(r->dr[0]);
	write_dr1(r->dr[1]);
	write_dr2(r->dr[2]);
	write_dr3(r->dr[3]);
	write_dr6(r->dr6);
	write_dr7(r->dr7);
	write_cr8(r->cr8);
	if (under_mica)
		wrmsr(MSR_IA32_DEBUGCTL, r->debugctl);
}

static bool regs_equal(const struct regset *a, const struct regset *b, const char *what)
{
	if (memcmp(a, b, sizeof(*a)) == 0)
		return true;
	ktap_diag("%s: DR0 0x%lx DR1 0x%lx DR2 0x%lx DR3 0x%lx DR6 0x%lx DR7 0x%lx "
		  "DEBUGCTL 0x%lx CR8 %lu; want DR0 0x%lx DR6 0x%lx DR7 0x%lx CR8 %lu", what,
		  (unsigned long)a->dr[0], (unsigned long)a->dr[1], (unsigned long)a->dr[2],
		  (unsigned long)a->dr[3], (unsigned long)a->dr6, (unsigned long)a->dr7,
		  (unsigned long)a->debugctl, (unsigned long)a->cr8, (unsigned long)b->dr[0],
		  (unsigned long)b->dr6, (unsigned long)b->dr7, (unsigned long)b->cr8);
	return false;
}

/* This VM's own values, from its name: another VM's differ. */
static void own_values(const char *cmdline, struct regset *r)
{
	char name[CMDLINE_VAL_MAX] = "";
	uint64_t h = 0xcbf29ce484222325ULL;

	guest_test_own_name(name, sizeof(name));
	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	for (unsigned i = 0; i < 4; i++)
		r->dr[i] = 0x70000000ULL + ((h >> (8 * i)) & 0xff) * 0x1000 + 8 * i;
	r->dr6 = DR6_INIT | (h & DR6_B0_B3) | DR6_BS;
	/* Write breakpoints on addresses this VM never touches. */
	r->dr7 = DR7_INIT | DR7_BP(0, DR7_RW_WRITE, DR7_LEN_4) | DR7_BP(2, DR7_RW_WRITE, DR7_LEN_8);
	r->debugctl = 0;
	r->cr8 = 1 + h % 14;
}

static const struct regset reset_values = {
	.dr = { 0, 0, 0, 0 }, .dr6 = DR6_INIT, .dr7 = DR7_INIT, .debugctl = 0, .cr8 = 0,
};

/* ---- the MOV DR rules ---------------------------------------------------- */

static bool dr4_dr5_alias(void)
{
	uint64_t dr4, dr5, dr7;

	write_cr4(read_cr4() & ~(uint64_t)CR4_DE);
	write_dr6(DR6_INIT | 2);
	__asm__ volatile("mov %0, %%dr5" : : "r"(DR7_INIT | DR7_LE_GE));
	__asm__ volatile("mov %%dr4, %0" : "=r"(dr4));
	__asm__ volatile("mov %%dr5, %0" : "=r"(dr5));
	dr7 = read_dr7();
	write_dr7(DR7_INIT);
	write_dr6(DR6_INIT);
	return dr4 == (DR6_INIT | 2) && dr5 == (DR7_INIT | DR7_LE_GE) && dr7 == dr5;
}

static bool dr4_ud_with_de(void)
{
	uint64_t v = 0;
	bool ok;

	write_cr4(read_cr4() | CR4_DE);
	ok = TRY("mov %%dr4, %0", "=r"(v) :) == VEC_UD && TRY("mov %0, %%dr5", "+r"(v) :) == VEC_UD;
	write_cr4(read_cr4() & ~(uint64_t)CR4_DE);
	return ok;
}

static bool dr6_dr7_high_bits_gp(void)
{
	uint64_t v = BIT(32) | DR7_INIT;

	return TRY("mov %0, %%dr7", "+r"(v) :) == VEC_GP && TRY("mov %0, %%dr6", "+r"(v) :) == VEC_GP &&
	       read_dr7() == DR7_INIT;
}

static bool general_detect_db(void)
{
	uint64_t v = 0, dr6, dr7;

	write_dr7(DR7_INIT | DR7_GD);
	if (TRY("mov %%dr7, %0", "=r"(v) :) != VEC_DB)
		return false;
	/* The #DB cleared GD, so these read without another. */
	dr6 = read_dr6();
	dr7 = read_dr7();
	if (!(dr6 & DR6_BD) || (dr7 & DR7_GD)) {
		ktap_diag("after general detect: DR6 0x%lx DR7 0x%lx", (unsigned long)dr6,
			  (unsigned long)dr7);
		return false;
	}
	write_dr6(DR6_INIT);
	return true;
}

static volatile uint32_t watched;

static bool breakpoint_fires_here(void)
{
	uint64_t addr = (uint64_t)&watched, dr6;
	uint32_t one = 1;

	write_dr6(DR6_INIT);
	write_dr0(addr);
	write_dr7(DR7_INIT | DR7_BP(0, DR7_RW_WRITE, DR7_LEN_4));
	if (TRY("movl %1, %0", "=m"(watched) : "r"(one)) != VEC_DB)
		return write_dr7(DR7_INIT), false;
	dr6 = read_dr6();
	write_dr7(DR7_INIT);
	write_dr6(DR6_INIT);
	return (dr6 & DR6_B0_B3) == 1;
}

static bool cr8_reserved_gp(void)
{
	uint64_t v = 16;

	return TRY("mov %0, %%cr8", "+r"(v) :) == VEC_GP && read_cr8() == 0;
}

static bool debugctl_supported_bits(void)
{
	uint32_t lo = DEBUGCTL_BTF, hi = 0;
	bool ok;

	wrmsr(MSR_IA32_DEBUGCTL, DEBUGCTL_BTF);
	ok = rdmsr(MSR_IA32_DEBUGCTL) == DEBUGCTL_BTF;
	wrmsr(MSR_IA32_DEBUGCTL, DEBUGCTL_LBR);         /* accepted, not kept */
	ok = ok && rdmsr(MSR_IA32_DEBUGCTL) == 0;
	lo = BIT(6);                                    /* TR: branch trace messages */
	ok = ok && TRY("wrmsr", "+a"(lo), "+d"(hi) : "c"(MSR_IA32_DEBUGCTL)) == VEC_GP;
	wrmsr(MSR_IA32_DEBUGCTL, 0);
	return ok && rdmsr(MSR_IA32_DEBUGCTL) == 0;
}

/* ---- string I/O ------------------------------------------------------------ */

/* One string instruction with RSI/RDI/RCX in and out; DF set when (down). */
struct sio {
	uint64_t rsi, rdi, rcx;
};

#define SIO(insn, s, port) \
	TRY(insn "\n\tcld", "+S"((s)->rsi), "+D"((s)->rdi), "+c"((s)->rcx) : "d"(port))
#define SIO_DOWN(insn, s, port) \
	TRY("std\n\t" insn "\n\tcld", "+S"((s)->rsi), "+D"((s)->rdi), "+c"((s)->rcx) : "d"(port))

/* Written before it is read: not cleared at boot (.noinit). */
static char page_pair[2 * 4096] __attribute__((aligned(4096), section(".noinit")));

static bool outsb_line(void)
{
	static const char line[] = "stringio: a line written by rep outsb\n";
	struct sio s = { (uint64_t)line, 0, sizeof(line) - 1 };

	return SIO("rep outsb", &s, UART_THR) == NO_FAULT && s.rcx == 0 &&
	       s.rsi == (uint64_t)line + sizeof(line) - 1;
}

static bool outsb_across_pages(void)
{
	static const char line[] = "stringio: this line crosses a page boundary\n";
	char *p = page_pair + 4096 - 13;
	struct sio s = { (uint64_t)p, 0, sizeof(line) - 1 };

	memcpy(p, line, sizeof(line) - 1);
	return SIO("rep outsb", &s, UART_THR) == NO_FAULT && s.rcx == 0;
}

static bool outsb_backwards(void)
{
	static const char line[] = "stringio: this line was written backwards\n";
	unsigned n = sizeof(line) - 1;
	char *p = page_pair + 4096 - 7;         /* across the boundary too */
	struct sio s = { (uint64_t)(p + n - 1), 0, n };

	for (unsigned i = 0; i < n; i++)
		p[i] = line[n - 1 - i];
	return SIO_DOWN("rep outsb", &s, UART_THR) == NO_FAULT && s.rcx == 0 &&
	       s.rsi == (uint64_t)p - 1;
}

static bool outsb_one_element(void)
{
	static const char c = '\n';
	struct sio s = { (uint64_t)&c, 0, 5 };

	/* Without REP: one byte, RCX untouched. */
	return SIO("outsb", &s, UART_THR) == NO_FAULT && s.rcx == 5 && s.rsi == (uint64_t)&c + 1;
}

static bool insb_from_scratch(void)
{
	uint8_t buf[16];
	struct sio s = { 0, (uint64_t)buf + 2, 8 };
	bool ok = true;

	memset(buf, 0, sizeof(buf));
	outb(UART_SCRATCH, 0xa5);
	if (SIO("rep insb", &s, UART_SCRATCH) != NO_FAULT || s.rcx != 0 ||
	    s.rdi != (uint64_t)buf + 10)
		return false;
	for (unsigned i = 0; i < sizeof(buf); i++)
		ok = ok && buf[i] == (i >= 2 && i < 10 ? 0xa5 : 0);
	return ok;
}

/* OUTS to a port with state: the last byte written stays in the scratch
 * register, and INS reads it back. */
static bool outsb_insb_round_trip(void)
{
	static const uint8_t out[3] = { 0x11, 0x22, 0x33 };
	uint8_t in = 0;
	struct sio s = { (uint64_t)out, 0, 3 };
	struct sio t = { 0, (uint64_t)&in, 1 };

	return SIO("rep outsb", &s, UART_SCRATCH) == NO_FAULT &&
	       SIO("rep insb", &t, UART_SCRATCH) == NO_FAULT && in == 0x33 &&
	       t.rdi == (uint64_t)&in + 1;
}

/* A bad pointer: #PF inside the guest, CR2 the address, the registers at
 * the element that faulted. Page 0 is not mapped (guest/kernel/vm.c). */
static bool outsb_bad_pointer_pf(void)
{
	struct sio s = { 0xff0, 0, 4 };

	fault_cr2 = 0;
	if (SIO("rep outsb", &s, UART_SCRATCH) != VEC_PF)
		return false;
	if (fault_cr2 != 0xff0 || fault_error != 0 || s.rcx != 4 || s.rsi != 0xff0) {
		ktap_diag("CR2 0x%lx error 0x%lx RCX %lu RSI 0x%lx", (unsigned long)fault_cr2,
			  (unsigned long)fault_error, (unsigned long)s.rcx, (unsigned long)s.rsi);
		return false;
	}
	return true;
}

static bool outsb_backwards_into_bad_page(void)
{
	struct sio s = { 0x1001, 0, 4 };

	fault_cr2 = 0;
	if (SIO_DOWN("rep outsb", &s, UART_SCRATCH) != VEC_PF)
		return false;
	if (fault_cr2 != 0xfff || s.rcx != 2 || s.rsi != 0xfff) {
		ktap_diag("CR2 0x%lx RCX %lu RSI 0x%lx", (unsigned long)fault_cr2,
			  (unsigned long)s.rcx, (unsigned long)s.rsi);
		return false;
	}
	return true;
}

/* INS into the kernel's read-only text: a protection #PF on a write. */
static bool insb_read_only_pf(void)
{
	struct sio s = { 0, (uint64_t)&outsb_line, 1 };

	fault_cr2 = 0;
	return SIO("rep insb", &s, UART_SCRATCH) == VEC_PF && fault_cr2 == (uint64_t)&outsb_line &&
	       fault_error == (PFERR_P | PFERR_W) && s.rcx == 1;
}

struct regs_test {
	const char *name;
	bool (*run)(void);
	const char *not_bare;   /* why QEMU's software CPU cannot check it, or NULL */
};

/* Report each of (t[0..n)) as KTAP; bare, what only mica can check is a
 * SKIP with its reason. */
static void run_tests(const struct regs_test *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (t[i].not_bare && !under_mica)
			ktap_result(true, "%s # SKIP %s", t[i].name, t[i].not_bare);
		else
			ktap_result(t[i].run(), "%s", t[i].name);
	}
}

static const struct regs_test tests[] = {
	{ "dr4_dr5_alias_dr6_dr7", dr4_dr5_alias, NULL },
	{ "dr4_dr5_ud_with_cr4_de", dr4_ud_with_de, NULL },
	{ "dr6_dr7_bits_63_32_gp", dr6_dr7_high_bits_gp, NULL },
	{ "dr7_general_detect_db", general_detect_db,
	  "QEMU's software CPU ignores DR7.GD" },
	{ "breakpoint_fires_in_this_vm", breakpoint_fires_here, NULL },
	{ "cr8_reserved_bits_gp", cr8_reserved_gp,
	  "QEMU's software CPU does not check CR8's reserved bits" },
	{ "debugctl_supported_bits_only", debugctl_supported_bits,
	  "QEMU's software CPU has no IA32_DEBUGCTL" },
	{ "rep_outsb_line", outsb_line, NULL },
	{ "rep_outsb_across_pages", outsb_across_pages, NULL },
	{ "rep_outsb_backwards", outsb_backwards, NULL },
	{ "outsb_without_rep", outsb_one_element, NULL },
	{ "rep_insb_scratch_register", insb_from_scratch, NULL },
	{ "outsb_insb_round_trip", outsb_insb_round_trip, NULL },
	{ "rep_outsb_bad_pointer_pf", outsb_bad_pointer_pf, NULL },
	{ "rep_outsb_backwards_into_bad_page", outsb_backwards_into_bad_page, NULL },
	{ "rep_insb_read_only_page_pf", insb_read_only_pf, NULL },
};

unsigned guest_test_regs(const char *cmdline)
{
	trap_handler_fn old[4];
	static const unsigned vecs[4] = { VEC_GP, VEC_UD, VEC_DB, VEC_PF };
	unsigned n = sizeof(tests) / sizeof(tests[0]);
	struct regset own, got;

	under_mica = hv_detect();
	for (unsigned i = 0; i < 4; i++)
		old[i] = trap_set_handler(vecs[i], try_on_fault);
	ktap_begin(n + 3);
	/* Let the other VMs run first: what they leave must not show here. */
	time_sleep_ms(100);
	regs_read(&got);
	ktap_result(regs_equal(&got, &reset_values, "at start"), "reset_values_at_start");
	own_values(cmdline, &own);
	regs_write(&own);
	regs_read(&got);
	ktap_result(regs_equal(&got, &own, "written"), "own_values_read_back");
	time_sleep_ms(300);
	regs_read(&got);
	ktap_result(regs_equal(&got, &own, "after sleeping"), "own_values_kept_while_others_ran");
	regs_write(&reset_values);
	run_tests(tests, n);
	for (unsigned i = 0; i < 4; i++)
		trap_set_handler(vecs[i], old[i]);
	return ktap_end();
}

/* ---- first accesses ---------------------------------------------------------- */

static bool dr7_reset_value(void)
{
	return read_dr7() == DR7_INIT;
}

static bool dr5_aliases_dr7(void)
{
	uint64_t dr5;

	write_cr4(read_cr4() & ~(uint64_t)CR4_DE);
	__asm__ volatile("mov %0, %%dr5" : : "r"(DR7_INIT | DR7_LE_GE));
	__asm__ volatile("mov %%dr5, %0" : "=r"(dr5));
	return dr5 == (DR7_INIT | DR7_LE_GE) && read_dr7() == dr5 && (write_dr7(DR7_INIT), true);
}

/* The MOV DR rules as a VM's first debug-register accesses: under mica
 * these exit and are emulated (only DR7, so the vCPU's DR0-DR3/DR6 stay
 * out of the CPU until the last test reads DR6); in test=regs they run
 * later, on the CPU itself. Both must give the same answers. */
static const struct regs_test first_tests[] = {
	{ "first_dr7_reset_value", dr7_reset_value, NULL },
	{ "first_dr5_aliases_dr7", dr5_aliases_dr7, NULL },
	{ "first_dr4_dr5_ud_with_cr4_de", dr4_ud_with_de, NULL },
	{ "first_dr6_dr7_bits_63_32_gp", dr6_dr7_high_bits_gp, NULL },
	{ "first_dr7_general_detect_db", general_detect_db, "QEMU's software CPU ignores DR7.GD" },
};

unsigned guest_test_regs_first(const char *cmdline)
{
	trap_handler_fn old[3];
	static const unsigned vecs[3] = { VEC_GP, VEC_UD, VEC_DB };
	unsigned n = sizeof(first_tests) / sizeof(first_tests[0]);

	(void)cmdline;
	under_mica = hv_detect();
	for (unsigned i = 0; i < 3; i++)
		old[i] = trap_set_handler(vecs[i], try_on_fault);
	ktap_begin(n);
	run_tests(first_tests, n);
	for (unsigned i = 0; i < 3; i++)
		trap_set_handler(vecs[i], old[i]);
	return ktap_end();
}

/* ---- the hostile VM ------------------------------------------------------- */

static volatile unsigned own_hits;

/* A breakpoint of its own firing in the hostile VM: count it and go on
 * (RF lets an instruction breakpoint's instruction run). */
static bool hostile_db(struct trap_frame *tf)
{
	own_hits++;
	tf->rflags |= RFLAGS_RF;
	write_dr6(DR6_INIT);
	return true;
}

unsigned guest_test_regs_hostile(const char *cmdline)
{
	struct regset mine = {
		.dr = { HOSTILE_DR0, 0, 0, 0 },
		.dr6 = DR6_INIT | DR6_WRITABLE,
		.dr7 = DR7_INIT | DR7_LE_GE | (DR7_ENABLES & 0xff) |
		       DR7_BP(0, 0, 0) | DR7_BP(1, DR7_RW_ACCESS, DR7_LEN_8) |
		       DR7_BP(2, DR7_RW_ACCESS, DR7_LEN_8) | DR7_BP(3, DR7_RW_ACCESS, DR7_LEN_8),
		.debugctl = DEBUGCTL_BTF,
		.cr8 = 15,
	}, got;
	trap_handler_fn old = trap_set_handler(VEC_DB, hostile_db);
	unsigned rounds = 0, kept = 0;
	uint64_t end;

	char val[CMDLINE_VAL_MAX];
	uint64_t top;

	if (!cmdline_get(cmdline, "watch", val, sizeof(val)) || cmdline_parse_uint(val, &top) ||
	    top < HOSTILE_STACK_DEPTH(3)) {
		klog("test: hostile: give watch=ADDRESS, the top of mica's stack\n");
		return 1;
	}
	for (unsigned i = 1; i < 4; i++)
		mine.dr[i] = top - HOSTILE_STACK_DEPTH(i);
	under_mica = hv_detect();
	end = time_ns() + 1000000000ULL;
	while (time_ns() < end) {
		regs_write(&mine);
		time_sleep_ms(2);               /* the others run meanwhile */
		regs_read(&got);
		got.dr6 = mine.dr6;             /* its own #DBs change DR6 */
		if (memcmp(&got, &mine, sizeof(got)) == 0)
			kept++;
		rounds++;
	}
	regs_write(&reset_values);
	trap_set_handler(VEC_DB, old);
	klog("test: hostile: %u rounds of DR0-DR3 = 0x%lx 0x%lx 0x%lx 0x%lx, DR6, DR7 0x%lx, "
	     "DEBUGCTL BTF, CR8 15; its own values kept in %u; its breakpoints hit in this VM "
	     "%u times\n", rounds, (unsigned long)mine.dr[0], (unsigned long)mine.dr[1],
	     (unsigned long)mine.dr[2], (unsigned long)mine.dr[3], (unsigned long)mine.dr7, kept,
	     own_hits);
	return kept == rounds && rounds > 0 ? 0 : 1;
}
