/*
 * main.c - the guest kernel's bring-up: a readable list of init calls.
 *
 * Runs in 64-bit ring 0, entered from boot/boot.S exactly as mica's
 * hypervisor is: bare on a PC or emulator, or as a VM under mica, which
 * enters it the way GRUB does.
 */
#include "guest/kernel/selftest.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "tests/guest/guest_tests.h"

const char kernel_name[] = "guest";

/*
 * Options the guest kernel understands (docs/configuration.md): its own,
 * and mica's module keys, which mica passes on as GRUB would.
 */
static const char *const guest_options[] = {
	"selftest", "test", "name", "mem", NULL
};

/* `test=NAME`: a scenario of tests/guest/. Returns its failures. */
static unsigned run_test(const char *name, const char *cmdline)
{
	if (strcmp(name, "vmx") == 0)
		return guest_test_vmx(cmdline);
	if (strcmp(name, "ept-violation") == 0)
		guest_test_ept_violation();
	else if (strcmp(name, "triple-fault") == 0)
		guest_test_triple_fault();
	else if (strcmp(name, "halt") == 0)
		guest_test_halt();
	else if (strcmp(name, "exception") == 0)
		guest_test_exception();
	else if (strcmp(name, "bench-exits") == 0) {
		guest_bench_exits();
		return 0;
	} else
		klog("test=%s: no such test (known: vmx, ept-violation, triple-fault, halt, "
		     "exception, bench-exits)\n", name);
	return 1;
}

void kmain(uint32_t magic, uint32_t mbi_pa);

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct boot_info *bi;
	char test[CMDLINE_VAL_MAX];
	int status = EXIT_OK;

	console_init();                 /* COM1 */
	cpu_init();                     /* GDT and TSS */
	trap_init();                    /* exceptions print registers and stop */
	kprintf("mica guest kernel\n");
	bi = boot_info_init(magic, mbi_pa, guest_options); /* command line, memory */
	boot_info_print(bi);

	if (bi->selftest && guest_selftest(bi))
		status = EXIT_TEST_FAILED;
	if (cmdline_get(bi->cmdline, "test", test, sizeof(test)) && run_test(test, bi->cmdline))
		status = EXIT_TEST_FAILED;
	machine_exit(status);
}
