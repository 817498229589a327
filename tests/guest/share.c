/*
 * share.c - `test=share ms=N`: a CPU share meter, seen from inside a VM.
 *
 * Runs in the guest kernel, ring 0, interrupts off while it measures. For
 * N ms of TSC time it reads the TSC in a tight loop: a gap between two
 * reads below a small threshold is its own CPU time, a larger one is time
 * taken from it (another VM's turn, mica's work, a rebuild charged to
 * nobody). A guest's RDTSC does not exit under mica, so the reads cost the
 * same as bare. Prints "share: NN.N% ..." and exits 0; a scenario asserts
 * what a bystander VM gets beside a hostile one (tests/scenarios/).
 */
#include "guest/kernel/time.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"
#include "tests/guest/guest_tests.h"

#define SHARE_DEFAULT_MS        1000
#define SHARE_MAX_MS            600000
/* A gap longer than this is time taken from the meter: 10 us, far more
 * than one turn of the loop (a few instructions), far less than any turn
 * of another VM. */
#define GAP_PER_SECOND          100000

void guest_share(struct boot_info *bi)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t ms = SHARE_DEFAULT_MS, hz = time_tsc_hz(), gap_max, start, end, last, now;
	uint64_t own = 0, taken = 0, gaps = 0, flags, permille;

	if (cmdline_get(bi->cmdline, "ms", val, sizeof(val)) &&
	    (cmdline_parse_uint(val, &ms) || ms < 1 || ms > SHARE_MAX_MS)) {
		klog("share: ms=%s: give milliseconds from 1 to %d\n", val, SHARE_MAX_MS);
		machine_exit(EXIT_BAD_CONFIG);
	}
	gap_max = hz / GAP_PER_SECOND;
	kprintf("share: measuring for %lu ms (%lu TSC; a gap over %lu TSC is taken)\n",
		(unsigned long)ms, (unsigned long)(hz / 1000 * ms), (unsigned long)gap_max);
	flags = read_rflags();
	cli();                  /* its own timer ticks are no one else's time */
	start = last = rdtsc();
	end = start + hz / 1000 * ms;
	do {
		uint64_t d;

		now = rdtsc();
		d = now - last;
		if (d <= gap_max) {
			own += d;
		} else {
			taken += d;
			gaps++;
		}
		last = now;
	} while (now < end);
	if (flags & RFLAGS_IF)
		sti();
	permille = own * 1000 / (own + taken);
	kprintf("share: %lu.%lu%% (own %lu TSC, taken %lu TSC in %lu gaps)\n",
		(unsigned long)(permille / 10), (unsigned long)(permille % 10),
		(unsigned long)own, (unsigned long)taken, (unsigned long)gaps);
	machine_exit(EXIT_OK);
}
