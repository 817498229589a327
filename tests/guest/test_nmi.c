/*
 * test_nmi.c - `test=nmi nmi=N`: the guest's own NMIs, as mica injects
 * them. mica presses the VM's NMI button N times, every 10 ms from the
 * "ready" line on (hv/vmx/vmx_nmi.c). Every other NMI the handler spins
 * for 15 ms, so the next press comes while the guest is still inside its
 * handler: mica must hold it back until the handler's IRET (virtual-NMI
 * blocking, NMI-window exiting), then deliver it. Exactly N NMIs must
 * arrive, never one inside another; host NMIs (mica's hostnmi=) that land
 * in this guest must not be among them.
 *
 * Runs in the guest kernel, ring 0, 64-bit mode, in VMX non-root.
 */
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/ktap.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"
#include "guest/kernel/time.h"
#include "tests/guest/guest_tests.h"

#define SPIN_MS         15      /* longer than the 10 ms between presses */
#define QUIET_MS        100     /* after the last one: no extra NMI may come */

static volatile unsigned nmis, nested, inside;
static uint64_t spin_tsc;

static bool on_nmi(struct trap_frame *tf)
{
	(void)tf;
	if (inside)
		nested++;
	inside = 1;
	if (nmis++ % 2 == 0) {
		uint64_t t0 = rdtsc();

		while (rdtsc() - t0 < spin_tsc)
			pause();
	}
	inside = 0;
	return true;
}

static void wait_ms(uint64_t ms)
{
	uint64_t t0 = rdtsc(), span = time_tsc_hz() / 1000 * ms;

	while (rdtsc() - t0 < span)
		pause();
}

unsigned guest_test_nmi(const char *cmdline)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t want = 0, t0;

	if (!cmdline_get(cmdline, "expect-nmi", val, sizeof(val)) ||
	    cmdline_parse_uint(val, &want) || want == 0) {
		klog("test=nmi: needs expect-nmi=N (N > 0 presses of the NMI button)\n");
		return 1;
	}
	spin_tsc = time_tsc_hz() / 1000 * SPIN_MS;
	trap_set_handler(VEC_NMI, on_nmi);
	ktap_begin(2);
	kprintf("ready test=nmi pid=1 tsc=%lu\n", (unsigned long)rdtsc());
	t0 = rdtsc();
	/* Presses every 10 ms; every other one waits up to 15 ms. */
	while (nmis < want && rdtsc() - t0 < time_tsc_hz() / 1000 * (20 * want + 1000))
		pause();
	wait_ms(QUIET_MS);
	kprintf("test=nmi: %u NMIs for %lu presses, %u inside another\n", nmis,
		(unsigned long)want, nested);
	ktap_result(nmis == want, "nmi_each_press_delivered_once");
	ktap_result(nested == 0, "nmi_blocked_until_iret");
	return ktap_end();
}
