/*
 * main.c - the guest kernel's bring-up: a readable list of init calls,
 * then one app (unikernel) or a test scenario.
 *
 * Runs in 64-bit ring 0, entered from boot/boot.S exactly as mica's
 * hypervisor is: bare on a PC or emulator, or as a VM under mica, which
 * enters it the way GRUB does.
 */
#include "guest/kernel/engine.h"
#include "guest/kernel/hv.h"
#include "guest/kernel/selftest.h"
#include "guest/kernel/time.h"
#include "guest/kernel/uk.h"
#include "guest/kernel/vm.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/vga.h"
#include "tests/guest/guest_tests.h"

const char kernel_name[] = "guest";

/*
 * Options the guest kernel understands (docs/configuration.md), which are
 * never given to an app (guest/kernel/uk.c), then the apps' arguments
 * (docs/apps.md), which the chosen app checks itself. mica's module keys
 * are not among them: mica keeps them, as a boot loader keeps its own.
 */
const char *const guest_kernel_keys[] = {
	"selftest", "test", "app", "hz", "seed", "lines", "watch", "via", "ms", "until", "checks",
	"expect-name", "expect-nmi", "console",                 /* the kernel's */
	"containers", "script", "replicas", "image", "kernel-bug", /* container host's */
	NULL
};
static const char *const app_keys[] = { "n", "rounds", "size", "hold", "seconds", "busy", NULL };

/* Both lists as one, for the command-line check. */
static const char *const *all_options(void)
{
	static const char *all[32];
	unsigned n = 0;

	for (unsigned i = 0; guest_kernel_keys[i]; i++)
		all[n++] = guest_kernel_keys[i];
	for (unsigned i = 0; app_keys[i]; i++)
		all[n++] = app_keys[i];
	all[n] = NULL;
	return all;
}

/* `test=NAME`: a scenario of tests/guest/. Returns its failures, or
 * NO_SUCH_TEST for a name it does not know (a bad configuration). */
#define NO_SUCH_TEST ((unsigned)-1)
static unsigned run_test(const char *name, struct boot_info *bi)
{
	const char *cmdline = bi->cmdline;

	if (strcmp(name, "vmx") == 0)
		return guest_test_vmx(cmdline);
	if (strcmp(name, "fpu") == 0)
		return guest_test_fpu(cmdline);
	if (strcmp(name, "hostile") == 0)
		return guest_test_hostile(cmdline);
	if (strcmp(name, "bystander") == 0)
		return guest_test_bystander(cmdline);
	if (strcmp(name, "regs") == 0)
		return guest_test_regs(cmdline);
	if (strcmp(name, "regs-first") == 0)
		return guest_test_regs_first(cmdline);
	if (strcmp(name, "regs-hostile") == 0)
		return guest_test_regs_hostile(cmdline);
	if (strcmp(name, "nmi") == 0)
		return guest_test_nmi(cmdline);
	if (strcmp(name, "ept-violation") == 0)
		guest_test_ept_violation();
	else if (strcmp(name, "triple-fault") == 0)
		guest_test_triple_fault();
	else if (strcmp(name, "halt") == 0)
		guest_test_halt();
	else if (strcmp(name, "exception") == 0)
		guest_test_exception();
	else if (strcmp(name, "crash-once") == 0)
		guest_test_crash_once(bi);
	else if (strcmp(name, "crash-loop") == 0)
		guest_test_crash_loop(cmdline);
	else if (strcmp(name, "share") == 0)
		guest_share(bi);
	else if (strcmp(name, "move") == 0)
		guest_move(bi);
	else if (strcmp(name, "fuzz") == 0)
		guest_fuzz(bi);
	else if (strcmp(name, "flood") == 0)
		guest_flood(bi);
	else if (strcmp(name, "probe") == 0)
		guest_test_probe(bi);
	else if (strcmp(name, "exit-storm") == 0)
		guest_exit_storm(bi);
	else if (strcmp(name, "scan") == 0)
		guest_test_scan(bi);
	else if (strcmp(name, "bench-exits") == 0) {
		guest_bench_exits();
		return 0;
	} else {
		klog("test=%s: no such test (known: vmx, ept-violation, triple-fault, halt, "
		     "exception, crash-once, crash-loop, probe, scan, fpu, nmi, hostile, bystander, regs, "
		     "regs-first, regs-hostile, bench-exits, exit-storm, fuzz, flood, share, move)\n", name);
		return NO_SUCH_TEST;
	}
	return 1;
}

/* `hz=N`: the timer rate, 10 to 1000 ticks a second. */
static unsigned timer_rate(const char *cmdline)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t hz;

	if (!cmdline_get(cmdline, "hz", val, sizeof(val)))
		return TIME_DEFAULT_HZ;
	if (cmdline_parse_uint(val, &hz) || hz < 10 || hz > 1000) {
		klog("hz=%s: give a rate from 10 to 1000; using %d\n", val, TIME_DEFAULT_HZ);
		return TIME_DEFAULT_HZ;
	}
	return (unsigned)hz;
}

static const char banner[] = "mica guest kernel\n";

void kmain(uint32_t magic, uint32_t mbi_pa);

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct boot_info *bi;
	char test[CMDLINE_VAL_MAX];
	bool under_mica;
	int status = EXIT_OK;

	console_init();                 /* COM1 */
	cpu_init();                     /* GDT and TSS */
	trap_init();                    /* exceptions print registers and stop */
	under_mica = hv_detect();       /* CPUID signature "MicaMicaMica" */
	if (under_mica)
		hv_use_hypercalls();    /* console and exit by hypercall */
	kprintf("%s", banner);
	bi = boot_info_init(magic, mbi_pa, all_options()); /* command line, memory */
	if (vga_console_setup(bi->cmdline, !under_mica)) /* console=serial,vga: bare only */
		machine_exit(EXIT_BAD_CONFIG);
	vga_console_write(banner, sizeof(banner) - 1);  /* the screen starts with it */
	boot_info_print(bi);
	klog(under_mica ? "running under mica: console and exit through hypercalls\n" :
			  "no mica signature: running bare, console on COM1\n");
	vm_init(bi);                    /* own page tables: text read-only, data no-execute */
	time_init(timer_rate(bi->cmdline)); /* PIT through the PIC, TSC clock */

	if (bi->selftest) {
		vga_console_report();   /* console=serial,vga: what the screen holds */
		if (guest_selftest(bi))
			status = EXIT_TEST_FAILED;
	}
	if (cmdline_get(bi->cmdline, "test", test, sizeof(test))) {
		unsigned failures = run_test(test, bi);

		if (failures == NO_SUCH_TEST)
			status = EXIT_BAD_CONFIG;
		else if (failures)
			status = EXIT_TEST_FAILED;
	} else if (cmdline_get(bi->cmdline, "containers", NULL, 0)) {
		status = engine_main(bi);       /* container host: guest/kernel/engine.c */
	} else if (!bi->selftest) {
		uk_set_pool(&bi->frames);       /* the app's memory */
		status = uk_run(bi->cmdline, frame_pool_free_count(&bi->frames) * FRAME_SIZE);
	}
	machine_exit(status);
}
