/*
 * move.c - `test=move`: a VM that proves it keeps its state while mica
 * moves it between CPUs. It fills a buffer of its RAM with a pattern of
 * its own, then checksums it over and over, CPU-bound (so that it counts
 * as load and is worth moving), checking and changing after each sum the
 * registers the CPU rather than the VMCS holds (an SSE register,
 * IA32_KERNEL_GS_BASE, CR2); each check line says whether its sums, its
 * timer ticks, its TSC and those registers held: a move that lost any of
 * them shows as a bad line. Bare, it runs the same and must pass too.
 *
 * Runs in the guest kernel, ring 0, interrupts on (the ticks are counted).
 */
#include "guest/kernel/time.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/frame.h"
#include "lib/msr.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"
#include "tests/guest/guest_tests.h"

#define MOVE_DEFAULT_CHECKS     20
#define MOVE_MAX_CHECKS         10000
#define MOVE_DEFAULT_MS         50      /* between two checks, TSC time */
#define MOVE_MAX_MS             10000
#define MOVE_KIB                64      /* the buffer it checksums */

/* A pattern of this VM's own: from its name, so that two VMs that swapped
 * buffers (or registers) would both see it. */
static uint64_t own_seed(void)
{
	char name[CMDLINE_VAL_MAX] = "";
	uint64_t h = 0xcbf29ce484222325ULL;

	guest_test_own_name(name, sizeof(name));
	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	return h;
}

static uint64_t checksum(const uint64_t *w, uint64_t n)
{
	uint64_t s = 0;

	for (uint64_t i = 0; i < n; i++)
		s = (s ^ w[i]) * 0x100000001b3ULL + i;
	return s;
}

static bool uint_key(const char *cmdline, const char *key, uint64_t max, uint64_t *v)
{
	char val[CMDLINE_VAL_MAX];

	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return true;
	if (cmdline_parse_uint(val, v) || *v < 1 || *v > max) {
		klog("move: %s=%s: give a number from 1 to %lu\n", key, val, (unsigned long)max);
		return false;
	}
	return true;
}

/* State the CPU holds for the guest, not the VMCS (an SSE register, an
 * MSR the guest owns, CR2): mica must carry it from one CPU to the next.
 * It changes after every sum, so that a copy saved before the guest's
 * last turn, restored after a move, shows. */
static void set_regs(uint64_t v)
{
	__asm__ volatile("movq %0, %%xmm5" : : "r"(v));
	wrmsr(MSR_IA32_KERNEL_GS_BASE, v >> 17);        /* canonical, or WRMSR faults */
	write_cr2(v);
}

static bool regs_hold(uint64_t v)
{
	uint64_t x;

	__asm__ volatile("movq %%xmm5, %0" : "=r"(x));
	return x == v && rdmsr(MSR_IA32_KERNEL_GS_BASE) == v >> 17 && read_cr2() == v;
}

void guest_move(struct boot_info *bi)
{
	uint64_t checks = MOVE_DEFAULT_CHECKS, ms = MOVE_DEFAULT_MS, seed = own_seed();
	uint64_t n = MOVE_KIB * 1024 / sizeof(uint64_t), want, every, next, last_tsc, last_ticks;
	uint64_t sums = 0, bad_sums = 0, bad = 0, lost = 0;
	uint64_t pa = frame_alloc_contig(&bi->frames, MOVE_KIB * 1024 / FRAME_SIZE, FRAME_SIZE);
	uint64_t *buf = (uint64_t *)(uintptr_t)pa;

	if (!uint_key(bi->cmdline, "checks", MOVE_MAX_CHECKS, &checks) ||
	    !uint_key(bi->cmdline, "ms", MOVE_MAX_MS, &ms))
		machine_exit(EXIT_BAD_CONFIG);
	if (!pa) {
		klog("move: no %d KiB of free memory for the buffer\n", MOVE_KIB);
		machine_exit(EXIT_BAD_CONFIG);
	}
	for (uint64_t i = 0; i < n; i++)
		buf[i] = (seed + i) * 0x9e3779b97f4a7c15ULL;
	want = checksum(buf, n);
	write_cr4(read_cr4() | CR4_OSFXSR);
	set_regs(seed);
	every = time_tsc_hz() / 1000 * ms;
	kprintf("move: %lu checks, one every %lu ms, of a %d KiB buffer (sum 0x%lx)\n",
		(unsigned long)checks, (unsigned long)ms, MOVE_KIB, (unsigned long)want);
	last_tsc = rdtsc();
	last_ticks = time_ticks();
	next = last_tsc + every;
	for (uint64_t c = 1; c <= checks; c++) {
		uint64_t round_bad = 0, round_lost = 0, tsc, ticks;
		bool ok;

		/* CPU-bound until the check: sum after sum, the registers
		 * checked and changed after each. */
		do {
			if (checksum(buf, n) != want)
				round_bad++;
			if (!regs_hold(seed + sums))
				round_lost++;
			sums++;
			set_regs(seed + sums);
			tsc = rdtsc();
		} while (tsc < next);
		next = tsc + every;
		ticks = time_ticks();
		bad_sums += round_bad;
		lost += round_lost;
		ok = !round_bad && !round_lost && ticks > last_ticks && tsc > last_tsc;
		bad += !ok;
		kprintf("move: check %lu: %s: %lu bad sums, ticks %lu (+%lu), tsc +%lu, "
			"registers %s\n", (unsigned long)c, ok ? "ok" : "BAD", (unsigned long)round_bad,
			(unsigned long)ticks, (unsigned long)(ticks - last_ticks),
			(unsigned long)(tsc - last_tsc), round_lost ? "LOST" : "kept");
		last_tsc = tsc;
		last_ticks = ticks;
	}
	kprintf("move: %lu checks, %lu bad; %lu sums, %lu wrong; registers lost %lu times\n",
		(unsigned long)checks, (unsigned long)bad, (unsigned long)sums,
		(unsigned long)bad_sums, (unsigned long)lost);
	machine_exit(bad ? EXIT_TEST_FAILED : EXIT_OK);
}
